"""Running dbt in-process against the project's committed profile and the chosen warehouse file."""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, redirect_stdout
from contextvars import ContextVar
from datetime import date
from pathlib import Path

from scorecard import interrupts
from scorecard.errors import StepFailed
from scorecard.progress import is_terminal

log = logging.getLogger(__name__)

# a database that exists only while dbt runs: for commands that must not touch the warehouse
IN_MEMORY = Path(":memory:")

# While a `scorecard run` is under way, every dbt command keeps its per-node lines off the console.
_quiet_console: ContextVar[bool] = ContextVar("scorecard_dbt_quiet_console", default=False)


def dbt_environment(project_dir: Path, warehouse: Path) -> None:
    """Point dbt at the committed profiles.yml and an absolute warehouse path; silence usage tracking; no
    colours on a console that is not a terminal (DBT_USE_COLORS set by the user wins)."""
    os.environ.setdefault("DBT_PROFILES_DIR", str(project_dir))
    os.environ["SCORECARD_DUCKDB"] = str(warehouse)
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "False"
    os.environ["DO_NOT_TRACK"] = "1"
    if not is_terminal(sys.stdout):
        # dbt colours its console lines whatever they go to: a scheduler's log file got escape codes
        os.environ.setdefault("DBT_USE_COLORS", "False")


def check_dbt_profile(project_dir: Path) -> None:
    """Stop with one line naming the file when dbt would find no profile for the project: dbt's own error
    ("Path ... does not exist", "Could not find profile named ...") names neither profiles.yml nor
    DBT_PROFILES_DIR, which a dbt user may have pointed at ~/.dbt for other projects."""
    from scorecard.errors import InvalidInput
    from scorecard.yaml_file import read_yaml

    if not (project_dir / "dbt_project.yml").is_file():
        return  # not a dbt project: dbt's own error says so
    directory = Path(os.environ.get("DBT_PROFILES_DIR") or project_dir)
    path = directory / "profiles.yml"
    own = directory.resolve() == project_dir.resolve()
    hint = (
        "restore the project's committed profiles.yml"
        if own
        else f"DBT_PROFILES_DIR is {directory}; unset it to use the project's own"
    )
    if not path.is_file():
        raise InvalidInput(f"{path}: no dbt profiles file there ({hint})")
    project = read_yaml(project_dir / "dbt_project.yml", str(project_dir / "dbt_project.yml"), unique_keys=False)
    name = os.environ.get("DBT_PROFILE") or (project.get("profile") if isinstance(project, dict) else None)
    if not isinstance(name, str) or "{{" in name:
        return  # a profile name dbt renders with Jinja: dbt's own error will have to do
    profiles = read_yaml(path, str(path), unique_keys=False)  # read as dbt reads it
    if not isinstance(profiles, dict) or name not in profiles:
        named_by = "DBT_PROFILE" if os.environ.get("DBT_PROFILE") else "dbt_project.yml"
        raise InvalidInput(f"{path}: no profile named '{name}', the one {named_by} names ({hint})")


def run_dbt(
    project_dir: Path,
    warehouse: Path,
    args: Sequence[str],
    *,
    as_of: date | None = None,
    allow_failures: bool = False,
    callbacks: Sequence[Callable] = (),
    quiet: bool | None = None,
    silent: bool = False,
):
    """Invoke one dbt command; raise StepFailed naming the command when it fails.

    With ``allow_failures`` a run that completed with failing tests or stale sources is returned for
    the caller to judge (the checks report those); a command that could not run still raises.
    ``callbacks`` receive every dbt event (``dbtRunner(callbacks=...)``). ``quiet`` shows only dbt's
    warnings and errors on the console (the file log, logs/dbt.log, keeps everything); by default it
    is on inside ``quiet_console()`` and off elsewhere. ``silent`` shows nothing at all, for callers
    that report dbt's problem themselves (see describe_dbt_error)."""
    from dbt.cli.main import dbtRunner

    dbt_environment(project_dir, warehouse)
    if "--profiles-dir" not in args:  # `scorecard diff` passes its scratch builds' own profiles
        check_dbt_profile(project_dir)
    full_args = [*args, "--project-dir", str(project_dir)]
    if as_of is not None:
        full_args += ["--vars", json.dumps({"as_of": as_of.isoformat()})]
    if quiet is None:
        quiet = _quiet_console.get()
    if silent or quiet:
        full_args += ["--log-level", "none" if silent else "warn"]
        if not os.environ.get("DBT_LOG_LEVEL_FILE"):
            # the file log follows --log-level unless told otherwise
            full_args += ["--log-level-file", "debug"]
    log.debug("dbt %s", " ".join(full_args))
    # dbt sets its console log up on each invoke, writing to sys.stdout as it is then
    console = _WithoutInterruptTrace(sys.stdout)
    failures = _SemanticValidationFailures()
    try:
        with redirect_stdout(console):
            result = dbtRunner(callbacks=[*callbacks, failures]).invoke(full_args)
    finally:
        console.close()
    if isinstance(result.exception, KeyboardInterrupt) or interrupts.was_interrupted():
        # dbtRunner hands Ctrl-C back as its result, or an error met while cancelling its queries, or
        # (DuckDB having swallowed it) a finished build: it is the user's interrupt, not dbt failing
        raise KeyboardInterrupt from result.exception
    if result.exception is not None:
        cause = failures.explained(result.exception)
        # dbt's heading alone ("Compilation Error in operation ...") would not say what went wrong
        reason = describe_dbt_error(str(cause)) if str(cause).strip() else ""
        reason = reason or type(result.exception).__name__
        raise StepFailed(f"dbt {args[0]} could not run: {reason}") from cause
    if not result.success and not allow_failures:
        failed = _failed_nodes(result.result)
        detail = f": {', '.join(failed[:5])}{' and more' if len(failed) > 5 else ''}" if failed else ""
        raise StepFailed(f"dbt {args[0]} failed{detail} (details above and in {project_dir / 'logs' / 'dbt.log'})")
    return result


