"""Running dbt in-process against the project's committed profile and the chosen warehouse file."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from scorecard.errors import StepFailed

log = logging.getLogger(__name__)


def dbt_environment(project_dir: Path, warehouse: Path) -> None:
    """Point dbt at the committed profiles.yml and an absolute warehouse path; silence usage tracking."""
    os.environ.setdefault("DBT_PROFILES_DIR", str(project_dir))
    os.environ["SCORECARD_DUCKDB"] = str(warehouse)
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    os.environ["DO_NOT_TRACK"] = "1"


def run_dbt(
    project_dir: Path,
    warehouse: Path,
    args: Sequence[str],
    *,
    as_of: date | None = None,
    allow_failures: bool = False,
):
    """Invoke one dbt command; raise StepFailed naming the command when it fails.

    With ``allow_failures`` a run that completed with failing tests or stale sources is returned for
    the caller to judge (the checks report those); a command that could not run still raises."""
    from dbt.cli.main import dbtRunner

    dbt_environment(project_dir, warehouse)
    full_args = [*args, "--project-dir", str(project_dir)]
    if as_of is not None:
        full_args += ["--vars", json.dumps({"as_of": as_of.isoformat()})]
    log.debug("dbt %s", " ".join(full_args))
    result = dbtRunner().invoke(full_args)
    if result.exception is not None:
        raise StepFailed(f"dbt {args[0]} could not run: {str(result.exception).strip().splitlines()[0]}")
    if not result.success and not allow_failures:
        failed = _failed_nodes(result.result)
        detail = f": {', '.join(failed[:5])}{' and more' if len(failed) > 5 else ''}" if failed else ""
        raise StepFailed(f"dbt {args[0]} failed{detail} (details above and in {project_dir / 'logs' / 'dbt.log'})")
    return result


def _failed_nodes(run_result) -> list[str]:
    results = getattr(run_result, "results", None) or []
    return [getattr(r.node, "name", "?") for r in results if str(getattr(r, "status", "")).lower() in {"error", "fail"}]
