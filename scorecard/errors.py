"""Errors the CLI turns into one line and a documented exit code (see README)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_INVALID = 2
EXIT_STEP_FAILED = 3


class ScorecardError(Exception):
    """A problem to report as one line; ``exit_code`` follows the public contract."""

    exit_code = EXIT_STEP_FAILED


class InvalidInput(ScorecardError):
    """Bad arguments, specs or configuration: the user has to change something."""

    exit_code = EXIT_INVALID


class StepFailed(ScorecardError):
    """A step could not run or finish (dbt failed, the warehouse is locked, ...)."""

    exit_code = EXIT_STEP_FAILED
