"""scorecard.md: GitHub-flavoured Markdown for a pull-request comment or a chat message.

Tables with status words, no HTML. Text from specs is escaped so a title cannot open a tag, a link
or a table cell."""

from __future__ import annotations

import re
from datetime import date

from scorecard.report import formatting as fmt
from scorecard.report import model as m

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(text: str | None) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def code(text: str | None) -> str:
    return f"`{(text or '').replace('`', '')}`"


def render(report: m.Report) -> str:
    lines = [f"# Scorecard — {report.as_of}", ""]
    since = f" · score changes since {report.previous_check_in}" if report.previous_check_in else ""
    lines += [f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC{since}", ""]
    lines += _summary(report)
    if report.north_star:
        lines += _north_star(report.north_star)
    lines += ["## Objectives", ""]
    if not report.objectives:
        lines += [f"No OKR cycle has started by {report.as_of}.", ""]
    for objective in report.objectives:
        lines += _objective(objective, report.as_of)
    if report.diagnoses:
        lines += ["## Diagnosis", ""]
        lines += [f"- {code(d.objective)}: {escape(d.message)}" for d in report.diagnoses] + [""]
    lines += _kpis(report.kpis)
    lines += _score_changes(report)
    lines += _data_quality(report.data_quality)
    return "\n".join(lines).rstrip() + "\n"


def _counts(counts: dict[str, int], label) -> str:
    return ", ".join(f"{count} {label(status)}" for status, count in counts.items()) or "none"


def _summary(report: m.Report) -> list[str]:
    s = report.summary
    quality = report.data_quality
    dq = (
        f"{quality.checks} checks, {', '.join(f'{n} {status}' for status, n in quality.by_status.items())}"
        if quality
        else "no checks have run for this date"
    )
    lines = [
        f"- **{s.key_results} key results** in {s.objectives} objectives: "
        f"{_counts(s.key_results_by_status, fmt.status_label)}",
        f"- **{s.kpis} KPIs**: {_counts(s.kpis_by_target_status, fmt.target_label)}",
        f"- **Data quality**: {dq}",
    ]
    if s.guardrails_breached:
        breached = {
            kr.html_id: f"{code(f'{o.team}/{kr.id}')} {escape(kr.title)}"
            for o in report.objectives
            for kr in o.key_results
        }
        lines.append(f"- **Guardrails breached**: {'; '.join(breached[i] for i in s.guardrails_breached)}")
    if s.problems:
        found = fmt.problems_found(report.data_quality)
        lines.append(f"- **Problems found**: {found}; see Data quality below")
    return [*lines, ""]


def _north_star(star: m.NorthStar) -> list[str]:
    unit = fmt.unit_of(star)
    compared = (
        f", {fmt.relative(star.relative_change)} on the prior {star.cadence} ({fmt.value(star.prior_value, unit)})"
        if star.prior_value is not None
        else ""
    )
    target = f"; KPI target {fmt.value(star.target, fmt.unit_of(star))}" if star.target is not None else ""
    lines = [
        f"## North Star: {escape(star.label)}",
        "",
        f"{fmt.value(star.value, fmt.unit_of(star))}{_unverified(star)} in the {star.cadence} ending "
        f"{star.period_end}{compared}{target}.",
        "",
    ]
    if star.data_status in fmt.UNTRUSTED:
        lines += [f"Data: {fmt.data_label(star.data_status)}: {escape(star.data_status_reason)}", ""]
    return lines


def _unverified(item) -> str:
    """A stale or failed number is not shown as current (docs/outputs.md): it is marked as not verified."""
    return " (not verified)" if item.data_status in fmt.UNTRUSTED else ""


def _objective(objective: m.Objective, report_as_of: date) -> list[str]:
    change = (
        f" ({fmt.score_change(objective.score, objective.previous_score)} since the last check-in)"
        if objective.score_change is not None
        else ""
    )
    aligned = (
        f" · aligned team objectives score {fmt.score(objective.aligned_score)}"
        if objective.aligned_score is not None
        else ""
    )
    lines = [
        f"### {fmt.status_label(objective.status)} · {escape(objective.title)}",
        "",
        f"{code(f'{objective.team}/{objective.id}')} · owner {escape(objective.owner or '–')} · "
        f"score {fmt.score(objective.score)}{change}{aligned}",
        "",
        "| Key result | Metric | Baseline → current → target | Progress | Score | Δ | Status | Data | Projection |",
        "|---|---|---|---|---:|---:|---|---|---|",
    ]
    for kr in objective.key_results:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{code(kr.id)} {escape(kr.title)}",
                    _metric(kr),
                    _path(kr),
                    _progress(kr),
                    fmt.score(kr.score),
                    fmt.score_change(kr.score, kr.previous_score),
                    fmt.status_label(kr.status),
                    _data(kr, report_as_of),
                    escape(fmt.projection(kr) or "–"),
                ]
            )
            + " |"
        )
    confident = [kr for kr in objective.key_results if kr.owner_confidence is not None]
    if confident:
        # the owners' own call from their latest check-in, beside the computed score (as the HTML shows it)
        said = [
            f"{code(kr.id)} {fmt.share(kr.owner_confidence)}"
            + (f" (“{escape(kr.owner_note)}”)" if kr.owner_note else "")
            for kr in confident
        ]
        lines += ["", "Owner confidence: " + "; ".join(said)]
    return [*lines, ""]


def _data(kr: m.KeyResult, report_as_of: date) -> str:
    """The data badge, with the date the score comes from when bad data held it back (as the HTML shows)."""
    held = f" (score from {kr.score_as_of})" if kr.score_as_of and kr.score_as_of != report_as_of else ""
    return fmt.data_label(kr.data_status) + held


