"""Sample source data: a fictional grocery app that sells subscriptions and runs a shop.

Writes the raw schema that dbt's sources read. Everything is generated inside DuckDB
with hash-based draws, so a seed always gives the same tables, at any size.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib import resources
from pathlib import Path

import duckdb

from scorecard.errors import InvalidInput, StepFailed
from scorecard.warehouse import connect

DEFAULT_AS_OF = date(2026, 11, 15)
DEFAULT_START = date(2025, 1, 1)
DEFAULT_USERS = 20_000
DEFAULT_SEED = 42

# Changes planted in the history so that KPIs and OKRs have something to show (README, "Sample data").
PAID_PUSH_ON = date(2026, 10, 1)
FEATURE_LAUNCH_ON = date(2026, 10, 5)
ONBOARDING_CHANGE_ON = date(2026, 10, 20)
PUSH_CAMPAIGN_ON = date(2026, 10, 20)
INCIDENT_ON = date(2026, 11, 3)

RAW_SCHEMA = "raw"
RAW_TABLES = (
    "landing_visits",
    "users",
    "sessions",
    "events",
    "carts",
    "checkouts",
    "orders",
    "deliveries",
    "loyalty_enrollments",
    "subscriptions",
    "subscription_changes",
    "invoices",
    "support_tickets",
    "survey_responses",
    "ad_spend",
    "deals",
    "rep_quotas",
    "api_requests",
)


EARLIEST_DAY, LATEST_DAY = date(1000, 1, 1), date(9998, 12, 31)


@dataclass(frozen=True)
class SampleSpec:
    seed: int = DEFAULT_SEED
    as_of: date = DEFAULT_AS_OF
    start: date = DEFAULT_START
    # signups over a history of the default length; a longer or shorter history scales with it
    users: int = DEFAULT_USERS

    def __post_init__(self) -> None:
        if self.start < EARLIEST_DAY or self.as_of > LATEST_DAY:
            # the generator's date arithmetic (loads land up to a day after as_of) stays inside these
            raise InvalidInput(
                f"sample dates must lie between {EARLIEST_DAY} and {LATEST_DAY}; got {self.start} to {self.as_of}"
            )
        if self.as_of < self.start:
            raise InvalidInput(
                f"--as-of {self.as_of} is before the history start {self.start}; "
                "pick a later --as-of or an earlier --start"
            )
        if self.users < 1:
            raise InvalidInput(f"--users must be at least 1, got {self.users}")

    @property
    def days(self) -> int:
        return (self.as_of - self.start).days + 1

    @property
    def load_cutoff(self) -> datetime:
        """Loads stop at the midnight after the as-of date; later rows have not arrived yet."""
        return datetime.combine(self.as_of + timedelta(days=1), datetime.min.time())


@dataclass
class GenerateResult:
    path: Path
    row_counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def generate(path: Path, spec: SampleSpec, *, threads: int | None = None) -> GenerateResult:
    """Replace the raw schema in ``path`` with sample data; all or nothing, in one transaction."""
    started = time.perf_counter()
    con = connect(path)
    try:
        if threads:
            con.execute(f"set threads = {int(threads)}")
        _set_variables(con, spec)
        con.execute("begin transaction")
        try:
            con.execute(f"drop schema if exists {RAW_SCHEMA} cascade")
            con.execute(f"create schema {RAW_SCHEMA}")
            for script in _scripts():
                con.execute(script.read_text())
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        counts = {
            table: con.execute(f"select count(*) from {RAW_SCHEMA}.{table}").fetchall()[0][0] for table in RAW_TABLES
        }
    except duckdb.Error as exc:
        raise StepFailed(f"{path}: generating sample data failed: {str(exc).strip().splitlines()[0]}") from None
    finally:
        con.close()
    return GenerateResult(path=path, row_counts=counts, seconds=time.perf_counter() - started)


def _scripts() -> list:
    sql_dir = resources.files("scorecard.sample") / "sql"
    return sorted((p for p in sql_dir.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)


def _set_variables(con: duckdb.DuckDBPyConnection, spec: SampleSpec) -> None:
    values = {
        "seed": spec.seed,
        "start_date": spec.start,
        "as_of": spec.as_of,
        "load_cutoff": spec.load_cutoff,
        "n_users": spec.users,
        "reference_days": (DEFAULT_AS_OF - DEFAULT_START).days + 1,
        "paid_push_on": PAID_PUSH_ON,
        "feature_launch_on": FEATURE_LAUNCH_ON,
        "onboarding_change_on": ONBOARDING_CHANGE_ON,
        "push_campaign_on": datetime.combine(PUSH_CAMPAIGN_ON, datetime.min.time()),
        "incident_on": INCIDENT_ON,
    }
    for name, value in values.items():
        con.execute(f"set variable {name} = ?", [value])
