"""From GX's per-frame results to check results: one tally per expectation merges the frames and chunks
(counts summed, min and max combined), pass or fail is then decided as GX decides it on one frame, and the
tally becomes a CheckResult with its message and a row for Data Docs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scorecard.quality.gx_common import plain
from scorecard.quality.gx_frames import Plan
from scorecard.quality.gx_suite_files import EXTREMES, NOT_NULL, ROW_COUNT, UNIQUENESS, Expectation, parameter_hours
from scorecard.quality.hours import beside_limits, hours_text
from scorecard.quality.results import CheckResult, one_line

# ----------------------------------------------------------------------------------------------------
# Merging results across frames


@dataclass
class Tally:
    """What one expectation's results over all frames and chunks add up to."""

    element: int = 0
    missing: int = 0
    unexpected: int = 0
    counts_missing: bool = False  # GX judges `mostly` over non-null rows (all but not-null checks)
    observed: Any = None
    success: bool | None = None
    frames: int = 0
    unexpected_values: dict = field(default_factory=dict)  # value -> rows: each frame's most frequent
    metrics: set = field(default_factory=set)
    error: str | None = None
    weighed: bool = False  # GX saw distinct combinations: its verdict is redone on the rows they stand for


def record(tally: Tally, result) -> None:
    tally.frames += 1
    if result.exception_info.get("raised_exception") and tally.error is None:
        tally.error = one_line(result.exception_info.get("exception_message") or "GX raised an exception")
    tally.success = result.success if tally.success is None else (tally.success and result.success)


def settle(e: Expectation, tally: Tally, parameters: dict) -> None:
    """Decide pass or fail from the merged numbers, as GX decides it on one frame."""
    if tally.error is not None:
        tally.success = None
        return
    if e.is_map:
        basis = tally.element - tally.missing if tally.counts_missing else tally.element
        mostly = _resolve(e.kwargs.get("mostly", 1.0), parameters)
        tally.success = basis == 0 or (basis - tally.unexpected) / basis >= mostly
    elif (tally.frames > 1 or tally.weighed) and (e.type in EXTREMES or e.type in ROW_COUNT):
        tally.success = _within(tally.observed, e.kwargs, parameters)


def _within(observed: Any, kwargs: dict, parameters: dict) -> bool:
    import pandas as pd

    if _is_missing(observed):
        return False
    if "value" in kwargs:
        return observed == _resolve(kwargs["value"], parameters)
    low, high = _resolve(kwargs.get("min_value"), parameters), _resolve(kwargs.get("max_value"), parameters)
    if isinstance(observed, datetime):
        observed = pd.Timestamp(observed)
        low = pd.Timestamp(low) if low is not None else None
        high = pd.Timestamp(high) if high is not None else None
    above = low is None or (observed > low if kwargs.get("strict_min") else observed >= low)
    below = high is None or (observed < high if kwargs.get("strict_max") else observed <= high)
    return bool(above and below)


def combine(kind: str, current: Any, new: Any) -> Any:
    if _is_missing(new):
        return current
    if current is None:
        return new
    if kind in ROW_COUNT:
        return current + new
    return max(current, new) if EXTREMES.get(kind) == "max" else min(current, new)


def _is_missing(value: Any) -> bool:
    """None, NaN or NaT: what GX observes on a column with no values."""
    import pandas as pd

    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # not a scalar
        return False


def most_frequent(counted: list[tuple[Any, int]], keep: int) -> list[tuple[Any, int]]:
    """The ``keep`` values with the most rows; ties in the order of their text, for a stable choice."""
    return sorted(counted, key=lambda item: (-item[1], repr(item[0])))[:keep]


def _resolve(value: Any, parameters: dict) -> Any:
    if isinstance(value, dict) and "$PARAMETER" in value:
        return parameters[value["$PARAMETER"]]
    return value


# ----------------------------------------------------------------------------------------------------
# Results