class _SemanticValidationFailures:
    """The problems behind dbt's "Semantic Manifest validation failed.", which dbt logs as events of their
    own ("Invalid time granularity 'dayz' in window: '7 dayz'") and leaves out of the error it raises."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, event) -> None:
        if event.info.name == "SemanticValidationFailure":
            self.messages.append(str(event.info.msg))

    def explained(self, exception: BaseException) -> BaseException:
        """``exception``, or for a failed validation an error whose text ends with the problems found."""
        if not self.messages or "Semantic Manifest validation failed" not in str(exception):
            return exception
        explained = RuntimeError("\n".join([str(exception).strip(), *self.messages]))
        explained.__cause__ = exception
        return explained


class _WithoutInterruptTrace:
    """The console while dbt runs, less what dbt prints for Ctrl-C or SIGTERM: the stack trace of the
    KeyboardInterrupt (forty lines above "scorecard: interrupted"), or any trace once an interrupt has
    arrived, and the "Encountered an error:" before
    it, whose error, the interrupt's, has no words. dbt's file log, logs/dbt.log, keeps both. An empty
    heading before anything else (a real error without a message) is held back only until the next line
    and then written; every other line passes as written. close() writes a heading still held."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self._heading = ""

    def write(self, text: str) -> int:
        if text.rstrip().endswith("Encountered an error:"):
            self.close()
            self._heading = text
            return len(text)
        if "Traceback (most recent call last)" in text and (
            text.rstrip().endswith("KeyboardInterrupt") or interrupts.was_interrupted()
        ):
            # after an interrupt, also the trace of an error met while cancelling (dbt-duckdb's "connection
            # is busy"), chained to the KeyboardInterrupt's
            self._heading = ""
            return len(text)
        self.close()
        return self._stream.write(text)

    def close(self) -> None:
        if self._heading:
            heading, self._heading = self._heading, ""
            self._stream.write(heading)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _failed_nodes(run_result) -> list[str]:
    results = getattr(run_result, "results", None) or []
    return [getattr(r.node, "name", "?") for r in results if str(getattr(r, "status", "")).lower() in {"error", "fail"}]


@contextmanager
def quiet_console() -> Iterator[None]:
    """Within the block, dbt commands show only warnings and errors on the console (see run_dbt)."""
    token = _quiet_console.set(True)
    try:
        yield
    finally:
        _quiet_console.reset(token)


class NodeProgress:
    """A dbtRunner callback counting the nodes a command has finished, out of the total it announces.

    dbt fires ConcurrencyLine (``node_count``: the nodes it will run) before it starts, then NodeStart and
    NodeFinished around each node (skipped ones included) from its worker threads; ``report(done,
    total)`` is called after each NodeFinished. `dbt build` adds its unit tests to the count only after
    ConcurrencyLine, so the total is raised to the ``total`` of each node's LogStartLine ("START ... [RUN
    3 of 465]") as well."""

    def __init__(self, report: Callable[[int, int], None]) -> None:
        self.report = report
        self.total = 0
        self.finished = 0
        self._lock = threading.Lock()

    def __call__(self, event) -> None:
        # An exception raised here would surface inside dbt (a node marked as errored): never raise.
        try:
            name = event.info.name
            if name == "ConcurrencyLine":
                self.total = int(event.data.node_count)
            elif name == "LogStartLine":
                self.total = max(self.total, int(event.data.total))
            elif name == "NodeFinished":
                with self._lock:
                    self.finished += 1
                    done = self.finished
                self.report(done, max(self.total, done))
        except Exception:
            log.debug("dbt progress callback failed", exc_info=True)


