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
    names = _column_names(expr)  # with its lines: a `--` comment ends at its line's end
    expr = " ".join(expr.split())  # shown on one line, as a folded or literal YAML block may not be
    if names is None:
        return [f"expr '{expr}' is not SQL DuckDB can read"]
    unknown = [name for name in names if name not in inputs]
    return [
        f"expr '{expr}' names '{name}', which is none of its inputs ({', '.join(inputs)}); "
        "give an input that alias to use it by that name"
        for name in unknown
    ]


def _filter_problems(template: str) -> list[str]:
    names = _column_names(_TEMPLATE.sub(_PLACEHOLDER, template))
    if names is None:
        return [f"filter '{template}' is not SQL DuckDB can read"]
    # anything but a {{ Dimension(...) }} reference is read as a column no semantic model has: mostly a
    # value left unquoted (= US for = 'US')
    return [
        f"filter '{template}' names '{name}', which is no {{{{ Dimension(...) }}}} reference; quote a value as '{name}'"
        for name in names
        if name != _PLACEHOLDER
    ]


def _column_names(sql: str) -> list[str] | None:
    """The column names an expression reads, in order, each once; None when it does not parse."""
    try:
        tree = sqlglot.parse_one(sql, read="duckdb")
    except ParseError:
        return None
    names: list[str] = []
    for column in tree.find_all(exp.Column):
        if column.name not in names:
            names.append(column.name)
    return names