def _metric(kr: m.KeyResult) -> str:
    if kr.metric is None:
        return "milestone"
    segment = f", {escape(kr.segment)}" if kr.segment else ""
    return f"{code(kr.metric)} ({kr.grain}{segment})"


def _path(kr: m.KeyResult) -> str:
    if kr.type == "milestone":
        return "–"
    unverified = _unverified(kr)
    if kr.type == "guardrail":
        bound = "≤" if kr.direction == "at_most" else "≥"
        unit = fmt.unit_of(kr)
        breached = ", ⚠ breached" if kr.is_breached else ""
        current, threshold = fmt.values((kr.current, kr.target), unit)
        return f"{current}{unverified} (keep {bound} {threshold}){breached}"
    baseline, current, target = fmt.values((kr.baseline, kr.current, kr.target), fmt.unit_of(kr))
    return f"{baseline} → {current}{unverified} → {target}"


def _progress(kr: m.KeyResult) -> str:
    if kr.type != "metric":
        return "–"
    return f"{fmt.share(kr.progress)} (expected {fmt.share(kr.expected_progress)})"


def _kpis(kpis: list[m.Kpi]) -> list[str]:
    lines = [
        "## KPIs",
        "",
        "| KPI | Period | Value | Target | Status | Prior | Change | Trend | Anomaly | Moved most | Data |",
        "|---|---|---:|---:|---|---:|---:|---|---|---|---|",
    ]
    for kpi in kpis:
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{escape(kpi.label)} {code(kpi.metric)}",
                    f"{kpi.cadence} to {kpi.period_end}" if kpi.period_end else "–",
                    fmt.value_beside(kpi.value, kpi.target, fmt.unit_of(kpi)) + _unverified(kpi),
                    fmt.value(kpi.target, fmt.unit_of(kpi)),
                    fmt.target_label(kpi.target_status),
                    fmt.value(kpi.prior_value, fmt.unit_of(kpi)),
                    fmt.change(kpi.absolute_change, fmt.unit_of(kpi)),
                    kpi.trend or "–",
                    _anomaly(kpi.anomaly),
                    _moved(kpi),
                    fmt.data_label(kpi.data_status),
                ]
            )
            + " |"
        )
    lines.append("")
    arpu = next((k.decomposition for k in kpis if k.decomposition), None)
    if arpu is not None:
        lines += [
            f"ARPU {arpu.period_start} to {arpu.period_end} = AOV × orders per buyer × paying-user share = "
            f"{fmt.value(arpu.aov, 'currency')} × {fmt.value(arpu.orders_per_buyer, 'count')} × "
            f"{fmt.value(arpu.paying_user_share, 'percent')} = {fmt.value(arpu.product, 'currency')}",
            "",
        ]
    return lines


def _anomaly(anomaly: m.Anomaly | None) -> str:
    if anomaly is None:
        return "–"
    if anomaly.status in {"fail", "warn"}:
        return f"⚠ {fmt.CHECK_WORDS[anomaly.status]} (z {anomaly.robust_z:+.1f})" if anomaly.robust_z else "⚠ anomaly"
    return "none" if anomaly.status == "pass" else anomaly.status


def _moved(kpi: m.Kpi) -> str:
    move = kpi.moved_most
    if move is None:
        return "–"
    return f"{escape(move.dimension)}={escape(move.segment)} {fmt.change(move.change, fmt.unit_of(kpi))}"


def _score_changes(report: m.Report) -> list[str]:
    since = f" since {report.previous_check_in}" if report.previous_check_in else ""
    lines = [f"## Score changes{since}", ""]
    if not report.previous_check_in:
        return [*lines, "No earlier check-in in the history: changes appear from the next weekly run.", ""]
    lines += ["| Objective / key result | Previous | Now | Change | Status |", "|---|---:|---:|---:|---|"]
    for objective in report.objectives:
        rows = [(f"**{escape(objective.title)}**", objective)]
        rows += [(f"↳ {escape(kr.title)}", kr) for kr in objective.key_results]
        lines += [
            f"| {title} | {fmt.score(item.previous_score)} | {fmt.score(item.score)} | "
            f"{fmt.score_change(item.score, item.previous_score)} | "
            f"{fmt.status_change(item.previous_status, item.status)} |"
            for title, item in rows
        ]
    return [*lines, ""]


def _data_quality(quality: m.DataQuality | None) -> list[str]:
    lines = ["## Data quality", ""]
    if quality is None:
        return [*lines, "No data-quality checks have run for this date: every number above is unchecked.", ""]
    kinds = "; ".join(
        f"{kind}: {', '.join(f'{n} {status}' for status, n in counts.items())}"
        for kind, counts in quality.by_kind.items()
    )
    statuses = ", ".join(f"{n} {fmt.data_label(status)}" for status, n in quality.kpi_data_status.items())
    lines += [f"{quality.checks} checks ({kinds}). KPI data: {statuses}.", ""]
    if not quality.problems:
        return [*lines, "Every check passed.", ""]
    lines += ["| Check | Kind | Status | Message | Affects |", "|---|---|---|---|---|"]
    for problem in quality.problems:
        affected = ", ".join(code(k) for k in problem.affected_kpis) or "–"
        lines.append(
            f"| {code(problem.check_id)} | {problem.kind} | {fmt.CHECK_WORDS[problem.status]} | "
            f"{escape(problem.message)} | {affected} |"
        )
    return [*lines, ""]
