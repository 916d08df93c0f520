"""The command line as users meet it: help, one-line errors and the documented exit codes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard.cli import cli
from tests.conftest import PROJECT_DIR, SAMPLE_AS_OF, copy_project, inject, query, scorecard
from tests.test_run_lock import scorecard_waiting_up_to


def assert_one_line_error(result, code: int, *fragments: str) -> None:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["generate", "--users", "lots"], ["--users", "lots"]),
        (["generate", "--users", "5"], ["--users"]),
        (["generate", "--as-of", "2026-02-30"], ["--as-of", "2026-02-30"]),
        (["generate", "--as-of", "2024-06-01"], ["2024-06-01", "before the history start 2025-01-01"]),
        (["generate", "--start", "2025-01-01", "--days", "10"], ["--start or --days"]),
        (["generate", "--colour", "red"], ["--colour"]),
        (["frobnicate"], ["frobnicate"]),
        (["generate", "--as-of", "9999-12-31", "--days", "3"], ["sample dates must lie between 1000-01-01 and 9998"]),
        (["generate", "--start", "0001-01-01"], ["sample dates must lie between", "got 0001-01-01"]),
        (["score", "--as-of", "2026-11-15", "--backfill", "2026-10-04", "2026-11-15"], ["--as-of and --backfill"]),
        (["run", "--lock-timeout", "nan"], ["--lock-timeout", "'nan' is not a finite number of seconds"]),
        (["diff", "--base", "HEAD", "--lock-timeout", "inf"], ["--lock-timeout", "'inf' is not a finite number"]),
        (["export", "--out", ""], ["--out", "an empty path"]),
        (["diff", "--base", "HEAD", "--out", "no/such/folder/diff.md"], ["--out", "no/such/folder", "does not exist"]),
        # an internal error (OSError) once the whole diff had run
        (["diff", "--base", "HEAD", "--out", "/tmp/" + "d" * 300 + ".md"], ["--out", "cannot write there", "too long"]),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, fragments):
    result = scorecard(*args, warehouse=tmp_path / "w.duckdb")
    assert_one_line_error(result, 2, *fragments)
    assert not (tmp_path / "w.duckdb").exists()


@pytest.mark.parametrize(("name", "command"), [("raw", "generate"), ("kpis", "score"), ("Marts", "run")])
def test_a_warehouse_file_named_like_a_schema_is_refused_before_anything_is_made(tmp_path, name, command):
    # DuckDB names the database after the file: raw.duckdb made every `raw.<table>` ambiguous (exit 3,
    # "Binder Error: Ambiguous reference to catalog or schema")
    warehouse = tmp_path / "w" / f"{name}.duckdb"
    result = scorecard(command, warehouse=warehouse)
    assert_one_line_error(result, 2, f"{warehouse}: the file is named like the warehouse's schema '{name}'")
    assert not warehouse.parent.exists()


@pytest.mark.parametrize(
    "command",
    [
        ["generate", "--users", "100"],
        ["check", "--as-of", "2026-11-15"],
        ["score"],
        ["export", "--out", "{tmp}/out"],
        ["diff", "--base", "HEAD"],
    ],
    ids=["generate", "check", "score", "export", "diff"],
)
def test_locked_warehouse_is_one_line_and_exit_3(tmp_path, command):
    path = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        # a command that writes waits for the other process within the lock timeout (test_run_lock), one that
        # reads stops at once
        result = scorecard_waiting_up_to(1, *(part.format(tmp=tmp_path) for part in command), warehouse=path)
        if command[0] in ("generate", "check", "score"):
            told = f"another process (PID {holder.pid}) has the warehouse open; gave up after 1 s"
            lines = result.stderr.strip().splitlines()
            assert (
                result.returncode == 3 and lines[-1] == f"scorecard: error: {path}: {told}" + lines[-1].split(told)[1]
            )
            assert [line for line in lines if "scorecard:" in line] == [lines[-1]], result.stderr
        else:
            assert_one_line_error(result, 3, str(path), "locked by another process", f"PID {holder.pid}")
        if command[0] == "generate":
            # lint reads the warehouse only for three rules: it runs without them, and says so; but a --strict
            # gate passed without them would pass a moved goalpost unseen (it exited 0)
            linted = scorecard("lint", warehouse=path)
            assert linted.returncode == 0, linted.stdout + linted.stderr
            assert "locked by another process" in linted.stderr
            assert "the moved-goalposts, segment-value and grain rules were skipped" in linted.stderr
            strict = scorecard("lint", "--strict", warehouse=path)
            assert_one_line_error(
                strict, 3, "locked by another process", "--strict needs the moved-goalposts, segment-value"
            )
    finally:
        holder.kill()
        holder.wait()


@pytest.fixture
def read_only_dir(tmp_path: Path):
    """A directory nobody can write to. Root ignores permission bits, so root gets a read-only mount."""
    target = tmp_path / "readonly"
    target.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(target)], check=True)
        try:
            yield target
        finally:
            subprocess.run(["umount", str(target)], check=True)
    else:
        target.chmod(0o555)
        try:
            yield target
        finally:
            target.chmod(0o755)


def test_read_only_output_directory_is_one_line_and_exit_2(read_only_dir):
    result = scorecard("generate", "--users", "100", warehouse=read_only_dir / "w.duckdb")
    assert_one_line_error(result, 2, str(read_only_dir), "cannot write")


def test_generate_reports_what_it_wrote(tmp_path):
    path = tmp_path / "ok.duckdb"
    result = scorecard("generate", "--users", "200", "--days", "60", warehouse=path)
    assert result.returncode == 0, result.stderr
    assert "users" in result.stdout and str(path) in result.stdout
    assert path.exists()


def test_relative_warehouse_path_is_taken_from_the_project_dir(tmp_path):
    result = scorecard(
        "--project-dir",
        str(PROJECT_DIR),
        "generate",
        "--users",
        "100",
        "--days",
        "30",
        warehouse=Path("../" * 8) / tmp_path.relative_to("/") / "rel.duckdb",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "rel.duckdb").exists()


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(command):
    result = scorecard(command, "--help")
    assert result.returncode == 0 and "Usage:" in result.stdout
    assert cli.commands[command].help, command
    assert f"scorecard {command}" in (PROJECT_DIR / "README.md").read_text()


def test_python_dash_m_scorecard_is_the_same_command(tmp_path):
    # where the venv's scripts are not on PATH; run from elsewhere, so the installed package is the one read
    result = subprocess.run(
        [sys.executable, "-m", "scorecard", "lint", "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.startswith("Usage: scorecard lint"), result.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "scorecard", "--project-dir", str(tmp_path), "lint"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert missing.returncode == 2 and missing.stderr.startswith("scorecard: "), missing.stderr


def test_run_stops_on_an_invalid_okr_spec_before_touching_the_warehouse(tmp_path):
    project = copy_project(tmp_path / "project")
    growth = project / "okrs" / "growth.yml"
    growth.write_text(growth.read_text().replace("target: 45%", "target: 145%"))
    warehouse = tmp_path / "untouched" / "w.duckdb"
    result = scorecard("--project-dir", str(project), "run", warehouse=warehouse, cwd=project)
    assert result.returncode == 2
    assert "okrs/growth.yml:" in result.stderr and "145% is outside 0..100% for 'd1_retention'" in result.stderr
    assert not warehouse.exists() and not warehouse.parent.exists()


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "          owner: product-analytics\n          unit: count\n",
            "          ownr: product-analytics\n          unit: count\n",
            ["metrics/engagement.yml: metric", "unknown key 'ownr'"],
        ),
        (
            "    type: simple\n    type_params:\n      measure: active_users\n",
            "    type: simpel\n    type_params:\n      measure: active_users\n",
            ["metrics/engagement.yml: metric 'dau': type 'simpel' is not a metric type", "cumulative, derived"],
        ),
        (
            "        agg: sum\n        expr: sessions\n",
            "        agg: summ\n        expr: sessions\n",
            [
                "metrics/engagement.yml: semantic model 'user_days', measure 'user_day_sessions': "
                "agg 'summ' is not an aggregation type",
                "count_distinct",
            ],
        ),
    ],
    ids=["misspelled-kpi-key", "unknown-metric-type", "unknown-aggregation"],
)
def test_run_stops_on_an_invalid_metric_before_touching_the_warehouse(tmp_path, old, new, fragments):
    """A misspelled KPI key is only found by the KPI compiler, which runs when dbt compiles the KPI models:
    the run compiles them against an in-memory database before it opens the warehouse. A value the spec does
    not know stops dbt's parser with a message naming neither file nor metric; the run names both."""
    project = copy_project(
        tmp_path / "project", ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
    )
    engagement = project / "metrics" / "engagement.yml"
    text = engagement.read_text()
    assert old in text, "the mutation no longer applies; update the test"
    engagement.write_text(text.replace(old, new, 1))
    warehouse = tmp_path / "untouched" / "w.duckdb"
    result = scorecard("--project-dir", str(project), "run", warehouse=warehouse, cwd=project)
    assert result.returncode == 2, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("scorecard: error: metric specs are invalid:")
    for fragment in fragments:
        assert fragment in last, last
    assert "Traceback" not in result.stderr
    assert not warehouse.exists() and not warehouse.parent.exists()


