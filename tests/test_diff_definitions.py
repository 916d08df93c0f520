"""What a definition change means: model SQL compared as syntax trees, metric YAML field by field."""

from __future__ import annotations

import copy

from scorecard.diff.compare import _with_property_changes
from scorecard.diff.field_changes import FieldChange, field_changes, kind_of
from scorecard.diff.impact import Impact
from scorecard.diff.model import DefinitionChange
from scorecard.diff.sql_changes import compare_sql

MODEL = """
with orders as (
    select * from marts.fct_orders where not is_cancelled
)
select user_id, count(*) as orders, sum(revenue_amount) as revenue
from orders
group by user_id
"""


def test_whitespace_case_and_comments_are_no_semantic_change():
    reformatted = """-- orders per user
    WITH orders AS (SELECT * FROM marts.fct_orders WHERE NOT is_cancelled /* live orders */)
    SELECT user_id,
           COUNT(*) AS orders,
           SUM(revenue_amount) AS revenue
      FROM orders GROUP BY user_id"""
    change = compare_sql(MODEL, reformatted)
    assert not change.semantic
    assert change.summary == "no semantic change (formatting or comments only)"


def test_a_changed_filter_names_the_cte_and_clause():
    change = compare_sql(
        MODEL, MODEL.replace("where not is_cancelled", "where not is_cancelled and revenue_amount > 0")
    )
    assert change.semantic
    assert change.edits == ["cte orders: where: WHERE NOT is_cancelled → WHERE NOT is_cancelled AND revenue_amount > 0"]


def test_a_changed_aggregation_and_a_new_column_are_named_by_column():
    change = compare_sql(
        MODEL,
        MODEL.replace(
            "sum(revenue_amount) as revenue", "avg(revenue_amount) as revenue, max(ordered_at) as last_order"
        ),
    )
    assert change.semantic
    assert change.edits == [
        "added column MAX(ordered_at) AS last_order",
        "column revenue: SUM(revenue_amount) AS revenue → AVG(revenue_amount) AS revenue",
    ]
    assert change.summary == "2 changes in the query"


def test_sql_that_does_not_parse_is_never_called_formatting():
    broken = "select a from (((t"
    assert not compare_sql(broken, broken.replace(" ", "  ")).semantic
    change = compare_sql(broken, broken.replace("a", "b"))
    assert change.semantic and change.summary.startswith("changed (not parsed:")


D7_RETENTION = {
    "name": "d7_retention",
    "description": "Share of a signup cohort active on day 7.",
    "type": "ratio",
    "type_params": {
        "numerator": {"name": "retained_d7_users", "filter": None, "offset_window": None},
        "denominator": {"name": "d7_cohort_users", "filter": None, "offset_window": None},
        "window": None,
    },
    "filter": None,
    "config": {"meta": {"kpi": {"owner": "retention-pm", "cadence": "week", "target": 0.25}}},
}


def test_field_changes_say_what_kind_of_change_each_is():
    head = copy.deepcopy(D7_RETENTION)
    head["type_params"]["denominator"]["filter"] = {
        "where_filters": [{"where_sql_template": "{{ Dimension('user__platform') }} = 'ios'"}]
    }
    head["config"]["meta"]["kpi"]["target"] = 0.3
    head["description"] = "Share of a signup cohort active on day 7 after signing up."
    changes = {c.path: c for c in field_changes(D7_RETENTION, head)}
    assert set(changes) == {"type_params.denominator.filter", "config.meta.kpi.target", "description"}
    assert changes["type_params.denominator.filter"].kind == "filter"
    assert changes["config.meta.kpi.target"].kind == "kpi_target"
    assert changes["config.meta.kpi.target"].describe() == "config.meta.kpi.target: 0.25 → 0.3"
    assert changes["description"].kind == "documentation" and not changes["description"].semantic


def test_named_lists_match_by_name_so_reordering_is_no_change():
    base = {
        "name": "orders",
        "measures": [
            {"name": "order_revenue", "agg": "sum", "expr": "revenue_amount"},
            {"name": "buyers", "agg": "count_distinct", "expr": "user_id"},
        ],
    }
    reordered = {"name": "orders", "measures": list(reversed(base["measures"]))}
    assert field_changes(base, reordered) == []
    changed = copy.deepcopy(reordered)
    changed["measures"][1]["agg"] = "average"
    (change,) = field_changes(base, changed)
    assert (change.path, change.kind, change.before, change.after) == (
        "measures[order_revenue].agg",
        "aggregation",
        "sum",
        "average",
    )


