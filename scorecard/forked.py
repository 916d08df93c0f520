"""Run functions in forked children, in parallel, and collect what each returns.

dbt keeps process-wide state (its flags, its adapter registry, dbt-duckdb's class-level connection), so
two dbt commands cannot share a process at once, and a failed one leaves DuckDB objects behind whose
teardown prints "leaked" lines at exit. A forked child starts at once (dbt is already imported in the
parent), runs one command, sends its JSON-able answer through a pipe and leaves with os._exit, so no
teardown runs and nothing leaks into the parent. Where fork does not exist the calls run in-process,
one after the other."""

from __future__ import annotations

import json
import os
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import Any


class ChildFailed(Exception):
    """A child raised: the exception's type and message, as the child saw them."""


def run_forked(calls: Sequence[Callable[[], Any]], *, quiet: bool = True) -> list[Any]:
    """Each call's return value, in order; a call that raised yields a ChildFailed in its place.

    With ``quiet`` the children's stdout and stderr go to /dev/null (the answer goes through the pipe)."""
    if not hasattr(os, "fork"):
        return [_guarded(call) for call in calls]
    running: list[tuple[int, int]] = []
    answers = []
    try:
        for call in calls:
            running.append(_start(call, quiet))
        while running:
            answers.append(_collect(*running[0]))
            running.pop(0)  # reaped: its pid may be another process's from now on
        return answers
    except BaseException:
        # interrupted (SIGTERM reaches only this process): a child left running would go on writing target/
        # and logs/ after the command has said "interrupted", racing the retry
        _stop(pid for pid, _ in running)
        raise


def _stop(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass  # ended and reaped between the interrupt and here


def _guarded(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as exc:
        return ChildFailed(f"{type(exc).__name__}: {exc}")


def _start(call: Callable[[], Any], quiet: bool) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    os.close(read_end)
    if quiet:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
    try:
        answer = {"value": call()}
    except BaseException as exc:
        answer = {"error": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc(limit=5)}
    try:
        with os.fdopen(write_end, "w") as out:
            json.dump(answer, out, default=str)
    finally:
        os._exit(0)


def _collect(pid: int, read_end: int) -> Any:
    with os.fdopen(read_end) as answer:
        text = answer.read()
    os.waitpid(pid, 0)
    if not text:
        return ChildFailed("the child process stopped without an answer")
    decoded = json.loads(text)
    if "error" in decoded:
        return ChildFailed(decoded["error"])
    return decoded["value"]