@pytest.mark.parametrize(
    ("path", "content", "fragments"),
    [
        ("checks/thresholds.yml", "anomaly:\n  z_threshold: high\n", ["checks/thresholds.yml", "anomaly.z_threshold"]),
        ("checks/expectations/raw.events.json", '{"name": "raw.events",', ["checks/expectations/raw.events.json"]),
        (
            "checks/thresholds.yml",
            "anomaly:\n  metrics: {daus: {z_threshold: 4}}\n",
            ["checks/thresholds.yml: anomaly.metrics.daus: no KPI of that name in metrics/ (did you mean 'dau'?)"],
        ),
    ],
    ids=["bad-value", "broken-suite", "unknown-kpi"],
)
def test_check_with_a_broken_settings_file_is_one_line_and_exit_2(tmp_path, path, content, fragments):
    project = copy_project(tmp_path / "project", ("dbt_project.yml", "profiles.yml", "metrics", "okrs", "checks"))
    (project / path).write_text(content)
    warehouse = tmp_path / "untouched" / "w.duckdb"
    result = scorecard("--project-dir", str(project), "check", "--as-of", "2026-11-15", warehouse=warehouse)
    assert_one_line_error(result, 2, *fragments)
    assert not warehouse.parent.exists()


def test_run_reads_the_checks_settings_before_it_builds(tmp_path):
    # a typo in thresholds.yml used to surface after the whole build and dbt's tests
    project = copy_project(
        tmp_path / "project", ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
    )
    (project / "checks" / "thresholds.yml").write_text("anomaly:\n  metrics: {daus: {z_threshold: 4}}\n")
    warehouse = tmp_path / "untouched" / "w.duckdb"
    result = scorecard("--project-dir", str(project), "run", warehouse=warehouse, cwd=project)
    assert result.returncode == 2, result.stderr[-2000:]
    assert result.stderr.strip().splitlines()[-1] == (
        "scorecard: error: checks/thresholds.yml: anomaly.metrics.daus: no KPI of that name in metrics/ "
        "(did you mean 'dau'?)"
    )
    assert not warehouse.parent.exists()


