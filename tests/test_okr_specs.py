"""OKR specs: every malformed file gets its precise one-line error; the examples are clean; lint
rules warn about the known pitfalls; the published JSON Schema matches the loader."""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from pathlib import Path

import jsonschema
import pytest
import yaml

from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.evaluate import Period, Series, evaluate
from scorecard.okrs.load import load_specs
from scorecard.okrs.rules import direction_against_metric
from scorecard.okrs.schema import render
from scorecard.quality.status import DataStatus
from tests.conftest import PROJECT_DIR, copy_project, scorecard

INVALID = sorted((PROJECT_DIR / "tests" / "fixtures" / "okrs" / "invalid").glob("*.yml"))
EXPECTATION = re.compile(r"^# expect(?: line (\d+))?: (.*)$")


def test_the_corpus_is_large_enough():
    assert len(INVALID) >= 40


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_malformed_spec_gets_its_one_line_error(path: Path):
    line, message = EXPECTATION.match(path.read_text(errors="replace").splitlines()[0]).groups()
    relative = path.relative_to(PROJECT_DIR)
    result = scorecard("lint", str(relative))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result.stdout
    if line is None:
        assert lines[0].startswith(f"{relative}:") and lines[0].endswith(message)
    else:
        assert lines[0] == f"{relative}:{line}: {message}"


def test_the_example_okrs_are_clean():
    result = scorecard("lint", "--strict")
    assert result.returncode == 0, result.stdout
    assert result.stdout == ""
    teams = {yaml.safe_load(p.read_text())["team"] for p in (PROJECT_DIR / "okrs").glob("*.yml")}
    assert {"company", "growth", "retention", "sales", "finance", "product", "customer-success"} <= teams


PITFALLS = """cycle: 2026-Q4
team: growth
objectives:
  - id: dau-100k
    title: DAU 100000
    key_results:
      - id: dau
        metric: dau
        target: 1500
  - id: landing
    title: Win first-time visitors over
    aligns_to: growth/dau-100k
    key_results:
      - id: ship-page
        title: Ship the new landing page
        metric: visitor_conversion_rate
        baseline: 3%
        target: 6%
      - id: support
        metric: day1_support_contact_rate
        baseline: 5%
        target: 8%
"""


@pytest.fixture
def pitfalls(tmp_path: Path) -> Path:
    path = tmp_path / "pitfalls.yml"
    path.write_text(PITFALLS)
    return path


def test_lint_warns_about_each_pitfall(pitfalls: Path):
    result = scorecard("--project-dir", str(PROJECT_DIR), "lint", str(pitfalls), cwd=pitfalls.parent)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "pitfalls.yml:4: objectives.0: warning: restates the metric 'dau' with one key result: a KPI with a target; "
        "give it a direction worth reaching and 2-5 key results",
        "pitfalls.yml:4: objectives.0: warning: a team objective that aligns to nothing; add aligns_to: company/<id>",
        "pitfalls.yml:5: objectives.0.title: warning: an objective is qualitative and ambitious; move the number into "
        "a key result",
        "pitfalls.yml:6: objectives.0.key_results: warning: 1 key result; an objective needs 2 to 5",
        "pitfalls.yml:7: objectives.0.key_results.0: warning: no baseline; write the starting value or baseline: auto",
        "pitfalls.yml:15: objectives.1.key_results.0.title: warning: reads like an output; type it milestone, or "
        "write the outcome it should move",
        "pitfalls.yml:22: objectives.1.key_results.1.target: warning: aims to increase 'day1_support_contact_rate', "
        "which is lower is better",
    ]


def test_strict_turns_warnings_into_exit_1_and_json_lists_them(pitfalls: Path):
    assert (
        scorecard("--project-dir", str(PROJECT_DIR), "lint", "--strict", str(pitfalls), cwd=pitfalls.parent).returncode
        == 1
    )
    result = scorecard(
        "--project-dir", str(PROJECT_DIR), "lint", "--format", "json", str(pitfalls), cwd=pitfalls.parent
    )
    report = json.loads(result.stdout)
    assert report["errors"] == 0 and report["warnings"] == 7
    assert {issue["rule"] for issue in report["issues"]} == {
        "kpi-dressed-as-okr",
        "unaligned-objective",
        "objective-has-numbers",
        "okr-sprawl",
        "no-baseline",
        "output-as-key-result",
        "direction-against-metric",
    }


