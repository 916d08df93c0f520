"""An interrupt a library swallows still ends the command as interrupted (scorecard/interrupts.py)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from scorecard import interrupts
from scorecard.dbt import run_dbt
from scorecard.progress import StepProgress
from tests.test_progress import FakeRunner, fake_dbt  # noqa: F401 (a fixture)


@pytest.fixture
def handlers():
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    interrupts.install()
    yield interrupts
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    interrupts._received.clear()


def test_ctrl_c_inside_a_duckdb_query_is_remembered_though_duckdb_drops_it(handlers):
    # DuckDB checks for signals while a query runs on the main thread, and raises its own error in place
    # of the KeyboardInterrupt, which is gone afterwards: the run this was seen in went on to its end
    con = duckdb.connect()
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(Exception, match="interrupted"):
            con.execute("select count(*) from range(100000000000) t(x) where x % 7 = 3").fetchall()
    finally:
        timer.cancel()
        con.close()
    assert handlers.was_interrupted()
    # the next step boundary raises it, and the step that swallowed it counts as failed
    with pytest.raises(KeyboardInterrupt), StepProgress(live=False) as progress, progress.step("dbt build"):
        pass
    assert [t.failed for t in progress.timings] == [True]


@pytest.mark.parametrize(
    "outcome",
    [
        # dbt's answer when its cancelling of the queries failed on dbt-duckdb's busy connection
        SimpleNamespace(exception=RuntimeError("Resource In Use Error: connection is busy"), success=False),
        # and a build that went on to its end after DuckDB swallowed the interrupt
        SimpleNamespace(exception=None, success=True),
    ],
    ids=["error-while-cancelling", "finished-build"],
)
def test_dbt_after_an_interrupt_ends_as_interrupted(handlers, fake_dbt, monkeypatch, tmp_path: Path, outcome):  # noqa: F811
    def interrupted_invoke(self, args):
        handlers._received.append(signal.SIGTERM)  # as the handler records it, without raising here
        return SimpleNamespace(result=None, **vars(outcome))

    monkeypatch.setattr(FakeRunner, "invoke", interrupted_invoke)
    with pytest.raises(KeyboardInterrupt):
        run_dbt(tmp_path, tmp_path / "w.duckdb", ["build"])


def test_sigterm_raises_keyboard_interrupt_and_is_remembered(handlers):
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
        threading.Event().wait(5)  # the handler runs at the next bytecode; this never waits long
    assert handlers.was_interrupted()
