"""The report's charts as Vega-Lite specs built with altair, rendered in the page by the inlined
vega-embed bundle (no network, no server-side rendering).

A report has hundreds of charts of a few kinds, so altair builds one template per kind and unit (its
data named, not inlined) and each chart is that template plus its own datasets: building and
validating a full altair chart per key result would cost more than the rest of the report step.
"""

from __future__ import annotations

import math
from datetime import date
from functools import cache

import altair as alt

from scorecard.report import formatting as fmt
from scorecard.report import model as m

SERIES = ["actual", "expected path", "projection", "target"]
COLOURS = ["#1f4e79", "#8c8c8c", "#c55a11", "#2e7d32"]
DASHES = [[1, 0], [6, 3], [2, 2], [1, 0]]
AXIS_FORMATS = {"percent": ".0%", "currency": "$,.2~f"}


def _y_format(unit: str | None) -> str:
    return AXIS_FORMATS.get(unit or "", ",.4~g")


def _x(field: str = "date", title: str | None = None, axis: bool = True) -> alt.X:
    return alt.X(
        f"{field}:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format="%d %b", labelOverlap=True, grid=False) if axis else None,
    )


@cache
def _key_result_template(unit: str | None, kind: str) -> dict:
    y_format = _y_format(unit)
    legend = alt.Legend(orient="bottom", title=None, symbolType="stroke")
    colour = alt.Color("series:N", scale=alt.Scale(domain=SERIES, range=COLOURS), legend=legend)
    dash = alt.StrokeDash("series:N", scale=alt.Scale(domain=SERIES, range=DASHES), legend=legend)
    tooltip = [
        alt.Tooltip("series:N"),
        alt.Tooltip("date:T", format="%Y-%m-%d"),
        alt.Tooltip("value:Q", format=y_format),
    ]
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format=y_format, tickCount=4))
    layers = []
    if kind == "metric":
        layers.append(
            alt.Chart(alt.NamedData("band"))
            .mark_area(opacity=0.18, color=COLOURS[2])
            .encode(x=_x(), y=alt.Y("low:Q", scale=alt.Scale(zero=False)), y2="high:Q")
        )
    layers += [
        alt.Chart(alt.NamedData("lines")).mark_line(strokeWidth=2).encode(x=_x(), y=y, color=colour, strokeDash=dash),
        alt.Chart(alt.NamedData("points"))
        .mark_point(filled=True, size=36)
        .encode(x=_x(), y=y, color=colour, tooltip=tooltip),
        alt.Chart(alt.NamedData("rules"))
        .mark_rule(strokeWidth=1.5)
        .encode(y=alt.Y("value:Q"), color=colour, strokeDash=dash, tooltip=[alt.Tooltip("value:Q", format=y_format)]),
    ]
    chart = alt.layer(*layers).properties(width="container", height=150)
    return chart.to_dict(validate=False)


@cache
def _sparkline_template(unit: str | None) -> dict:
    y_format = _y_format(unit)
    base = alt.Chart(alt.NamedData("values")).encode(
        x=_x("period_end", axis=False),
        y=alt.Y("value:Q", axis=None, scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("period_end:T", title="period end", format="%Y-%m-%d"),
            alt.Tooltip("value:Q", format=y_format),
        ],
    )
    chart = alt.layer(
        base.mark_line(color=COLOURS[0], strokeWidth=1.5),
        base.mark_point(filled=True, size=14, color=COLOURS[0]),
    ).properties(width=120, height=28)
    return chart.configure_view(stroke=None).to_dict(validate=False)


@cache
def _trend_template(unit: str | None) -> dict:
    y_format = _y_format(unit)
    line = (
        alt.Chart(alt.NamedData("values"))
        .mark_line(color=COLOURS[0], strokeWidth=2, point=True)
        .encode(
            x=_x("period_end", title=None),
            y=alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(format=y_format)),
            tooltip=[alt.Tooltip("period_end:T", format="%Y-%m-%d"), alt.Tooltip("value:Q", format=y_format)],
        )
    )
    target = alt.Chart(alt.NamedData("target")).mark_rule(color=COLOURS[3], strokeDash=[6, 3]).encode(y="value:Q")
    return alt.layer(line, target).properties(width="container", height=180).to_dict(validate=False)


def _iso(day: date) -> str:
    return day.isoformat()


def _clean(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None


def key_result_chart(kr: m.KeyResult, as_of: date) -> dict | None:
    """Values over the cycle, the straight line from baseline to target, the target and the projection band."""
    if kr.type == "milestone":
        return None
    actual = [
        {"date": _iso(p.period_end), "value": _clean(p.value), "series": "actual"}
        for p in kr.values
        if _clean(p.value) is not None
    ]
    lines = list(actual)
    band = []
    rules = []
    if kr.target is not None:
        rules.append({"value": kr.target, "series": "target"})
    if kr.type == "metric" and kr.baseline is not None and kr.target is not None:
        lines += [
            {"date": _iso(kr.cycle_start), "value": kr.baseline, "series": "expected path"},
            {"date": _iso(kr.deadline), "value": kr.target, "series": "expected path"},
        ]
    projection = kr.projection
    if kr.type == "metric" and projection and projection.value is not None and actual and kr.deadline > as_of:
        last = actual[-1]
        lines += [
            {"date": last["date"], "value": last["value"], "series": "projection"},
            {"date": _iso(kr.deadline), "value": projection.value, "series": "projection"},
        ]
        band = [
            {"date": last["date"], "low": last["value"], "high": last["value"]},
            {"date": _iso(kr.deadline), "low": projection.low, "high": projection.high},
        ]
    template = _key_result_template(fmt.unit_of(kr), kr.type)
    return {**template, "datasets": {"lines": lines, "points": actual, "rules": rules, "band": band}}


def sparkline(kpi: m.Kpi) -> dict | None:
    values = [{"period_end": _iso(p.period_end), "value": p.value} for p in kpi.sparkline if p.value is not None]
    if not values:
        return None
    return {**_sparkline_template(fmt.unit_of(kpi)), "datasets": {"values": values}}


def north_star_chart(star: m.NorthStar) -> dict | None:
    values = [{"period_end": _iso(p.period_end), "value": p.value} for p in star.trend if p.value is not None]
    if not values:
        return None
    target = [{"value": star.target}] if star.target is not None else []
    return {**_trend_template(fmt.unit_of(star)), "datasets": {"values": values, "target": target}}