def check_result(plan: Plan, e: Expectation, tally: Tally, moment: datetime, parameters: dict) -> CheckResult:
    suite = plan.suite
    where = f"{suite.table}.{e.label}" if e.label != "table" else suite.table
    condition = _describe_condition(e.kwargs.get("row_condition"))
    freshness = _measures_freshness(e)
    if tally.error is not None:
        message = f"{where}: {e.type} could not run: {tally.error}"
        return CheckResult(e.check_id, "gx", suite.meta.node, "error", None, None, message, (), freshness)
    status = "pass" if tally.success else "fail"
    metrics = tuple(sorted(tally.metrics)) if status == "fail" else ()
    if e.is_map:
        observed, threshold, message = _map_summary(e, tally, where, condition, parameters)
    elif e.type in EXTREMES:
        observed, threshold, message = _extreme_summary(e, tally, where, condition, moment, parameters)
    elif e.type in ROW_COUNT:
        observed, threshold = float(tally.observed or 0), _number(e.kwargs.get("min_value", e.kwargs.get("value")))
        message = f"{suite.table}: {int(tally.observed or 0):,} rows (expected {_bounds(e.kwargs, parameters)})"
    else:
        observed, threshold = _number(tally.observed), None
        message = f"{where}: {e.type.removeprefix('expect_').replace('_', ' ')}: observed {_show(tally.observed)}"
    if metrics:
        message += f"; metrics: {', '.join(metrics)}"
    return CheckResult(e.check_id, "gx", suite.meta.node, status, observed, threshold, message, metrics, freshness)


def _measures_freshness(e: Expectation) -> bool:
    """A min/max bounded by the as-of moment minus an SLA: when it fails, the data is stale, not broken."""
    bound = e.kwargs.get("min_value")
    return e.type in EXTREMES and isinstance(bound, dict) and parameter_hours(str(bound.get("$PARAMETER"))) is not None


def _map_summary(e: Expectation, tally: Tally, where: str, condition: str, parameters: dict):
    basis = tally.element - tally.missing if tally.counts_missing else tally.element
    allowed = round(1 - float(_resolve(e.kwargs.get("mostly", 1.0), parameters)), 12)
    noun = "non-null values" if tally.counts_missing else "rows"
    scope = f" where {condition}" if condition else ""
    limit = "none allowed" if allowed <= 0 else f"at most {_percent(allowed)} allowed"
    if not basis:
        # nothing to measure a share of: an empty table, or a condition no row meets
        return None, allowed, f"{where}: no {noun}{scope} to check ({limit})"
    share = tally.unexpected / basis
    percent = _percent(share, allowed)
    message = f"{where}: {tally.unexpected:,} of {basis:,} {noun}{scope} {_verb(e, parameters)} ({percent}; {limit})"
    if tally.unexpected and tally.unexpected_values and e.type != NOT_NULL:
        shown = ", ".join(_show(v) for v, _ in most_frequent(list(tally.unexpected_values.items()), 3))
        message += f", e.g. {shown}"
    return share, allowed, message


def _extreme_summary(e: Expectation, tally: Tally, where: str, condition: str, moment: datetime, parameters: dict):
    import pandas as pd

    which = "newest" if EXTREMES[e.type] == "max" else "oldest"
    scope = f" where {condition}" if condition else ""
    if _measures_freshness(e):
        limit = parameter_hours(e.kwargs["min_value"]["$PARAMETER"])
        if tally.observed is None:
            return None, limit, f"{where}: no values{scope}, so no {which} one to judge freshness by"
        newest = pd.Timestamp(tally.observed)
        age = float((pd.Timestamp(moment) - newest) / pd.Timedelta(hours=1))
        return (
            age,
            limit,
            f"{where}: {which} value{scope} is {newest:%Y-%m-%d %H:%M}, {hours_text(age, (limit,))} before the "
            f"as-of moment {moment:%Y-%m-%d %H:%M} (at most {limit:g} h allowed)",
        )
    label = "maximum" if EXTREMES[e.type] == "max" else "minimum"
    threshold = _number(_resolve(e.kwargs.get("min_value"), parameters))
    if threshold is None:
        threshold = _number(_resolve(e.kwargs.get("max_value"), parameters))
    message = f"{where}: {label}{scope} is {_show(tally.observed)} (expected {_bounds(e.kwargs, parameters)})"
    return _number(tally.observed), threshold, message