def test_check_without_a_warehouse_or_kpi_tables_says_so_before_running_anything(tmp_path):
    missing = tmp_path / "nowhere" / "w.duckdb"
    result = scorecard("check", "--as-of", "2026-11-15", warehouse=missing)
    assert_one_line_error(result, 2, f"{missing}: warehouse not found")
    assert not missing.parent.exists()
    raw_only = tmp_path / "sources.duckdb"
    assert (
        scorecard("generate", "--as-of", "2026-11-15", "--users", "100", "--days", "30", warehouse=raw_only).returncode
        == 0
    )
    result = scorecard("check", "--as-of", "2026-11-15", warehouse=raw_only)
    # it blamed the GX suite of kpis.kpi_values, after running dbt's tests on tables that were not there
    assert_one_line_error(result, 2, f"{raw_only}: no kpis.kpi_values yet; run `scorecard run` or `dbt build` first")


def _lint(project: Path):
    return scorecard("--project-dir", str(project), "lint", cwd=project)


def test_a_date_the_calendar_does_not_have_names_the_file_and_line(tmp_path):
    project = copy_project(tmp_path / "project")
    growth = project / "okrs" / "growth.yml"
    text = growth.read_text()
    growth.write_text(text.replace("        target: 45%\n", "        target: 45%\n        deadline: 2026-11-31\n", 1))
    result = _lint(project)
    assert result.returncode == 2, result.stderr
    expected = "okrs/growth.yml:16: invalid YAML: '2026-11-31' is not a date the calendar has"
    assert expected in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("metrics:\n  - name: [broken\n", "zz_broken.yml:3: not valid YAML"),
        ("- a list\n- not a mapping\n", "expected a mapping with semantic_models and metrics"),
        (
            "metrics:\n  - name: x\n    config: {meta: {kpi: {dimensions: 3}}}\n",
            "metric 'x': config.meta.kpi.dimensions must be a list like [user__platform]",
        ),
        # these two were internal errors (a list as a dict key; a text compared with a number)
        (
            "metrics:\n  - name: x\n    config: {meta: {kpi: {unit: [count]}}}\n",
            "metric 'x': config.meta.kpi.unit must be a word",
        ),
        (
            "metrics:\n  - name: x\n    config: {meta: {kpi: {range: [a, b]}}}\n",
            "metric 'x': config.meta.kpi.range must be [lowest",
        ),
        # YAML keeps the last of two values without a word
        (
            "metrics:\n  - name: x\n    config:\n      meta:\n        kpi:\n"
            "          target: 100\n          target: 5\n",
            "zz_broken.yml:7: not valid YAML: duplicate key 'target'",
        ),
    ],
    ids=["bad-yaml", "not-a-mapping", "bad-dimensions", "unit-not-a-word", "range-not-numbers", "duplicate-key"],
)
def test_a_malformed_metrics_file_stops_lint_with_its_name(tmp_path, content, fragment):
    project = copy_project(tmp_path / "project")
    (project / "metrics" / "zz_broken.yml").write_text(content)
    result = _lint(project)
    assert_one_line_error(result, 2, "metrics/zz_broken.yml", fragment)
    # named from the project, in the KPI compiler's words, as `dbt build` names it
    assert str(project) not in result.stderr


