"""Name the file and the metric behind dbt's "Invalid enum value" and semantic validation errors.

dbt's parser stops on a value the Semantic Layer spec does not know (`type: simpel`, `agg: summ`) with
only "Invalid enum value: `simpel` in enum MetricType": no file, no metric. This finds the value in the
project's YAML (dbt's model-paths) and says where it is and what the spec accepts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

_INVALID_ENUM = re.compile(r"Invalid enum value: `([^`]*)` in enum (\w+)")
# fields that hold names, prose or SQL, never one of the spec's fixed values
_NOT_ENUMS = {"name", "description", "label", "expr", "model", "filter", "meta", "config"}
_KINDS = {"metrics": "metric", "semantic_models": "semantic model", "saved_queries": "saved query"}


def describe_invalid_enum(project_dir: Path, text: str) -> str | None:
    """One line naming the file, the metric or semantic model and the field; None when ``text`` is not
    dbt's invalid-enum error or the value is in no YAML file of the project."""
    match = _INVALID_ENUM.search(text)
    if match is None:
        return None
    value, enum_name = match.groups()
    label = re.sub(r"(?<!^)(?=[A-Z])", " ", enum_name).lower()
    article = "an" if label[:1] in "aeiou" else "a"
    allowed = _allowed_values(enum_name)
    expected = f"; expected one of {', '.join(allowed)}" if allowed else ""
    found = _first_occurrence(project_dir, value)
    if found is None:
        return None
    path, owners, field = found
    where = ", ".join(f"{kind} '{name}'" for kind, name in owners)
    place = f"{path.relative_to(project_dir).as_posix()}: {where}: " if where else f"{path.name}: "
    return f"{place}{field} '{value}' is not {article} {label}{expected}"


def _first_occurrence(project_dir: Path, value: str) -> tuple[Path, tuple, str] | None:
    """The first YAML file of the project holding ``value`` as a scalar, with its owners and field."""
    for path, document in _documents(project_dir):
        for owners, field in _occurrences(document, value):
            return path, owners, field
    return None


def _documents(project_dir: Path) -> Iterator[tuple[Path, object]]:
    """Each YAML file of the project that loads, with its content (dbt names the others itself)."""
    for path in _yaml_files(project_dir):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        yield path, document


def _allowed_values(enum_name: str) -> list[str]:
    from dbt_semantic_interfaces import type_enums

    enum = getattr(type_enums, enum_name, None)
    return sorted(str(member.value).lower() for member in enum) if enum is not None else []


# dbt's error for a YAML file that does not load: the file's name alone, the line, then PyYAML's own words
# after "Raw Error:" ("while parsing a flow sequence", "did not find expected ',' or ']'", each followed by
# its place in '<unicode string>')
_YAML_FILE = re.compile(r"Error reading [\w-]+: (?P<file>\S+\.ya?ml) - Runtime Error")
_YAML_LINE = re.compile(r"Syntax error near line (?P<line>\d+)")


def describe_yaml_syntax_error(project_dir: Path | None, text: str) -> str | None:
    """`metrics/engagement.yml:379: YAML syntax error: ...` for dbt's error on a YAML file that does not
    load, which names the file without its folder and the problem only below a code excerpt; None for
    any other error."""
    found, line = _YAML_FILE.search(text), _YAML_LINE.search(text)
    if found is None or line is None:
        return None
    raw = text.split("Raw Error:", 1)[1] if "Raw Error:" in text else ""
    words = [part.strip() for part in raw.splitlines() if part.strip() and not part.strip().startswith(("-", "in "))]
    problem = f"{words[-1]} ({', '.join(words[:-1])})" if len(words) > 1 else (words or ["the file does not load"])[0]
    name = found["file"]
    if project_dir is not None:
        matches = [path for path in _yaml_files(project_dir) if path.name == name]
        if len(matches) == 1:
            name = matches[0].relative_to(project_dir).as_posix()
    return f"{name}:{line['line']}: YAML syntax error: {problem}"


