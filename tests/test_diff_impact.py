"""What a changed entity or dimension reaches in `scorecard diff`, on two small hand-written semantic
manifests: users (primary entity user) and orders (primary entity order, foreign entity user), so that
which of the two entities changed, and where, decides what is split, joined or converted by it."""

from __future__ import annotations

import copy
from pathlib import Path

from scorecard.diff.impact import lineage_impact, redefined_metrics
from scorecard.diff.sides import Parsed

SEMANTIC_MODELS = [
    {
        "name": "users",
        "entities": [{"name": "user", "type": "primary", "expr": "user_id"}],
        "dimensions": [{"name": "country", "type": "categorical"}, {"name": "platform", "type": "categorical"}],
        "measures": [{"name": "new_users", "agg": "count"}],
    },
    {
        "name": "orders",
        "entities": [
            {"name": "order", "type": "primary", "expr": "order_id"},
            {"name": "user", "type": "foreign", "expr": "user_id"},
        ],
        "dimensions": [{"name": "channel", "type": "categorical"}],
        "measures": [{"name": "order_count", "agg": "count"}, {"name": "buyers", "agg": "count_distinct"}],
    },
]

# metric -> its measures, the dimensions its KPI is split by, and its filter or conversion parameters
METRICS = {
    "signups": {"measures": ["new_users"], "split": ["user__platform"]},
    "orders_by_country": {"measures": ["order_count"], "split": ["user__country"]},
    "orders_by_channel": {"measures": ["order_count"], "split": ["order__channel"]},
    "buyers": {"measures": ["buyers"], "split": []},
    # written with double quotes, which dbt accepts as well
    "us_orders": {"measures": ["order_count"], "split": [], "filter": "{{ Dimension(\"user__country\") }} = 'US'"},
    "signup_to_order": {
        "measures": ["new_users", "order_count"],
        "split": [],
        "conversion": {
            "entity": "user",
            "constant_properties": [{"base_property": "platform", "conversion_property": "channel"}],
        },
    },
}


def _parsed(semantic_models: list[dict]) -> Parsed:
    metrics = [
        {
            "name": name,
            "filter": {"where_filters": [{"where_sql_template": metric["filter"]}]} if "filter" in metric else None,
            "type_params": {
                "input_measures": [{"name": m} for m in metric["measures"]],
                "conversion_type_params": metric.get("conversion"),
            },
            "config": {"meta": {"kpi": {"dimensions": metric["split"]}}},
        }
        for name, metric in METRICS.items()
    ]
    owner = {m["name"]: model["name"] for model in semantic_models for m in model["measures"]}
    parents = {name: {owner[m] for m in metric["measures"]} for name, metric in METRICS.items()}
    manifest = {
        "metadata": {"project_name": "p"},
        "nodes": {},
        "macros": {},
        "semantic_models": {f"semantic_model.p.{m['name']}": {"depends_on": {"nodes": []}} for m in semantic_models},
        "metrics": {
            f"metric.p.{name}": {
                "name": name,
                "depends_on": {"nodes": [f"semantic_model.p.{m}" for m in parents[name]]},
            }
            for name in METRICS
        },
        "child_map": {
            f"semantic_model.p.{model['name']}": [
                f"metric.p.{name}" for name in METRICS if model["name"] in parents[name]
            ]
            for model in semantic_models
        },
    }
    return Parsed("side", Path("."), manifest, {"semantic_models": semantic_models, "metrics": metrics})


def _changed(edit, base_models: list[dict] = SEMANTIC_MODELS) -> tuple[set[str], set[str]]:
    """(metrics reached, metrics redefined) when ``edit`` changes the head's semantic models in place."""
    head_models = copy.deepcopy(base_models)
    edit({model["name"]: model for model in head_models})
    base, head = _parsed(base_models), _parsed(head_models)
    impact = lineage_impact(base, head)
    return impact.metrics, redefined_metrics(base, head, impact)


def test_a_changed_primary_entity_reaches_what_joins_the_models_dimensions_by_it():
    def edit(models):
        models["users"]["entities"][0]["expr"] = "account_id"

    reached, redefined = _changed(edit)
    # orders join the user's country by it, and the conversion matches signups and orders by it; the users'
    # own splits (signups by platform) read their own columns, and orders by their own channel and every
    # other total are as they were
    assert {"orders_by_country", "us_orders", "signup_to_order"} == reached == redefined


def test_a_changed_dimension_reaches_the_models_own_splits_too():
    def edit(models):
        models["users"]["entities"][0]["expr"] = "account_id"
        models["users"]["dimensions"][1]["expr"] = "lower(platform)"

    reached, redefined = _changed(edit)
    assert {"orders_by_country", "us_orders", "signup_to_order", "signups"} == reached == redefined


def test_a_changed_foreign_entity_reaches_only_its_own_models_metrics_split_through_it():
    def edit(models):
        models["orders"]["entities"][1]["expr"] = "buyer_id"

    reached, redefined = _changed(edit)
    assert {"orders_by_country", "us_orders", "signup_to_order"} == reached == redefined


def test_an_entity_a_non_additive_measure_is_windowed_by_changes_every_metric_of_its_model():
    windowed = copy.deepcopy(SEMANTIC_MODELS)
    windowed[1]["measures"][1]["non_additive_dimension"] = {"name": "day", "window_groupings": ["user"]}

    def edit(models):
        models["orders"]["entities"][1]["expr"] = "buyer_id"

    reached, redefined = _changed(edit, windowed)
    # which user's latest row a buyer count keeps moves with the entity: its total changes
    assert {"orders_by_country", "orders_by_channel", "buyers"} <= reached
    assert {"orders_by_country", "orders_by_channel", "buyers"} <= redefined


def test_a_changed_foreign_entity_of_a_model_with_no_dimensions_still_reaches_what_is_split_through_it():
    plain = copy.deepcopy(SEMANTIC_MODELS)
    plain[1]["dimensions"] = []

    def edit(models):
        models["orders"]["entities"][1]["expr"] = "buyer_id"

    reached, redefined = _changed(edit, plain)
    assert {"orders_by_country", "us_orders", "signup_to_order"} == reached == redefined


def test_a_foreign_entity_joins_whatever_its_models_metrics_name_through_it_even_a_dimension_it_has_too():
    # orders' own country is not the user's: orders by user__country join users by the foreign entity
    with_country = copy.deepcopy(SEMANTIC_MODELS)
    with_country[1]["dimensions"].append({"name": "country", "type": "categorical"})

    def edit(models):
        models["orders"]["entities"][1]["expr"] = "buyer_id"

    reached, redefined = _changed(edit, with_country)
    assert {"orders_by_country", "us_orders", "signup_to_order"} == reached == redefined


def test_a_dimension_of_a_model_is_reached_only_through_the_entities_it_offers():
    def edit(models):
        models["orders"]["dimensions"].append({"name": "country", "type": "categorical"})

    # order__country is new and split by nothing; user__country is still the user's, from users
    assert _changed(edit) == (set(), set())


def test_a_changed_dimension_a_conversion_keeps_constant_redefines_the_conversion():
    def edit(models):
        models["orders"]["dimensions"][0]["expr"] = "lower(channel)"

    reached, redefined = _changed(edit)
    assert {"orders_by_channel", "signup_to_order"} == reached == redefined