def test_no_okr_specs_or_no_metrics_folder_is_exit_2_before_the_warehouse_is_opened(tmp_path):
    project = copy_project(tmp_path / "project")
    for spec in (project / "okrs").glob("*.yml"):
        spec.unlink()
    warehouse = tmp_path / "untouched" / "w.duckdb"
    # scoring no specs would replace the date's check-ins with none
    result = scorecard("--project-dir", str(project), "score", warehouse=warehouse, cwd=project)
    assert result.returncode == 2 and "okrs:1: no OKR specs (*.yml, *.yaml) here" in result.stderr
    assert not warehouse.exists()
    # lint said nothing and exited 0, the folder-level error filtered out with the files' issues
    for args in ([], ["okrs"]):
        linted = scorecard("--project-dir", str(project), "lint", *args, cwd=project)
        assert linted.returncode == 2 and "okrs:1: no OKR specs" in linted.stdout, (args, linted.stdout)
    shutil.rmtree(project / "metrics")
    assert_one_line_error(_lint(project), 2, "metrics: folder not found")
    # no project at all (a mistyped --project-dir): it said the same, "metrics: folder not found"
    missing = tmp_path / "no-such-project"
    result = scorecard("--project-dir", str(missing), "lint", cwd=tmp_path)
    assert_one_line_error(result, 2, f"{missing}: no dbt_project.yml here, so no Scorecard project")


