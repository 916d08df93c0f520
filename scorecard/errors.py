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


class DataProblems(ScorecardError):
    """Problems in the data that stop a command (a failing test left nothing to score): the data or the
    tests have to change, not the command."""

    exit_code = EXIT_PROBLEMS


class StepFailed(ScorecardError):
    """A step could not run or finish (dbt failed, the warehouse is locked, ...)."""

    exit_code = EXIT_STEP_FAILED


def first_validation_error(exc, prefix: tuple = ()) -> str:
    """pydantic's first error as `field.path: message`, with a count of the rest."""
    first = exc.errors()[0]
    location = ".".join(str(part) for part in (*prefix, *first["loc"])) or "(top level)"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{location}: {first['msg']}{more}"
