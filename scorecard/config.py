"""Where things live: the project directory, the warehouse file and the reports."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_DUCKDB = "warehouse/scorecard.duckdb"


def warehouse_path(project_dir: Path) -> Path:
    """The DuckDB file named by SCORECARD_DUCKDB, relative paths taken from the project directory."""
    path = Path(os.environ.get("SCORECARD_DUCKDB") or DEFAULT_DUCKDB)
    return path if path.is_absolute() else project_dir / path


def find_project_dir(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` holding dbt_project.yml (like dbt and git do)."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "dbt_project.yml").is_file():
            return candidate
    return here


def reports_dir(project_dir: Path) -> Path:
    """reports/ in the project, or SCORECARD_REPORTS_DIR."""
    configured = os.environ.get("SCORECARD_REPORTS_DIR")
    return Path(configured) if configured else project_dir / "reports"