def test_an_as_of_date_before_the_history_or_a_select_matching_nothing_changes_nothing(tmp_path):
    project = copy_project(
        tmp_path / "project", ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
    )
    warehouse = tmp_path / "w.duckdb"
    assert scorecard("generate", "--users", "100", warehouse=warehouse).returncode == 0
    tables = "select table_schema, table_name from information_schema.tables order by all"
    before = query(warehouse, tables)
    for command in (["score"], ["check"], ["run"]):
        result = scorecard("--project-dir", str(project), *command, "--as-of", "2024-12-31", warehouse=warehouse)
        assert result.returncode == 2, (command, result.stderr[-2000:])
        # the sample's history starts on 2025-01-01, its first rows are loaded then or a little later
        last = result.stderr.strip().splitlines()[-1]
        assert "the as-of date 2024-12-31 is before the first data" in last and "was loaded on 2025-01-0" in last
    result = scorecard("--project-dir", str(project), "run", "--select", "no_such_model", warehouse=warehouse)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "--select no_such_model: matches no model, test or seed" in result.stderr.strip().splitlines()[-1]
    assert query(warehouse, tables) == before  # nothing built: the raw tables only


def test_the_default_as_of_date_is_refused_on_data_loaded_after_it(tmp_path):
    # a scheduled `scorecard run` without --as-of judged a warehouse loaded through December as of the
    # sample's 2026-11-15: it built, scored and reported that past date, with exit 0
    project = copy_project(
        tmp_path / "project", ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
    )
    warehouse = tmp_path / "w.duckdb"
    generated = scorecard("generate", "--users", "100", "--as-of", "2026-12-01", warehouse=warehouse)
    assert generated.returncode == 0, generated.stderr
    tables = "select table_schema, table_name from information_schema.tables order by all"
    before = query(warehouse, tables)
    refused = f"{warehouse}: source rows were loaded up to 2026-12-01, after the default as-of date 2026-11-15"
    # diff checks out git revisions of the project itself
    for command in (
        ["--project-dir", str(project), "run"],
        ["--project-dir", str(project), "score"],
        ["diff", "--base", "HEAD"],
    ):
        result = scorecard(*command, warehouse=warehouse)
        assert result.returncode == 2, (command, result.stderr[-2000:])
        last = result.stderr.strip().splitlines()[-1]
        assert refused in last and "give --as-of" in last, (command, last)
    assert query(warehouse, tables) == before  # nothing built or scored
    # the date given, even the same one: the user has said which day to judge
    given = scorecard("--project-dir", str(project), "score", "--as-of", "2026-11-15", warehouse=warehouse)
    assert "default as-of" not in given.stderr
    assert "no kpis.kpi_values yet" in given.stderr.strip().splitlines()[-1], given.stderr


