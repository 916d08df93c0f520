"""Two scorecard commands on one warehouse: the second waits for the warehouse lock, then gives up with one
clear line (exit 3) and the warehouse untouched, or goes ahead once the first has finished."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import pytest
from filelock import FileLock

from scorecard.runlock import lock_path
from tests.conftest import BIN, PROJECT_DIR, SAMPLE_AS_OF, scorecard


@pytest.fixture
def warehouse(built_sample, tmp_path: Path) -> Path:
    copy = tmp_path / "shared.duckdb"
    shutil.copy(built_sample["path"], copy)
    return copy


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.dbt
def test_run_gives_up_after_the_lock_timeout_and_leaves_the_warehouse_as_it_was(warehouse):
    before = digest(warehouse)
    held = FileLock(lock_path(warehouse))
    with held:
        started = time.monotonic()
        result = scorecard("run", "--lock-timeout", "1", "--no-sample", warehouse=warehouse, timeout=120)
        elapsed = time.monotonic() - started
    assert result.returncode == 3, (result.stdout, result.stderr)
    # gave up after --lock-timeout (1 s), not the default 300 s; the rest is the spec check before the lock
    assert elapsed < 120, elapsed
    lines = result.stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("scorecard:")]
    assert errors == [lines[-1]], result.stderr  # one error line, the last, and no traceback
    assert "Traceback" not in result.stderr
    for fragment in [str(warehouse), str(lock_path(warehouse)), "another scorecard run", "--lock-timeout"]:
        assert fragment in errors[0], errors[0]
    assert sum("waiting for another scorecard run" in line for line in lines) == 1
    # the steps' plain log lines (stderr is not a terminal here): the spec check ran, and its duration shows
    assert any(line.endswith("check OKR specs ...") for line in lines), result.stderr
    assert any("check OKR specs done in " in line for line in lines), result.stderr
    assert any("steps: check OKR specs " in line for line in lines), result.stderr
    assert digest(warehouse) == before
    assert not Path(f"{warehouse}.wal").exists()


def score_until_waiting(warehouse: Path, waiting_line: str) -> tuple[subprocess.Popen, str]:
    """`scorecard score` started with a 120 s lock timeout, once it has logged ``waiting_line``; and its stderr
    until then."""
    waiting = subprocess.Popen(
        [str(BIN / "scorecard"), "score", "--as-of", SAMPLE_AS_OF],
        cwd=PROJECT_DIR,
        env={**os.environ, "SCORECARD_DUCKDB": str(warehouse), "SCORECARD_LOCK_TIMEOUT": "120"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = ""
    while waiting_line not in seen:  # readline blocks until a line (or the exit)
        line = waiting.stderr.readline()
        assert line, seen
        seen += line
    return waiting, seen


@pytest.mark.dbt
def test_a_second_command_waits_for_the_lock_and_then_succeeds(warehouse):
    held = FileLock(lock_path(warehouse))
    held.acquire()
    try:
        waiting, seen = score_until_waiting(warehouse, "waiting for another scorecard run on")
        assert f"waiting for another scorecard run on {warehouse} (up to 120 s)" in seen, seen
        time.sleep(1)
        assert waiting.poll() is None  # still waiting while the lock is held
    finally:
        held.release()
    stdout, stderr = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, (stdout, seen + stderr)
    assert f"{SAMPLE_AS_OF}: scored" in stdout


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute("select count(*) from kpis.kpi_values").fetchall()
print("open", flush=True)
sys.stdin.readline()
con.close()
"""


