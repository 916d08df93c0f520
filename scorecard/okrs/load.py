"""Loading OKR specs: parse (with lines), validate the format, then check them against the KPI
catalog and each other. Every problem becomes an Issue `file:line: field.path: message`; a file
with errors yields no spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from scorecard.okrs.catalog import CatalogMetric
from scorecard.okrs.issues import Issue
from scorecard.okrs.model import (
    KEY_RESULT_TAGS,
    GuardrailKeyResult,
    MetricKeyResult,
    MilestoneKeyResult,
    OkrFile,
)
from scorecard.okrs.parsing import ParsedSpec, SpecSyntaxError, parse_spec
from scorecard.okrs.rules._common import warning
from scorecard.suggest import did_you_mean


@dataclass
class LoadedSpec:
    parsed: ParsedSpec
    spec: OkrFile

    @property
    def file(self) -> str:
        return str(self.parsed.path)

    def line(self, *location) -> int:
        return self.parsed.line_of(tuple(location))


@dataclass
class LoadResult:
    specs: list[LoadedSpec] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.severity == "error"]


def spec_files(paths: list[Path]) -> list[Path]:
    """The spec files under ``paths``, each once (`lint okrs okrs/growth.yml` names growth.yml twice)."""
    files: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        found = [path]
        if path.is_dir():
            # anything named like a spec but a folder is kept, to be reported (a broken symlink, a symlink loop,
            # a FIFO): skipping it would score without that team's file. growth.YML is a spec too.
            found = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".yml", ".yaml") and not p.is_dir())
        for file in found:
            if spec_target(file) not in seen:
                seen.add(spec_target(file))
                files.append(file)
    return files


def spec_target(path: Path) -> Path:
    """The file a path names, symlinks followed; a symlink loop names itself (resolve() raises there)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.parent.resolve() / path.name


def _unreadable(path: Path) -> str | None:
    """Why a spec path cannot be read as a file, or None: missing, a broken or looping symlink, no file."""
    try:
        path.resolve(strict=True)
    except FileNotFoundError:
        return f"symlink to {path.readlink()}, which does not exist" if path.is_symlink() else "file not found"
    except (RuntimeError, OSError):
        return f"symlink loop (through {path.readlink()})" if path.is_symlink() else "cannot be read"
    if not path.is_file():
        return "not a regular file (a FIFO, socket or device); a spec is a YAML file"
    return None


def load_specs(paths: list[Path], catalog: dict[str, CatalogMetric], display_root: Path | None = None) -> LoadResult:
    result = LoadResult()
    for folder in paths:
        if folder.is_dir() and not spec_files([folder]):
            # scoring nothing would replace the date's check-ins with none
            result.issues.append(Issue(display_path(folder, display_root), 1, "", "no OKR specs (*.yml, *.yaml) here"))
    for path in spec_files(paths):
        name = display_path(path, display_root)
        if problem := _unreadable(path):
            result.issues.append(Issue(name, 1, "", problem))
            continue
        try:
            parsed = parse_spec(path)
        except SpecSyntaxError as exc:
            result.issues.append(Issue(name, exc.line, "", exc.message))
            continue
        parsed.path = Path(name)
        if not isinstance(parsed.data, dict):
            result.issues.append(Issue(name, 1, "", "expected a mapping with cycle, team and objectives"))
            continue
        try:
            spec = OkrFile.model_validate(parsed.data)
        except ValidationError as exc:
            result.issues += _pydantic_issues(parsed, exc.errors())
            continue
        loaded = LoadedSpec(parsed, spec)
        file_issues = list(_check_file(loaded, catalog))
        result.issues += file_issues
        if not any(issue.severity == "error" for issue in file_issues):
            result.specs.append(loaded)
    result.issues += _check_across_files(result.specs)
    return result


def display_path(path: Path, root: Path | None) -> str:
    if root is not None:
        # the file's own name, not a symlink's target: resolve the folder only
        located = path.parent.resolve() / path.name
        try:
            return str(located.relative_to(root.resolve()))
        except ValueError:
            pass
    return str(path)


