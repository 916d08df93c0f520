"""Diagnosis lines: where the speedometer (KPIs) and the navigator (OKRs) disagree.

An objective off track while every KPI its key results follow meets its KPI target means the key
results ask for more than the KPI targets (or measure something the KPIs do not); an objective on
track while one of its KPIs misses its target, flags an anomaly or sits on bad data means the
objective's score hides a problem."""

from __future__ import annotations

from scorecard.report import model as m

BEHIND = {"off_track", "missed"}
AHEAD = {"on_track", "achieved"}


def diagnose(objectives: list[m.Objective], kpis: dict[str, m.Kpi]) -> list[m.Diagnosis]:
    diagnoses = []
    for objective in objectives:
        followed = sorted({kr.metric for kr in objective.key_results if kr.metric in kpis})
        targeted = [kpis[name] for name in followed if kpis[name].target_status != "no_target"]
        unhealthy = [kpis[name] for name in followed if _unhealthy(kpis[name])]
        ident = f"{objective.team}/{objective.id}"
        if (
            objective.status in BEHIND
            and targeted
            and not unhealthy
            and all(k.target_status == "on_target" for k in targeted)
        ):
            behind = [kr.id for kr in objective.key_results if kr.status in BEHIND]
            diagnoses.append(
                m.Diagnosis(
                    objective=ident,
                    kind="kpis_healthy_objective_off_track",
                    message=(
                        f"KPIs healthy, objective off track: {_names(targeted)} meet their KPI targets, yet "
                        f"{', '.join(behind)} {'is' if len(behind) == 1 else 'are'} off track. The key results ask "
                        "for more than the KPI targets, or follow something the KPIs do not show."
                    ),
                )
            )
        elif objective.status in AHEAD and unhealthy:
            diagnoses.append(
                m.Diagnosis(
                    objective=ident,
                    kind="objective_on_track_kpis_unhealthy",
                    message=(
                        f"Objective {objective.status.replace('_', ' ')}, KPIs not healthy: "
                        f"{'; '.join(_why(k) for k in unhealthy)}. The objective's score hides this."
                    ),
                )
            )
    return diagnoses


def _unhealthy(kpi: m.Kpi) -> bool:
    return (
        kpi.target_status == "off_target"
        or (kpi.anomaly is not None and kpi.anomaly.status in {"fail", "warn"})
        or kpi.data_status in {"failed", "stale"}
    )


def _why(kpi: m.Kpi) -> str:
    reasons = []
    if kpi.target_status == "off_target":
        reasons.append("misses its KPI target")
    if kpi.anomaly is not None and kpi.anomaly.status in {"fail", "warn"}:
        reasons.append("flags an anomaly")
    if kpi.data_status in {"failed", "stale"}:
        reasons.append(f"has {kpi.data_status} data")
    return f"{kpi.label} ({kpi.metric}) {' and '.join(reasons)}"


def _names(kpis: list[m.Kpi]) -> str:
    return ", ".join(f"{k.label} ({k.metric})" for k in kpis)
