"""Where things live: the project directory, the warehouse file and the reports."""

from __future__ import annotations

import os
from pathlib import Path

from scorecard.errors import InvalidInput

DEFAULT_DUCKDB = "warehouse/scorecard.duckdb"


# DuckDB names a database after its file: a file named like one of the warehouse's schemas makes `raw.users`
# mean either database raw or schema raw, and DuckDB refuses every such query.
WAREHOUSE_SCHEMAS = frozenset({"raw", "staging", "intermediate", "marts", "kpis", "okrs", "quality", "dbt_test__audit"})


def warehouse_path(project_dir: Path) -> Path:
    """The DuckDB file named by SCORECARD_DUCKDB, relative paths taken from the project directory."""
    path = Path(os.environ.get("SCORECARD_DUCKDB") or DEFAULT_DUCKDB)
    if path.stem.lower() in WAREHOUSE_SCHEMAS:
        raise InvalidInput(
            f"{path}: the file is named like the warehouse's schema '{path.stem}', and DuckDB, which names the "
            f"database after the file, would refuse {path.stem}.<table> as ambiguous; pick another name "
            "(the default is scorecard.duckdb)"
        )
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
