"""The diff as a pull-request comment: what a reviewer must act on first (breaking changes, moved
goalposts, key results whose score or status moves), then the numbers, then the definitions and the
lineage. GitHub-flavoured Markdown; text from specs and SQL is escaped."""

from __future__ import annotations

import re
from datetime import date

from scorecard.diff.model import DiffReport, KeyResultImpact, KpiStatusChange, MetricValues, RowChange

MAX_ROWS = 30  # a comment listing hundreds of rows is read by nobody; the JSON has them all
_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")  # what could start emphasis, a link, HTML or a table cell


def render(report: DiffReport) -> str:
    lines = [f"## Scorecard diff: {_code(report.base)} → {_code(report.head)} (as of {report.as_of})", ""]
    lines.append(_verdict(report))
    lines.append("")
    if report.breaking:
        lines += ["### ⛔ Breaking changes", ""]
        lines += [f"- {_esc(f.message)}" for f in report.breaking] + [""]
    if report.renamed_kpis:
        lines += ["### Renamed KPIs", ""]
        lines += [
            f"- {_code(r.base_metric)} → {_code(r.head_metric)}: the same values in all {r.rows:,} rows of "
            f"`kpi_values`; key results and dashboards that read {_code(r.base_metric)} must follow"
            for r in report.renamed_kpis
        ] + [""]
    if report.goalposts:
        lines += ["### ⚠️ Goalposts moved during a running cycle", ""]
        lines += [f"- **{_esc(f.message)}**" for f in report.goalposts] + [""]
    if report.key_results:
        lines += _key_results(report.key_results)
    if report.kpi_statuses:
        lines += _kpi_statuses(report.kpi_statuses)
    if report.metric_values:
        lines += _metric_values(report.metric_values)
    if report.definition_changes:
        lines += ["### Definition changes", ""]
        for change in report.definition_changes[:MAX_ROWS]:
            meaning = "" if change.semantic else " (no semantic change)"
            lines.append(f"- {change.kind.replace('_', ' ')} {_code(change.name)}: {change.change}{meaning}")
            lines += [f"  - {_esc(detail)}" for detail in change.details[:8]]
        lines += [*_more(len(report.definition_changes)), ""]
    lines += _lineage(report)
    return "\n".join(lines).rstrip() + "\n"


def _verdict(report: DiffReport) -> str:
    if report.values_changed:
        # a renamed KPI's rows leave under one name and arrive under another: its values do not move
        renamed = {name for r in report.renamed_kpis for name in (r.base_metric, r.head_metric)}
        metrics = len({m.metric for m in report.metric_values} - renamed)
        moved = sum(kr.changed for kr in report.key_results)
        turned = sum(status.changed for status in report.kpi_statuses)
        statuses = f", {turned} KPI{'s' if turned != 1 else ''} against target" if turned else ""
        renames = len(report.renamed_kpis)
        renames_told = f", {renames} KPI{'s' if renames != 1 else ''} renamed" if renames else ""
        return (
            f"**Values change**: {metrics} KPI{'s' if metrics != 1 else ''}{statuses} and "
            f"{moved} key result{'s' if moved != 1 else ''} move{renames_told}. Review before merging."
        )
    if report.definition_changes:
        return "**No value change**: no KPI value, key-result score or status moves."
    return "**No change** to metrics, models or OKR specs."


def _key_results(impacts: list[KeyResultImpact]) -> list[str]:
    moved = [
        f"- This change moves KR **{_esc(kr.key_result.rsplit('/', 1)[-1])}** from {_score(kr, 'base')} "
        f"to {_score(kr, 'head')}."
        for kr in impacts
        if kr.changed
    ]
    lines = ["### Key results", "", *moved, *([""] if moved else [])]
    lines += ["| Key result | Metric | Base | Head | Moves |", "|---|---|---|---|---|"]
    for kr in impacts[:MAX_ROWS]:
        lines.append(
            f"| {_esc(kr.key_result)} | {_esc(kr.metric or '—')} | {_score(kr, 'base')} | {_score(kr, 'head')} "
            f"| {'yes' if kr.changed else 'no'} |"
        )
    return [*lines, *_more(len(impacts)), ""]


def _score(kr: KeyResultImpact, side: str) -> str:
    status = getattr(kr, f"{side}_status")
    if status is None:
        return "absent" if side == "base" else "not scored"
    score = getattr(kr, f"{side}_score")
    return f"{'—' if score is None else f'{score:.2f}'} {status}"


