"""Ctrl-C and SIGTERM, remembered as well as raised.

Both raise KeyboardInterrupt, as Ctrl-C does by default, so a command ends through its cleanup with one
line. The interrupt is also recorded, because a library can swallow the exception: DuckDB turns Ctrl-C
inside a query run on the main thread into its own "Query interrupted" error and drops the
KeyboardInterrupt, and dbt, cancelling its queries after an interrupt, can end with dbt-duckdb's error
("connection is busy") in its place, or finish the build as if nothing had happened. A command that
was interrupted ends as interrupted, whatever it met afterwards.

The record does not depend on the Python handler running: C code can take a pending Ctrl-C without it
(PyOS_InterruptOccurred clears SIGINT and runs no handler; a run under test once built, checked, scored
and reported through a Ctrl-C). The C-level handler also writes each signal to the wakeup file
descriptor, and a thread reading it records the signal whoever takes it."""

from __future__ import annotations

import contextlib
import os
import signal
import threading

_received: list[int] = []


def install() -> None:
    """Handle SIGINT and SIGTERM (a scheduler's stop) alike; for the main thread of a command. A signal the
    parent set to be ignored stays ignored: a shell runs a background job (`scorecard run &`) with SIGINT
    ignored, so that a Ctrl-C meant for the foreground command does not stop it."""
    handled = {signum for signum in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(signum) is not signal.SIG_IGN}
    for signum in handled:
        signal.signal(signum, _interrupt)
    # A signal mask is inherited too, and unlike an ignored signal a blocked one is no one's intent but a
    # leak (a thread of the parent that blocked it while starting workers): Ctrl-C would never arrive.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, handled)
    _watch_wakeups(handled)


def _watch_wakeups(handled: set[int]) -> None:
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)  # the C handler must never wait on a full pipe
    signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)
    # a forked child (forked.run_forked) has no reader of its own: its signals are not the parent's
    os.register_at_fork(after_in_child=_no_wakeups)

    def record() -> None:
        while data := os.read(read_end, 64):
            _received.extend(signum for signum in data if signum in handled)

    threading.Thread(target=record, name="interrupt-record", daemon=True).start()


def _interrupt(signum, frame) -> None:
    _received.append(signum)
    raise KeyboardInterrupt


def _no_wakeups() -> None:
    # forked from a thread other than the main one: Python allows set_wakeup_fd from the main only
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)


def was_interrupted() -> bool:
    return bool(_received)


def forget() -> None:
    """Clear the record, for a process that goes on to run another command (tests do)."""
    _received.clear()


def raise_if_interrupted() -> None:
    """Raise the interrupt a library swallowed, if one arrived."""
    if _received:
        raise KeyboardInterrupt
