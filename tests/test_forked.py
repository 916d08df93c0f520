"""scorecard.forked: functions run in forked children, answers in order, a raise becomes ChildFailed."""

from __future__ import annotations

import os
import signal
import time

import pytest

from scorecard.forked import ChildFailed, run_forked


def _fail() -> None:
    raise ValueError("no such metric")


def test_answers_come_back_in_order_from_other_processes():
    parent = os.getpid()
    answers = run_forked([lambda: ["first", os.getpid()], lambda: {"second": os.getpid()}])
    assert answers[0][0] == "first" and "second" in answers[1]
    assert parent not in (answers[0][1], answers[1]["second"])


def test_a_child_that_raises_is_reported_and_the_others_still_answer():
    answers = run_forked([_fail, lambda: 42])
    assert isinstance(answers[0], ChildFailed) and str(answers[0]) == "ValueError: no such metric"
    assert answers[1] == 42


def test_a_child_that_dies_without_answering_is_reported():
    (answer,) = run_forked([lambda: os._exit(3)])
    assert isinstance(answer, ChildFailed) and "without an answer" in str(answer)


def test_an_interrupted_parent_stops_its_children(tmp_path):
    # SIGTERM reaches only the parent: the spec check's dbt compile went on for seconds after "interrupted"
    pid_file = tmp_path / "child.pid"

    def slow() -> None:
        pid_file.write_text(str(os.getpid()))
        time.sleep(60)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(2)  # alarms are not inherited across fork: only the parent is interrupted
    try:
        with pytest.raises(KeyboardInterrupt):
            run_forked([slow])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    child = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left running
        os.kill(child, 0)