def describe_dbt_error(text: str, project_dir: Path | None = None) -> str:
    """The line of dbt's error that names the file and the metric, not dbt's headings and call stack.

    With ``project_dir``, an error dbt raises without naming the file (a value the spec does not know,
    like `type: simpel`) is located in the project's YAML."""
    from scorecard.spec_values import describe_invalid_enum, describe_validation_failure, describe_yaml_syntax_error

    if located := describe_yaml_syntax_error(project_dir, text):
        return located
    if located := describe_validation_failure(project_dir, text):
        return located
    if project_dir is not None and (located := describe_invalid_enum(project_dir, text)):
        return located
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if located := _schema_error(line):
            return located
    listed = [match.group(1) for line in lines if (match := _LISTED_FILE.match(line))]
    if listed:
        # "dbt found two metrics with the name "dau"." above the resources it found, one per line
        heading = next((line for line in lines if line.startswith("dbt found")), None)
        if heading:
            return f"{', '.join(listed)}: {heading.rstrip('.')}"
    # an on-run-start hook's heading names dbt_project.yml, where the hook is declared, not the problem's file
    named = [
        i
        for i, line in enumerate(lines)
        if ".yml" in line and not line.startswith((">", "Compilation Error in operation"))
    ]
    if named:
        first = named[0]
        if lines[first].startswith(("Parsing Error", "Compilation Error")) and first + 1 < len(lines):
            # a heading naming the file and the metric; the problem itself is on the next line
            return f"{lines[first]}: {lines[first + 1]}"
        return lines[first]
    skipped = ("dbt ", "Runtime Error", "Compilation Error", "Parsing Error", "Encountered an error", ">")
    meaningful = [line for line in lines if not line.startswith(skipped)]
    return (meaningful or lines or ["dbt could not compile the KPI models"])[0]


def describe_model_error(message: str) -> str:
    """A model's error from run_results.json in one line: a contract that failed as its mismatched columns
    (dbt lists them in a table below two sentences of advice), anything else without dbt's macro call
    stack, at most 300 characters."""
    text = " ".join(message.split())
    if "enforced contract that failed" in text:
        rows = _CONTRACT_ROW.findall(text.split("mismatch_reason |", 1)[-1])
        columns = [
            f"column {column}: {defined or 'missing'} in the SQL, {contracted or 'missing'} in the contract ({reason})"
            for column, defined, contracted, reason in rows
            if not set(column) <= {"-"}
        ]
        if columns:
            return "the enforced contract fails: " + "; ".join(columns)
    return text.split(" > in macro ", 1)[0][:300]


# a row of dbt's contract-mismatch table: | column_name | definition_type | contract_type | mismatch_reason |
_CONTRACT_ROW = re.compile(r"\| ([^|]+?) \| ([^|]*?) ?\| ([^|]*?) ?\| ([^|]+?) \|")

# "- metric.scorecard.dau (metrics/dup.yml)": a resource dbt's error lists, with its file
_LISTED_FILE = re.compile(r"^- [\w.]+ \(([^()]+\.ya?ml)\)$")
# dbt's JSON-schema error for a YAML entry: the file as a FilePath repr, the whole entry as a dict, then
# the problem ("Invalid metrics config given in FilePath(searched_path='metrics', relative_path=
# 'engagement.yml', ...) @ metrics: {'name': 'dau', ...} - at path []: Additional properties are not
# allowed ('confg' was unexpected)")
_SCHEMA_ERROR = re.compile(
    r"Invalid (?P<kind>\w+) config given in FilePath\(searched_path='(?P<folder>[^']*)', "
    r"relative_path='(?P<file>[^']*)'.*?\) @ \w+: (?P<entry>.*) - at path (?P<path>\[.*?\]): (?P<problem>.*)$"
)
_ENTRY_NAME = re.compile(r"^\{'name': '([^']*)'")


def _schema_error(line: str) -> str | None:
    """dbt's schema error for a YAML entry as `file: metric 'dau': problem`, without the entry's dict."""
    match = _SCHEMA_ERROR.search(line)
    if match is None:
        return None
    name = _ENTRY_NAME.match(match["entry"])
    kind = match["kind"].removesuffix("s")
    entry = f"{kind} '{name.group(1)}'" if name else f"a {kind}"
    where = "" if match["path"] == "[]" else f" (at {match['path']})"
    return f"{match['folder']}/{match['file']}: {entry}{where}: {match['problem']}"


def release_duckdb_if_open() -> None:
    """release_duckdb() when this process has run dbt: dbt-duckdb keeps the database open until the process
    exits, so a command releasing the warehouse lock must close it first, or the command waiting for the
    lock finds the file still locked by this one."""
    if "dbt.adapters.duckdb.connections" in sys.modules:
        release_duckdb()


def release_duckdb() -> None:
    """Close the DuckDB database dbt-duckdb keeps open in a class attribute after a command.

    A forked child leaves with os._exit, which skips that close: the database's last writes would stay in
    its write-ahead log (safe, but replayed by every later open) instead of being checkpointed into the
    file. dbt-duckdb has no public call for this, hence the private attributes."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None