_VALIDATION_FAILED = "Semantic Manifest validation failed"
_QUOTED = re.compile(r"'([^']+)'")
# the spec's checks of a conversion metric name what they miss unquoted ("Entity: cart not found in conversion
# semantic model: orders.", "The provided constant property: platform, cannot be found ...", "Measure: visits is ...")
_CONVERSION_NAMED = re.compile(r"(?:Entity|constant property|Measure): (\w+)")


def describe_validation_failure(project_dir: Path | None, text: str) -> str | None:
    """The first problem behind dbt's "Semantic Manifest validation failed." (the lines after it, as
    scorecard.dbt.run_dbt adds them), with the file and the metric or semantic model where a value it
    quotes is found in the project's YAML; None for any other error, or when no problem is given."""
    if _VALIDATION_FAILED not in text:
        return None
    after = text.split(_VALIDATION_FAILED, 1)[1].splitlines()[1:]
    problems = [line.strip() for line in after if line.strip()]
    if not problems:
        return None
    problem = problems[0]
    for value in sorted(_QUOTED.findall(problem), key=len, reverse=True) if project_dir is not None else []:
        if found := _first_occurrence(project_dir, value):
            path, owners, _field = found
            # the outermost owner only: a derived metric's input reads as another metric
            where = "".join(f"{kind} '{name}': " for kind, name in owners[:1])
            return f"{path.relative_to(project_dir).as_posix()}: {where}{problem}"
    for value in _CONVERSION_NAMED.findall(problem) if project_dir is not None else []:
        if found := _conversion_metric_naming(project_dir, value):
            path, name = found
            return f"{path.relative_to(project_dir).as_posix()}: metric '{name}': {problem}"
    return problem


def _conversion_metric_naming(project_dir: Path, value: str) -> tuple[Path, str] | None:
    """The first conversion metric whose entity, measures or constant properties name ``value``."""
    for path, document in _documents(project_dir):
        metrics = document.get("metrics") if isinstance(document, dict) else None
        for metric in metrics if isinstance(metrics, list) else []:
            params = metric.get("type_params") if isinstance(metric, dict) else None
            conversion = params.get("conversion_type_params") if isinstance(params, dict) else None
            if not isinstance(conversion, dict):
                continue
            measures = [conversion.get("base_measure"), conversion.get("conversion_measure")]
            properties = [p for p in conversion.get("constant_properties") or [] if isinstance(p, dict)]
            named = {conversion.get("entity")}
            named |= {m.get("name") if isinstance(m, dict) else m for m in measures}
            named |= {p.get(side) for p in properties for side in ("base_property", "conversion_property")}
            if value in named:
                return path, metric.get("name")
    return None


def _yaml_files(project_dir: Path) -> list[Path]:
    try:
        project = yaml.safe_load((project_dir / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        project = {}
    folders = project.get("model-paths") or ["models"]
    return sorted(
        path for folder in folders for pattern in ("*.yml", "*.yaml") for path in (project_dir / folder).rglob(pattern)
    )


def _occurrences(node, value: str, owners: tuple = (), kind: str | None = None) -> Iterator[tuple[tuple, str]]:
    """(the named items holding it, from the outermost, and the field) for every scalar equal to value."""
    if isinstance(node, dict):
        if kind is not None and isinstance(node.get("name"), str):
            owners = (*owners, (kind, node["name"]))
        for key, child in node.items():
            if key in _NOT_ENUMS:
                continue
            if isinstance(child, str | int | float) and not isinstance(child, bool) and str(child) == value:
                yield owners, str(key)
            else:
                yield from _occurrences(child, value, owners, _KINDS.get(key, _singular(key)))
    elif isinstance(node, list):
        for item in node:
            yield from _occurrences(item, value, owners, kind)


def _singular(key) -> str | None:
    """A list of named items below a metric or semantic model: measures, dimensions, entities, metrics."""
    return str(key)[:-1] if isinstance(key, str) and key in {"measures", "dimensions", "entities"} else None
