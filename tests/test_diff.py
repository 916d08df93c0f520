"""`scorecard diff` end to end, on a scratch git repository holding the project and the built 3,000-user
sample as the warehouse: each change is a commit on top of the same base, compared with --base and
--head, as a pull request's CI job would."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest

from scorecard.diff.model import schema_text
from tests.conftest import PROJECT_DIR, copy_project, query, scorecard

PARTS = ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
D7_KR = "retention/2026-Q4/weekly-habit/d7-retention"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout.strip()


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new))


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.project = copy_project(root / "analytics", PARTS)
        _git(root, "init", "-q")
        self.base = self.commit("the project")

    def commit(self, message: str) -> str:
        _git(self.root, "add", "-A")
        _git(self.root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message)
        return _git(self.root, "rev-parse", "HEAD")

    def change(self, message: str, edit) -> str:
        """A commit applying ``edit`` on top of the base; the work tree goes back to the base after."""
        edit(self.project)
        sha = self.commit(message)
        _git(self.root, "reset", "-q", "--hard", self.base)
        return sha


def _widen_d7_window(project: Path) -> None:
    """Day-7 retention counts a user active on any of days 7 to 13, judged once day 13 is observed."""
    cohorts = project / "models" / "marts" / "fct_user_cohorts.sql"
    _replace(cohorts, "activity_days.day_number = 7 then", "activity_days.day_number between 7 and 13 then")
    _replace(
        cohorts,
        "and activity_days.day_number in (1, 7, 30)",
        "and (activity_days.day_number in (1, 30) or activity_days.day_number between 7 and 13)",
    )
    _replace(cohorts, "when cohort_age_days >= 7 then active_day_7", "when cohort_age_days >= 13 then active_day_7")


def _reformat_orders(project: Path) -> None:
    orders = project / "models" / "marts" / "fct_orders.sql"
    text = orders.read_text()
    reformatted = "\n\n".join("    " + line.rstrip() + "   " if line.strip() else line for line in text.split("\n"))
    assert reformatted.split() == text.split()  # the same tokens: whitespace only
    orders.write_text(reformatted)


def _drop_denominator_filter(project: Path) -> None:
    """days_sales_outstanding = collected_amount_days / collected_amount: the denominator loses its
    B2B filter."""
    sales = project / "metrics" / "sales.yml"
    _replace(
        sales,
        "      measure: collected_amount\n    filter: \"{{ Dimension('invoice__customer_type') }} = 'business'\"\n",
        "      measure: collected_amount\n",
    )


def _rename_d1_retention(project: Path) -> None:
    _replace(project / "metrics" / "acquisition.yml", "  - name: d1_retention\n", "  - name: day1_retention\n")


def _move_d7_target(project: Path) -> None:
    _replace(project / "okrs" / "retention.yml", "        target: 35%", "        target: 30%")


def _delete_cac(project: Path) -> None:
    subscription = project / "metrics" / "subscription.yml"
    text = subscription.read_text()
    start = text.index("  - name: cac\n")
    end = text.index("\n  - name: ", start + 1)
    subscription.write_text(text[:start] + text[end + 1 :])  # ltv_to_cac is derived from cac


def _delete_metric(path: Path, name: str) -> None:
    text = path.read_text()
    start = text.index(f"  - name: {name}\n")
    end = text.find("\n  - name: ", start + 1)
    path.write_text(text[:start] + (text[end + 1 :] if end != -1 else ""))


def _delete_two_kpis(project: Path) -> None:
    """d30_retention, which no key result uses; day1_support_contact_rate together with its key result."""
    _delete_metric(project / "metrics" / "acquisition.yml", "d30_retention")
    _delete_metric(project / "metrics" / "acquisition.yml", "day1_support_contact_rate")
    growth = project / "okrs" / "growth.yml"
    text = growth.read_text()
    start = text.index("      - id: support-contacts\n")
    growth.write_text(text[:start] + text[text.index("      - id: checklist\n") :])


def _rewrite_without_moving(project: Path) -> None:
    """The d7 target written as a fraction, and d7_retention's KPI owner: no number moves."""
    _replace(project / "okrs" / "retention.yml", "        target: 35%", "        target: 0.35")
    _replace(project / "metrics" / "acquisition.yml", "owner: retention-pm", "owner: lifecycle-pm")


def _raise_ltv_to_cac_target(project: Path) -> None:
    """LTV to CAC is about 7 on the sample against its target of 3: a target of 100 turns its tile."""
    _replace(
        project / "metrics" / "subscription.yml",
        "          cadence: month\n          target: 3\n",
        "          cadence: month\n          target: 100\n",
    )


