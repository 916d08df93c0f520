"""The `scorecard` command line: one group, one subcommand per job (see README, "Commands").

Every failure ends as one line on stderr and an exit code from the public contract:
0 ok, 1 data or score problems found, 2 invalid input or configuration, 3 a step failed.
"""

from __future__ import annotations

import logging
import math
import os
import sys
from datetime import date
from pathlib import Path

import click
from click.core import ParameterSource

from scorecard import __version__, interrupts
from scorecard.config import find_project_dir, warehouse_path
from scorecard.errors import EXIT_INVALID, EXIT_OK, EXIT_STEP_FAILED, InvalidInput, ScorecardError
from scorecard.sample import DEFAULT_AS_OF, DEFAULT_SEED, DEFAULT_START, DEFAULT_USERS, SampleSpec

log = logging.getLogger("scorecard")

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _as_of_option(help_text: str):
    """--as-of defaulting to the sample's as-of date; each command says what the date means to it."""
    return click.option("--as-of", type=ISO_DATE, default=str(DEFAULT_AS_OF), show_default=True, help=help_text)


_DEFAULT_REFUSED = " A warehouse holding rows loaded after the default date refuses it (exit 2): give the date."


def _as_of_defaulted() -> bool:
    """Whether this command's --as-of was left at its default, the sample's date: commands that read the
    warehouse then refuse one holding data loaded after that date (refuse_default_as_of_before_data)."""
    return click.get_current_context().get_parameter_source("as_of") is ParameterSource.DEFAULT


class _Seconds(click.FloatRange):
    """A number of seconds, 0 or more and finite (FloatRange lets nan and inf through)."""

    name = "seconds"

    def convert(self, value, param, ctx):
        seconds = super().convert(value, param, ctx)
        if not math.isfinite(seconds):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return seconds


class _NonEmptyPath(click.Path):
    """A path that is not the empty string (Path('') would quietly mean the current directory)."""

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("an empty path; give a file or folder", param, ctx)
        return super().convert(value, param, ctx)


def _lock_timeout_option(command):
    return click.option(
        "--lock-timeout",
        type=_Seconds(min=0),
        default=None,
        metavar="SECONDS",
        help="How long to wait for another scorecard job on the same warehouse before giving up (exit 3) "
        "[default: $SCORECARD_LOCK_TIMEOUT or 300].",
    )(command)


class _OneLineErrors(click.Group):
    """Turn usage errors, known failures and surprises into one line and a contract exit code."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            result = super().main(args=args, prog_name=prog_name, standalone_mode=False, **extra)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "scorecard"
            _fail(f"{command}: {exc.format_message()}", EXIT_INVALID)
        except click.ClickException as exc:
            _fail(f"scorecard: {exc.format_message()}", exc.exit_code or EXIT_INVALID)
        except click.Abort:
            _fail("scorecard: interrupted", EXIT_STEP_FAILED)
        except ScorecardError as exc:
            if interrupts.was_interrupted():  # dbt's or DuckDB's error in place of the interrupt
                _fail("scorecard: interrupted", EXIT_STEP_FAILED)
            _fail(f"scorecard: error: {exc}", exc.exit_code)
        except Exception as exc:  # the last line of defence: no traceback for users
            if _is_interrupt(exc) or interrupts.was_interrupted():
                _fail("scorecard: interrupted", EXIT_STEP_FAILED)
            if os.environ.get("SCORECARD_DEBUG"):
                raise
            _fail(
                f"scorecard: internal error: {type(exc).__name__}: {exc} (set SCORECARD_DEBUG=1 for a traceback)",
                EXIT_STEP_FAILED,
            )
        if interrupts.was_interrupted():  # a library swallowed it, and the command went on to its end
            _fail("scorecard: interrupted", EXIT_STEP_FAILED)
        sys.exit(result if isinstance(result, int) else EXIT_OK)


def _is_interrupt(exc: Exception) -> bool:
    """Ctrl-C or SIGTERM landing inside a DuckDB query: DuckDB cancels the query and raises its own
    error ("Query interrupted") in place of the KeyboardInterrupt, which it swallows."""
    return type(exc).__name__ == "InterruptException" or str(exc).strip() == "Query interrupted"


def _fail(message: str, code: int) -> None:
    click.echo(message.splitlines()[0] if message else "scorecard: error", err=True)
    sys.exit(code)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="scorecard")
@click.option(
    "--project-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The dbt project directory (default: the nearest directory holding dbt_project.yml).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
@click.pass_context
def cli(ctx: click.Context, project_dir: Path | None, verbose: bool) -> None:
    """KPIs and OKRs as code: build the metrics, score the OKRs, check the data, write the reports."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    ctx.obj = {"project_dir": (project_dir or find_project_dir()).resolve()}


