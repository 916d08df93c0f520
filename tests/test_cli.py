"""The command line as users meet it: help, one-line errors and the documented exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard.cli import cli
from tests.conftest import PROJECT_DIR, copy_project, scorecard


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
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, fragments):
    result = scorecard(*args, warehouse=tmp_path / "w.duckdb")
    assert_one_line_error(result, 2, *fragments)
    assert not (tmp_path / "w.duckdb").exists()


def test_locked_warehouse_is_one_line_and_exit_3(tmp_path):
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
        result = scorecard("generate", "--users", "100", warehouse=path)
        assert_one_line_error(result, 3, str(path), "locked by another process", f"PID {holder.pid}")
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
    ],
)
def test_check_with_a_broken_settings_file_is_one_line_and_exit_2(tmp_path, path, content, fragments):
    project = copy_project(tmp_path / "project", ("dbt_project.yml", "profiles.yml", "metrics", "okrs", "checks"))
    (project / path).write_text(content)
    warehouse = tmp_path / "untouched" / "w.duckdb"
    result = scorecard("--project-dir", str(project), "check", "--as-of", "2026-11-15", warehouse=warehouse)
    assert_one_line_error(result, 2, *fragments)
    assert not warehouse.exists()
