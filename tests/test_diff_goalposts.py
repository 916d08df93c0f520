"""Goalpost checks: a running key result's target moved, its metric's definition changed, its metric gone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scorecard.diff.goalposts import cadence_changes, findings, spec_changes
from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.load import load_specs
from tests.conftest import PROJECT_DIR

RETENTION = (PROJECT_DIR / "okrs" / "retention.yml").read_text()
IN_CYCLE = date(2026, 11, 15)  # 2026-Q4 runs from 2026-10-01 to 2026-12-31
AFTER_CYCLE = date(2027, 1, 15)
KR = "retention/2026-Q4/weekly-habit/d7-retention"


def _load(directory: Path, text: str):
    directory.mkdir(parents=True)
    (directory / "retention.yml").write_text(text)
    # the retention objective aligns to a company objective, which must be there too
    (directory / "company.yml").write_text((PROJECT_DIR / "okrs" / "company.yml").read_text())
    result = load_specs([directory], load_catalog(PROJECT_DIR))
    assert not result.errors, result.errors
    return result.specs


def _metrics() -> set[str]:
    return set(load_catalog(PROJECT_DIR))


def test_moving_a_target_mid_cycle_is_flagged(tmp_path):
    base = _load(tmp_path / "base", RETENTION)
    head = _load(tmp_path / "head", RETENTION.replace("        target: 35%", "        target: 30%"))
    (finding,) = findings(base, head, IN_CYCLE, set(), _metrics())
    assert finding.kind == "goalpost_moved" and finding.key_result == KR
    assert "target '35%' → '30%'" in finding.message and "2026-10-01 to 2026-12-31" in finding.message


def test_the_same_move_after_the_cycle_is_not_a_goalpost_move(tmp_path):
    base = _load(tmp_path / "base", RETENTION)
    head = _load(tmp_path / "head", RETENTION.replace("        target: 35%", "        target: 30%"))
    assert findings(base, head, AFTER_CYCLE, set(), _metrics()) == []


def test_a_changed_definition_under_a_running_key_result_is_flagged(tmp_path):
    specs = _load(tmp_path / "base", RETENTION)
    (finding,) = findings(specs, specs, IN_CYCLE, {"d7_retention"}, _metrics())
    assert "the definition of 'd7_retention' changed while the cycle (2026-10-01 to 2026-12-31) runs" in finding.message
    assert (finding.kind, finding.key_result) == ("definition_changed", KR)


def test_a_key_result_whose_metric_is_gone_is_breaking(tmp_path):
    specs = _load(tmp_path / "base", RETENTION)
    (finding,) = findings(specs, specs, AFTER_CYCLE, set(), _metrics() - {"push_return_share"})
    assert finding.kind == "metric_missing"
    assert (
        finding.message
        == "retention/2026-Q4/weekly-habit/push-guardrail: metric 'push_return_share' does not exist at head"
    )


def test_the_same_target_in_other_words_is_not_a_move(tmp_path):
    base = _load(tmp_path / "base", RETENTION)
    head = _load(tmp_path / "head", RETENTION.replace("        target: 35%", "        target: 0.35"))
    assert findings(base, head, IN_CYCLE, set(), _metrics()) == []
    assert spec_changes(base, head, set()) == {}


def test_a_key_result_removed_with_its_metric_is_removed_not_broken(tmp_path):
    base = _load(tmp_path / "base", RETENTION)
    text = RETENTION
    start = text.index("      - id: push-guardrail\n")
    end = text.find("\n      - id: ", start + 1)
    head = _load(tmp_path / "head", text[:start] + (text[end + 1 :] if end != -1 else ""))
    assert findings(base, head, AFTER_CYCLE, set(), _metrics() - {"push_return_share"}) == []
    assert spec_changes(base, head, set())["retention/2026-Q4/weekly-habit/push-guardrail"] == ["removed"]


def test_key_results_of_a_file_that_no_longer_loads_are_not_called_removed(tmp_path):
    base = _load(tmp_path / "base", RETENTION)
    head = [spec for spec in base if not spec.file.endswith("retention.yml")]
    unloadable = {spec.file for spec in base if spec.file.endswith("retention.yml")}
    assert not [ident for ident in spec_changes(base, head, unloadable) if ident.startswith("retention/")]
    # its metric gone is what broke it: still a breaking change
    (finding,) = findings(base, head, AFTER_CYCLE, set(), _metrics() - {"push_return_share"}, unloadable)
    assert finding.kind == "metric_missing" and finding.key_result.endswith("/push-guardrail")


def test_a_new_cadence_moves_the_grain_of_a_running_key_result_that_names_none(tmp_path):
    # a KPI's cadence from week to month moved its key results to months without a word, an auto baseline
    # frozen from a week's value then compared with months
    specs = _load(tmp_path / "base", RETENTION)
    changes = {"d7_retention": ("week", "month"), "sessions_per_active_user": ("week", "month")}
    found = {f.key_result: f for f in findings(specs, specs, IN_CYCLE, set(), _metrics(), cadence_changes=changes)}
    assert set(found) == {KR, "retention/2026-Q4/weekly-habit/sessions-per-active-user"}
    assert found[KR].kind == "goalpost_moved"
    assert found[KR].message == (
        f"{KR}: moved mid-cycle (2026-10-01 to 2026-12-31): grain, following the cadence of 'd7_retention', "
        "'week' → 'month'"
    )
    assert found["retention/2026-Q4/weekly-habit/sessions-per-active-user"].message.endswith(
        "'week' → 'month' (its auto baseline was frozen at the old grain)"
    )
    # a key result with a grain of its own keeps it, and a finished cycle has no goalposts to move
    pinned = _load(
        tmp_path / "pinned",
        RETENTION.replace("        metric: d7_retention\n", "        metric: d7_retention\n        grain: week\n"),
    )
    assert [f.key_result for f in findings(pinned, pinned, IN_CYCLE, set(), _metrics(), cadence_changes=changes)] == [
        "retention/2026-Q4/weekly-habit/sessions-per-active-user"
    ]
    assert findings(specs, specs, AFTER_CYCLE, set(), _metrics(), cadence_changes=changes) == []


def test_cadence_changes_are_those_of_kpis_on_both_sides():
    base = {"dau": "day", "wau": "week", "gone": "week"}
    head = {"dau": "day", "wau": "month", "new": "quarter"}
    assert cadence_changes(base, head) == {"wau": ("week", "month")}
