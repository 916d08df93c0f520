#!/usr/bin/env python3
"""Write the published JSON Schemas: docs/report.schema.json (scorecard.json, from the report model) and
docs/diff.schema.json (`scorecard diff --format json`, from the diff model).

Run it after changing scorecard/report/model.py or scorecard/diff/model.py; tests fail while a file is stale."""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from scorecard.diff.model import schema_text as diff_schema  # noqa: E402
from scorecard.report.model import schema_text as report_schema  # noqa: E402

if __name__ == "__main__":
    for name, text in (("report.schema.json", report_schema()), ("diff.schema.json", diff_schema())):
        target = PROJECT / "docs" / name
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target.relative_to(PROJECT)}")
