"""The SQL inside metric definitions, checked before `scorecard run` builds: a derived metric's `expr` and a
metric's `filter`. dbt only warns about a derived expression naming none of its inputs and reads no
filter's SQL. The KPI compiler's on-run-start check (macros/kpi/kpi_check_sql.sql) stops a `dbt build`
on them with the same lines, but the spec check's `dbt compile` runs no hooks, and this check comes
before `scorecard run` touches the warehouse. sqlglot parses each the way DuckDB would; the names left
over are the mistake."""

from __future__ import annotations

import json
import re
from pathlib import Path

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

# {{ Dimension('entity__name') }} and the like in a filter, replaced by a placeholder before parsing
_TEMPLATE = re.compile(r"\{\{.*?\}\}")
_PLACEHOLDER = "scorecard_filter_reference"


def sql_problems(manifest_path: Path) -> list[str]:
    """One line per problem, `file: metric 'name': problem`, from the manifest a `dbt compile` wrote."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    problems = []
    for metric in sorted(manifest.get("metrics", {}).values(), key=lambda m: m["name"]):
        where = f"{metric.get('original_file_path', 'metrics/')}: metric '{metric['name']}'"
        params = metric.get("type_params") or {}
        if metric.get("type") == "derived" and params.get("expr"):
            inputs = [i.get("alias") or i["name"] for i in params.get("metrics") or []]
            problems += [f"{where}: {p}" for p in _expression_problems(params["expr"], inputs)]
        for where_filter in (metric.get("filter") or {}).get("where_filters") or []:
            problems += [f"{where}: {p}" for p in _filter_problems(where_filter.get("where_sql_template") or "")]
    return problems


def _expression_problems(expr: str, inputs: list[str]) -> list[str]:
    columns = _columns(expr)  # with its lines: a `--` comment ends at its line's end
    expr = " ".join(expr.split())  # shown on one line, as a folded or literal YAML block may not be
    if columns is None:
        return [f"expr '{expr}' is not SQL DuckDB can read"]
    problems = []
    for name, quoted in columns:
        if name not in inputs:
            problems.append(
                f"expr '{expr}' names '{name}', which is none of its inputs ({', '.join(inputs)}); "
                "give an input that alias to use it by that name"
            )
        elif quoted:
            # the compiler puts the input's column in the name's place, inside the quotes too
            problems.append(
                f"expr '{expr}' names its input '{name}' in double quotes, which the KPI compiler does not read "
                "as the input; write it without them"
            )
    return problems


def _filter_problems(template: str) -> list[str]:
    columns = _columns(_TEMPLATE.sub(_PLACEHOLDER, template))
    if columns is None:
        return [f"filter '{template}' is not SQL DuckDB can read"]
    # anything but a {{ Dimension(...) }} reference is read as a column no semantic model has: mostly a
    # value left unquoted (= US for = 'US')
    return [
        f"filter '{template}' names '{name}', which is no {{{{ Dimension(...) }}}} reference; quote a value as '{name}'"
        for name in dict.fromkeys(name for name, _ in columns)
        if name != _PLACEHOLDER
    ]


def _columns(sql: str) -> list[tuple[str, bool]] | None:
    """The columns an expression reads, in order, each once: the name as written (`t.ltv` with its
    qualifier) and whether it is in double quotes; None when it does not parse."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except ParseError:
        return None
    columns: list[tuple[str, bool]] = []
    # in the order they are written, as DuckDB's parser lists them (find_all goes level by level)
    for column in sorted(tree.find_all(exp.Column), key=lambda column: column.this.meta.get("start", 0)):
        written = (".".join(part.name for part in column.parts), bool(column.this.quoted))
        if written not in columns:
            columns.append(written)
    return columns
