"""`scorecard diff`: what a change between two revisions of the project does to the definitions, the
KPI values and the key results that depend on them.

1. Both revisions are parsed by dbt (in parallel); a side that does not parse is an error (exit 2).
2. Lineage: the changed nodes and everything downstream (impact), and the OKR spec changes.
3. If the change reaches any model, each side builds only those models (`state:modified+` and the
   KPI models of the changed metrics) into its own scratch database, deferring the rest to the
   warehouse; kpi_values is compared between the two, and the compiled SQL of every model built.
4. Every key result is scored under both sides; goalpost and breaking-change checks.

The warehouse is the source data. When it has no KPI tables yet (a fresh CI machine), the sample is
generated and the base revision built into it first, as `scorecard run` would."""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

from scorecard.diff import goalposts
from scorecard.diff.impact import Impact, lineage_impact, redefined_metrics
from scorecard.diff.model import (
    DefinitionChange,
    DiffReport,
    Finding,
    KeyResultImpact,
    KpiStatusChange,
    Lineage,
    MetricValues,
    RenamedKpi,
    RowChange,
)
from scorecard.diff.revisions import checkout
from scorecard.diff.scores import SideScores, recorded_baselines, score_side
from scorecard.diff.sides import Build, Parsed, Side, build_sides, make_side, parse_sides, write_defer_state
from scorecard.diff.sql_changes import compare_sql
from scorecard.diff.statuses import compare_kpi_status
from scorecard.diff.values import compare_kpi_values, find_renames
from scorecard.errors import InvalidInput
from scorecard.forked import ChildFailed, run_forked
from scorecard.warehouse import connect, kpi_tables_behind, refuse_default_as_of_before_data

log = logging.getLogger(__name__)

SQL_FORMATTING_ONLY = "SQL: formatting, whitespace or comments only"
SCORE_TOLERANCE = 1e-9


def run_diff(
    project_dir: Path,
    base_ref: str,
    head_ref: str | None,
    as_of: date,
    warehouse: Path,
    *,
    as_of_defaulted: bool = False,
) -> DiffReport:
    """``as_of_defaulted``: ``as_of`` is the command's default, the sample's date, which a warehouse holding
    later data refuses."""
    scratch = Path(tempfile.mkdtemp(prefix="scorecard-diff-"))
    try:
        base_label, base_dir = checkout(project_dir, base_ref, scratch / "checkouts")
        head_label, head_dir = checkout(project_dir, head_ref, scratch / "checkouts")
        sides = [
            make_side("base", base_label, base_dir, scratch, warehouse),
            make_side("head", head_label, head_dir, scratch, warehouse),
        ]
        _prepare_warehouse(sides[0], warehouse, as_of, scratch, as_of_defaulted)
        started = time.perf_counter()
        parsed = parse_sides(sides, as_of)
        log.info("parsed both revisions in %.1fs", time.perf_counter() - started)
        impact = lineage_impact(parsed[0], parsed[1])
        started = time.perf_counter()
        builds = _build(sides, parsed, impact, as_of, scratch)
        if builds:
            log.info("built %d models for each side in %.1fs", len(builds[1].built), time.perf_counter() - started)
        started = time.perf_counter()
        report = _report(sides, parsed, impact, builds, as_of, warehouse)
        log.info("compared values and scored key results in %.1fs", time.perf_counter() - started)
        return report
    finally:
        if os.environ.get("SCORECARD_DIFF_KEEP"):  # for debugging a diff: its checkouts, builds and dbt logs
            log.warning("kept the scratch directory %s", scratch)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _prepare_warehouse(base: Side, warehouse: Path, as_of: date, scratch: Path, as_of_defaulted: bool) -> None:
    if warehouse.exists():
        # a locked or unreadable warehouse is that, exit 3 with its own line, not a base that cannot build
        con = connect(warehouse, read_only=True)
        try:
            if as_of_defaulted:
                refuse_default_as_of_before_data(warehouse, as_of, con)
            built = kpi_tables_behind(con, as_of)
        finally:
            con.close()
        if built is not None:
            # both sides are scored against the warehouse's KPI tables (and built on its models): at a later
            # date every cycle over by then reads as missed on both, and the diff would compare nothing real
            raise InvalidInput(
                f"{warehouse}: the KPI tables were built for {built}, before the diff's date, {as_of}; run "
                f"`scorecard run --as-of {as_of}` first, or diff at `--as-of {built}`"
            )
    (answer,) = run_forked([lambda: _fill_warehouse(base, warehouse, as_of, scratch)])
    if isinstance(answer, ChildFailed):
        # on an empty warehouse the base is built first: a base that cannot build is the user's to fix
        raise InvalidInput(f"{base.label}: could not build the base revision into the empty warehouse: {answer}")
    if answer:
        log.info("%s", answer)


