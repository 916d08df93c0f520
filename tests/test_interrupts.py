"""An interrupt a library swallows still ends the command as interrupted (scorecard/interrupts.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import SimpleNamespace

import click
import duckdb
import pytest
from click.testing import CliRunner

from scorecard import interrupts
from scorecard.cli import _OneLineErrors
from scorecard.dbt import run_dbt
from scorecard.errors import StepFailed
from scorecard.progress import StepProgress
from tests.test_progress import FakeRunner, fake_dbt  # noqa: F401 (a fixture)


def as_on_a_terminal() -> None:
    """SIGINT and SIGTERM as a command started from a terminal has them. A suite started in the background
    (`make test &`, nohup) runs with SIGINT ignored, which its children inherit and keep, as they should."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _child_on_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture
def handlers():
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    wakeup = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(wakeup)
    as_on_a_terminal()
    interrupts.install()
    yield interrupts
    for signum, handler in saved.items():
        signal.signal(signum, handler)
    signal.set_wakeup_fd(wakeup)
    interrupts.forget()


def test_ctrl_c_inside_a_duckdb_query_is_remembered_though_duckdb_drops_it(handlers):
    # DuckDB, checking for signals while a query runs on the main thread, raises its own error in place of
    # the KeyboardInterrupt and drops it: the run this was seen in went on to its end. When DuckDB looks
    # is its own business (between tasks, or at the end), so the query is bounded and either ending counts.
    con = duckdb.connect()
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        try:
            con.execute("select count(*) from range(300000000) t(x) where x % 7 = 3").fetchall()
            threading.Event().wait(10)  # the query ended before the signal: it lands here instead
            ending = "no interrupt within 10 s"
        except (duckdb.Error, RuntimeError) as exc:
            ending = f"DuckDB's error: {exc}"
    except KeyboardInterrupt:
        ending = "KeyboardInterrupt"
    finally:
        timer.cancel()
        con.close()
    assert ending != "no interrupt within 10 s"
    assert handlers.was_interrupted(), ending
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
        with pytest.raises(KeyboardInterrupt):  # dbt's cleanup met the interrupt and went on
            handlers._interrupt(signal.SIGTERM, None)
        return SimpleNamespace(result=None, **vars(outcome))

    monkeypatch.setattr(FakeRunner, "invoke", interrupted_invoke)
    with pytest.raises(KeyboardInterrupt):
        run_dbt(tmp_path, tmp_path / "w.duckdb", ["build"])


def test_sigterm_raises_keyboard_interrupt_and_is_remembered(handlers):
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGTERM)
        threading.Event().wait(5)  # the handler runs at the next bytecode; this never waits long
    assert handlers.was_interrupted()


def test_an_interrupt_is_recorded_though_its_python_handler_never_runs():
    # C code can take a pending Ctrl-C without running the handler (PyOS_InterruptOccurred); here the
    # handler is replaced by one that does nothing, and the wakeup descriptor still tells
    code = (
        "import os, signal, time\n"
        "from scorecard import interrupts\n"
        "interrupts.install()\n"
        "signal.signal(signal.SIGINT, lambda signum, frame: None)\n"
        "os.kill(os.getpid(), signal.SIGINT)\n"
        "for _ in range(50):\n"
        "    if interrupts.was_interrupted(): break\n"
        "    time.sleep(0.1)\n"
        "print(interrupts.was_interrupted())\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], preexec_fn=_child_on_a_terminal, capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "True"


def test_a_forked_child_records_nothing_for_its_parent(handlers):
    threading.Event().wait(0.3)  # the signals of the tests before, recorded by their readers by now
    handlers.forget()
    pid = os.fork()
    if pid == 0:  # the child: a signal of its own must not reach the parent's record through the pipe
        try:
            signal.signal(signal.SIGTERM, lambda signum, frame: None)  # the C handler still writes wakeups
            os.kill(os.getpid(), signal.SIGTERM)
            threading.Event().wait(0.2)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    threading.Event().wait(0.5)
    assert not handlers.was_interrupted()


def test_a_signal_the_parent_ignores_stays_ignored():
    # a shell starts a background job (`scorecard run &`) with SIGINT ignored: a Ctrl-C meant for the
    # foreground command must not stop it
    code = (
        "import signal; from scorecard import interrupts; interrupts.install(); "
        "print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN, "
        "signal.getsignal(signal.SIGTERM) is interrupts._interrupt)"
    )
    ignoring = subprocess.run(
        [sys.executable, "-c", code],
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),  # kept across exec, as a shell's is
        capture_output=True,
        text=True,
        check=True,
    )
    shown = ignoring.stdout
    assert shown.strip() == "True True"


def test_a_signal_blocked_in_the_parent_is_unblocked():
    # a blocked mask is inherited across fork and exec: Ctrl-C would stay pending for the whole run
    code = (
        "import signal; from scorecard import interrupts; interrupts.install(); "
        "print(sorted(int(s) for s in signal.pthread_sigmask(signal.SIG_BLOCK, [])))"
    )
    blocked = subprocess.run(
        [sys.executable, "-c", code],
        preexec_fn=lambda: (
            _child_on_a_terminal(),
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGUSR1}),
        ),
        capture_output=True,
        text=True,
        check=True,
    )
    assert blocked.stdout.strip() == f"[{int(signal.SIGUSR1)}]"  # only the two it handles


@pytest.fixture
def group():
    """A command group with the CLI's error handling, and commands that meet an interrupt a library
    swallowed: it reaches them as another error, or not at all."""

    @click.group(cls=_OneLineErrors)
    def commands():
        pass

    @commands.command()
    def failed():
        interrupts._received.append(signal.SIGINT)
        raise StepFailed("dbt build could not run: Resource In Use Error: connection is busy")

    @commands.command()
    def crashed():
        interrupts._received.append(signal.SIGINT)
        raise RuntimeError("INTERRUPT Error: Interrupted!")

    @commands.command()
    def finished():
        interrupts._received.append(signal.SIGINT)
        return 0

    yield commands
    interrupts.forget()


@pytest.mark.parametrize("command", ["failed", "crashed", "finished"])
def test_a_command_that_met_an_interrupt_ends_as_interrupted(group, command):
    result = CliRunner().invoke(group, [command])
    assert result.exit_code == 3
    assert result.output.strip().splitlines()[-1] == "scorecard: interrupted", result.output