def _late_values(cycle: str, grain_line: str = "", deadline_line: str = "") -> str:
    return f"""cycle: {cycle}
team: company
owner: ceo
objectives:
  - id: repeat-purchase
    title: Make repeat purchase the default behavior
    key_results:
      - id: repurchase-90d
        metric: repurchase_rate_90d
        baseline: 20%
        target: 30%
      - id: new-customer-revenue
        metric: new_customer_revenue
        baseline: 100000
        target: 120000{grain_line}
      - id: d1-retention
        metric: d1_retention
        baseline: 30%
        target: 45%{deadline_line}
"""


def test_a_key_result_with_no_complete_period_before_its_deadline_is_named(tmp_path: Path):
    # By hand: repurchase_rate_90d is monthly and matures 90 days after a month ends, so in 2026-Q4 the
    # first month, October, is complete on 10-31 + 90 days = 2027-01-29 (30 days of November, 31 of
    # December, 29 of January), after the cycle ends on 12-31; the quarterly new_customer_revenue is fine
    spec = tmp_path / "late.yml"
    spec.write_text(_late_values("2026-Q4"))

    def lint() -> list[str]:
        result = scorecard("--project-dir", str(PROJECT_DIR), "lint", str(spec), cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        return [line for line in result.stdout.splitlines() if "complete-after-deadline" in line or "has no" in line]

    assert lint() == [
        "late.yml:8: objectives.0.key_results.0: warning: 'repurchase_rate_90d' has no month to score before "
        "2027-01-29: the first in the cycle, 2026-10, is complete 90 days after it ends, past the deadline "
        "2026-12-31; this key result scores no_data until then"
    ]
    # a six-week cycle: the quarter it starts in ends on 12-31, after the cycle; d1_retention (weekly, mature
    # one day after the week) with a deadline on the first Sunday, 10-04: that week is complete on 10-05
    spec.write_text(
        _late_values(
            "{start: 2026-10-01, end: 2026-11-15}", "\n        grain: quarter", "\n        deadline: 2026-10-04"
        )
    )
    assert lint() == [
        "late.yml:8: objectives.0.key_results.0: warning: 'repurchase_rate_90d' has no month to score before "
        "2027-01-29: the first in the cycle, 2026-10, is complete 90 days after it ends, past the deadline "
        "2026-11-15; this key result scores no_data until then",
        "late.yml:16: objectives.0.key_results.1.grain: warning: 'new_customer_revenue' has no quarter to score "
        "before 2026-12-31: the first in the cycle, 2026-Q4, ends on 2026-12-31, past the deadline 2026-11-15; "
        "this key result scores no_data until then",
        "late.yml:17: objectives.0.key_results.2: warning: 'd1_retention' has no week to score before 2026-10-05: "
        "the first in the cycle, week of 2026-09-28, is complete 1 day after it ends, past the deadline "
        "2026-10-04; this key result scores no_data until then",
    ]
    # a day later the week is complete: no warning
    spec.write_text(_late_values("2026-Q4", deadline_line="\n        deadline: 2026-10-05"))
    assert len(lint()) == 1


def test_a_kpi_measured_by_week_has_a_month_that_waits_for_its_last_week(tmp_path: Path):
    # By hand: power_user_share is measured by ISO week, and November 2026 holds every week starting in it,
    # the last from Monday 11-30 to Sunday 12-06. With a deadline on 12-03 the rule took November as
    # complete on 11-30 and said nothing; on 12-06 it is complete, so that deadline gets no warning.
    spec = tmp_path / "weekly.yml"

    def lint(deadline: str) -> list[str]:
        spec.write_text(
            f"""cycle: {{start: 2026-11-01, end: 2026-12-31}}
team: growth
owner: growth-pm
objectives:
  - id: habits
    title: Make the weekly habit stick
    key_results:
      - id: power-users
        metric: power_user_share
        baseline: 20%
        target: 30%
        grain: month
        deadline: {deadline}
"""
        )
        result = scorecard("--project-dir", str(PROJECT_DIR), "lint", str(spec), cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        return [line for line in result.stdout.splitlines() if "complete-after-deadline" in line or "has no" in line]

    assert lint("2026-12-03") == [
        "weekly.yml:12: objectives.0.key_results.0.grain: warning: 'power_user_share' has no month to score "
        "before 2026-12-06: the first in the cycle, 2026-11, ends with its last week, 2026-11-30 to 2026-12-06, "
        "past the deadline 2026-12-03; this key result scores no_data until then"
    ]
    assert lint("2026-12-06") == []


def test_a_relative_target_on_a_share_names_the_percentage_points_reading(tmp_path: Path):
    # By hand: +5% of a 30% baseline is 30% + 1.5% = 31.5%, while +5pp is 35%; -10% from the 30% example
    # (auto baseline) is 27%, while -10pp is 20%. Points on a share, and a relative target on a count or on a
    # ratio read as a multiple (LTV to CAC, display: number), are meant as written: no warning.
    spec = tmp_path / "shares.yml"
    spec.write_text(
        """cycle: 2026-Q4
team: company
owner: ceo
objectives:
  - id: retention
    title: Make the first week worth coming back for
    key_results:
      - id: d1-relative
        metric: d1_retention
        baseline: 30%
        target: +5%
      - id: contacts-relative
        metric: day1_support_contact_rate
        baseline: auto
        target: -10%
      - id: d1-points
        metric: d1_retention
        baseline: 30%
        target: +3pp
      - id: weekly-actives
        metric: wau
        baseline: auto
        target: +10%
      - id: ltv-to-cac
        metric: ltv_to_cac
        baseline: auto
        target: +10%
"""
    )
    result = scorecard("--project-dir", str(PROJECT_DIR), "lint", str(spec), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if "percentage points" in line] == [
        "shares.yml:11: objectives.0.key_results.0.target: warning: '+5%' is 5% of the baseline, not 5 percentage "
        "points (from 30% it reaches 31.5%, not 35%); for points write +5pp",
        "shares.yml:15: objectives.0.key_results.1.target: warning: '-10%' is 10% of the baseline, not 10 percentage "
        "points (from 30% it would reach 27%, not 20%); for points write -10pp",
    ]


def test_a_missing_file_is_an_error(tmp_path: Path):
    result = scorecard("lint", str(tmp_path / "nope.yml"))
    assert result.returncode == 2 and result.stdout.strip().endswith("nope.yml:1: file not found")


def test_a_broken_symlink_among_the_specs_is_an_error_not_a_missing_team(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    (project / "okrs" / "sales.yml").unlink()
    (project / "okrs" / "sales.yml").symlink_to("../shared/sales.yml")
    result = scorecard("--project-dir", str(project), "lint", cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout.strip() == "okrs/sales.yml:1: symlink to ../shared/sales.yml, which does not exist"


def test_every_entry_named_like_a_spec_is_read_or_named(tmp_path: Path):
    # a symlink loop was "internal error: RuntimeError", exit 3; a FIFO and a spec named .YML were skipped
    # without a word, lint exit 0, so a team's file could go unscored
    project = copy_project(tmp_path / "project")
    okrs = project / "okrs"
    (okrs / "loop.yml").symlink_to("loop.yml")
    os.mkfifo(okrs / "pipe.yml")
    (okrs / "company.yml").rename(okrs / "company.YML")
    loop = "okrs/loop.yml:1: symlink loop (through loop.yml)"
    named = scorecard("--project-dir", str(project), "lint", "okrs/loop.yml", cwd=project)
    assert (named.returncode, named.stdout.splitlines(), named.stderr) == (2, [loop], "")
    result = scorecard("--project-dir", str(project), "lint", cwd=project)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stdout + result.stderr
    # company.YML is read: nothing else is wrong, though every team's objectives align to its objectives
    assert result.stdout.splitlines() == [
        loop,
        "okrs/pipe.yml:1: not a regular file (a FIFO, socket or device); a spec is a YAML file",
    ]


def test_linting_one_file_of_okrs_judges_it_with_the_others_as_context(tmp_path: Path):
    # growth.yml aligns to company/essential-every-week, defined in okrs/company.yml
    project = copy_project(tmp_path / "project")

    def lint(*paths: str):
        return scorecard("--project-dir", str(project), "lint", "--strict", *paths, cwd=project)

    for paths in (["okrs/growth.yml"], ["okrs", "okrs/growth.yml"], ["./okrs/growth.yml", "okrs/growth.yml"]):
        result = lint(*paths)
        assert (result.returncode, result.stdout) == (0, ""), (paths, result.stdout)
    growth = project / "okrs" / "growth.yml"
    growth.write_text(growth.read_text().replace("company/essential-every-week", "company/no-such-objective"))
    result = lint("okrs/growth.yml")
    assert result.returncode == 2
    assert result.stdout.strip().splitlines() == [
        "okrs/growth.yml:9: objectives.0.aligns_to: aligns_to 'company/no-such-objective' points to no objective"
    ]
    # named from another directory, the file's issues are still its own (not filtered away)
    elsewhere = scorecard("--project-dir", str(project), "lint", "project/okrs/growth.yml", cwd=tmp_path)
    assert elsewhere.returncode == 2 and "project/okrs/growth.yml:9: objectives.0.aligns_to" in elsewhere.stdout


def _growth(cycle: str, objective: str = "obvious-onboarding", aligns_to: str = "company/essential-every-week") -> str:
    return f"""cycle: {cycle}
team: growth
owner: growth-lead
objectives:
  - id: {objective}
    title: Onboarding that explains itself
    aligns_to: {aligns_to}
    key_results:
      - id: d1-retention
        title: Day 1 retention to 50%
        metric: d1_retention
        baseline: 45%
        target: 50%
      - id: time-to-first-value
        title: Median time to first value down to 2 minutes
        metric: time_to_first_value_minutes
        baseline: 2.5
        target: 2
"""


def test_next_quarters_file_may_reuse_the_objective_ids_of_this_one(tmp_path: Path):
    # growth.yml (2026-Q4) has the objective obvious-onboarding; next quarter's file reuses it, and its
    # aligns_to names a company objective that exists for 2026-Q4 only: that stopped lint and every score
    project = copy_project(tmp_path / "project")
    (project / "okrs" / "growth-2027q1.yml").write_text(_growth("2027-Q1"))
    result = scorecard("--project-dir", str(project), "lint", "--strict", cwd=project)
    assert result.returncode == 1, result.stdout
    assert result.stdout.strip().splitlines() == [
        "okrs/growth-2027q1.yml:7: objectives.0.aligns_to: warning: aligns_to 'company/essential-every-week' is an "
        "objective of 2026-Q4, no cycle overlapping 2027-Q1: this objective's score rolls up into nothing"
    ]
    # the same id twice in overlapping cycles is still an error: which one would aligns_to mean?
    (project / "okrs" / "growth-2027q1.yml").write_text(_growth("{start: 2026-12-01, end: 2027-02-28}"))
    result = scorecard("--project-dir", str(project), "lint", cwd=project)
    assert result.returncode == 2
    assert "objective 'growth/obvious-onboarding' is also defined in okrs/growth" in result.stdout
    assert "(cycle 2026-Q4, overlapping 2026-12-01..2027-02-28)" in result.stdout or (
        "(cycle 2026-12-01..2027-02-28, overlapping 2026-Q4)" in result.stdout
    )


def test_an_objective_rolls_up_into_its_own_cycles_parent(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    okrs = project / "okrs"
    for path in okrs.glob("*.yml"):
        path.unlink()
    company = """cycle: {cycle}
team: company
owner: ceo
objectives:
  - id: grow
    title: Grow
    key_results:
      - id: launch
        title: Launch
        type: milestone
        status: {status}
"""
    (okrs / "company-q3.yml").write_text(company.format(cycle="2026-Q3", status="done"))
    (okrs / "company-q4.yml").write_text(company.format(cycle="2026-Q4", status="in_progress"))
    (okrs / "team-q3.yml").write_text(_growth("2026-Q3", aligns_to="company/grow"))
    (okrs / "team-q4.yml").write_text(_growth("2026-Q4", aligns_to="company/grow"))
    catalog = load_catalog(project)
    loaded = load_specs([okrs], catalog)
    assert loaded.errors == []
    _, _, objectives = evaluate(loaded.specs, catalog, {}, date(2026, 11, 15), {})
    counts = {(o["team"], o["cycle"]): o["aligned_objective_count"] for o in objectives}
    # each company objective counts the team objective of its own quarter, not both
    assert counts == {
        ("company", "2026-Q3"): 1,
        ("company", "2026-Q4"): 1,
        ("growth", "2026-Q3"): 0,
        ("growth", "2026-Q4"): 0,
    }


def _only_spec(tmp_path: Path, text: str):
    """A copy of the project whose okrs/ holds this one spec (growth.yml): its catalog and the specs,
    loaded without errors."""
    project = copy_project(tmp_path / "project")
    okrs = project / "okrs"
    for path in okrs.glob("*.yml"):
        path.unlink()
    (okrs / "growth.yml").write_text(text)
    catalog = load_catalog(project)
    loaded = load_specs([okrs], catalog)
    assert loaded.errors == []
    return catalog, loaded.specs


def test_a_relative_target_on_an_auto_baseline_of_zero_says_why_it_cannot_score(tmp_path: Path):
    catalog, specs = _only_spec(
        tmp_path,
        _growth("2026-Q4", aligns_to="company/grow")
        .replace("baseline: 45%\n        target: 50%", "baseline: auto\n        target: +25%")
        .replace("    aligns_to: company/grow\n", ""),
    )
    weeks = [date(2026, 9, 27) + timedelta(weeks=i) for i in range(8)]
    series = {
        ("d1_retention", "week", "all", "all"): Series(
            [Period(end - timedelta(days=6), end, 0.0 if end < date(2026, 10, 1) else 0.2) for end in weeks]
        )
    }
    key_results, checkins, _ = evaluate(specs, catalog, series, date(2026, 11, 15), {})
    (d1,) = [c for c in checkins if c["key_result_id"] == "d1-retention"]
    assert (d1["baseline"], d1["target"], d1["current_value"], d1["status"]) == (0.0, 0.0, 0.2, "no_data")
    assert d1["projection_note"] == (
        "the target equals the baseline (0), so there is no progress to measure: "
        "write the baseline or the target as a number"
    )
    # no line to the target: neither a projection nor a chance of reaching it (a line through rising values
    # would "reach" a target of 0 for certain, or never, by the way it was inferred)
    assert (d1["projection"], d1["projection_low"], d1["projection_high"], d1["hit_probability"]) == (None,) * 4
    # +25% says which way, though the target resolved to the baseline
    (spec_row,) = [row for row in key_results if row["key_result_id"] == "d1-retention"]
    assert spec_row["direction"] == "increase"


def test_from_the_deadline_on_a_key_result_has_no_projection(tmp_path: Path):
    # an ended cycle read "48% at 2026-12-31 (80%: ...), 0% chance of reaching the target": a forecast of
    # a date already past, beside a status that is final
    catalog, specs = _only_spec(
        tmp_path, _growth("2026-Q4").replace("    aligns_to: company/essential-every-week\n", "")
    )
    # weekly d1 retention falling from 45% by half a point a week, Sunday 2026-10-04 to 2027-01-03
    weeks = [date(2026, 10, 4) + timedelta(weeks=i) for i in range(14)]
    series = {
        ("d1_retention", "week", "all", "all"): Series(
            [Period(end - timedelta(days=6), end, 0.45 - 0.005 * i) for i, end in enumerate(weeks)]
        )
    }
    projections = {}
    for as_of in (date(2026, 11, 15), date(2026, 12, 31), date(2027, 1, 10)):
        _, checkins, _ = evaluate(specs, catalog, series, as_of, {})
        (d1,) = [c for c in checkins if c["key_result_id"] == "d1-retention"]
        projections[as_of] = d1
    running = projections[date(2026, 11, 15)]
    assert running["hit_probability"] is not None and running["projection"] is not None
    for as_of in (date(2026, 12, 31), date(2027, 1, 10)):
        ended = projections[as_of]
        assert ended["status"] == "missed", (as_of, ended["status"])
        assert (ended["projection"], ended["projection_low"], ended["projection_high"], ended["hit_probability"]) == (
            None,
        ) * 4
        assert ended["projection_note"] == "the deadline, 2026-12-31, has come"


def test_published_schema_matches_the_loader():
    assert (PROJECT_DIR / "okrs" / "okr-spec.schema.json").read_text() == render()


def test_schema_accepts_the_examples_and_rejects_unknown_keys():
    schema = json.loads((PROJECT_DIR / "okrs" / "okr-spec.schema.json").read_text())
    for path in (PROJECT_DIR / "okrs").glob("*.yml"):
        document = json.loads(json.dumps(yaml.safe_load(path.read_text()), default=str))
        jsonschema.validate(document, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"cycle": "2026-Q4", "team": "x", "objectives": [], "colour": "red"}, schema)


def test_a_key_result_is_measured_on_the_periods_ending_by_its_deadline(tmp_path: Path):
    # due 11-01: the value reached on 11-15 comes too late to achieve it, and the guardrail's dip on 11-08
    # comes after its deadline; both were judged on every period to the cycle's end
    project = copy_project(tmp_path / "project")
    okrs = project / "okrs"
    for path in okrs.glob("*.yml"):
        path.unlink()
    spec = (
        _growth("2026-Q4", aligns_to="company/grow")
        .replace("    aligns_to: company/grow\n", "")
        .replace("        target: 50%\n", "        target: 50%\n        deadline: 2026-11-01\n", 1)
    )
    guardrail = (
        "      - id: d1-floor\n        type: guardrail\n        metric: d1_retention\n        threshold: 46%\n"
        "        direction: at_least\n        deadline: 2026-11-01\n"
    )
    (okrs / "growth.yml").write_text(spec + guardrail)
    catalog = load_catalog(project)
    loaded = load_specs([okrs], catalog)
    assert loaded.errors == []
    weekly = {
        date(2026, 9, 27): 0.45,
        date(2026, 10, 4): 0.47,
        date(2026, 10, 11): 0.47,
        date(2026, 10, 18): 0.47,
        date(2026, 10, 25): 0.47,
        date(2026, 11, 1): 0.48,
        date(2026, 11, 8): 0.40,
        date(2026, 11, 15): 0.52,
    }
    periods = [Period(end - timedelta(days=6), end, value) for end, value in weekly.items()]
    series = {("d1_retention", "week", "all", "all"): Series(periods)}
    _, checkins, _ = evaluate(loaded.specs, catalog, series, date(2026, 11, 15), {})
    by_id = {c["key_result_id"]: c for c in checkins}
    d1, floor = by_id["d1-retention"], by_id["d1-floor"]
    # (0.48 - 0.45) / (0.50 - 0.45) = 0.6 at the deadline, short of the target: missed, not achieved at 0.52
    assert (d1["current_value"], d1["current_period_end"], d1["status"]) == (0.48, date(2026, 11, 1), "missed")
    assert d1["score"] == pytest.approx(0.6)
    # five weeks to 11-01, all at least 46%: achieved, not 6 of 7
    assert (floor["current_value"], floor["status"], floor["score"]) == (0.48, "achieved", 1.0)


def test_a_kpi_defined_after_the_checks_ran_says_so(tmp_path: Path):
    # the checks for the date gave every KPI then defined a status; d1_retention (added since) has none
    catalog, specs = _only_spec(
        tmp_path, _growth("2026-Q4").replace("    aligns_to: company/essential-every-week\n", "")
    )
    checked = {"time_to_first_value_minutes": DataStatus("ok", "249 checks passed")}
    as_of = date(2026, 11, 15)
    _, checkins, _ = evaluate(specs, catalog, {}, as_of, {}, data_statuses=checked)
    reasons = {c["metric"]: (c["data_status"], c["data_status_reason"]) for c in checkins}
    assert reasons == {
        "d1_retention": ("unknown", "the data-quality checks for 2026-11-15 ran before the KPI was defined"),
        "time_to_first_value_minutes": ("ok", "249 checks passed"),
    }
    _, checkins, _ = evaluate(specs, catalog, {}, as_of, {}, data_statuses=None)
    assert {c["data_status_reason"] for c in checkins} == {"data-quality checks have not run for 2026-11-15"}


def test_kpi_metadata_under_a_top_level_meta_is_refused_naming_the_file_and_metric(tmp_path: Path):
    # dbt keeps a metric's top-level meta only while config.meta is empty: here it is not, so dbt drops
    # the KPI metadata without a word, and the metric would silently stop being a KPI
    project = copy_project(tmp_path / "project")
    commerce = project / "metrics" / "commerce.yml"
    text = commerce.read_text()
    start = text.index("  - name: aov\n")
    block = text[start : text.index("\n\n", start)]
    moved = block.replace(
        "    config:\n      meta:\n        kpi:\n",
        "    config:\n      meta:\n        team: shop\n    meta:\n      kpi:\n",
    )
    moved = moved.replace("\n          ", "\n        ")
    assert moved != block
    commerce.write_text(text.replace(block, moved))
    result = scorecard("--project-dir", str(project), "lint", cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "scorecard: error: metrics/commerce.yml: metric 'aov': KPI metadata under meta.kpi: move it to config.meta.kpi "
        "(dbt drops a metric's top-level meta once config.meta is set)"
    )


def test_a_target_worse_than_its_auto_baseline_is_a_warning_once_scored(tmp_path: Path):
    # lint cannot tell which way "baseline: auto, target: 2.6" moves a lower-is-better median; the scored
    # baseline (2.5) shows it raises it, which scoring then counts as progress
    project = copy_project(tmp_path / "project")
    okrs = project / "okrs"
    for path in okrs.glob("*.yml"):
        path.unlink()
    spec = _growth("2026-Q4").replace("    aligns_to: company/essential-every-week\n", "")
    (okrs / "growth.yml").write_text(
        spec.replace("baseline: 2.5\n        target: 2\n", "baseline: auto\n        target: 2.6\n")
    )
    catalog = load_catalog(project)
    loaded = load_specs([okrs], catalog)
    assert loaded.errors == [] and direction_against_metric.check(loaded.specs, catalog) == []
    weeks = [date(2026, 9, 27) + timedelta(weeks=i) for i in range(8)]
    series = {
        ("time_to_first_value_minutes", "week", "all", "all"): Series(
            [Period(end - timedelta(days=6), end, 2.5) for end in weeks]
        )
    }
    key_results, _, _ = evaluate(loaded.specs, catalog, series, date(2026, 11, 15), {})
    (issue,) = direction_against_metric.against_scored(loaded.specs, catalog, key_results)
    assert (issue.line, issue.rule) == (17, "direction-against-metric")  # the target line
    assert issue.message == (
        "aims to increase 'time_to_first_value_minutes', which is lower is better: the auto baseline is 2.5 and "
        "the target 2.6, so progress counts the wrong way; for a limit to stay within, make it a guardrail"
    )
    # the same key result aiming down, and one whose direction lint already judged, are not repeated
    (okrs / "growth.yml").write_text(spec.replace("baseline: 2.5\n", "baseline: auto\n"))
    loaded = load_specs([okrs], catalog)
    key_results, _, _ = evaluate(loaded.specs, catalog, series, date(2026, 11, 15), {})
    assert list(direction_against_metric.against_scored(loaded.specs, catalog, key_results)) == []


def test_the_catalog_reads_every_yaml_file_dbt_reads_in_metrics(tmp_path: Path):
    # a metrics file named .yaml, or one in a subfolder, was built by dbt but unknown to the OKR specs:
    # "unknown metric" for a key result on a KPI the warehouse had
    project = copy_project(tmp_path / "project")
    metrics = project / "metrics"
    (metrics / "engagement.yml").rename(metrics / "engagement.yaml")
    (metrics / "money").mkdir()
    (metrics / "commerce.yml").rename(metrics / "money" / "commerce.yml")
    catalog = load_catalog(project)
    assert {"dau", "stickiness", "aov", "order_revenue"} <= set(catalog)
    assert catalog == load_catalog(PROJECT_DIR)
