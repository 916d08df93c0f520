#!/usr/bin/env python3
"""Write docs/report.schema.json, the published JSON Schema of scorecard.json, from the report model.

Run it after changing scorecard/report/model.py; tests/test_report.py fails while the file is stale."""

from __future__ import annotations

import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from scorecard.report.model import schema_text  # noqa: E402

if __name__ == "__main__":
    target = PROJECT / "docs" / "report.schema.json"
    target.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {target.relative_to(PROJECT)}")
