"""The BI tables: docs/outputs.md lists every column of the real tables, and `scorecard export` writes them
as Parquet files equal to the warehouse, byte for byte the same on a second export."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from scorecard.export import TABLES
from tests.conftest import BIN, PROJECT_DIR, SAMPLE_AS_OF, copy_project, scorecard
from tests.test_cli import assert_one_line_error

PROJECT_PARTS = ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
SECTION = re.compile(r"^## (\w+\.\w+)\s*$")
COLUMN_ROW = re.compile(r"^\| `(\w+)` \| (\w+) \|")


@pytest.fixture(scope="module")
def warehouse(built_sample, tmp_path_factory) -> Path:
    """The built sample with all six tables: checked, then scored, as `scorecard run` does it. The
    project is a copy, so the checks' dbt runs keep target/ out of the work tree."""
    scratch = tmp_path_factory.mktemp("export")
    project = copy_project(scratch / "project", PROJECT_PARTS)
    path = scratch / "warehouse.duckdb"
    shutil.copy(built_sample["path"], path)
    # the 3,000-user sample has a stale source (exit 1); what matters here is that the tables are written
    check = scorecard("--project-dir", str(project), "check", "--as-of", SAMPLE_AS_OF, warehouse=path)
    assert check.returncode in (0, 1), check.stderr[-3000:]
    score = scorecard("--project-dir", str(project), "score", "--as-of", SAMPLE_AS_OF, warehouse=path)
    assert score.returncode == 0, score.stderr[-3000:]
    return path


def documented_columns() -> dict[str, list[tuple[str, str]]]:
    """{schema.table: [(column, type), ...]} from the column tables of docs/outputs.md."""
    tables: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in (PROJECT_DIR / "docs" / "outputs.md").read_text().splitlines():
        if line.startswith("## "):
            match = SECTION.match(line)
            current = match.group(1) if match else None
            if current:
                tables[current] = []
        elif current and (row := COLUMN_ROW.match(line)):
            tables[current].append((row.group(1), row.group(2)))
    return tables


def actual_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[tuple[str, str]]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name, lower(data_type) from information_schema.columns "
        "where table_schema = ? and table_name = ? order by ordinal_position",
        [schema, name],
    ).fetchall()
    return [tuple(row) for row in rows]


def schema(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple]:
    return con.execute(f"select column_name, column_type from (describe select * from {relation})").fetchall()


def test_export_covers_the_six_public_tables():
    assert set(TABLES) == {
        "kpis.kpi_values",
        "kpis.kpi_status",
        "okrs.okr_key_results",
        "okrs.okr_checkins",
        "okrs.okr_objectives",
        "quality.dq_results",
    }
    assert set(documented_columns()) == set(TABLES)


@pytest.mark.dbt
def test_docs_list_every_column_in_order_with_its_type(warehouse):
    documented = documented_columns()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for table in TABLES:
            assert documented[table] == actual_columns(con, table), f"docs/outputs.md, section {table}"
    finally:
        con.close()


@pytest.mark.dbt
def test_export_round_trip_is_equal_and_repeatable(warehouse, tmp_path):
    out = tmp_path / "nested" / "out"
    result = scorecard("export", "--out", str(out), warehouse=warehouse)
    assert result.returncode == 0, result.stderr
    files = {table: out / f"{table.split('.')[1]}.parquet" for table in TABLES}
    assert sorted(out.iterdir()) == sorted(files.values())  # no temporary files left behind
    lines = result.stdout.strip().splitlines()
    assert len(lines) == len(TABLES)

    con = duckdb.connect()
    try:
        con.execute(f"attach '{warehouse}' as w (read_only)")
        for (table, key), line in zip(TABLES.items(), lines, strict=True):
            path = files[table]
            exported = f"read_parquet('{path}')"
            rows = con.execute(f"select count(*) from w.{table}").fetchone()[0]
            assert rows > 0, table
            assert con.execute(f"select count(*) from {exported}").fetchone()[0] == rows, table
            assert str(path) in line and f"({rows:,} rows)" in line, line
            # same columns, names and types, in the same order
            assert schema(con, exported) == schema(con, f"w.{table}"), table
            # same content, duplicates counted, nulls compared as values
            for left, right in ((exported, f"w.{table}"), (f"w.{table}", exported)):
                extra = con.execute(f"select count(*) from (select * from {left} except all select * from {right})")
                assert extra.fetchone()[0] == 0, (table, left)
            # rows in key order, and the key unique: the order is total, hence repeatable
            columns = ", ".join(key)
            in_file = con.execute(f"select {columns} from {exported}").fetchall()
            assert in_file == con.execute(f"select {columns} from w.{table} order by {columns}").fetchall(), table
            assert len(set(in_file)) == rows, table
    finally:
        con.close()

    first = {path: path.read_bytes() for path in files.values()}
    again = scorecard("export", "--format", "parquet", "--out", str(out), warehouse=warehouse)
    assert again.returncode == 0, again.stderr
    assert {path: path.read_bytes() for path in files.values()} == first
    assert sorted(out.iterdir()) == sorted(files.values())