NEXT_CYCLE = """cycle: 2027-Q1
team: growth-next
owner: growth-lead
objectives:
  - id: keep-growing
    title: Keep signups growing
    owner: growth-lead
    key_results:
      - id: signups-up
        title: Weekly signups to 450
        metric: signups
        baseline: 350
        target: 450
"""


def _regroup_countries(project: Path) -> None:
    """The user's country groups Germany, France and the UK into 'EU': a dimension of the semantic model
    users, which the KPI tables of orders, user days and cohorts join to split by country."""
    country = "      - name: country\n        type: categorical\n"
    _replace(
        project / "metrics" / "users.yml",
        country,
        country + "        expr: case when country in ('DE', 'FR', 'GB') then 'EU' else country end\n",
    )


def _plan_next_cycle(project: Path) -> None:
    (project / "okrs" / "growth-next.yml").write_text(NEXT_CYCLE)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Repo:
    repo = Repo(tmp_path_factory.mktemp("diff_repo"))
    repo.heads = {
        "whitespace": repo.change("reformat fct_orders", _reformat_orders),
        "d7_window": repo.change("day-7 retention over days 7 to 13", _widen_d7_window),
        "denominator_filter": repo.change("DSO over all invoices", _drop_denominator_filter),
        "rename": repo.change("rename d1_retention", _rename_d1_retention),
        "target": repo.change("lower the day-7 retention target", _move_d7_target),
        "no_parse": repo.change("delete cac", _delete_cac),
        "delete_kpis": repo.change("delete two KPIs", _delete_two_kpis),
        "rewrite": repo.change("same numbers, other words", _rewrite_without_moving),
        "kpi_target": repo.change("raise the LTV to CAC target", _raise_ltv_to_cac_target),
        "next_cycle": repo.change("plan next quarter", _plan_next_cycle),
        "regroup": repo.change("group EU countries", _regroup_countries),
    }
    return repo


def _diff(repo: Repo, warehouse: Path, head: str, *extra: str, base: str | None = None):
    args = ["--project-dir", str(repo.project), "diff", "--base", base or repo.base, "--head", head, *extra]
    return scorecard(*args, warehouse=warehouse)