def _fill_warehouse(base: Side, warehouse: Path, as_of: date, scratch: Path) -> str | None:
    """Sample data and the base's models in an empty warehouse; nothing when its KPI tables exist."""
    from scorecard.dbt import release_duckdb, run_dbt
    from scorecard.sample import SampleSpec, generate
    from scorecard.warehouse import connect, has_raw_data, table_exists

    if warehouse.exists():
        con = connect(warehouse, read_only=True)
        try:
            if table_exists(con, "kpis", "kpi_values"):
                return None
        finally:
            con.close()
    if not has_raw_data(warehouse):
        generate(warehouse, SampleSpec(as_of=as_of))
    profiles = scratch / "warehouse-profile"
    profiles.mkdir(parents=True, exist_ok=True)
    output = {"type": "duckdb", "path": str(warehouse.resolve()), "threads": 2}
    profile = {base.profile: {"target": "warehouse", "outputs": {"warehouse": output}}}
    (profiles / "profiles.yml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    args = ["run", "--profiles-dir", str(profiles), "--target-path", str(scratch / "warehouse-target")]
    try:
        run_dbt(base.project_dir, warehouse, [*args, "--log-path", str(scratch / "warehouse-logs")], as_of=as_of)
    finally:
        release_duckdb()
    return f"{warehouse}: had no KPI tables; built the base revision ({base.label}) into it"


def _build(sides: list[Side], parsed: list[Parsed], impact: Impact, as_of: date, scratch: Path) -> list[Build] | None:
    if not impact.models:
        return None
    selections = []
    for side_parsed in parsed:
        present = {n["name"] for n in side_parsed.manifest["nodes"].values() if n["resource_type"] == "model"}
        selections.append(["state:modified+", *sorted(impact.models & present)])
    defer_state = write_defer_state(sides[0], parsed[0], scratch / "defer-state")
    return build_sides(sides, selections, defer_state, as_of)


def _report(
    sides: list[Side], parsed: list[Parsed], impact: Impact, builds: list[Build] | None, as_of: date, warehouse: Path
) -> DiffReport:
    built_kpis = builds is not None and all("kpi_values" in build.built for build in builds)
    values = compare_kpi_values(sides[0].database, sides[1].database) if built_kpis else []
    renames = find_renames(sides[0].database, sides[1].database) if built_kpis else []
    renamed_to = {rename.base_metric: rename.head_metric for rename in renames}
    statuses = []
    if built_kpis and all("kpi_status" in build.built for build in builds):
        statuses = [_status(change) for change in compare_kpi_status(sides[0].database, sides[1].database)]
    frozen = recorded_baselines(warehouse)
    scored = [score_side(side.project_dir, side.database if built_kpis else warehouse, as_of, frozen) for side in sides]
    head_metrics = {m["name"] for m in parsed[1].semantic_manifest["metrics"]}
    changed_metrics = redefined_metrics(parsed[0], parsed[1], impact) | {change.metric for change in values}
    unloadable = scored[1].unloadable
    spec_changes = goalposts.spec_changes(scored[0].specs, scored[1].specs, unloadable)
    cadence_changes = goalposts.cadence_changes(scored[0].cadences, scored[1].cadences)
    found = goalposts.findings(
        scored[0].specs, scored[1].specs, as_of, changed_metrics, head_metrics, unloadable, renamed_to, cadence_changes
    )
    breaking = [f for f in found if f.kind == "metric_missing"]
    breaking += [Finding(kind="invalid_spec", key_result=None, message=e) for e in scored[1].errors]
    kpis = _kpis(parsed, impact)
    key_results = _key_results(scored, kpis | changed_metrics, spec_changes)
    values_changed = (
        bool(values) or any(s.changed for s in statuses) or any(kr.changed for kr in key_results) or bool(breaking)
    )
    return DiffReport(
        base=sides[0].label,
        head=sides[1].label,
        as_of=as_of,
        values_changed=values_changed,
        breaking=breaking,
        goalposts=[f for f in found if f.kind != "metric_missing"],
        key_results=key_results,
        metric_values=[_metric_values(change) for change in values],
        kpi_statuses=statuses,
        renamed_kpis=[RenamedKpi(**vars(rename)) for rename in renames],
        definition_changes=_definition_changes(impact, builds, spec_changes),
        lineage=Lineage(
            models=sorted(impact.models),
            semantic_models=sorted(impact.semantic_models),
            metrics=sorted(impact.metrics),
            kpis=sorted(kpis),
            key_results=sorted(
                {kr.key_result for kr in key_results}
                | set(spec_changes)
                | _bound_key_results(scored, kpis | changed_metrics)
            ),
        ),
        built_models=sorted(set(builds[0].built) | set(builds[1].built)) if builds else [],
    )


def _bound_key_results(scored: list[SideScores], metrics: set[str]) -> set[str]:
    """Key results of either side bound to one of `metrics`, in any cycle: only a running cycle's are scored."""
    return {
        ident
        for side in scored
        for ident, kr in goalposts.key_results(side.specs).items()
        if kr.fields.get("metric") in metrics
    }


def _kpis(parsed: list[Parsed], impact: Impact) -> set[str]:
    kpis = set()
    for side in parsed:
        for metric in side.semantic_manifest["metrics"]:
            if "kpi" in ((metric.get("config") or {}).get("meta") or {}) and metric["name"] in impact.metrics:
                kpis.add(metric["name"])
    return kpis


def _key_results(
    scored: list[SideScores], metrics: set[str], spec_changes: dict[str, list[str]]
) -> list[KeyResultImpact]:
    base, head = scored[0].scores, scored[1].scores
    bound = {ident for side in (base, head) for ident, kr in side.items() if kr.metric in metrics}
    impacts = []
    for ident in sorted(base.keys() | head.keys()):
        before, after = base.get(ident), head.get(ident)
        changed = (
            before is None
            or after is None
            or before.status != after.status
            or not _same_score(before.score, after.score)
        )
        if not (changed or ident in bound or ident in spec_changes):
            continue
        impacts.append(
            KeyResultImpact(
                key_result=ident,
                metric=(after or before).metric,
                base_score=before.score if before else None,
                base_status=before.status if before else None,
                head_score=after.score if after else None,
                head_status=after.status if after else None,
                changed=changed,
            )
        )
    return impacts


def _same_score(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) <= SCORE_TOLERANCE


def _metric_values(change) -> MetricValues:
    return MetricValues(
        metric=change.metric,
        grain=change.grain,
        changed_periods=change.changed_periods,
        total_periods=change.total_periods,
        changed_rows=change.changed_rows,
        largest_absolute=_row(change.largest_absolute),
        largest_relative=_row(change.largest_relative),
    )


def _status(change) -> KpiStatusChange:
    return KpiStatusChange(**vars(change), changed=change.base_status != change.head_status)


def _row(change) -> RowChange | None:
    if change is None:
        return None
    segment = "all" if change.dimension_name == "all" else f"{change.dimension_name}={change.dimension_value}"
    return RowChange(period_start=change.period_start, segment=segment, before=change.before, after=change.after)


def _definition_changes(
    impact: Impact, builds: list[Build] | None, spec_changes: dict[str, list[str]]
) -> list[DefinitionChange]:
    changes = []
    for uid, how in sorted(impact.changed.items()):
        kind, _, name = uid.split(".", 2)
        if kind in ("metric", "semantic_model"):
            details = [f"{c.describe()} ({c.kind})" for c in impact.field_changes.get(uid, [])]
            changes.append(DefinitionChange(kind=kind, name=name, change=how, semantic=True, details=details))
        elif kind == "macro":
            cosmetic = uid in impact.cosmetic
            details = ["no semantic change (comments or whitespace only)"] if cosmetic else []
            changes.append(
                DefinitionChange(kind="macro", name=name, change=how, semantic=not cosmetic, details=details)
            )
        elif kind == "model" and not builds:
            details = [f"{c.describe()} (properties)" for c in impact.field_changes.get(uid, [])]
            changes.append(DefinitionChange(kind="model", name=name, change=how, semantic=True, details=details))
    if builds:
        changes += _with_property_changes(_model_sql_changes(builds[0], builds[1]), impact)
    for ident, details in spec_changes.items():
        how = details[0] if details in (["added"], ["removed"]) else "modified"
        changes.append(
            DefinitionChange(
                kind="key_result", name=ident, change=how, semantic=True, details=[] if how != "modified" else details
            )
        )
    return changes


def _with_property_changes(sql_changes: list[DefinitionChange], impact: Impact) -> list[DefinitionChange]:
    """The compiled-SQL changes, and a model's changed properties (a contract's column type, its
    materialization) beside them, or on their own where its SQL compiled the same."""
    properties = {
        uid.split(".", 2)[2]: [f"{c.describe()} (properties)" for c in found]
        for uid, found in impact.field_changes.items()
        if uid.startswith("model.")
    }
    changes = []
    for change in sql_changes:
        extra = properties.pop(change.name, [])
        # "no semantic change" beside a property change would read as a contradiction: say it of the SQL alone
        sql = change.details if change.semantic else [SQL_FORMATTING_ONLY]
        changes.append(change.model_copy(update={"semantic": True, "details": sql + extra}) if extra else change)
    for name, details in sorted(properties.items()):
        changes.append(DefinitionChange(kind="model", name=name, change="modified", semantic=True, details=details))
    return sorted(changes, key=lambda change: change.name)


def _model_sql_changes(base: Build, head: Build) -> list[DefinitionChange]:
    """Every model built on either side whose compiled SQL differs, compared as syntax trees."""
    changes = []
    for name in sorted(set(base.compiled) | set(head.compiled)):
        if name not in head.compiled:
            changes.append(DefinitionChange(kind="model", name=name, change="removed", semantic=True, details=[]))
        elif name not in base.compiled:
            changes.append(DefinitionChange(kind="model", name=name, change="added", semantic=True, details=[]))
        elif base.compiled[name] != head.compiled[name]:
            sql = compare_sql(base.compiled[name], head.compiled[name])
            changes.append(
                DefinitionChange(
                    kind="model", name=name, change="modified", semantic=sql.semantic, details=[sql.summary, *sql.edits]
                )
            )
    return changes