# A union such as `cycle: str | CycleRange` reports one error per member; keep the member the value was
# written as (a mapping is meant as a range, a text as YYYY-Qn).
_UNION_MEMBERS = {"str": str, "float": float, "CycleRange": dict}
_MEMBER_NAMES = {"str": "a text", "float": "a number", "CycleRange": "a mapping {start, end}"}
_VALIDATED_MEMBER = re.compile(r"^function-\w+\[.*, (\w+)\]$")  # a member with a validator: CycleRange


def _member(part) -> str | None:
    """The union member a location part names, if any."""
    if not isinstance(part, str):
        return None
    validated = _VALIDATED_MEMBER.match(part)
    name = validated.group(1) if validated else part
    return name if name in _UNION_MEMBERS else None


def _pydantic_issues(parsed: ParsedSpec, errors: list[dict]) -> list[Issue]:
    kept = []
    for error in errors:
        at = next((i for i, part in enumerate(error["loc"]) if _member(part)), None)
        if at is not None:
            written = parsed.data
            for part in error["loc"][:at]:
                written = written[part] if isinstance(written, dict | list) else None
            if not isinstance(written, _UNION_MEMBERS[_member(error["loc"][at])]):
                continue
            error = {**error, "loc": _without_members(error["loc"])}
        kept.append(_pydantic_issue(parsed, error))
    return kept or [_pydantic_issue(parsed, _no_member_matched(errors))]


def _without_members(location) -> tuple:
    return tuple(part for part in location if not _member(part))


def _no_member_matched(errors: list[dict]) -> dict:
    """A value that is none of its union's members (a list for a baseline): one error naming what each
    member accepts, instead of pydantic's wording for whichever member came first."""
    first = errors[0]
    if not any(_member(part) for part in first["loc"]):
        return first
    location = _without_members(first["loc"])
    accepted = [
        _MEMBER_NAMES[_member(part)]
        for error in errors
        if _without_members(error["loc"]) == location
        for part in error["loc"]
        if _member(part)
    ]
    shown = " or ".join(dict.fromkeys(accepted))
    return {**first, "loc": location, "type": "union", "msg": f"expected {shown}, got {first.get('input')!r}"}


def _pydantic_issue(parsed: ParsedSpec, error: dict) -> Issue:
    location = tuple(error["loc"])
    # the key-result union adds its tag (metric/guardrail/milestone) after the list index: not part of the file
    cleaned = tuple(
        part
        for i, part in enumerate(location)
        if not (
            part in KEY_RESULT_TAGS and i >= 2 and location[i - 2] == "key_results" and isinstance(location[i - 1], int)
        )
    )
    cleaned = tuple(part for part in cleaned if not (isinstance(part, str) and part.startswith("function-")))
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = f"unknown key '{cleaned[-1]}'"
    elif error["type"] == "missing":
        message = f"'{cleaned[-1]}' is required"
    elif error["type"] == "literal_error":
        message = f"{message}, got {error.get('input')!r}"
    path = ".".join(str(part) for part in cleaned)
    return Issue(str(parsed.path), parsed.line_of(cleaned), path, message)


def _check_file(loaded: LoadedSpec, catalog: dict[str, CatalogMetric]):
    spec = loaded.spec
    start, end = spec.cycle_bounds()
    if spec.north_star is not None and spec.north_star not in catalog:
        yield _error(
            loaded, ("north_star",), f"unknown metric '{spec.north_star}'{did_you_mean(spec.north_star, catalog)}"
        )
    objective_ids: set[str] = set()
    key_result_ids: set[str] = set()
    for o, objective in enumerate(spec.objectives):
        where = ("objectives", o)
        if objective.id in objective_ids:
            yield _error(loaded, (*where, "id"), f"duplicate objective id '{objective.id}'")
        objective_ids.add(objective.id)
        if objective.key_results and all(key_result.weight == 0 for key_result in objective.key_results):
            # the score is the key results' weighted mean: with no weight it is undefined, and was shown null
            yield _error(
                loaded,
                (*where, "key_results"),
                "every key result has weight 0, so the objective has no score; give at least one a weight above 0",
            )
        for k, key_result in enumerate(objective.key_results):
            at = (*where, "key_results", k)
            if key_result.id in key_result_ids:
                yield _error(loaded, (*at, "id"), f"duplicate key result id '{key_result.id}' in this file")
            key_result_ids.add(key_result.id)
            yield from _check_dates(loaded, at, key_result, start, end)
            if isinstance(key_result, MilestoneKeyResult):
                continue
            metric = catalog.get(key_result.metric)
            if metric is None:
                yield _error(
                    loaded,
                    (*at, "metric"),
                    f"unknown metric '{key_result.metric}'{did_you_mean(key_result.metric, catalog)}",
                )
                continue
            yield from _check_segment(loaded, at, key_result, metric)
            if isinstance(key_result, MetricKeyResult):
                yield from _check_amounts(loaded, at, key_result, metric)
            if isinstance(key_result, GuardrailKeyResult):
                yield from _check_amount(loaded, (*at, "threshold"), key_result.threshold_amount(), metric)