def _sample_options(command):
    options = [
        click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Random seed."),
        _as_of_option("Last day of generated history (data loads stop at the midnight after it)."),
        click.option(
            "--start",
            type=ISO_DATE,
            default=None,
            help=f"First day of history [default: {DEFAULT_START}].",
        ),
        click.option(
            "--days",
            type=click.IntRange(min=1),
            default=None,
            help="Days of history ending at --as-of (instead of --start).",
        ),
        click.option(
            "--users",
            type=click.IntRange(min=100),
            default=DEFAULT_USERS,
            show_default=True,
            help=f"The size knob: signups over the default history ({DEFAULT_START} to {DEFAULT_AS_OF}), about 120 "
            "events each. Signups per day follow from it, so a shorter or longer history has proportionally "
            "fewer or more.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _sample_spec(seed: int, as_of, start, days: int | None, users: int) -> SampleSpec:
    as_of_date = as_of.date()
    if start is not None and days is not None:
        raise click.UsageError("give --start or --days, not both")
    if days is not None:
        start_date = date.fromordinal(as_of_date.toordinal() - days + 1)
    else:
        start_date = start.date() if start is not None else DEFAULT_START
    return SampleSpec(seed=seed, as_of=as_of_date, start=start_date, users=users)


@cli.command()
@_sample_options
@click.pass_obj
def generate(obj: dict, seed: int, as_of, start, days: int | None, users: int) -> int:
    """Write deterministic sample source data into the warehouse's raw schema."""
    from scorecard.runlock import warehouse_lock
    from scorecard.sample import generate as generate_sample

    spec = _sample_spec(seed, as_of, start, days, users)
    path = warehouse_path(obj["project_dir"])
    with warehouse_lock(path):
        result = generate_sample(path, spec)
    counts = result.row_counts
    click.echo(
        f"generated {counts['users']:,} users, {counts['sessions']:,} sessions and {counts['events']:,} events "
        f"({spec.start} to {spec.as_of}, seed {spec.seed}) into {path} in {result.seconds:.1f}s"
    )
    return EXIT_OK


@cli.command()
@_as_of_option("The date the data is judged at: cohort maturity, complete periods, freshness." + _DEFAULT_REFUSED)
@click.option("--select", "select", multiple=True, help="dbt selection to build (default: the whole project).")
@click.option("--no-sample", is_flag=True, help="Never generate sample data, even when the warehouse is empty.")
@_lock_timeout_option
@click.pass_obj
def run(obj: dict, as_of, select: tuple[str, ...], no_sample: bool, lock_timeout: float | None) -> int:
    """The main job: check the OKR specs, generate sample data if the warehouse is empty, `dbt build`,
    run the data-quality checks, score the OKRs and write reports/<as-of>/. Exit 0 ok, 1 data-quality
    failures or stale data, 2 invalid specs or configuration, 3 a step failed."""
    from scorecard.pipeline import run_pipeline

    return run_pipeline(
        obj["project_dir"],
        as_of=as_of.date(),
        select=select,
        sample=not no_sample,
        lock_timeout=lock_timeout,
        as_of_defaulted=_as_of_defaulted(),
    )


@cli.command(name="check")
@click.option(
    "--as-of",
    type=ISO_DATE,
    default=None,
    help="The date the data is judged at [default: today]. Freshness is measured at the midnight after it "
    "(or now, for today).",
)
@click.pass_obj
def check_command(obj: dict, as_of) -> int:
    """Run the data-quality checks (source freshness, dbt tests, GX suites, KPI anomalies), write
    dq_results and give every KPI and key result a data status. Exit 0 pass or warn, 1 a check failed
    or data is stale, else 2 a check could not run."""
    from scorecard.dbt import quiet_console
    from scorecard.quality.check import load_check_inputs, run_checks, summary
    from scorecard.runlock import warehouse_lock
    from scorecard.warehouse import require_history_at, require_warehouse

    day = as_of.date() if as_of else date.today()
    inputs = load_check_inputs(obj["project_dir"])  # settings, suites and specs: errors before any file is made
    warehouse = warehouse_path(obj["project_dir"])
    require_warehouse(warehouse)
    # dbt's per-node lines (about 800) buried the summary in a scheduler's log: logs/dbt.log keeps them
    with warehouse_lock(warehouse), quiet_console():
        require_history_at(warehouse, day)
        outcome = run_checks(obj["project_dir"], day, inputs=inputs)
    for line in summary(outcome):
        click.echo(line)
    return outcome.exit_code


@cli.command(name="lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Exit 1 when there are warnings (errors always exit 2).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def lint_command(obj: dict, paths: tuple[Path, ...], strict: bool, output_format: str) -> int:
    """Validate and lint OKR specs (default: okrs/): errors as file:line: field: message, then warnings."""
    from scorecard.okrs.lint import lint

    targets = list(paths) or [obj["project_dir"] / "okrs"]
    return lint(obj["project_dir"], targets, strict=strict, output_format=output_format, echo=click.echo)


@cli.command(name="score")
@_as_of_option("The check-in date to score." + _DEFAULT_REFUSED)
@click.option(
    "--backfill",
    nargs=2,
    type=ISO_DATE,
    default=None,
    metavar="FIRST LAST",
    help="Score every seventh day from FIRST to LAST instead (the week-by-week history of a cycle).",
)
@click.pass_obj
def score_command(obj: dict, as_of, backfill) -> int:
    """Score the OKRs from kpi_values and record the check-ins (one transaction per as-of date)."""
    from scorecard.okrs.score import score, weekly_dates
    from scorecard.runlock import warehouse_lock

    if backfill:
        if click.get_current_context().get_parameter_source("as_of") is ParameterSource.COMMANDLINE:
            raise click.UsageError("--as-of and --backfill are alternatives: give one")
        first, last = (d.date() for d in backfill)
        if last < first:
            raise click.UsageError("--backfill LAST is before FIRST")
        dates = weekly_dates(first, last)
    else:
        dates = [as_of.date()]
    warehouse = warehouse_path(obj["project_dir"])
    return score(
        obj["project_dir"],
        dates,
        echo=click.echo,
        lock=lambda: warehouse_lock(warehouse),
        as_of_defaulted=not backfill and _as_of_defaulted(),
    )


@cli.command(name="export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["parquet"]),
    default="parquet",
    show_default=True,
    help="File format.",
)
@click.option(
    "--out",
    "out_dir",
    type=_NonEmptyPath(path_type=Path),
    required=True,
    help="Directory to write <table>.parquet into (created if missing).",
)
@click.pass_obj
def export_command(obj: dict, output_format: str, out_dir: Path) -> int:
    """Write the BI tables (kpi_values, kpi_status, okr_*, dq_results) as files, one per table, in key
    order (docs/outputs.md)."""
    from contextlib import nullcontext

    from scorecard.export import export_parquet
    from scorecard.runlock import warehouse_lock
    from scorecard.warehouse import on_read_only_file_system

    warehouse = warehouse_path(obj["project_dir"])
    # wait for a running job rather than read half its work; a missing warehouse is export's own error, and
    # on a read-only file system (a snapshot, a read-only share) no job can write, so there is none to wait
    # for; in a folder this user may not write to, the lock file cannot be made: read without waiting (while
    # another user's job has the database open, the read stops as "locked by another process"; between its
    # steps it may read a half-done run)
    locked = warehouse.exists() and not on_read_only_file_system(warehouse) and os.access(warehouse.parent, os.W_OK)
    with warehouse_lock(warehouse, writes=False) if locked else nullcontext():
        for written in export_parquet(obj["project_dir"], out_dir):
            click.echo(f"wrote {written.path} ({written.rows:,} rows)")
    return EXIT_OK


@cli.command(name="diff")
@click.option(
    "--base", "base_ref", required=True, metavar="REF", help="The git revision to compare with (e.g. origin/main)."
)
@click.option(
    "--head", "head_ref", default=None, metavar="REF", help="The git revision under review [default: the working tree]."
)
@click.option("--format", "output_format", type=click.Choice(["md", "json"]), default="md", show_default=True)
@click.option(
    "--out",
    "out_file",
    type=_NonEmptyPath(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report here instead of stdout.",
)
@_as_of_option("The date key results are scored at and cycles are judged running at." + _DEFAULT_REFUSED)
@_lock_timeout_option
@click.pass_obj
def diff_command(
    obj: dict, base_ref: str, head_ref: str | None, output_format: str, out_file: Path | None, as_of, lock_timeout
) -> int:
    """What a change to metrics, models or OKR specs does: definition changes, lineage, KPI values and
    key-result scores under both revisions, goalpost checks. Exit 0 no value changes, 1 values, KPI
    target statuses or scores change (or a breaking change), 2 an invalid ref, a shallow clone, a
    revision that does not parse or build, or an --as-of after the date the warehouse's KPI tables were
    built for, 3 a step failed."""
    from scorecard.diff.compare import run_diff
    from scorecard.diff.markdown import render
    from scorecard.errors import EXIT_PROBLEMS, StepFailed
    from scorecard.runlock import warehouse_lock
    from scorecard.textfile import check_writable, write_text

    if out_file is not None:
        # checked before the builds: a diff takes a while, and its report must have somewhere to go
        if not out_file.parent.is_dir():
            raise InvalidInput(f"--out {out_file}: the folder {out_file.parent} does not exist")
        try:
            check_writable(out_file)
        except OSError as exc:
            raise InvalidInput(f"--out {out_file}: cannot write there ({exc.strerror or exc})") from None
    warehouse = warehouse_path(obj["project_dir"])
    # it reads the warehouse (and builds into it only when it has no KPI tables): readers need not leave
    with warehouse_lock(warehouse, lock_timeout, option="--lock-timeout", writes=False):
        report = run_diff(
            obj["project_dir"], base_ref, head_ref, as_of.date(), warehouse, as_of_defaulted=_as_of_defaulted()
        )
    text = render(report) if output_format == "md" else report.model_dump_json(indent=2) + "\n"
    if out_file is None:
        click.echo(text, nl=False)
    else:
        try:
            write_text(out_file, text)
        except OSError as exc:
            raise StepFailed(f"--out {out_file}: cannot write the report ({exc.strerror or exc})") from None
    return EXIT_PROBLEMS if report.values_changed else EXIT_OK


def main() -> None:
    # a scheduler stops a job with SIGTERM: end it as Ctrl-C does, through the steps' cleanup and one line
    interrupts.install()
    cli(prog_name="scorecard")


if __name__ == "__main__":
    main()