def test_missing_warehouse_is_one_line_and_exit_2(tmp_path):
    # exit 2, as for score and check: a warehouse that is missing or not built is one rule
    missing = tmp_path / "nowhere" / "w.duckdb"
    out = tmp_path / "out"
    result = scorecard("export", "--out", str(out), warehouse=missing)
    assert_one_line_error(result, 2, f"{missing}: warehouse not found", "scorecard run")
    assert not out.exists() and not missing.parent.exists()


def test_missing_table_is_one_line_and_exit_2_and_creates_nothing(tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    out = tmp_path / "out"
    result = scorecard("export", "--out", str(out), warehouse=empty)
    assert_one_line_error(result, 2, str(empty), "kpis.kpi_values", "scorecard run")
    assert not out.exists()


def test_out_pointing_at_a_file_is_exit_2(tmp_path):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    target = tmp_path / "taken"
    target.write_text("not a directory")
    result = scorecard("export", "--out", str(target), warehouse=empty)
    assert_one_line_error(result, 2, str(target))
    assert target.read_text() == "not a directory"


def test_unknown_format_is_exit_2(tmp_path):
    result = scorecard("export", "--format", "csv", "--out", str(tmp_path / "out"), warehouse=tmp_path / "w.duckdb")
    assert_one_line_error(result, 2, "--format", "csv")
    assert not (tmp_path / "out").exists()


@pytest.fixture
def read_only_folder(tmp_path: Path):
    """A folder on a file system mounted read-only (a tmpfs, remounted ro once filled): where mode bits cannot
    stop root, as a read-only share or snapshot would. Yields a function that fills it first."""

    folder = tmp_path / "ro"
    folder.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", str(folder)]
    if shutil.which("mount") is None or subprocess.run(mount, capture_output=True).returncode:
        pytest.skip("mounting a tmpfs needs root here")

    def fill(*files: Path) -> Path:
        for file in files:
            shutil.copy(file, folder / file.name)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        return folder

    try:
        yield fill
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.dbt
def test_export_reads_a_warehouse_on_a_read_only_file_system(warehouse, read_only_folder, tmp_path):
    # it took the warehouse lock, whose file cannot be made there: "cannot write the warehouse there", exit 2,
    # though export only reads (and no job can write there either)
    folder = read_only_folder(warehouse)
    result = scorecard("export", "--out", str(tmp_path / "out"), warehouse=folder / warehouse.name)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "out").glob("*.parquet"))) == len(TABLES)


@pytest.mark.dbt
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="setpriv drops root's override of mode bits")
def test_export_reads_a_warehouse_in_a_folder_it_may_not_write(warehouse, tmp_path):
    # it took the warehouse lock, whose file it may not make there: "cannot write the warehouse there",
    # exit 2, though export only reads. Root ignores mode bits, so its capabilities to do so are dropped.
    folder = tmp_path / "shared"
    folder.mkdir()
    shutil.copy(warehouse, folder / warehouse.name)
    folder.chmod(0o555)
    drop = "-dac_override,-dac_read_search"
    command = [] if os.geteuid() else ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}"]
    env = {**os.environ, "SCORECARD_DUCKDB": str(folder / warehouse.name)}
    try:
        result = subprocess.run(
            [*command, str(BIN / "scorecard"), "export", "--out", str(tmp_path / "out")],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        folder.chmod(0o755)
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "out").glob("*.parquet"))) == len(TABLES)
    assert not (folder / f"{warehouse.name}.lock").exists()


def test_export_reads_beside_another_reader_without_waiting(warehouse, tmp_path):
    # a writer waits for another process to close the DuckDB file (test_run_lock); export only reads
    from tests.test_run_lock import reader_process, scorecard_waiting_up_to

    reader = reader_process(warehouse)
    try:
        result = scorecard_waiting_up_to(0, "export", "--out", str(tmp_path / "out"), warehouse=warehouse)
    finally:
        reader.kill()
        reader.wait()
    assert result.returncode == 0, result.stderr
    assert "waiting" not in result.stderr and (tmp_path / "out" / "kpi_values.parquet").is_file()
