"""Stage 1 of loading a spec: parse YAML safely and remember the line of every value.

Only plain YAML is accepted (PyYAML's SafeLoader refuses tags such as !!python/object). Hostile
input is rejected before anything is built from it: files over MAX_BYTES, nesting deeper than
MAX_DEPTH and documents whose aliases would expand past MAX_NODES (an alias bomb).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

MAX_BYTES = 256 * 1024
MAX_DEPTH = 12
MAX_NODES = 20_000


class _SpecLoader(yaml.SafeLoader):
    """SafeLoader whose dates the calendar must have: `2026-11-31` is an error at its line, not a crash."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError) as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"'{node.value}' is not a date the calendar has ({exc})", node.start_mark
            ) from None


_SpecLoader.add_constructor("tag:yaml.org,2002:timestamp", _SpecLoader.construct_yaml_timestamp)


class SpecSyntaxError(Exception):
    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ParsedSpec:
    path: Path
    data: object
    lines: dict[tuple, int] = field(default_factory=dict)

    def line_of(self, location: tuple) -> int:
        """The line of the deepest part of ``location`` that exists in the file (1 for the file itself)."""
        for end in range(len(location), -1, -1):
            if location[:end] in self.lines:
                return self.lines[location[:end]]
        return 1


def parse_spec(path: Path) -> ParsedSpec:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecSyntaxError(1, f"cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > MAX_BYTES:
        raise SpecSyntaxError(1, f"file is {len(raw):,} bytes; an OKR spec may have at most {MAX_BYTES:,}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecSyntaxError(1, f"not UTF-8 text (byte {exc.start})") from None
    try:
        documents = list(yaml.compose_all(text, Loader=_SpecLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return _raise_yaml(mark, exc.problem or exc.context or "invalid YAML")
    except yaml.YAMLError as exc:
        raise SpecSyntaxError(1, f"invalid YAML: {exc}") from None
    if len(documents) != 1 or documents[0] is None:
        raise SpecSyntaxError(1, "expected exactly one YAML document holding a mapping")
    root = documents[0]
    lines: dict[tuple, int] = {}
    _walk(root, (), 0, lines, [0])
    try:
        data = _SpecLoader(text).construct_document(root)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark or exc.context_mark
        return _raise_yaml(mark, exc.problem or "unsupported YAML")
    return ParsedSpec(path=path, data=data, lines=lines)


def _raise_yaml(mark, problem: str):
    line = mark.line + 1 if mark is not None else 1
    raise SpecSyntaxError(line, f"invalid YAML: {problem}")


def _walk(node: yaml.Node, location: tuple, depth: int, lines: dict[tuple, int], count: list[int]) -> None:
    """Record each value's line; stop early on deep nesting or alias expansion past the limits."""
    count[0] += 1
    if count[0] > MAX_NODES:
        line = node.start_mark.line + 1
        raise SpecSyntaxError(line, f"document expands to more than {MAX_NODES:,} values (alias bomb?)")
    if depth > MAX_DEPTH:
        raise SpecSyntaxError(node.start_mark.line + 1, f"nested deeper than {MAX_DEPTH} levels")
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark.line)
            if key in seen:
                raise SpecSyntaxError(key_node.start_mark.line + 1, f"duplicate key '{key}'")
            seen.add(key)
            lines.setdefault((*location, key), key_node.start_mark.line + 1)
            _walk(value_node, (*location, key), depth + 1, lines, count)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*location, index), depth + 1, lines, count)
