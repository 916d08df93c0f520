"""Small helpers for the report's reads."""

from __future__ import annotations

import math

import duckdb


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def finite(value: float | None) -> float | None:
    return value if value is None or math.isfinite(value) else None
