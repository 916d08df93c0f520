"""Invalid metric definitions stop `dbt parse` or the KPI compiler with one message naming the file and the metric
(or the semantic model, for its lookback)."""

from __future__ import annotations

import subprocess

import duckdb
import pytest

from scorecard.dbt import describe_dbt_error
from tests.conftest import BIN, copy_project, dbt, scorecard

pytestmark = pytest.mark.dbt

CONVERSION_METRIC = """
  - name: visit_to_signup_conversion
    label: Visit-to-signup conversion
    description: Landing visits converting to a signup within two days.
    type: conversion
    type_params:
      conversion_type_params:
        base_measure: landing_visits
        conversion_measure: signups
        entity: visit
        window: 2 days
    config:
      meta:
        kpi:
          owner: growth-pm
          unit: ratio
          direction: higher_is_better
          cadence: week
          maturity_days: 1
"""

CONVERSION_AS_PERCENT = """
  - name: visit_to_signup_percent
    label: Visit-to-signup conversion, percent
    description: The conversion rate in percent.
    type: derived
    type_params:
      expr: rate * 100
      metrics:
        - name: visit_to_signup_conversion
          alias: rate
    config:
      meta:
        kpi:
          owner: growth-pm
          unit: score
          direction: higher_is_better
          cadence: week
"""

# a conversion whose events are stamped by week (user_weeks' week_start)
WEEKLY_CONVERSION = (
    CONVERSION_METRIC.replace("visit_to_signup_conversion", "signup_to_active_week")
    .replace("base_measure: landing_visits", "base_measure: signups")
    .replace("conversion_measure: signups", "conversion_measure: weekly_active_user_weeks")
    .replace("entity: visit", "entity: user")
    .replace("window: 2 days", "window: 14 days")
    .replace("maturity_days: 1", "maturity_days: 13")
)

AOV_KPI = """          unit: currency
          direction: higher_is_better
          cadence: week
          target: 40
          tolerance: 0.05
          dimensions: [user__platform, user__country]"""

QUOTA_KPI = """          direction: higher_is_better
          cadence: quarter
          target: 0.85"""

DAU_KPI = """          owner: product-analytics
          unit: count
          direction: higher_is_better
          cadence: day
          target: 1300
          tolerance: 0.05
          dimensions: [user__platform, user__country]"""


# SQL inside a metric that names something the metric does not have: (file, old, new), then the problem
EXPR_NAMES_NO_INPUT = (
    "metrics/subscription.yml",
    "        / nullif(order_revenue_month_before + invoiced_revenue_month_before, 0)\n",
    "        / nullif(order_revenue_prev + invoiced_revenue_month_before, 0)\n",
)
EXPR_NAMES_NO_INPUT_PROBLEM = (
    "metrics/subscription.yml: metric 'revenue_growth_rate': expr '(order_revenue + invoiced_revenue - "
    "order_revenue_month_before - invoiced_revenue_month_before) / nullif(order_revenue_prev + "
    "invoiced_revenue_month_before, 0)' names 'order_revenue_prev', which is none of its inputs "
    "(order_revenue, invoiced_revenue, order_revenue_month_before, invoiced_revenue_month_before); give an input "
    "that alias to use it by that name"
)
FILTER_VALUE_UNQUOTED = (
    "metrics/sales.yml",
    "{{ Dimension('invoice__customer_type') }} = 'business'",
    "{{ Dimension('invoice__customer_type') }} = business",
)
FILTER_VALUE_UNQUOTED_PROBLEM = (
    "metrics/sales.yml: metric 'collected_amount': filter '{{ Dimension('invoice__customer_type') }} = "
    "business' names 'business', which is no {{ Dimension(...) }} reference; quote a value as 'business'"
)


