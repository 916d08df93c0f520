"""Key-result scores under one side of `scorecard diff`: that side's OKR specs and metric catalog,
scored at the as-of date from the kpi_values its build produced (or the warehouse's, when the change
reached no KPI model). Nothing is written: the history tables are the real runs' business.

Frozen auto baselines come from the warehouse's history, as a real run after the merge would use
them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.evaluate import evaluate, load_series, wanted_series
from scorecard.okrs.history import frozen_baselines
from scorecard.okrs.load import LoadedSpec, load_specs


@dataclass(frozen=True)
class KeyResultScore:
    metric: str | None
    score: float | None
    status: str


@dataclass
class SideScores:
    specs: list[LoadedSpec]
    errors: list[str]  # spec problems at this side, one line each
    unloadable: set[str]  # the spec files those problems are in
    scores: dict[str, KeyResultScore]  # team/cycle/objective/key result -> score
    cadences: dict[str, str]  # KPI -> its cadence, the grain of a key result that names none


def recorded_baselines(warehouse: Path) -> dict[tuple, tuple[float | None, date]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return frozen_baselines(con)
    finally:
        con.close()


def score_side(
    project_dir: Path, kpi_database: Path, as_of: date, frozen: dict[tuple, tuple[float | None, date]]
) -> SideScores:
    catalog = load_catalog(project_dir)
    loaded = load_specs([project_dir / "okrs"], catalog, display_root=project_dir)
    errors = [str(issue) for issue in loaded.errors]
    con = duckdb.connect(str(kpi_database), read_only=True)
    try:
        series = load_series(con, wanted_series(loaded.specs, catalog), as_of)
    finally:
        con.close()
    _, checkins, _ = evaluate(loaded.specs, catalog, series, as_of, frozen)
    scores = {
        "/".join((c["team"], c["cycle"], c["objective_id"], c["key_result_id"])): KeyResultScore(
            c.get("metric"), c["score"], c["status"]
        )
        for c in checkins
    }
    cadences = {name: metric.cadence for name, metric in catalog.items()}
    return SideScores(loaded.specs, errors, {issue.file for issue in loaded.errors}, scores, cadences)
