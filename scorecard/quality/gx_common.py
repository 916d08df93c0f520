"""What the GX runner's modules share: its settings (the `great_expectations:` section of
checks/thresholds.yml), importing GX (in the background, with usage statistics off) and keeping it quiet,
and small helpers for values and messages."""

from __future__ import annotations

import logging
import math
import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

log = logging.getLogger(__name__)


class GxSettings(BaseModel):
    """The `great_expectations:` section of checks/thresholds.yml."""

    model_config = ConfigDict(extra="forbid")

    chunk_rows: int = Field(
        default=5_000_000,
        gt=0,
        description="Most rows a frame handed to GX may have; larger reads are split into chunks.",
    )
    partial_unexpected_count: int = Field(
        default=20, ge=0, le=1000, description="Unexpected values kept per expectation for messages and Data Docs."
    )


# ----------------------------------------------------------------------------------------------------
# Importing GX


_IMPORTING: list = []  # the thread preload() started, if any

# GX logs at INFO while it imports (datasource registration, ...): noise beside the command's own lines.
logging.getLogger("great_expectations").setLevel(logging.WARNING)


def preload() -> None:
    """Start importing GX in a background thread. The import takes seconds (GX loads scipy, altair,
    ...), which can pass while something else waits, such as `dbt build`; run_suites waits for it."""
    import threading

    if _IMPORTING or "great_expectations" in sys.modules:
        return
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    thread = threading.Thread(target=_import_gx, name="gx-import", daemon=True)
    _IMPORTING.append(thread)
    thread.start()


def _import_gx() -> None:
    try:
        import great_expectations  # noqa: F401
    except Exception:  # run_suites imports again and reports the error in the caller's thread
        log.debug("importing GX in the background failed", exc_info=True)


def gx_module():
    """GX, imported with its usage statistics off (read from the environment at import time)."""
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    for thread in _IMPORTING:
        thread.join()
    import great_expectations as gx

    return gx


@contextmanager
def quiet() -> Iterator[None]:
    """Keep GX's log lines, warnings and progress bars out of the command's output."""
    loggers = [logging.getLogger(name) for name in ("great_expectations", "great_expectations.core")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


# ----------------------------------------------------------------------------------------------------
# Small helpers


def plain(value: Any) -> Any:
    """A JSON-friendly Python value for messages and Data Docs."""
    import numpy as np
    import pandas as pd

    if isinstance(value, tuple):
        return tuple(plain(v) for v in value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