@pytest.mark.parametrize(
    ("file", "old", "new", "stage", "fragments"),
    [
        (
            "metrics/engagement.yml",
            "      measure: active_users\n    config:\n      meta:\n        kpi:\n          owner: product-analytics",
            "      measure: active_userz\n    config:\n      meta:\n        kpi:\n          owner: product-analytics",
            "parse",
            ["metric dau (metrics/engagement.yml)", "active_userz"],
        ),
        (
            "metrics/commerce.yml",
            "      numerator: order_revenue\n      denominator: orders\n",
            "      numerator: order_revenue\n",
            "parse",
            ["metric aov (metrics/commerce.yml)", "denominator"],
        ),
        (
            "metrics/acquisition.yml",
            "\nmetrics:\n",
            "\nmetrics:\n"
            + CONVERSION_METRIC.replace(
                "    type: conversion\n",
                "    type: conversion\n    filter: \"{{ Dimension('visit__visit_channel') }} = 'email'\"\n",
            ),
            "compile",
            [
                "metrics/acquisition.yml: metric 'visit_to_signup_conversion'",
                "a filter on a conversion metric is not supported by the KPI compiler",
            ],
        ),
        (
            "metrics/acquisition.yml",
            "\nmetrics:\n",
            "\nmetrics:\n" + CONVERSION_METRIC.replace("          maturity_days: 1\n", ""),
            "compile",
            [
                "metrics/acquisition.yml: metric 'visit_to_signup_conversion'",
                "conversion window of 2 days",
                "set config.meta.kpi.maturity_days to 1 or more",
            ],
        ),
        (
            "metrics/acquisition.yml",
            "\nmetrics:\n",
            "\nmetrics:\n" + CONVERSION_METRIC.replace("window: 2 days", "window: 2 hours"),
            "compile",
            ["metrics/acquisition.yml: metric 'visit_to_signup_conversion'", "conversion window in hours"],
        ),
        (
            "metrics/acquisition.yml",
            "\nmetrics:\n",
            "\nmetrics:\n" + CONVERSION_METRIC.replace("window: 2 days", "window: 0 days"),
            "compile",
            ["metrics/acquisition.yml: metric 'visit_to_signup_conversion'", "window of 0 days credits no conversion"],
        ),
        (
            # the KPI whose maturity_days must change is named, not its conversion input
            "metrics/acquisition.yml",
            "\nmetrics:\n",
            "\nmetrics:\n"
            + CONVERSION_METRIC.replace("    config:\n      meta:\n        kpi:\n", "", 1)
            .replace(
                "          owner: growth-pm\n          unit: ratio\n          direction: higher_is_better\n", "", 1
            )
            .replace("          cadence: week\n          maturity_days: 1\n", "", 1)
            + CONVERSION_AS_PERCENT,
            "compile",
            [
                "metrics/acquisition.yml: metric 'visit_to_signup_percent'",
                "its input 'visit_to_signup_conversion' has a conversion window of 2 days",
                "set config.meta.kpi.maturity_days to 1 or more",
            ],
        ),
        (
            "metrics/acquisition.yml",
            "\nmetrics:\n",
            "\nmetrics:\n" + WEEKLY_CONVERSION,
            "compile",
            ["metrics/acquisition.yml: metric 'signup_to_active_week'", "time dimension by week ('week_start'"],
        ),
        (
            "metrics/engagement.yml",
            DAU_KPI,
            DAU_KPI.replace("user__platform", "user__platfrom"),
            "compile",
            ["metrics/engagement.yml: metric 'dau'", "user__platfrom", "not on semantic model 'user_days'"],
        ),
        (
            "metrics/engagement.yml",
            DAU_KPI,
            DAU_KPI.replace("owner:", "ownr:"),
            "compile",
            ["metrics/engagement.yml: metric 'dau'", "unknown key 'ownr'", "did you mean 'owner'"],
        ),
        (
            "metrics/engagement.yml",
            DAU_KPI,
            DAU_KPI.replace("cadence: day", "cadence: fortnight"),
            "compile",
            ["metrics/engagement.yml: metric 'dau'", "cadence is 'fortnight'"],
        ),
        (
            "metrics/engagement.yml",
            "        window: 7 days\n        period_agg: last",
            "        grain_to_date: month\n        period_agg: last",
            "compile",
            ["metrics/engagement.yml: metric 'wau'", "grain_to_date is not supported"],
        ),
        (
            "metrics/engagement.yml",
            "      measure: active_users\n      cumulative_type_params:\n        window: 7 days",
            "      measure:\n        name: active_users\n        fill_nulls_with: 0\n"
            "      cumulative_type_params:\n        window: 7 days",
            "compile",
            ["metrics/engagement.yml: metric 'wau'", "fill_nulls_with on a cumulative metric is not supported"],
        ),
        (
            "metrics/commerce.yml",
            "          lookback_days: 14\n",
            "          lookback_days: two weeks\n",
            "compile",
            ["semantic model 'orders' (metrics/commerce.yml)", "lookback_days must be a whole number", "two weeks"],
        ),
        (
            "metrics/commerce.yml",
            "          lookback_days: 14\n",
            "          lookback: 14\n",
            "compile",
            ["semantic model 'orders' (metrics/commerce.yml)", "unknown key 'lookback'"],
        ),
        (
            "metrics/engagement.yml",
            "      meta:\n        kpi:\n" + DAU_KPI,
            "      meta:\n        KPI:\n" + DAU_KPI,
            "compile",
            ["metrics/engagement.yml: metric 'dau'", "config.meta has 'KPI'", "did you mean 'kpi'"],
        ),
        (
            "metrics/engagement.yml",
            "      meta:\n        kpi:\n" + DAU_KPI,
            "      mta:\n        kpi:\n" + DAU_KPI,
            "compile",
            ["metrics/engagement.yml: metric 'dau'", "config.mta.kpi looks like KPI metadata"],
        ),
        (
            "metrics/commerce.yml",
            AOV_KPI,
            AOV_KPI.replace("target: 40", "target: 40\n          maturity_days: -3"),
            "compile",
            ["metrics/commerce.yml: metric 'aov'", "maturity_days is -3, expected a whole number of days, 0 or more"],
        ),
        (
            "metrics/commerce.yml",
            AOV_KPI,
            AOV_KPI.replace("tolerance: 0.05", "tolerance: -0.5"),
            "compile",
            ["metrics/commerce.yml: metric 'aov'", "tolerance is -0.5, expected 0 or more"],
        ),
        (
            "metrics/commerce.yml",
            AOV_KPI,
            AOV_KPI.replace("tolerance: 0.05", "tolerance: 5"),
            "compile",
            ["metrics/commerce.yml: metric 'aov'", "tolerance is 5, expected below 1: a share of the target"],
        ),
        (
            "metrics/engagement.yml",
            "      meta:\n        kpi:\n" + DAU_KPI,
            "      meta:\n        dimensions: [user__platform]\n        kpi:\n"
            + DAU_KPI.replace("          dimensions: [user__platform, user__country]", ""),
            "compile",
            ["metrics/engagement.yml: metric 'dau'", "config.meta.dimensions sits beside config.meta.kpi"],
        ),
        (
            "metrics/commerce.yml",
            AOV_KPI,
            AOV_KPI.replace("tolerance: 0.05", "range: [100, 0]"),
            "compile",
            ["metrics/commerce.yml: metric 'aov'", "range is [100, 0]: the lowest value must come first"],
        ),
        (
            "metrics/sales.yml",
            QUOTA_KPI,
            QUOTA_KPI.replace("target: 0.85", "target: -0.85"),
            "compile",
            [
                "metrics/sales.yml: metric 'quota_attainment'",
                "target -0.85 is outside the values the KPI can take, [0, null]",
            ],
        ),
        (
            "metrics/acquisition.yml",
            "          target: 0.45\n",
            "          target: 45\n",
            "compile",
            ["metrics/acquisition.yml: metric 'd1_retention'", "target 45 is outside", "[0, 1] (a ratio is a share"],
        ),
        (
            "metrics/commerce.yml",
            AOV_KPI,
            AOV_KPI.replace("tolerance: 0.05", "warn_at: 50"),
            "compile",
            ["metrics/commerce.yml: metric 'aov'", "warn_at 50 is on the wrong side of the target 40"],
        ),
        (
            # a week back from a month is no month: kpi_status read no_data for good, without a word
            "metrics/subscription.yml",
            "          range: [-1, null]\n          direction: higher_is_better\n          cadence: month\n",
            "          range: [-1, null]\n          direction: higher_is_better\n          cadence: week\n",
            "compile",
            [
                "metrics/subscription.yml: metric 'revenue_growth_rate': config.meta.kpi.cadence is 'week', but its "
                "input 'order_revenue_month_before' (offset_window 1 month) lands on a period of the same grain only "
                "at day, month grain",
            ],
        ),
        (
            "metrics/sales.yml",
            QUOTA_KPI,
            QUOTA_KPI.replace("cadence: quarter", "cadence: week"),
            "compile",
            [
                "metrics/sales.yml: metric 'quota_attainment'",
                "cadence is 'week', but the metric exists only at quarter",
            ],
        ),
        (
            "metrics/commerce.yml",
            AOV_KPI,
            AOV_KPI.replace("user__platform", "user__platfrom"),
            "compile",
            [
                "metrics/commerce.yml: metric 'aov': dimension 'user__platfrom' is not on semantic model 'orders' "
                "(through its input 'order_revenue')",
                "user offers user__acquisition_channel, user__country, user__platform",
            ],
        ),
        (
            "metrics/commerce.yml",
            "    config:\n      meta:\n        kpi:\n          owner: commerce-lead\n" + AOV_KPI,
            "    meta:\n        kpi:\n          owner: commerce-lead\n" + AOV_KPI,
            "compile",
            ["metrics/commerce.yml: metric 'aov'", "KPI metadata under meta.kpi: move it to config.meta.kpi"],
        ),
    ],
    ids=[
        "unknown-measure",
        "ratio-without-denominator",
        "unsupported-construct-of-a-type",
        "conversion-window-outlasts-maturity",
        "conversion-window-in-hours",
        "conversion-window-of-no-day",
        "conversion-maturity-names-the-kpi",
        "conversion-by-week",
        "dimension-not-on-model",
        "misspelled-kpi-key",
        "bad-cadence",
        "unsupported-construct",
        "fill-nulls-on-cumulative",
        "lookback-not-a-number",
        "misspelled-lookback-key",
        "kpi-key-in-capitals",
        "misspelled-meta",
        "negative-maturity",
        "negative-tolerance",
        "tolerance-as-percent",
        "kpi-key-beside-kpi",
        "range-upside-down",
        "target-outside-range",
        "ratio-target-as-percent",
        "warn-at-beyond-target",
        "cadence-offset-never-lands",
        "cadence-finer-than-metric",
        "dimension-typo-names-the-kpi",
        "top-level-meta",
    ],
)
def test_invalid_metric_definition_is_named(tmp_path, file, old, new, stage, fragments):
    project = copy_project(
        tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    path = project / file
    text = path.read_text()
    assert old in text, "the mutation no longer applies; update the test"
    path.write_text(text.replace(old, new, 1))

    warehouse = tmp_path / "w.duckdb"
    # the compiler's cases (its "file: metric 'name': problem" lines) compile straight away: compiling
    # parses first, and a parse of its own for each case cost seconds apiece
    command = ["parse", "--no-partial-parse"] if stage == "parse" else ["compile", "--select", "kpis"]
    result = dbt(command, warehouse, tmp_path, project=project)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    for fragment in fragments:
        assert fragment in output, output[-2000:]


def test_the_unmodified_project_compiles(tmp_path):
    result = dbt(["compile", "--select", "kpis"], tmp_path / "w.duckdb", tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]


RUN_DBT = """
import sys
from pathlib import Path
from scorecard.dbt import run_dbt
from scorecard.errors import StepFailed
try:
    run_dbt(Path(sys.argv[1]), Path(sys.argv[2]), ["build", "--select", "kpis"], silent=True)
except StepFailed as exc:
    print(exc)
"""


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        (
            "metrics/engagement.yml",
            DAU_KPI,
            DAU_KPI.replace("owner:", "ownr:"),
            "metrics/engagement.yml: metric 'dau': unknown key 'ownr' in config.meta.kpi (did you mean 'owner'?)",
        ),
        (
            # found in the leaf model alone: the marts and 45 models built, then the same message per model
            # that read it, which called it a "dimension", not the filter's
            "metrics/sales.yml",
            "{{ Dimension('invoice__customer_type') }}",
            "{{ Dimension('invoice__customer_typ') }}",
            "metrics/sales.yml: metric 'collected_amount': filter dimension 'invoice__customer_typ' is not on "
            "semantic model 'invoices'",
        ),
        # these failed kpi_values or a leaf table after the marts, with DuckDB's "Binder Error: Referenced
        # column ... not found", naming neither file nor metric
        (*EXPR_NAMES_NO_INPUT, EXPR_NAMES_NO_INPUT_PROBLEM),
        (*FILTER_VALUE_UNQUOTED, FILTER_VALUE_UNQUOTED_PROBLEM),
    ],
    ids=["kpi-metadata", "filter-dimension", "derived-expr-names-no-input", "filter-value-unquoted"],
)
def test_dbt_build_stops_on_an_invalid_kpi_definition_with_one_message(tmp_path, file, old, new, problem):
    # every KPI model reads the plan, and each failed with the same message: 21 times for one typo
    project = copy_project(
        tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    path = project / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))

    result = dbt(["build", "--select", "kpis"], tmp_path / "w.duckdb", tmp_path, project=project)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert output.count(problem) == 1, output[-3000:]
    assert "PASS=" not in output  # stopped before any model ran

    # scorecard's own dbt runner tells the problem, not dbt's heading for the hook it failed in. In a process
    # of its own: dbt's parser starts a thread pool that a later fork in this worker (check_metric_specs,
    # below) would inherit without its threads, and the forked parse would wait on it for good
    runner = subprocess.run(
        [str(BIN / "python"), "-c", RUN_DBT, str(project), str(tmp_path / "w.duckdb")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert runner.stdout.strip().startswith(f"dbt build could not run: {problem}"), runner.stdout + runner.stderr


def test_a_selection_without_kpi_models_builds_despite_an_invalid_kpi_definition(tmp_path):
    project = copy_project(
        tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    path = project / "metrics" / "engagement.yml"
    path.write_text(path.read_text().replace(DAU_KPI, DAU_KPI.replace("owner:", "ownr:"), 1))
    result = dbt(["run", "--select", "dim_dates"], tmp_path / "w.duckdb", tmp_path, project=project)
    assert result.returncode == 0, result.stdout[-2000:]


DUPLICATE_METRIC = """Compilation Error
  dbt found two metrics with the name "dau".

  Since these resources have the same name, dbt will be unable to find the correct resource
  when looking for ref("dau").

  To fix this, change the name of one of these resources:
  - metric.scorecard.dau (metrics/dup.yml)
  - metric.scorecard.dau (metrics/engagement.yml)
"""

MISSPELLED_CONFIG = (
    "Parsing Error\n  Invalid metrics config given in FilePath(searched_path='metrics', relative_path="
    "'engagement.yml', modification_time=1796599330.0, project_root='/tmp/p') @ metrics: {'name': 'dau', "
    "'label': 'Daily active users', 'type': 'simple', 'confg': {'meta': {'kpi': {'owner': 'x'}}}} - at path "
    "[]: Additional properties are not allowed ('confg' was unexpected)\n"
)


@pytest.mark.parametrize(
    ("text", "described"),
    [
        # it read "- metric.scorecard.dau (metrics/dup.yml)": a file, but not the problem
        (DUPLICATE_METRIC, 'metrics/dup.yml, metrics/engagement.yml: dbt found two metrics with the name "dau"'),
        # it read as 837 characters: the FilePath repr and the whole metric as a dict
        (
            MISSPELLED_CONFIG,
            "metrics/engagement.yml: metric 'dau': Additional properties are not allowed ('confg' was unexpected)",
        ),
    ],
    ids=["duplicate-metric", "misspelled-config"],
)
def test_dbt_errors_are_told_as_file_entry_and_problem(text, described):
    assert describe_dbt_error(text) == described


# what dbt 1.11 printed for `metrics:\n  - name: [oops` appended to metrics/engagement.yml
YAML_SYNTAX = """Parsing Error
  Error reading scorecard: engagement.yml - Runtime Error
    Syntax error near line 379
    ------------------------------
    376|           dimensions: [user__platform]
    377| metrics:
    378|   - name: [oops

    Raw Error:
    ------------------------------
    while parsing a flow sequence
      in "<unicode string>", line 378, column 11
    did not find expected ',' or ']'
      in "<unicode string>", line 379, column 1
"""


def test_a_yaml_syntax_error_names_the_file_in_its_folder_the_line_and_the_problem():
    # it read "Error reading scorecard: engagement.yml - Runtime Error": no folder, line or problem
    from tests.conftest import PROJECT_DIR

    assert describe_dbt_error(YAML_SYNTAX, PROJECT_DIR) == (
        "metrics/engagement.yml:379: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence)"
    )
    assert describe_dbt_error(YAML_SYNTAX).startswith("engagement.yml:379: YAML syntax error: did not find")


@pytest.mark.parametrize(
    ("file", "old", "new", "described"),
    [
        (
            "metrics/engagement.yml",
            "        window: 7 days\n",
            "        window: 7 dayz\n",
            "metrics/engagement.yml: metric 'wau': Invalid time granularity 'dayz' in window: '7 dayz'",
        ),
        (
            "metrics/subscription.yml",
            "          offset_window: 1 month\n",
            "          offset_window: 1 mnth\n",
            "metrics/subscription.yml: metric 'revenue_growth_rate': Invalid time granularity 'mnth' in window: "
            "'1 mnth'",
        ),
        (
            # the spec's conversion checks quote nothing: the entity is found among the conversion metrics
            "metrics/acquisition.yml",
            "        entity: visit\n",
            "        entity: vist\n",
            "metrics/acquisition.yml: metric 'visitor_conversion_rate': Entity: vist not found in base semantic "
            "model: landing_visits.",
        ),
    ],
    ids=["window", "offset-window", "conversion-entity"],
)
def test_a_failed_semantic_validation_names_the_file_the_metric_and_the_problem(tmp_path, file, old, new, described):
    # `scorecard run` said only "metric specs are invalid: Semantic Manifest validation failed.": dbt logs
    # the problem as an event of its own and leaves it out of the error it raises
    assert _spec_check_error(tmp_path, file, old, new) == f"scorecard: error: metric specs are invalid: {described}"


@pytest.mark.parametrize(
    ("file", "old", "new", "described"),
    [
        (*EXPR_NAMES_NO_INPUT, EXPR_NAMES_NO_INPUT_PROBLEM),
        (*FILTER_VALUE_UNQUOTED, FILTER_VALUE_UNQUOTED_PROBLEM + " (and 1 more)"),  # two metrics have the filter
    ],
    ids=["derived-expr-names-no-input", "filter-value-unquoted"],
)
def test_sql_inside_a_metric_that_names_nothing_it_has_stops_the_spec_check(tmp_path, file, old, new, described):
    # both passed the check and failed the build after the marts: exit 3, "Binder Error: Referenced column
    # ... not found", naming neither file nor metric, every KPI stale
    error = _spec_check_error(tmp_path, file, old, new)
    assert error.startswith(f"scorecard: error: metric specs are invalid: {described}"), error


GROWTH_EXPR = """      expr: >
        (order_revenue + invoiced_revenue - order_revenue_month_before - invoiced_revenue_month_before)
        / nullif(order_revenue_month_before + invoiced_revenue_month_before, 0)
"""
# a comment line in a literal block, and an alias the parser would take for a keyword but for the check's
# stand-in names (the compiler puts each input's column in its place)
COMMENTED_GROWTH_EXPR = """      expr: |
        -- against the month before; no value without revenue then
        (order_revenue + invoiced_revenue - end - invoiced_revenue_month_before)
        / nullif(end + invoiced_revenue_month_before, 0)  -- a ratio, not a percentage
"""


DEALS_WON = "        expr: case when is_won then 1 else 0 end"
DEALS_REP = "      - name: sales_rep\n        type: categorical\n"
DEALS_MEASURES = "    measures:\n      - name: new_customer_revenue\n"


def test_sql_a_user_may_write_in_a_definition_passes_both_checks(tmp_path):
    # each stopped a build that DuckDB would have run: dbt's check joined the lines (the comment took the rest),
    # read `end` as a keyword and today's date as a name, and scorecard run's check joined the lines too;
    # and the compiler wrote the expression and the filter on one line with what follows them, which a
    # comment at their end took
    from scorecard.metric_sql import sql_problems

    project = copy_project(
        tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    subscription = project / "metrics" / "subscription.yml"
    text = subscription.read_text()
    assert GROWTH_EXPR in text and "          alias: order_revenue_month_before\n" in text
    text = text.replace(GROWTH_EXPR, COMMENTED_GROWTH_EXPR)
    subscription.write_text(text.replace("          alias: order_revenue_month_before\n", "          alias: end\n"))
    sales = project / "metrics" / "sales.yml"
    business = "{{ Dimension('invoice__customer_type') }} = 'business'"
    assert business in sales.read_text()
    filtered = business + " and current_date >= date '2020-01-01'  -- invoices to businesses"
    text = sales.read_text().replace(business, filtered)
    # a measure's, a dimension's and a time dimension's SQL, each ending in a comment
    for old, new in (
        (DEALS_WON, DEALS_WON + "  -- a won deal counts once"),
        (
            DEALS_REP + DEALS_MEASURES,
            DEALS_REP + "        expr: sales_rep  -- the rep who owns the deal\n" + DEALS_MEASURES,
        ),
        ("expr: date_day\n", "expr: date_day  -- the day of the snapshot\n"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    sales.write_text(text)

    result = dbt(["run", "--select", "kpi_definitions"], tmp_path / "w.duckdb", tmp_path, project=project)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "json_serialize_sql" in (tmp_path / "logs" / "dbt.log").read_text()  # the check ran
    assert sql_problems(tmp_path / "target" / "manifest.json") == []

    # the SQL the compiler writes around them parses (compiled against the empty warehouse: no data needed)
    compiled = dbt(
        [
            "compile",
            "--select",
            "kpi_values",
            "kpi_measures__invoices",
            "kpi_measures__deals",
            "kpi_measures__pipeline_days",
        ],
        tmp_path / "w.duckdb",
        tmp_path,
        project=project,
    )
    assert compiled.returncode == 0, compiled.stdout[-2000:]
    con = duckdb.connect()
    # the derived expression is computed in kpi_values, the filter and the semantic models' SQL in their leaf tables
    for model, comment in (
        ("kpi_values", "a ratio, not a percentage"),
        ("kpi_measures__invoices", "to businesses"),
        ("kpi_measures__deals", "a won deal counts once"),
        ("kpi_measures__deals", "the rep who owns the deal"),
        ("kpi_measures__pipeline_days", "the day of the snapshot"),
    ):
        sql = (tmp_path / "target" / "compiled" / "scorecard" / "models" / "kpis" / f"{model}.sql").read_text()
        assert comment in sql
        ((tree,),) = con.execute("select json_serialize_sql(?)", [sql]).fetchall()
        assert '"error":false' in tree, (model, tree[:500])
    con.close()


@pytest.mark.parametrize(
    ("new", "problem"),
    [
        (
            """expr: '"ltv" / nullif(cac, 0)'""",
            """expr '"ltv" / nullif(cac, 0)' names its input 'ltv' in double quotes, which the KPI compiler does not """
            "read as the input; write it without them",
        ),
        (
            "expr: ltv / nullif(t.cac, 0)",
            "expr 'ltv / nullif(t.cac, 0)' names 't.cac', which is none of its inputs (ltv, cac); give an input that "
            "alias to use it by that name",
        ),
        (
            # two names no input has: both checks name the first as written (sqlglot listed cacc first)
            "expr: ltvv::double / cacc",
            "expr 'ltvv::double / cacc' names 'ltvv', which is none of its inputs (ltv, cac); give an input that "
            "alias to use it by that name",
        ),
    ],
    ids=["input-in-double-quotes", "input-with-a-qualifier", "two-unknown-names"],
)
def test_an_input_written_otherwise_than_by_its_name_stops_both_checks_with_one_line(tmp_path, new, problem):
    # both checks let the first two through, and kpi_values failed with a Binder Error: the compiler puts the
    # input's column in the name's place, inside the quotes and after the qualifier too
    from scorecard.metric_sql import sql_problems

    project = copy_project(
        tmp_path / "project", ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks"]
    )
    subscription = project / "metrics" / "subscription.yml"
    assert subscription.read_text().count("expr: ltv / nullif(cac, 0)\n") == 1
    subscription.write_text(subscription.read_text().replace("expr: ltv / nullif(cac, 0)\n", new + "\n"))
    line = f"metrics/subscription.yml: metric 'ltv_to_cac': {problem}"

    result = dbt(["run", "--select", "kpi_definitions"], tmp_path / "w.duckdb", tmp_path, project=project)
    assert result.returncode != 0
    assert (result.stdout + result.stderr).count(line) == 1, result.stdout[-2000:]
    assert sql_problems(tmp_path / "target" / "manifest.json")[0] == line


def _spec_check_error(tmp_path, file: str, old: str, new: str) -> str:
    """`scorecard run`'s error line with ``old`` replaced by ``new`` in ``file``: its spec check stops it
    before the warehouse is touched. (As a command, since the check forks, and a fork in this pytest
    worker after an in-process dbt parse in another test would inherit dbt's thread pool without its
    threads, and wait on it for good.)"""
    parts = ["dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs"]
    project = copy_project(tmp_path / "project", parts)
    path = project / file
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    warehouse = tmp_path / "untouched" / "w.duckdb"
    result = scorecard("--project-dir", str(project), "run", "--as-of", "2026-11-15", warehouse=warehouse, cwd=project)
    assert result.returncode == 2, result.stderr[-2000:]
    assert not warehouse.exists()
    return result.stderr.strip().splitlines()[-1]


# run_results.json's message when fct_carts' contract says cart_id is varchar (dbt 1.11, spaces as dbt wrote them)
CONTRACT_FAILED = (
    "Compilation Error in model fct_carts (models/marts/fct_carts.sql)\n  This model has an enforced contract "
    "that failed.\n  Please ensure the name, data_type, and number of columns in your contract match the "
    "columns in your model's definition.\n\n  | column_name | definition_type | contract_type | mismatch_reason "
    "|\n  | ----------- | --------------- | ------------- | ------------------ |\n  | cart_id     | BIGINT          "
    "| VARCHAR       | data type mismatch |\n\n  > in macro assert_columns_equivalent "
    "(macros/relations/column/columns_spec_ddl.sql)\n  > called by macro default__get_assert_columns_equivalent"
)


def test_a_failed_contract_names_the_column_and_both_types():
    from scorecard.dbt import describe_model_error

    # cut at 300 characters, it ended "| mismatch_reas" before naming the column
    assert describe_model_error(CONTRACT_FAILED) == (
        "the enforced contract fails: column cart_id: BIGINT in the SQL, VARCHAR in the contract (data type mismatch)"
    )
    assert describe_model_error("Runtime Error in model x\n  Binder Error: no column y\n  > in macro m") == (
        "Runtime Error in model x Binder Error: no column y"
    )
