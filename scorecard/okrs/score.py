"""`scorecard score`: validate the specs, evaluate every key result at each as-of date from kpi_values,
and write the history tables. An invalid spec stops the run before the warehouse is touched.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from scorecard.config import warehouse_path
from scorecard.errors import EXIT_INVALID, EXIT_OK, StepFailed
from scorecard.okrs.catalog import load_catalog
from scorecard.okrs.evaluate import evaluate, load_series, wanted_series
from scorecard.okrs.history import frozen_baselines, last_good_scores, write
from scorecard.okrs.load import load_specs
from scorecard.quality.store import read_kpi_statuses
from scorecard.warehouse import connect


def score(project_dir: Path, as_of_dates: list[date], echo) -> int:
    catalog = load_catalog(project_dir)
    result = load_specs([project_dir / "okrs"], catalog, display_root=project_dir)
    if result.errors:
        for issue in result.errors:
            echo(str(issue), err=True)
        return EXIT_INVALID
    warehouse = warehouse_path(project_dir)
    con = connect(warehouse)
    try:
        present = {
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'kpis'"
            ).fetchall()
        }
        if not {"kpi_values", "kpi_definitions"} <= present:
            raise StepFailed(f"{warehouse}: no kpis.kpi_values yet; run `scorecard run` or `dbt build` first")
        wanted = wanted_series(result.specs, catalog)
        for as_of in as_of_dates:
            series = load_series(con, wanted, as_of)
            key_results, checkins, objectives = evaluate(
                result.specs,
                catalog,
                series,
                as_of,
                frozen_baselines(con),
                data_statuses=read_kpi_statuses(con, as_of),
                last_good=last_good_scores(con, as_of),
            )
            write(con, as_of, key_results, checkins, objectives)
            statuses = Counter(row["status"] for row in checkins)
            summary = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
            echo(f"{as_of}: scored {len(checkins)} key results in {len(objectives)} objectives ({summary or 'none'})")
    finally:
        con.close()
    return EXIT_OK


def weekly_dates(first: date, last: date) -> list[date]:
    days = []
    current = first
    while current <= last:
        days.append(current)
        current += timedelta(days=7)
    return days
