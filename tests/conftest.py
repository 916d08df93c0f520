"""Shared helpers: the project directory, scratch warehouses, running dbt and the CLI for real."""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pytest
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT_DIR / "tests" / "fixtures"
BIN = Path(sys.executable).parent


def scorecard(*args: str, warehouse: Path | None = None, cwd: Path = PROJECT_DIR, timeout: float = 600):
    """Run the installed `scorecard` command as a user would; returns the CompletedProcess."""
    env = {**os.environ}
    if warehouse is not None:
        env["SCORECARD_DUCKDB"] = str(warehouse)
    return subprocess.run(
        [str(BIN / "scorecard"), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


# dbt's partial-parse file of the project as committed, per warehouse file name and as-of date, for this
# pytest process (each xdist worker is one). A fresh target directory means a full parse, about 5 s more
# than a partial one, and the tests' dbt runs came to about a hundred. dbt checks that a saved parse fits:
# it starts over when the profile or the vars differ, and re-parses the files a test's edited copy of the
# project changed, as after a user's edit. Only runs on the committed project are saved: dbt mis-parsed
# states that had been through other tests' edits and their undoing (a removed metric still referenced,
# a moved meta key still there). The profile holds the warehouse path, so dbt runs in the warehouse's
# directory and is given the file's name alone, which many tests share.
_SAVED_PARSES: dict[tuple[str, str], Path] = {}
PARTIAL_PARSE = "partial_parse.msgpack"


def dbt(args: list[str], warehouse: Path, scratch: Path, as_of: date | str | None = None, project: Path = PROJECT_DIR):
    """Run dbt on the project against ``warehouse``, keeping target/ and logs/ out of the work tree."""
    env = {
        **os.environ,
        "SCORECARD_DUCKDB": warehouse.name,
        "DBT_PROFILES_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
    }
    target = scratch / "target"
    full = [
        str(BIN / "dbt"),
        *args,
        "--project-dir",
        str(project),
        "--target-path",
        str(target),
        "--log-path",
        str(scratch / "logs"),
    ]
    if as_of is not None:
        full += ["--vars", json.dumps({"as_of": str(as_of)})]
    key = (warehouse.name, str(as_of))
    if key not in _SAVED_PARSES and project != PROJECT_DIR:
        parsed = _parses_directory() / f"parse-{len(_SAVED_PARSES)}"
        parsed.mkdir()
        dbt(["parse"], parsed / warehouse.name, parsed, as_of)  # saves the committed project's parse
    if key in _SAVED_PARSES and not (target / PARTIAL_PARSE).exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(_SAVED_PARSES[key], target / PARTIAL_PARSE)
    result = subprocess.run(full, cwd=warehouse.parent, env=env, capture_output=True, text=True, timeout=900)
    if project == PROJECT_DIR:
        _save_parse(key, target / PARTIAL_PARSE)
    return result


def _save_parse(key: tuple[str, str], parse: Path) -> None:
    """Keep the first parse of the committed project for ``key``, if dbt wrote one."""
    if key not in _SAVED_PARSES and parse.exists():
        _SAVED_PARSES[key] = _parses_directory() / f"{len(_SAVED_PARSES)}.msgpack"
        shutil.copy(parse, _SAVED_PARSES[key])


@functools.cache
def _parses_directory() -> Path:
    directory = Path(tempfile.mkdtemp(prefix="scorecard-dbt-parses-"))
    atexit.register(shutil.rmtree, directory, True)
    return directory


def copy_project(destination: Path, parts=("dbt_project.yml", "profiles.yml", "metrics", "okrs")) -> Path:
    """A copy of (parts of) the project, for tests that change a spec or a metric."""
    destination.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = PROJECT_DIR / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, destination / part)
    return destination


def load_raw_fixture(warehouse: Path, fixture: Path) -> dict:
    """Create the raw schema with the generator's exact table shapes, then fill it with the fixture's rows."""
    from scorecard.sample import RAW_TABLES, SampleSpec, generate

    spec = yaml.safe_load(fixture.read_text())
    as_of = date.fromisoformat(spec["as_of"])
    generate(warehouse, SampleSpec(users=100, as_of=as_of, start=date.fromordinal(as_of.toordinal() - 30)))
    con = duckdb.connect(str(warehouse))
    try:
        for table in RAW_TABLES:
            con.execute(f"delete from raw.{table}")
        for table, rows in spec["tables"].items():
            for row in rows:
                columns = ", ".join(row)
                params = ", ".join("?" for _ in row)
                con.execute(f"insert into raw.{table} ({columns}) values ({params})", list(row.values()))
    finally:
        con.close()
    return spec


# A fault: one week of d1_retention's android segment keeps its numerator but loses its denominator.
NUMERATOR_ONLY_SEGMENT = """
    update kpis.kpi_values set denominator = null, value = null
    where metric_name = 'd1_retention' and grain = 'week' and dimension_name = 'platform'
      and dimension_value = 'android' and period_start = date '2026-10-26'
"""


def inject(warehouse: Path, *statements: str) -> None:
    """Run statements against a warehouse copy: how the data-quality tests plant their faults."""
    con = duckdb.connect(str(warehouse))
    try:
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path


SAMPLE_AS_OF = "2026-11-15"
SAMPLE_DATABASE = "sample.duckdb"


def _build_sample(tmp_path_factory, name: str, users: int | None) -> dict:
    """Generated and built once per test run, by the first worker to need it; each worker gets its own copy
    of the warehouse and of dbt's target directory (tests open the warehouse read-write, which DuckDB
    allows one process at a time)."""
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp()
    shared = (root.parent if os.environ.get("PYTEST_XDIST_WORKER") else root) / f"shared_{name}"
    with FileLock(f"{shared}.lock"):
        if not (shared / "stdout.txt").exists():
            _generate_and_build(shared, users)
    scratch = tmp_path_factory.mktemp(name)
    shutil.copytree(shared, scratch, dirs_exist_ok=True)
    _save_parse((SAMPLE_DATABASE, SAMPLE_AS_OF), scratch / "target" / PARTIAL_PARSE)  # for the other workers
    return {
        "path": scratch / SAMPLE_DATABASE,
        "scratch": scratch,
        "target": scratch / "target",
        "stdout": (scratch / "stdout.txt").read_text(),
    }


def _generate_and_build(directory: Path, users: int | None) -> None:
    from scorecard.sample import SampleSpec, generate

    shutil.rmtree(directory, ignore_errors=True)  # what a worker whose build failed left
    directory.mkdir()
    path = directory / SAMPLE_DATABASE
    spec = SampleSpec(as_of=date.fromisoformat(SAMPLE_AS_OF))
    generate(path, spec if users is None else SampleSpec(users=users, as_of=spec.as_of))
    result = dbt(["build"], path, directory, as_of=SAMPLE_AS_OF)
    assert result.returncode == 0, result.stdout[-5000:]
    (directory / "stdout.txt").write_text(result.stdout)


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> dict:
    """A small sample (3,000 users) built by a real `dbt build` of the whole project, once per session:
    for tests of the models and numbers, where size only costs time."""
    return _build_sample(tmp_path_factory, "built_sample", users=3000)


@pytest.fixture(scope="session")
def default_sample(tmp_path_factory) -> dict:
    """The default sample, exactly what `make run` builds, once per session: for the data-quality
    checks, which must all pass on that data (on a tenth of it, sparse sources look stale)."""
    return _build_sample(tmp_path_factory, "default_sample", users=None)