def test_a_first_build_whose_failing_tests_skip_the_kpi_tables_stops_with_exit_1_naming_them(tmp_path):
    # it ended with exit 2 and "no kpis.kpi_values yet; run `scorecard run` or `dbt build` first", from the
    # checks, inside `scorecard run`, saying nothing of the tests
    project = copy_project(
        tmp_path / "project", ("dbt_project.yml", "profiles.yml", "models", "metrics", "macros", "checks", "okrs")
    )
    warehouse = tmp_path / "w.duckdb"
    assert scorecard("generate", "--users", "100", warehouse=warehouse).returncode == 0
    # an order loaded twice fails the unique test on the staged orders, above every orders KPI
    inject(warehouse, "insert into raw.orders select * from raw.orders order by order_id limit 1")
    result = scorecard("--project-dir", str(project), "run", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    failed = sorted(
        entry["unique_id"].split(".")[2]
        for entry in json.loads((project / "target" / "run_results.json").read_text())["results"]
        if entry["status"] == "fail"
    )
    assert "unique_stg_shop__orders_order_id" in failed, failed
    _last_line_error(result, 1, f"{warehouse}: dbt skipped the KPI tables", ", ".join(failed), "nothing was checked")
    kpi_tables = query(warehouse, "select table_name from information_schema.tables where table_schema = 'kpis'")
    assert ("kpi_values",) not in kpi_tables and ("kpi_measures__orders",) not in kpi_tables, kpi_tables


def _last_line_error(result, code: int, *fragments: str) -> None:
    """`run` logs its steps on stderr first: its error is the last line, the only one saying scorecard."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.strip().splitlines() if line.startswith("scorecard:")]
    assert errors == [result.stderr.strip().splitlines()[-1]], result.stderr
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


@pytest.mark.parametrize("command", [["run", "--no-sample"], ["check"]])
def test_a_dbt_profile_dbt_cannot_find_is_named_as_such(tmp_path, monkeypatch, built_sample, command):
    # it read "metric specs are invalid: Path '/nonexistent' does not exist" (run) or "dbt test could not
    # run" with exit 3 (check), naming neither profiles.yml nor DBT_PROFILES_DIR
    warehouse = tmp_path / "w.duckdb"
    shutil.copy(built_sample["path"], warehouse)
    monkeypatch.setenv("DBT_PROFILES_DIR", str(tmp_path / "nowhere"))
    _last_line_error(
        scorecard(*command, "--as-of", SAMPLE_AS_OF, warehouse=warehouse),
        2,
        f"{tmp_path / 'nowhere' / 'profiles.yml'}: no dbt profiles file there",
        f"DBT_PROFILES_DIR is {tmp_path / 'nowhere'}",
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "profiles.yml").write_text("analytics:\n  target: dev\n")
    monkeypatch.setenv("DBT_PROFILES_DIR", str(elsewhere))
    _last_line_error(
        scorecard(*command, "--as-of", SAMPLE_AS_OF, warehouse=warehouse),
        2,
        "no profile named 'scorecard', the one dbt_project.yml names",
    )


def test_what_dbt_prints_for_an_interrupt_is_kept_off_the_console():
    from io import StringIO

    from scorecard.dbt import _WithoutInterruptTrace

    console = StringIO()
    shown = _WithoutInterruptTrace(console)
    trace = '\x1b[0m23:22:48  Traceback (most recent call last):\n  File "x.py", line 1\n    waiter.acquire()\n'
    for text in (
        "\x1b[0m23:22:48  CANCEL query model.scorecard.stg_app__events ..... [CANCEL]\n",
        "\x1b[0m23:22:48  Encountered an error:\n\n",
        trace + "KeyboardInterrupt\n\n",
        trace + "ZeroDivisionError: division by zero\n\n",  # a real failure keeps its trace
    ):
        assert shown.write(text) == len(text)
    # a real error whose message is empty keeps its heading: written before what follows it, or at the end
    for text in ("\x1b[0m23:22:49  Encountered an error:\n\n", trace + "AssertionError\n\n"):
        shown.write(text)
    shown.write("\x1b[0m23:22:50  Encountered an error:\n\n")
    shown.close()
    assert console.getvalue().splitlines() == [
        "\x1b[0m23:22:48  CANCEL query model.scorecard.stg_app__events ..... [CANCEL]",
        *trace.splitlines(),
        "ZeroDivisionError: division by zero",
        "",
        "\x1b[0m23:22:49  Encountered an error:",
        "",
        *trace.splitlines(),
        "AssertionError",
        "",
        "\x1b[0m23:22:50  Encountered an error:",
        "",
    ]


def test_an_interrupt_inside_a_duckdb_query_is_an_interrupt():
    import duckdb

    from scorecard.cli import _is_interrupt

    assert _is_interrupt(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))
    assert _is_interrupt(RuntimeError("Query interrupted"))
    assert not _is_interrupt(RuntimeError("Symlink loop from 'okrs/loop.yml'"))


@pytest.mark.parametrize("kind", ["text", "empty", "folder"])
@pytest.mark.parametrize("command", [["score"], ["check", "--as-of", "2026-11-15"], ["export", "--out", "{tmp}/out"]])
def test_a_warehouse_path_that_is_no_duckdb_file_is_configuration_exit_2(tmp_path, kind, command):
    # SCORECARD_DUCKDB naming a text file, an empty file or a folder was "cannot open the warehouse: IO
    # Error ...", exit 3, the code of a step that failed, not of a setting to fix
    path = tmp_path / "w.duckdb"
    if kind == "folder":
        path.mkdir()
    else:
        path.write_text("not a database\n" if kind == "text" else "")
    result = scorecard(*(part.format(tmp=tmp_path) for part in command), warehouse=path)
    what = "a folder" if kind == "folder" else "not a DuckDB database file"
    assert_one_line_error(result, 2, f"{path}: {what}; SCORECARD_DUCKDB must name a DuckDB warehouse file")
    if command[0] == "score":  # lint --strict, which needs the warehouse's rules, says the same, exit 2 not 3
        assert_one_line_error(scorecard("lint", "--strict", warehouse=path), 2, f"{path}: {what}")
    assert path.is_dir() if kind == "folder" else path.read_text() in ("not a database\n", "")


def test_a_damaged_warehouse_file_is_told_as_damaged_and_left_as_it_is(tmp_path):
    # a copy cut short read "cannot open the warehouse: IO Error: Could not read enough bytes ..."
    import duckdb

    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select random() as x from range(2000000)")
    con.execute("checkpoint")
    con.close()
    size = path.stat().st_size
    os.truncate(path, size // 2)
    for command in (["score"], ["export", "--out", str(tmp_path / "out")]):
        result = scorecard(*command, warehouse=path)
        assert_one_line_error(result, 3, f"{path}: the warehouse file is damaged or cut short (IO Error: ")
        assert "restore it from a backup" in result.stderr
    assert path.stat().st_size == size // 2


def test_run_with_no_sample_on_a_warehouse_with_no_raw_data_stops_in_one_line(tmp_path):
    # it warned "dbt will build empty models", then every staging view failed on the missing raw schema:
    # about 150 lines and exit 3, for a scheduled run before the first load
    warehouse = tmp_path / "empty.duckdb"
    result = scorecard("run", "--no-sample", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    _last_line_error(result, 2, f"{warehouse}: no raw data to build from (--no-sample)")
    assert len(result.stderr.splitlines()) < 15, result.stderr


def test_run_warns_when_it_generates_the_sample(tmp_path):
    # a scheduled run pointed at a mistyped SCORECARD_DUCKDB said "generated ... events" at INFO among the
    # steps and reported on made-up data; --select nothing stops the run right after the sample is made
    warehouse = tmp_path / "typo.duckdb"
    result = scorecard("run", "--select", "no_such_model", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    _last_line_error(result, 2, "--select no_such_model: matches no model")
    (warning,) = [line for line in result.stderr.splitlines() if "generated the sample data" in line]
    assert " WARNING " in warning and f"{warehouse} had no raw data" in warning and "--no-sample" in warning


def test_run_with_a_reports_folder_it_cannot_write_stops_before_building(tmp_path, monkeypatch):
    # it built, checked and scored for about 46 s, then failed writing the reports (exit 3)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the reports folder should be\n")
    monkeypatch.setenv("SCORECARD_REPORTS_DIR", str(blocker / "reports"))
    warehouse = tmp_path / "w.duckdb"
    result = scorecard("run", "--as-of", SAMPLE_AS_OF, warehouse=warehouse)
    _last_line_error(result, 2, f"{blocker / 'reports'}: cannot write the reports there")
    assert not warehouse.exists()  # stopped before the sample was generated
