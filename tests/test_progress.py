"""What `scorecard run` shows as it goes: step progress (plain log lines off a terminal), dbt's build
progress counted from its events, and dbt's console kept to warnings and errors."""

from __future__ import annotations

import io
import logging
import os
import sys
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest

from scorecard import dbt as scorecard_dbt
from scorecard.dbt import NodeProgress, quiet_console, run_dbt
from scorecard.progress import StepProgress


def messages(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def test_plain_steps_log_start_duration_and_a_summary(caplog):
    caplog.set_level(logging.INFO)
    with pytest.raises(RuntimeError), StepProgress(live=False) as progress:
        with progress.step("check OKR specs"):
            pass
        with progress.step("dbt build") as step:
            for done in range(1, 9):
                step.count(done, 8, "nodes")
        with progress.step("score OKRs"):
            raise RuntimeError("boom")
    lines = messages(caplog)
    assert lines[0] == "check OKR specs ..."
    assert lines[1].startswith("check OKR specs done in ") and lines[1].endswith("s")
    # the node count is logged at each quarter, not for every node
    assert [line for line in lines if line.startswith("dbt build:")] == [
        "dbt build: 2 of 8 nodes",
        "dbt build: 4 of 8 nodes",
        "dbt build: 6 of 8 nodes",
        "dbt build: 8 of 8 nodes",
    ]
    assert any(line.startswith("dbt build done in ") for line in lines)
    assert any(line.startswith("score OKRs failed in ") for line in lines)
    summary = lines[-1]
    assert summary.startswith("steps: check OKR specs ") and "score OKRs " in summary and "(failed)" in summary
    assert "; total " in summary
    assert [t.name for t in progress.timings] == ["check OKR specs", "dbt build", "score OKRs"]
    assert [t.failed for t in progress.timings] == [False, False, True]


def test_a_step_marked_failed_without_raising(caplog):
    caplog.set_level(logging.INFO)
    with StepProgress(live=False) as progress, progress.step("check OKR specs") as step:
        step.fail()
    assert any(line.startswith("check OKR specs failed in ") for line in messages(caplog))


def test_the_live_display_still_logs_every_duration(caplog):
    caplog.set_level(logging.INFO)
    with StepProgress(live=True) as progress, progress.step("dbt build") as step:
        step.count(3, 10, "nodes")
    lines = messages(caplog)
    assert "dbt build ..." not in lines  # the display shows the running step instead
    assert any(line.startswith("dbt build done in ") for line in lines)
    assert lines[-1].startswith("steps: dbt build ")


def event(name: str, **data):
    return SimpleNamespace(info=SimpleNamespace(name=name), data=SimpleNamespace(**data))


def test_node_progress_counts_finished_nodes_of_the_announced_total():
    reports = []
    progress = NodeProgress(lambda done, total: reports.append((done, total)))
    progress(event("ConcurrencyLine", node_count=3, num_threads=2, target_name="duckdb"))
    progress(event("NodeStart"))
    progress(event("NodeFinished"))
    # `dbt build` counts its unit tests in only after ConcurrencyLine: the start lines carry the full total
    progress(event("LogStartLine", total=4, index=2))
    for _ in range(3):
        progress(event("NodeFinished"))
    progress(event("MainReportVersion"))
    assert reports == [(1, 3), (2, 4), (3, 4), (4, 4)]


def test_node_progress_never_raises_into_dbt():
    def broken(done, total):
        raise ValueError("display gone")

    progress = NodeProgress(broken)
    progress(event("ConcurrencyLine", node_count=1))
    progress(event("NodeFinished"))  # no exception
    progress(SimpleNamespace())  # not even for an event it does not understand


class FakeRunner:
    calls: ClassVar[list[tuple[list, list]]] = []

    def __init__(self, callbacks=None):
        self.callbacks = callbacks

    def invoke(self, args):
        FakeRunner.calls.append((list(args), list(self.callbacks or [])))
        return SimpleNamespace(exception=None, success=True, result=None)


@pytest.fixture
def fake_dbt(monkeypatch):
    import dbt.cli.main

    FakeRunner.calls = []
    monkeypatch.setattr(dbt.cli.main, "dbtRunner", FakeRunner)
    monkeypatch.setattr(scorecard_dbt, "dbt_environment", lambda project_dir, warehouse: None)
    monkeypatch.delenv("DBT_LOG_LEVEL_FILE", raising=False)
    return FakeRunner.calls


def test_run_dbt_console_is_quiet_only_when_asked(fake_dbt, tmp_path: Path):
    callback = NodeProgress(lambda done, total: None)
    run_dbt(tmp_path, tmp_path / "w.duckdb", ["build"], as_of=date(2026, 11, 15))
    run_dbt(tmp_path, tmp_path / "w.duckdb", ["build"], callbacks=[callback], quiet=True)
    with quiet_console():
        run_dbt(tmp_path, tmp_path / "w.duckdb", ["source", "freshness"])
        run_dbt(tmp_path, tmp_path / "w.duckdb", ["test"], quiet=False)
    run_dbt(tmp_path, tmp_path / "w.duckdb", ["run"])
    (default, _), (quiet, callbacks), (inside, _), (loud, _), (after, _) = fake_dbt
    for args in (default, loud, after):
        assert "--log-level" not in args and "--log-level-file" not in args
    for args in (quiet, inside):
        # the console shows warnings and errors; the file log keeps its debug detail (it follows --log-level)
        assert args[args.index("--log-level") + 1] == "warn"
        assert args[args.index("--log-level-file") + 1] == "debug"
    # the caller's callbacks, then run_dbt's own, which keeps the problems of a failed semantic validation
    assert callbacks[0] is callback
    assert [type(c).__name__ for c in callbacks[1:]] == ["_SemanticValidationFailures"]


def test_dbt_writes_no_colour_codes_to_a_console_that_is_not_a_terminal(monkeypatch, tmp_path: Path):
    # a scheduler's log file got dbt's escape codes around every line ("^[[0m02:06:27  17 of 18 ERROR ...")
    for name in ("SCORECARD_DUCKDB", "DBT_PROFILES_DIR", "DBT_SEND_ANONYMOUS_USAGE_STATS", "DO_NOT_TRACK"):
        monkeypatch.setenv(name, os.environ.get(name, ""))  # restored afterwards: dbt_environment sets them
    monkeypatch.delenv("DBT_USE_COLORS", raising=False)
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    scorecard_dbt.dbt_environment(tmp_path, tmp_path / "w.duckdb")
    assert os.environ["DBT_USE_COLORS"] == "False"
    # the user's own choice stands
    monkeypatch.setenv("DBT_USE_COLORS", "True")
    scorecard_dbt.dbt_environment(tmp_path, tmp_path / "w.duckdb")
    assert os.environ["DBT_USE_COLORS"] == "True"