def _json(repo: Repo, warehouse: Path, change: str) -> tuple[int, dict]:
    result = _diff(repo, warehouse, repo.heads[change], "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    jsonschema.validate(report, json.loads(schema_text()))
    return result.returncode, report


def test_the_published_diff_schema_is_current():
    assert (PROJECT_DIR / "docs" / "diff.schema.json").read_text() == schema_text(), (
        "docs/diff.schema.json is stale: run scripts/write_report_schema.py"
    )


def test_a_whitespace_only_sql_change_is_no_semantic_and_no_value_change(repo, built_sample, tmp_path, monkeypatch):
    # a dbt user's own profiles elsewhere, with no 'scorecard' profile: diff builds with profiles of its own
    foreign = tmp_path / "dbt-home"
    foreign.mkdir()
    (foreign / "profiles.yml").write_text("analytics:\n  target: dev\n")
    monkeypatch.setenv("DBT_PROFILES_DIR", str(foreign))
    code, report = _json(repo, built_sample["path"], "whitespace")
    assert code == 0 and report["values_changed"] is False
    (orders,) = [c for c in report["definition_changes"] if c["name"] == "fct_orders"]
    assert orders["semantic"] is False and orders["details"][0].startswith("no semantic change")
    # the change was built and compared, not assumed harmless
    assert {"fct_orders", "kpi_measures__orders", "kpi_values"} <= set(report["built_models"])
    assert report["metric_values"] == [] and not any(kr["changed"] for kr in report["key_results"])
    assert report["goalposts"] == [] and report["breaking"] == []


def test_a_wider_d7_window_changes_exactly_d7_retention_and_its_key_result(repo, built_sample):
    code, report = _json(repo, built_sample["path"], "d7_window")
    assert code == 1 and report["values_changed"] is True
    assert {m["metric"] for m in report["metric_values"]} == {"d7_retention"}
    assert {m["grain"] for m in report["metric_values"]} == {"day", "week", "month", "quarter"}
    assert {kr["key_result"] for kr in report["key_results"] if kr["changed"]} == {D7_KR}
    # only the cohort mart and what reads it were built: not the whole project
    built = set(report["built_models"])
    assert "fct_user_cohorts" in built and "kpi_values" in built
    assert not built & {"fct_sessions", "fct_orders", "kpi_measures__sessions", "stg_app__events"}
    cohorts = next(c for c in report["definition_changes"] if c["name"] == "fct_user_cohorts")
    assert cohorts["semantic"] and any("BETWEEN 7 AND 13" in detail for detail in cohorts["details"])
    assert [f["key_result"] for f in report["goalposts"] if f["kind"] == "definition_changed"] == [D7_KR]


def test_a_changed_filter_on_a_ratios_denominator_is_caught(repo, built_sample):
    code, report = _json(repo, built_sample["path"], "denominator_filter")
    assert code == 1
    (change,) = [c for c in report["definition_changes"] if c["name"] == "collected_amount"]
    assert change["kind"] == "metric" and any(detail.endswith("(filter)") for detail in change["details"])
    assert "days_sales_outstanding" in report["lineage"]["kpis"]
    assert {m["metric"] for m in report["metric_values"]} == {"days_sales_outstanding"}
    (month,) = [m for m in report["metric_values"] if m["grain"] == "month"]
    assert month["changed_periods"] > 0 and month["largest_absolute"]["before"] != month["largest_absolute"]["after"]


def test_renaming_a_metric_a_key_result_uses_is_a_breaking_change(repo, built_sample):
    code, report = _json(repo, built_sample["path"], "rename")
    assert code == 1
    kinds = {finding["kind"]: finding["message"] for finding in report["breaking"]}
    assert kinds["metric_missing"] == (
        "growth/2026-Q4/obvious-onboarding/d1-retention: metric 'd1_retention' does not exist at head; "
        "'day1_retention' has its values at head (a rename?): bind the key result to 'day1_retention'"
    )
    # it read as one KPI removed and another added, with nothing saying the values were the same
    ((rows,),) = query(built_sample["path"], "select count(*) from kpis.kpi_values where metric_name = 'd1_retention'")
    assert rows > 0
    assert report["renamed_kpis"] == [{"base_metric": "d1_retention", "head_metric": "day1_retention", "rows": rows}]
    assert "unknown metric 'd1_retention'" in kinds["invalid_spec"]
    changes = {(c["kind"], c["name"]): c["change"] for c in report["definition_changes"]}
    assert changes[("metric", "d1_retention")] == "removed" and changes[("metric", "day1_retention")] == "added"
    d1 = next(kr for kr in report["key_results"] if kr["key_result"].endswith("/d1-retention"))
    assert d1["base_status"] is not None and d1["head_status"] is None and d1["changed"]


def test_deleting_kpis_reports_their_rows_leaving_and_a_key_result_removed_with_its_metric_breaks_nothing(
    repo, built_sample
):
    # deleting d30_retention was "no value change", exit 0: its KPI models were not rebuilt
    code, report = _json(repo, built_sample["path"], "delete_kpis")
    assert code == 1 and report["values_changed"] is True
    gone = {m["metric"] for m in report["metric_values"]}
    assert gone == {"d30_retention", "day1_support_contact_rate"}
    for change in report["metric_values"]:
        rows = query(
            built_sample["path"],
            f"select count(*) from kpis.kpi_values where metric_name = '{change['metric']}' and grain = "
            f"'{change['grain']}'",
        )
        assert change["changed_rows"] == rows[0][0], change  # every row of the metric leaves
    assert report["breaking"] == []  # the one key result on a deleted metric was deleted with it
    changes = {(c["kind"], c["name"]): c["change"] for c in report["definition_changes"]}
    assert changes[("key_result", "growth/2026-Q4/obvious-onboarding/support-contacts")] == "removed"


def test_a_target_in_other_words_and_a_new_kpi_owner_move_no_goalpost(repo, built_sample):
    code, report = _json(repo, built_sample["path"], "rewrite")
    assert code == 0 and report["values_changed"] is False
    assert report["goalposts"] == [] and report["breaking"] == []
    assert not [c for c in report["definition_changes"] if c["kind"] == "key_result"]


def test_a_kpi_target_that_turns_its_tile_is_a_value_change_with_no_kpi_value_moving(repo, built_sample):
    # a KPI target moves no value, so this was "no value change", exit 0, while the tile went red
    code, report = _json(repo, built_sample["path"], "kpi_target")
    assert code == 1 and report["values_changed"] is True
    assert report["metric_values"] == [] and not any(kr["changed"] for kr in report["key_results"])
    (status,) = report["kpi_statuses"]
    (value, base_target) = query(
        built_sample["path"], "select value, target_value from kpis.kpi_status where metric_name = 'ltv_to_cac'"
    )[0]
    assert (status["metric"], status["changed"], status["base_target"], status["head_target"]) == (
        "ltv_to_cac",
        True,
        base_target,
        100.0,
    )
    assert status["base_value"] == pytest.approx(value) and status["head_value"] == pytest.approx(value)
    assert (status["base_status"], status["head_status"]) == ("on_target", "off_target")
    comment = _diff(repo, built_sample["path"], repo.heads["kpi_target"]).stdout
    assert "- This change turns KPI **ltv\\_to\\_cac** from on target to off target." in comment
    assert "| 3 → 100 | on target → off target |" in comment


def test_a_regrouped_dimension_moves_every_kpi_split_by_it(repo, built_sample):
    # the head built only the users' own KPI tables, so of the KPIs split by country only those of users and
    # subscriptions moved, and the head's build held 'EU' for mrr and DE, FR, GB for dau and orders
    code, report = _json(repo, built_sample["path"], "regroup")
    assert code == 1
    assert {"kpi_measures__user_days", "kpi_measures__orders", "kpi_measures__signup_cohorts"} <= set(
        report["built_models"]
    )
    moved = {m["metric"] for m in report["metric_values"]}
    assert {"dau", "wau", "orders", "aov", "d1_retention", "mrr", "signups"} <= moved
    # no total moved, and KPIs not split by country did not either
    assert not moved & {"stickiness", "cac", "avg_session_minutes", "api_error_rate"}
    assert {"dau", "orders", "d1_retention"} <= set(report["lineage"]["kpis"])
    assert not {"cac", "ltv_to_cac"} & set(report["lineage"]["kpis"])


def test_a_spec_for_a_cycle_not_yet_running_is_in_the_lineage(repo, built_sample):
    # only a running cycle's key results are scored, and the lineage listed only the scored ones
    code, report = _json(repo, built_sample["path"], "next_cycle")
    ident = "growth-next/2027-Q1/keep-growing/signups-up"
    assert code == 0 and report["key_results"] == [] and report["goalposts"] == []
    assert report["lineage"]["key_results"] == [ident]
    changes = {(c["kind"], c["name"]): c["change"] for c in report["definition_changes"]}
    assert changes == {("key_result", ident): "added"}


def test_moving_a_key_result_target_mid_cycle_is_flagged_in_the_comment(repo, built_sample):
    result = _diff(repo, built_sample["path"], repo.heads["target"])
    assert result.returncode == 1, result.stderr
    comment = result.stdout
    assert "### ⚠️ Goalposts moved during a running cycle" in comment
    assert f"{D7_KR}: moved mid-cycle (2026-10-01 to 2026-12-31): target '35%' → '30%'" in comment
    assert "This change moves KR **d7-retention** from " in comment
    assert "Built for each side: none (nothing to build)" in comment  # an OKR spec change builds nothing


def test_a_head_that_no_longer_parses_is_exit_2_with_the_parse_error(repo, built_sample):
    result = _diff(repo, built_sample["path"], repo.heads["no_parse"])
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"scorecard: error: {repo.heads['no_parse']}: the project does not parse: ")
    assert "cac" in line and "Traceback" not in result.stderr