def _check_dates(loaded, at, key_result, start, end):
    """Every date a key result carries falls inside its cycle: a check-in or a completion dated outside
    it belongs to another cycle, and scoring would read it on the wrong as-of dates."""
    dated = [("deadline", key_result.deadline)]
    dated += [(("check_ins", i, "date"), check_in.date) for i, check_in in enumerate(key_result.check_ins)]
    if isinstance(key_result, MilestoneKeyResult):
        dated.append(("done_on", key_result.done_on))
    for location, day in dated:
        if day is not None and not start <= day <= end:
            location = location if isinstance(location, tuple) else (location,)
            name = "check-in" if location[0] == "check_ins" else location[0]
            yield _error(loaded, (*at, *location), f"{name} {day} is outside the cycle {start}..{end}")


def _check_segment(loaded, at, key_result, metric: CatalogMetric):
    for dimension in key_result.segment or {}:
        if dimension not in metric.dimensions:
            declared = ", ".join(sorted(metric.dimensions)) or "none"
            yield _error(
                loaded,
                (*at, "segment", dimension),
                f"dimension '{dimension}' is not declared for metric '{metric.name}' (declared: {declared})",
            )


def _check_amounts(loaded, at, key_result: MetricKeyResult, metric: CatalogMetric):
    baseline = key_result.baseline_amount()
    target = key_result.target_amount()
    if baseline is not None:
        yield from _check_amount(loaded, (*at, "baseline"), baseline, metric)
    yield from _check_amount(loaded, (*at, "target"), target, metric)
    if baseline is not None and baseline.kind == "absolute" and target.kind in ("relative", "points"):
        # a written baseline resolves the target now (an auto one only when scored)
        resolved = target.resolve(baseline.value)
        if resolved is not None and _outside(resolved, metric.value_range):
            yield _error(
                loaded,
                (*at, "target"),
                f"{target.text} from {baseline.text} is {resolved:g}, outside {_bounds(metric.value_range)} "
                f"for '{metric.name}'",
            )
    if target.kind in ("relative", "points") and target.value == 0:
        yield _error(loaded, (*at, "target"), "target equals the baseline")
    elif target.kind == "relative" and baseline is not None and baseline.kind == "absolute" and baseline.value == 0:
        yield _error(
            loaded,
            (*at, "target"),
            f"{target.text} of a baseline of {baseline.value:g} is that baseline: write a number",
        )
    elif (
        baseline is not None
        and baseline.kind == "absolute"
        and target.kind == "absolute"
        and baseline.value == target.value
    ):
        yield _error(loaded, (*at, "target"), f"target equals the baseline ({target.text})")


def _check_amount(loaded, location, amount, metric: CatalogMetric):
    if amount.kind in ("auto",) or amount.value is None:
        return
    if amount.kind == "points" and not metric.is_ratio:
        yield _error(
            loaded,
            location,
            f"'{amount.text}' is in percentage points but '{metric.name}' is measured in {metric.unit}: write a "
            "relative target (+3%) or a number",
        )
    elif amount.is_percent and amount.kind == "absolute" and not metric.is_ratio:
        yield _error(
            loaded, location, f"'{amount.text}' is a percentage but '{metric.name}' is measured in {metric.unit}"
        )
    elif amount.kind == "absolute" and _outside(amount.value, metric.value_range):
        shown = amount.text if amount.is_percent else f"{amount.value:g}"
        yield _error(loaded, location, f"{shown} is outside {_bounds(metric.value_range)} for '{metric.name}'")


