"""The steps of a long job as they run: a progress display (spinner, elapsed time) when stderr is a
terminal, plain log lines (`<step> ...`, `<step> done in 12.3s`) for schedulers and log files.

Both modes log each step's duration and, at the end, one summary line of every step's duration."""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from scorecard import interrupts

log = logging.getLogger(__name__)


@dataclass
class Timing:
    name: str
    seconds: float
    failed: bool


class Step:
    """A running step: ``count()`` reports progress inside it, ``fail()`` marks it failed without raising."""

    def __init__(self, progress: StepProgress, name: str, task_id) -> None:
        self.name = name
        self.failed = False
        self._progress = progress
        self._task_id = task_id
        self._logged_quarter = 0
        self._lock = threading.Lock()

    def fail(self) -> None:
        self.failed = True

    def count(self, done: int, total: int, unit: str) -> None:
        """`<step>: done of total unit`: redrawn on the display each time, logged at each quarter otherwise.
        Safe to call from other threads (dbt reports nodes from its worker threads)."""
        text = f"{self.name}: {done} of {total} {unit}"
        display = self._progress._display
        if display is not None:
            display.update(self._task_id, description=text)
            return
        quarter = 4 * done // total if total > 0 else 0
        with self._lock:
            if quarter <= self._logged_quarter:
                return
            self._logged_quarter = quarter
        log.info("%s", text)


class StepProgress:
    """Context manager around a job; ``step(name)`` around each of its steps."""

    def __init__(self, *, live: bool | None = None) -> None:
        self.live = _stderr_is_terminal() if live is None else live
        self.timings: list[Timing] = []
        self._display = None
        self._swapped: list[logging.StreamHandler] = []
        self._stderr = None

    def __enter__(self) -> StepProgress:
        self._started = time.perf_counter()
        if self.live:
            self._start_display()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self._stop_display()
        if self.timings:
            log.info("%s", self.summary())

    @contextmanager
    def step(self, name: str) -> Iterator[Step]:
        task_id = None
        if self._display is not None:
            task_id = self._display.add_task(name, total=1, state="running")
            log.debug("%s ...", name)
        else:
            log.info("%s ...", name)
        step = Step(self, name, task_id)
        started = time.perf_counter()
        try:
            yield step
            interrupts.raise_if_interrupted()  # one a library swallowed: the run stops between steps
        except BaseException:
            step.failed = True
            raise
        finally:
            seconds = time.perf_counter() - started
            self.timings.append(Timing(name, seconds, step.failed))
            if self._display is not None:
                if step.failed:
                    self._display.update(task_id, description=f"{name} [red]failed[/]", state="failed")
                    self._display.stop_task(task_id)
                else:
                    self._display.update(task_id, description=name, completed=1, state="done")
            log.info("%s %s in %.1fs", name, "failed" if step.failed else "done", seconds)

    def summary(self) -> str:
        parts = [f"{t.name} {t.seconds:.1f}s{' (failed)' if t.failed else ''}" for t in self.timings]
        return f"steps: {', '.join(parts)}; total {time.perf_counter() - self._started:.1f}s"

    def _start_display(self) -> None:
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.text import Text

        class StateColumn(SpinnerColumn):
            def render(self, task):
                if task.fields.get("state") == "failed":
                    return Text("✗", style="red")
                return super().render(task)

        self._stderr = sys.stderr
        self._display = Progress(
            StateColumn(finished_text=Text("✓", style="green")),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self._display.start()
        # The display moves stderr writes above itself by swapping sys.stderr for a proxy; log handlers
        # opened on the real stderr are pointed at that proxy too, or their lines would tear the display.
        if sys.stderr is not self._stderr:
            for handler in logging.getLogger().handlers:
                if isinstance(handler, logging.StreamHandler) and handler.stream is self._stderr:
                    handler.setStream(sys.stderr)
                    self._swapped.append(handler)

    def _stop_display(self) -> None:
        if self._display is None:
            return
        try:
            self._display.stop()
        finally:
            for handler in self._swapped:
                handler.setStream(self._stderr)
            self._swapped.clear()
            self._display = None


def _stderr_is_terminal() -> bool:
    return is_terminal(sys.stderr)


def is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a replaced or closed stream
        return False