def test_a_base_that_does_not_parse_and_an_unknown_ref_are_exit_2(repo, built_sample):
    broken = _diff(repo, built_sample["path"], repo.base, base=repo.heads["no_parse"])
    assert broken.returncode == 2 and "the project does not parse" in broken.stderr
    unknown = _diff(repo, built_sample["path"], repo.base, base="no-such-branch")
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == f"scorecard: error: no-such-branch: not a git revision in {repo.root}"


def test_a_date_after_the_warehouse_kpi_build_is_exit_2_before_anything_is_built(repo, built_sample):
    # built_sample's KPI tables were built for 2026-11-15: a target-only change diffed at 2027-01-10 scored
    # both sides on data ending seven weeks earlier, every Q4 key result missed on each
    result = _diff(repo, built_sample["path"], repo.heads["target"], "--as-of", "2027-01-10")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"scorecard: error: {built_sample['path']}: the KPI tables were built for 2026-11-15, before the "
        "diff's date, 2027-01-10; run `scorecard run --as-of 2027-01-10` first, or diff at `--as-of 2026-11-15`"
    ]


def test_a_shallow_clone_without_the_base_is_exit_2_saying_how_to_fetch_it(repo, built_sample, tmp_path):
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.root}", str(clone)], check=True, capture_output=True
    )
    args = ["--project-dir", str(clone / "analytics"), "diff", "--base", "HEAD~1"]
    result = scorecard(*args, warehouse=built_sample["path"])
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().startswith("scorecard: error: HEAD~1: not in this shallow clone of ")
    assert "git fetch --unshallow" in result.stderr


def test_an_empty_warehouse_gets_the_sample_and_the_base_build_first(repo, tmp_path):
    """What the pull-request workflow relies on: a fresh machine has no warehouse."""
    warehouse = tmp_path / "fresh" / "scorecard.duckdb"
    result = _diff(repo, warehouse, repo.heads["target"], "--format", "json")
    assert result.returncode == 1, result.stderr
    assert f"{warehouse}: had no KPI tables; built the base revision ({repo.base}) into it" in result.stderr
    report = json.loads(result.stdout)
    assert [f["kind"] for f in report["goalposts"]] == ["goalpost_moved"]
    assert query(warehouse, "select count(distinct metric_name) from kpis.kpi_values")[0][0] >= 48
