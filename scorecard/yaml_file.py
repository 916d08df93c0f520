"""Reading a project YAML file (metrics/, checks/thresholds.yml) so that any way it can be broken is one
line naming it: unreadable, not UTF-8, not YAML, a key written twice in one mapping, or a date the calendar
does not have."""

from __future__ import annotations

from pathlib import Path

import yaml

from scorecard.errors import InvalidInput


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key written twice in one mapping: YAML keeps the last value without a
    word, so a second `target:` under the same `kpi:` would silently replace the first."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key '{key_node.value}'", key_node.start_mark
                    )
                seen.add(key_node.value)
        return super().construct_mapping(node, deep)


def read_yaml(path: Path, shown: str, *, unique_keys: bool = True) -> object:
    """The file's document; ``shown`` is how the file is named in the error (`file:line:` where known).
    ``unique_keys=False`` keeps YAML's last-value-wins, for a file another tool reads that way (dbt's
    profiles.yml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{shown}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise InvalidInput(f"{shown}: cannot read: {exc.strerror or exc}") from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader if unique_keys else yaml.SafeLoader)  # safe loaders only
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise InvalidInput(f"{shown}{where}: not valid YAML: {getattr(exc, 'problem', None) or exc}") from None
    except ValueError as exc:  # a timestamp such as 2026-02-30
        raise InvalidInput(f"{shown}: not valid YAML: {exc}") from None