def test_kinds_follow_the_most_specific_rule():
    assert kind_of("type_params.window") == "window"
    assert kind_of("type_params.cumulative_type_params.window") == "window"
    assert kind_of("type") == "type"
    assert kind_of("measures[x].expr") == "expression"
    assert kind_of("measures[x].agg_params.percentile") == "aggregation"
    assert kind_of("config.meta.kpi.cadence") == "kpi_metadata"
    # who owns a KPI and how it is shown change no number
    assert kind_of("config.meta.kpi.owner") == "documentation"
    assert kind_of("config.meta.kpi.display") == "documentation"
    assert kind_of("config.meta.kpi.warn_at") == "kpi_target"


def test_a_changed_table_in_from_is_named_as_such_in_the_query_and_in_a_cte():
    # sqlglot 30 keeps FROM under `from_`: read as `from`, every such change was "the query changed"
    assert compare_sql("select a from t", "select a from u").edits == ["from: FROM t → FROM u"]
    change = compare_sql(MODEL, MODEL.replace("from marts.fct_orders", "from marts.fct_orders_v2"))
    assert change.edits == ["cte orders: from: FROM marts.fct_orders → FROM marts.fct_orders_v2"]


def test_a_filter_respaced_is_no_change_and_a_filter_on_another_value_is():
    def with_filter(where: str) -> dict:
        head = copy.deepcopy(D7_RETENTION)
        head["filter"] = {"where_filters": [{"where_sql_template": where}]}
        return head

    base = with_filter("{{ Dimension('user__platform') }} = 'ios'")
    assert field_changes(base, with_filter("{{Dimension('user__platform')}}  =  'ios' -- iOS only")) == []
    (change,) = field_changes(base, with_filter("{{ Dimension('user__platform') }} = 'IOS'"))
    assert (change.path, change.kind) == ("filter.where_filters[0].where_sql_template", "filter")
    (change,) = field_changes(base, with_filter("{{ Dimension('user__country') }} = 'ios'"))
    assert change.kind == "filter"


def test_a_models_changed_properties_join_its_sql_changes_or_stand_alone():
    impact = Impact(
        field_changes={
            "model.scorecard.fct_orders": [FieldChange("config.materialized", "other", "table", "view")],
            "model.scorecard.fct_carts": [FieldChange("columns[cart_id].data_type", "other", "bigint", "varchar")],
            "metric.scorecard.orders": [FieldChange("filter", "filter", None, "x")],
        }
    )
    formatted = DefinitionChange(
        kind="model", name="fct_orders", change="modified", semantic=False, details=["no semantic change"]
    )
    changes = {c.name: c for c in _with_property_changes([formatted], impact)}
    assert set(changes) == {"fct_orders", "fct_carts"}  # the metric's changes are listed elsewhere
    # reformatted SQL and a new materialization: a change after all
    assert changes["fct_orders"].semantic is True
    assert changes["fct_orders"].details == [
        "SQL: formatting, whitespace or comments only",
        "config.materialized: table → view (properties)",
    ]
    assert (changes["fct_carts"].change, changes["fct_carts"].semantic, changes["fct_carts"].details) == (
        "modified",
        True,
        ["columns[cart_id].data_type: bigint → varchar (properties)"],
    )


def test_long_definitions_are_cut_where_they_differ_not_at_their_start():
    case = "case when x > 1 and y is not null and z is not null then numerator / nullif(denominator, 0) else {} end"
    change = compare_sql(f"select {case.format('0')} as share from t", f"select {case.format('NULL')} as share from t")
    (edit,) = change.edits
    before, after = edit.removeprefix("column share: ").split(" → ")
    # cut at their first 80 characters both sides read the same; cut where they differ, they do not
    assert before.startswith("…") and "ELSE 0 END" in before and "ELSE NULL END" in after
    region = "{{ Dimension('invoice__customer_type') }} = 'business' and {{ Dimension('invoice__region') }} = '%s'"
    base, head = dict(D7_RETENTION, filter=region % "EMEA"), dict(D7_RETENTION, filter=region % "APAC")
    (filter_change,) = field_changes(base, head)
    shown = filter_change.describe().removeprefix("filter: ")
    assert shown.startswith("…") and "'EMEA'" in shown and "'APAC'" in shown
