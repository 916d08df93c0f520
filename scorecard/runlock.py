"""One writer at a time: a lock file beside the warehouse (`<warehouse>.lock`), taken by every command
that writes the warehouse (`scorecard run`, `generate`, `score`, `check`).

A second command waits for the first (``--lock-timeout`` on `run`, `SCORECARD_LOCK_TIMEOUT` for every
command, default 300 s) and then gives up with one clear line (exit 3). The lock is an OS lock (flock):
it is released on any exit, a crash or a kill included, so a stale lock file never blocks a later run.
A command that writes also waits, within the same time, for any other process that has the DuckDB file
open (a BI tool's read-only connection keeps every writer out).
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

from scorecard.dbt import release_duckdb_if_open
from scorecard.errors import InvalidInput, StepFailed
from scorecard.warehouse import ensure_writable_dir, lock_holder

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0
TIMEOUT_ENV = "SCORECARD_LOCK_TIMEOUT"


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def lock_timeout(seconds: float | None = None) -> float:
    """``seconds`` when given, else SCORECARD_LOCK_TIMEOUT, else the default."""
    if seconds is not None:
        return seconds
    raw = os.environ.get(TIMEOUT_ENV, "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(f"{TIMEOUT_ENV}={raw!r}: not a number of seconds (0 or more)")
    return value


@contextmanager
def warehouse_lock(
    warehouse: Path, timeout: float | None = None, *, option: str | None = None, writes: bool = True
) -> Iterator[Path]:
    """Hold ``<warehouse>.lock`` for the block, waiting up to ``timeout`` seconds for another holder and,
    for a command that ``writes``, for any other process to let go of the DuckDB file.

    ``option`` names the command's own flag for the wait (``--lock-timeout``), for the message on timeout."""
    seconds = lock_timeout(timeout)
    deadline = time.monotonic() + seconds
    ensure_writable_dir(warehouse)  # an unwritable directory is a configuration problem (exit 2), not a lock one
    path = lock_path(warehouse)
    lock = FileLock(path)
    how = f"{option} SECONDS or {TIMEOUT_ENV}" if option else TIMEOUT_ENV
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if seconds <= 0:
                raise
            log.info("waiting for another scorecard run on %s (up to %s s)", warehouse, f"{seconds:g}")
            lock.acquire(timeout=seconds)
    except Timeout:
        raise StepFailed(
            f"{warehouse}: another scorecard run holds the lock {path}; gave up after {seconds:g} s "
            f"(wait longer with {how}, or point SCORECARD_DUCKDB at another file)"
        ) from None
    except OSError as exc:
        raise StepFailed(f"{path}: cannot take the warehouse lock: {exc.strerror or exc}") from None
    try:
        if writes:
            _wait_for_other_processes(warehouse, deadline, seconds, how)
        yield path
    finally:
        release_duckdb_if_open()
        lock.release()


def _wait_for_other_processes(warehouse: Path, deadline: float, seconds: float, how: str) -> None:
    """Wait until DuckDB lets this process open the file for writing. Another process with it open, even
    read-only (a BI tool, someone's `duckdb` shell), keeps every writer out, and the command would fail at
    its first write where a scheduled run could as well have waited for the reader to finish."""
    if not warehouse.is_file():
        return
    waiting = False
    while True:
        try:
            duckdb.connect(str(warehouse)).close()
            return
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                return  # not a lock (a damaged file, say): the command's own open tells it
            who = lock_holder(str(exc))
        except duckdb.Error:
            return
        if time.monotonic() >= deadline:
            raise StepFailed(
                f"{warehouse}: {who} has the warehouse open; gave up after {seconds:g} s (wait longer with "
                f"{how}; a BI tool can read the tables `scorecard export` writes instead of the file)"
            )
        if not waiting:
            log.info("waiting for %s, which has %s open (up to %s s)", who, warehouse, f"{seconds:g}")
            waiting = True
        time.sleep(max(min(0.5, deadline - time.monotonic()), 0))