def _bounds(value_range: tuple) -> str:
    low, high = value_range
    if (low, high) == (0, 1):
        return "0..100%"
    return f"{low if low is not None else '-inf'}..{high if high is not None else 'inf'}"


def _outside(value: float, value_range: tuple) -> bool:
    low, high = value_range
    return (low is not None and value < low) or (high is not None and value > high)


def objective_index(specs: list[LoadedSpec]) -> dict[str, list[tuple[LoadedSpec, int]]]:
    """team/objective id -> every objective of that name, one per cycle: next quarter's file may reuse an id."""
    index: dict[str, list[tuple[LoadedSpec, int]]] = {}
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            index.setdefault(f"{loaded.spec.team}/{objective.id}", []).append((loaded, o))
    return index


def _overlap(a: LoadedSpec, b: LoadedSpec) -> bool:
    (a_start, a_end), (b_start, b_end) = a.spec.cycle_bounds(), b.spec.cycle_bounds()
    return a_start <= b_end and b_start <= a_end


def aligned_parent(
    loaded: LoadedSpec, name: str | None, index: dict[str, list[tuple[LoadedSpec, int]]]
) -> tuple[LoadedSpec, int] | None:
    """The objective `name` (an aligns_to, team/objective id) means for a spec: the one of that name in the
    same cycle, else in a cycle overlapping this one (a team's custom range under the company's quarter)."""
    candidates = [(other, o) for other, o in index.get(name or "", []) if _overlap(loaded, other)]
    same = [(other, o) for other, o in candidates if other.spec.cycle_name == loaded.spec.cycle_name]
    return (same or candidates or [None])[0]


def _check_across_files(specs: list[LoadedSpec]) -> list[Issue]:
    issues: list[Issue] = []
    index = objective_index(specs)
    for key, defined in index.items():
        for i, (loaded, o) in enumerate(defined):
            # twice in one file is _check_file's to say
            earlier = next((other for other, _ in defined[:i] if other is not loaded and _overlap(loaded, other)), None)
            if earlier is not None:
                issues.append(
                    _error(
                        loaded,
                        ("objectives", o, "id"),
                        f"objective '{key}' is also defined in {earlier.file} (cycle {earlier.spec.cycle_name}, "
                        f"overlapping {loaded.spec.cycle_name})",
                    )
                )
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            if objective.aligns_to is None:
                continue
            at = ("objectives", o, "aligns_to")
            if objective.aligns_to not in index:
                issues.append(
                    _error(
                        loaded,
                        at,
                        f"aligns_to '{objective.aligns_to}' points to no objective"
                        + did_you_mean(objective.aligns_to, index),
                    )
                )
                continue
            if aligned_parent(loaded, objective.aligns_to, index) is None:
                # next quarter's team file may come before the company's: not a reason to stop all scoring
                cycles = ", ".join(sorted({other.spec.cycle_name for other, _ in index[objective.aligns_to]}))
                issues.append(
                    warning(
                        loaded,
                        at,
                        "spec",
                        f"aligns_to '{objective.aligns_to}' is an objective of {cycles}, no cycle overlapping "
                        f"{loaded.spec.cycle_name}: this objective's score rolls up into nothing",
                    )
                )
                continue
            trail = [f"{loaded.spec.team}/{objective.id}"]
            current, at_spec = objective.aligns_to, loaded
            while (parent := aligned_parent(at_spec, current, index)) is not None and current not in trail:
                trail.append(current)
                at_spec, index_in_spec = parent
                current = at_spec.spec.objectives[index_in_spec].aligns_to
            if current is not None and current == trail[0]:
                issues.append(_error(loaded, at, "alignment cycle: " + " -> ".join([*trail, current])))
    return issues


def _error(loaded: LoadedSpec, location: tuple, message: str) -> Issue:
    return Issue(loaded.file, loaded.line(*location), ".".join(str(p) for p in location), message)
