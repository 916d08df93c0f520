"""Write reports/<as-of>/scorecard.{html,md,json} and point reports/latest at the newest as-of date.

Each file is written under a temporary name and renamed into place, so a reader (or a crash) never
sees half a report. The content is a pure function of the warehouse and the as-of date, apart from
the generated-at line, so re-running a date rewrites the same bytes."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from scorecard.config import reports_dir, warehouse_path
from scorecard.errors import StepFailed
from scorecard.report import html, markdown
from scorecard.report.collect import collect
from scorecard.textfile import replace_text
from scorecard.warehouse import connect

FILES = ("scorecard.html", "scorecard.md", "scorecard.json")
_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Written:
    directory: Path
    files: tuple[Path, ...]
    latest: Path


def write_reports(project_dir: Path, as_of: date, *, generated_at: datetime | None = None) -> Written:
    # read-write like the steps before it: DuckDB refuses a read-only connection beside a read-write one
    # in the same process (dbt-duckdb keeps its own open), and a read never writes anyway
    con = connect(warehouse_path(project_dir))
    try:
        report = collect(con, as_of, generated_at or datetime.now(UTC).replace(microsecond=0))
    finally:
        con.close()
    root = reports_dir(project_dir)
    directory = root / as_of.isoformat()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        contents = {
            "scorecard.json": report.model_dump_json(indent=2) + "\n",
            "scorecard.md": markdown.render(report),
            "scorecard.html": html.render(report, project_dir),
        }
        files = tuple(replace_text(directory / name, contents[name]) for name in FILES)
        latest = _point_latest(root)
    except OSError as exc:
        raise StepFailed(f"{directory}: cannot write the reports: {exc.strerror or exc}") from exc
    return Written(directory, files, latest)


def _point_latest(root: Path) -> Path:
    """reports/latest: a relative symlink to the newest as-of directory (a copy where links are not allowed)."""
    newest = max(p.name for p in root.iterdir() if p.is_dir() and not p.is_symlink() and _DATE_DIR.match(p.name))
    latest = root / "latest"
    temporary = root / f".latest.{os.getpid()}.tmp"
    try:
        temporary.symlink_to(newest, target_is_directory=True)
        if latest.is_dir() and not latest.is_symlink():
            shutil.rmtree(latest)
        os.replace(temporary, latest)
    except OSError:
        temporary.unlink(missing_ok=True)
        if latest.is_symlink():
            latest.unlink()
        shutil.copytree(root / newest, latest, dirs_exist_ok=True)
    return latest