def _verb(e: Expectation, parameters: dict) -> str:
    kwargs = e.kwargs
    if e.type == NOT_NULL:
        return "are null"
    if e.type == "expect_column_values_to_be_null":
        return "are not null"
    if e.type == "expect_column_values_to_be_between":
        return f"are outside {_bounds(kwargs, parameters)}"
    if e.type == "expect_column_values_to_be_in_set":
        return f"are not in {_show_set(kwargs.get('value_set'))}"
    if e.type == "expect_column_values_to_not_be_in_set":
        return f"are in {_show_set(kwargs.get('value_set'))}"
    if e.type in UNIQUENESS:
        return "are duplicated"
    if e.type == "expect_column_pair_values_a_to_be_greater_than_b":
        relation = ">=" if kwargs.get("or_equal") else ">"
        return f"fail {kwargs.get('column_A')} {relation} {kwargs.get('column_B')}"
    return f"fail {e.type.removeprefix('expect_').replace('_', ' ')}"


def _bounds(kwargs: dict, parameters: dict) -> str:
    if "value" in kwargs:
        return f"= {_show(_resolve(kwargs['value'], parameters))}"
    low, high = _resolve(kwargs.get("min_value"), parameters), _resolve(kwargs.get("max_value"), parameters)
    if low is not None and high is not None:
        left = "(" if kwargs.get("strict_min") else "["
        right = ")" if kwargs.get("strict_max") else "]"
        return f"{left}{_show(low)}, {_show(high)}{right}"
    if low is not None:
        return f"{'>' if kwargs.get('strict_min') else '>='} {_show(low)}"
    if high is not None:
        return f"{'<' if kwargs.get('strict_max') else '<='} {_show(high)}"
    return "any value"


def _describe_condition(condition: Any) -> str:
    if not isinstance(condition, dict):
        return ""
    kind = condition.get("type")
    if kind in {"and", "or"}:
        return f" {kind} ".join(_describe_condition(c) for c in condition.get("conditions", []))
    column = condition.get("column", {}).get("name")
    if kind == "nullity":
        return f"{column} is {'' if condition.get('is_null', True) else 'not '}null"
    operator, parameter = condition.get("operator"), condition.get("parameter")
    if operator in {"IN", "NOT_IN"}:
        return f"{column} {'in' if operator == 'IN' else 'not in'} {_show_set(parameter)}"
    return f"{column} {operator} {_show(parameter)}"


def docs_result(e: Expectation, tally: Tally) -> dict:
    """The merged numbers in the shape GX's Data Docs renderers read."""
    if not e.is_map:
        return {"observed_value": plain(tally.observed)}
    basis = tally.element - tally.missing if tally.counts_missing else tally.element
    examples = most_frequent(list(tally.unexpected_values.items()), len(tally.unexpected_values))
    result = {
        "element_count": tally.element,
        "unexpected_count": tally.unexpected,
        "unexpected_percent": 100.0 * tally.unexpected / basis if basis else 0.0,
        "partial_unexpected_list": [v for v, _ in examples],
        "partial_unexpected_counts": [{"value": v, "count": n} for v, n in examples],
    }
    if tally.counts_missing:
        result["missing_count"] = tally.missing
        result["missing_percent"] = 100.0 * tally.missing / tally.element if tally.element else None
    return result


# ----------------------------------------------------------------------------------------------------
# Small helpers


def _number(value: Any) -> float | None:
    value = plain(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _show(value: Any) -> str:
    value = plain(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _show_set(values: Any) -> str:
    values = list(values or [])
    shown = ", ".join(_show(v) for v in values[:4])
    return f"{{{shown}{', ...' if len(values) > 4 else ''}}}"


def _percent(share: float, limit: float | None = None) -> str:
    """A share as a percentage; against ``limit``, with the decimals it takes to read on the same side of
    it as the share: 2.0036% over "at most 2%" printed as "2%" read as though it had passed."""
    percent = 100 * share
    usual = f"{percent:.2g}" if share < 0.1 else f"{percent:.1f}"
    written = [] if limit is None else [(100 * limit, float(_percent(limit).rstrip("%")))]
    return f"{beside_limits(percent, written, usual)}%"
