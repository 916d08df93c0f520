"""Compare two versions of a model's compiled SQL as syntax trees (sqlglot), not as text.

Whitespace, keyword case, comments and redundant parentheses are formatting: both versions print the
same once parsed and re-rendered without comments. Anything else is a semantic change, described the way
a reviewer reads a query: CTE by CTE, the select list column by column, then each clause."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from scorecard.diff.excerpt import excerpts

MAX_EDITS = 8
MAX_TEXT = 80


@dataclass(frozen=True)
class SqlChange:
    semantic: bool
    summary: str
    edits: list[str] = field(default_factory=list)


def compare_sql(base: str, head: str, dialect: str = "duckdb") -> SqlChange:
    try:
        base_tree = sqlglot.parse_one(base, dialect=dialect)
        head_tree = sqlglot.parse_one(head, dialect=dialect)
    except ParseError as exc:
        # SQL sqlglot cannot read is compared as text: never call a change "formatting" unchecked
        same = " ".join(base.split()) == " ".join(head.split())
        detail = str(exc).splitlines()[0]
        return SqlChange(not same, "whitespace only" if same else f"changed (not parsed: {detail})")
    if _canonical(base_tree, dialect) == _canonical(head_tree, dialect):
        return SqlChange(False, "no semantic change (formatting or comments only)")
    edits = _edits(base_tree, head_tree, dialect) or ["the query changed"]
    return SqlChange(True, f"{len(edits)} change{'s' if len(edits) != 1 else ''} in the query", edits[:MAX_EDITS])


def _canonical(tree: exp.Expression, dialect: str) -> str:
    return tree.sql(dialect=dialect, comments=False, normalize=True, pretty=False)


def _text(node: exp.Expression, dialect: str) -> str:
    text = " ".join(node.sql(dialect=dialect, comments=False).split())
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _full(node: exp.Expression | None, dialect: str) -> str:
    return "" if node is None else node.sql(dialect=dialect, comments=False)


def _arrow(before: str, after: str) -> str:
    shown = excerpts(before or "(none)", after or "(none)", MAX_TEXT)
    return f"{shown[0]} → {shown[1]}"


def _edits(base: exp.Expression, head: exp.Expression, dialect: str, where: str = "") -> list[str]:
    """Changes clause by clause: each CTE by name, then the select list by column, then each clause."""
    edits = []
    base_ctes = {cte.alias: cte.this for cte in base.ctes}
    head_ctes = {cte.alias: cte.this for cte in head.ctes}
    for name in sorted(base_ctes.keys() | head_ctes.keys()):
        if name not in head_ctes:
            edits.append(f"{where}removed cte {name}")
        elif name not in base_ctes:
            edits.append(f"{where}added cte {name}: {_text(head_ctes[name], dialect)}")
        elif _canonical(base_ctes[name], dialect) != _canonical(head_ctes[name], dialect):
            edits += _edits(base_ctes[name], head_ctes[name], dialect, f"{where}cte {name}: ")
    base_body, head_body = _without_ctes(base), _without_ctes(head)
    if _canonical(base_body, dialect) == _canonical(head_body, dialect):
        return edits
    if not (isinstance(base_body, exp.Select) and isinstance(head_body, exp.Select)):
        return [*edits, f"{where}{_arrow(_full(base_body, dialect), _full(head_body, dialect))}"]
    edits += _column_edits(base_body, head_body, dialect, where)
    for clause in CLAUSES:
        before, after = _clause(base_body, clause, dialect), _clause(head_body, clause, dialect)
        if before != after:
            edits.append(f"{where}{clause}: {_arrow(before, after)}")
    return edits


CLAUSES = ("distinct", "from", "joins", "where", "group", "having", "qualify", "order", "limit")


def _arg(clause: str) -> str:
    # sqlglot 30 stores the clauses named like Python keywords with a trailing underscore (from_, with_)
    return clause if clause in exp.Select.arg_types else f"{clause}_"


def _without_ctes(tree: exp.Expression) -> exp.Expression:
    body = tree.copy()
    body.set(_arg("with"), None)
    return body


def _clause(select: exp.Select, clause: str, dialect: str) -> str:
    value = select.args.get(_arg(clause))
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(_full(part, dialect) for part in value)
    return _full(value, dialect)


def _column_edits(base: exp.Select, head: exp.Select, dialect: str, where: str) -> list[str]:
    before = {column.alias_or_name: column for column in base.expressions}
    after = {column.alias_or_name: column for column in head.expressions}
    edits = []
    for name in before.keys() - after.keys():
        edits.append(f"{where}removed column {name}")
    for name in after.keys() - before.keys():
        edits.append(f"{where}added column {_text(after[name], dialect)}")
    for name in before.keys() & after.keys():
        if _canonical(before[name], dialect) != _canonical(after[name], dialect):
            edits.append(f"{where}column {name}: {_arrow(_full(before[name], dialect), _full(after[name], dialect))}")
    return sorted(edits)