def reader_process(warehouse: Path) -> subprocess.Popen:
    """Another process with the warehouse open read-only, as a BI tool or a `duckdb -readonly` shell has it,
    until a line on its stdin."""
    reader = subprocess.Popen(
        [str(BIN / "python"), "-c", READER, str(warehouse)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout.readline().strip() == "open"
    return reader


def scorecard_waiting_up_to(seconds: int, *args: str, warehouse: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "SCORECARD_DUCKDB": str(warehouse), "SCORECARD_LOCK_TIMEOUT": str(seconds)}
    command = [str(BIN / "scorecard"), *args]
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=120)


def test_a_writer_waits_for_a_reader_of_the_duckdb_file_then_gives_up_in_one_line(warehouse):
    # a read-only connection in another process failed `score` at once: "the warehouse is locked by
    # another process", exit 3, whatever the lock timeout
    before = digest(warehouse)
    reader = reader_process(warehouse)
    try:
        result = scorecard_waiting_up_to(2, "score", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    finally:
        reader.kill()
        reader.wait()
    assert result.returncode == 3, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert sum(f"waiting for another process (PID {reader.pid}), which has {warehouse} open" in x for x in lines) == 1
    assert lines[-1].startswith(
        f"scorecard: error: {warehouse}: another process (PID {reader.pid}) has the warehouse open; gave up after 2 s"
    ), result.stderr
    assert [line for line in lines if line.startswith("scorecard:")] == [lines[-1]]
    assert digest(warehouse) == before


def test_a_writer_goes_ahead_once_the_reader_has_closed_the_file(warehouse):
    reader = reader_process(warehouse)
    try:
        waiting, seen = score_until_waiting(warehouse, f"waiting for another process (PID {reader.pid})")
        reader.communicate("close\n", timeout=60)
    finally:
        reader.kill()
        reader.wait()
    stdout, stderr = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, (stdout, seen + stderr)
    assert f"{SAMPLE_AS_OF}: scored" in stdout


def test_a_bad_lock_timeout_setting_is_one_line_and_exit_2(tmp_path):
    env_result = subprocess.run(
        [str(BIN / "scorecard"), "generate", "--users", "100"],
        cwd=PROJECT_DIR,
        env={**os.environ, "SCORECARD_DUCKDB": str(tmp_path / "w.duckdb"), "SCORECARD_LOCK_TIMEOUT": "soon"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert env_result.returncode == 2
    assert env_result.stderr.strip().splitlines() == [
        "scorecard: error: SCORECARD_LOCK_TIMEOUT='soon': not a number of seconds (0 or more)"
    ]
    assert not (tmp_path / "w.duckdb").exists()
    option_result = scorecard("run", "--lock-timeout", "-1", warehouse=tmp_path / "w.duckdb")
    assert option_result.returncode == 2 and "--lock-timeout" in option_result.stderr


HOLD_AFTER_DBT = """
import sys, time
from datetime import date
from pathlib import Path
from scorecard.dbt import run_dbt
from scorecard.runlock import warehouse_lock

warehouse, project = Path(sys.argv[1]), Path(sys.argv[2])
with warehouse_lock(warehouse):
    run_dbt(project, warehouse, ["run", "--select", "kpi_status"], as_of=date.fromisoformat(sys.argv[3]), silent=True)
print("released", flush=True)
time.sleep(120)
"""


@pytest.mark.dbt
def test_the_lock_is_released_only_after_dbt_has_closed_the_warehouse(warehouse):
    # dbt-duckdb keeps the database open until its process exits: a `scorecard check` released the lock with
    # the file still open, and the `score` waiting for the lock failed at once, "locked by another process"
    holder = subprocess.Popen(
        [str(BIN / "python"), "-c", HOLD_AFTER_DBT, str(warehouse), str(PROJECT_DIR), SAMPLE_AS_OF],
        cwd=PROJECT_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = holder.stdout.readline()  # blocks until the lock is released (or the script ends)
        assert line.strip() == "released", holder.stderr.read()[-2000:]
        assert holder.poll() is None  # still alive, as a command is between its lock and its exit
        duckdb.connect(str(warehouse)).close()  # the next command's open: the file is free
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.dbt
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_run_stopped_during_dbt_ends_with_one_line_and_keeps_the_history(warehouse, tmp_path, signum):
    # Ctrl-C in dbt came back as dbtRunner's result with an empty message: "internal error: IndexError";
    # a scheduler's SIGTERM ended the run with no line at all, exit 143; and dbt printed forty lines of
    # the interrupt's stack trace on stdout above "scorecard: interrupted"
    scorecard("score", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    checkins = "select * from okrs.okr_checkins order by all"
    con = duckdb.connect(str(warehouse), read_only=True)
    history = con.execute(checkins).fetchall()
    con.close()
    env = {**os.environ, "SCORECARD_DUCKDB": str(warehouse), "SCORECARD_REPORTS_DIR": str(tmp_path / "reports")}
    run = subprocess.Popen(
        [str(BIN / "scorecard"), "run", "--no-sample", "--as-of", SAMPLE_AS_OF],
        cwd=PROJECT_DIR,
        env=env,
        # as from a terminal: a suite started in the background (nohup, `&`) has SIGINT ignored, and a
        # child keeps an ignored SIGINT ignored, as a shell's background job should
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.PIPE,  # a run shows only dbt's warnings there: too few to fill the pipe meanwhile
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = ""
    while "dbt build: " not in seen:  # a node count: dbt is running
        line = run.stderr.readline()
        assert line, seen
        seen += line
    run.send_signal(signum)
    # how the signal stood in the child, for a run that does not stop: pending, blocked, ignored, caught
    disposition = [line for line in Path(f"/proc/{run.pid}/status").read_text().splitlines() if line.startswith("Sig")]
    shown, rest = run.communicate(timeout=300)
    assert run.returncode == 3, "\n".join([*disposition, seen + rest])
    assert rest.strip().splitlines()[-1] == "scorecard: interrupted", rest
    assert "Traceback" not in rest and "internal error" not in rest
    assert "Traceback" not in shown and "KeyboardInterrupt" not in shown, shown[-3000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    assert con.execute(checkins).fetchall() == history
    con.close()