def _kpi_statuses(statuses: list[KpiStatusChange]) -> list[str]:
    lines = ["### KPI targets", ""]
    for status in statuses:
        if status.changed:
            lines.append(
                f"- This change turns KPI **{_esc(status.metric)}** from {_status(status.base_status)} to "
                f"{_status(status.head_status)}."
            )
    lines += ["", "| KPI | Period | Value | Target | Target status |", "|---|---|---|---|---|"]
    for status in statuses[:MAX_ROWS]:
        # each side's own period: a changed cadence compares a week's value with a month's
        period = _period(status.cadence, status.period_start)
        if status.base_cadence is not None:
            period = _pair(_period(status.base_cadence, status.base_period_start), period, str)
        lines.append(
            f"| {_esc(status.metric)} | {period} | {_pair(status.base_value, status.head_value, _value)} "
            f"| {_pair(status.base_target, status.head_target, _target)} "
            f"| {_pair(status.base_status, status.head_status, _status)} |"
        )
    return [*lines, *_more(len(statuses)), ""]


def _period(cadence: str, start: date | None) -> str:
    return f"{cadence} of {start}" if start else cadence


def _status(status: str | None) -> str:
    return "no KPI" if status is None else status.replace("_", " ")


def _value(value: float | None) -> str:
    return "no value" if value is None else _plain(value)


def _target(value: float | None) -> str:
    return "no target" if value is None else _plain(value)


def _pair(base, head, show) -> str:
    return show(base) if base == head else f"{show(base)} → {show(head)}"


def _metric_values(values: list[MetricValues]) -> list[str]:
    lines = [
        "### KPI values",
        "",
        "| Metric | Grain | Changed periods | Largest absolute change | Largest relative change |",
        "|---|---|---:|---|---|",
    ]
    for value in values[:MAX_ROWS]:
        lines.append(
            f"| {_esc(value.metric)} | {value.grain} | {value.changed_periods} of {value.total_periods} "
            f"| {_row(value.largest_absolute, relative=False)} | {_row(value.largest_relative, relative=True)} |"
        )
    return [*lines, *_more(len(values)), ""]


def _row(row: RowChange | None, *, relative: bool) -> str:
    if row is None:
        return "no row with a value on both sides (rows added, removed or null)"
    where = f"{row.period_start}" + ("" if row.segment == "all" else f", {_esc(row.segment)}")
    change = ""
    if row.before is not None and row.after is not None:
        delta = row.after - row.before
        signed = ("+" if delta >= 0 else "-") + _plain(abs(delta))
        change = f" ({delta / abs(row.before):+.1%})" if relative and row.before else f" ({signed})"
    return f"{_number(row.before)} → {_number(row.after)}{change} in {where}"


def _number(value: float | None) -> str:
    return "none" if value is None else _plain(value)


def _plain(value: float) -> str:
    """A value as a reviewer reads it: 14,199.82 rather than 1.42e+04 (revenue changes in its last digits
    would not show), four significant digits below 1,000 (a share, 0.2831)."""
    if abs(value) >= 1000:
        return f"{value:,.0f}" if value == round(value) else f"{value:,.2f}"
    return f"{value:.4g}"


def _lineage(report: DiffReport) -> list[str]:
    lineage = report.lineage
    parts = [
        ("Models", lineage.models),
        ("Semantic models", lineage.semantic_models),
        ("Metrics", lineage.metrics),
        ("KPIs", lineage.kpis),
        ("Key results", lineage.key_results),
    ]
    lines = ["<details><summary>Impact through lineage</summary>", ""]
    for title, names in parts:
        shown = ", ".join(_code(n) for n in names[:MAX_ROWS]) or "none"
        more = f" and {len(names) - MAX_ROWS} more" if len(names) > MAX_ROWS else ""
        lines.append(f"- {title} ({len(names)}): {shown}{more}")
    built = ", ".join(_code(n) for n in report.built_models) or "none (nothing to build)"
    lines += [f"- Built for each side: {built}", "", "</details>"]
    return lines


def _more(count: int) -> list[str]:
    return ["", f"… and {count - MAX_ROWS} more (see `--format json`)."] if count > MAX_ROWS else []


def _esc(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _code(text: str) -> str:
    """A code span: nothing inside is interpreted, so only a backtick could break out of it."""
    return "`" + " ".join(str(text).split()).replace("`", "'") + "`"
