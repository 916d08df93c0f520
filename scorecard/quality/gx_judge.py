"""GX's side of a run: one ephemeral context whose pandas batches are the frames read, validating each
frame and adding its results to the expectations' tallies, then building Data Docs from the merged
results."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scorecard.errors import StepFailed
from scorecard.quality.gx_common import GxSettings, plain
from scorecard.quality.gx_frames import Frame, Plan
from scorecard.quality.gx_results import Tally, combine, docs_result, most_frequent, record
from scorecard.quality.gx_suite_files import NOT_NULL, ROW_COUNT, Expectation, Suite, checked_columns
from scorecard.quality.results import one_line

log = logging.getLogger(__name__)


_MARKER = "scorecard_check_id"
_MAX_EXAMPLES = 10_000  # most unexpected values GX lists per uniqueness frame
_DOCS_SITE = "scorecard"


_RESULT_FORMATS = {
    "row_count": "BASIC",
    "extremes": "BASIC",
    "rows": "SUMMARY",
}


class Judge:
    """GX's side: one context for the whole run, a pandas datasource whose batches are the frames read."""

    def __init__(self, gx, settings: GxSettings, docs_dir: Path | None):
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )
        from great_expectations.execution_engine import PandasExecutionEngine
        from great_expectations.validator.v1_validator import Validator

        self.gx = gx
        self.settings = settings
        self.docs_dir = docs_dir
        sites = {}
        if docs_dir is not None:
            sites[_DOCS_SITE] = {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            data_docs_sites=sites,
            progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
            analytics_enabled=False,
        )
        self.context = gx.get_context(mode="ephemeral", project_config=config)
        asset = self.context.data_sources.add_pandas("warehouse").add_dataframe_asset("frame")
        self.batches = asset.add_batch_definition_whole_dataframe("whole frame")
        self.engine = PandasExecutionEngine()
        self.validator_class = Validator
        self.run_time = datetime.now(UTC)

    def judge(self, plan: Plan, read: Frame, parameters: dict, tallies: dict[int, Tally]) -> None:
        metric_column = plan.suite.meta.metric_column
        if read.error is None:
            try:
                if read.step == "values":
                    results = self._validate_combinations(read.frame, plan.suite, read.expectations, parameters)
                else:
                    result_format = self._result_format(read, metric_column)
                    results = self._validate(read.frame, plan.suite, read.expectations, parameters, result_format)
            except Exception as exc:  # GX could not validate the frame at all
                log.debug("GX suite %s: validation failed", plan.suite.name, exc_info=True)
                read.error = one_line(exc)
        if read.error is not None:
            for e in read.expectations:
                tallies[e.position].error = tallies[e.position].error or read.error
            return
        for e in read.expectations:
            tally, result = tallies[e.position], results[e.position]
            record(tally, result)
            if result.exception_info.get("raised_exception"):
                continue
            summary = result.result or {}
            if e.type in ROW_COUNT and read.step == "values":
                tally.observed = (tally.observed or 0) + int(read.weights.sum())
                tally.weighed = True
            elif not e.is_map:
                tally.observed = combine(e.type, tally.observed, summary.get("observed_value"))
            elif read.step == "values":
                self._weigh(e, summary, read.frame, read.weights, tally, metric_column)
            else:
                self._add_counts(summary, tally, metric_column)
            tally.element += read.unread_rows

    def _result_format(self, read: Frame, metric_column: str | None) -> Any:
        if read.step == "rows" and metric_column and any(e.is_map for e in read.expectations):
            return {"result_format": "COMPLETE", "unexpected_index_column_names": [metric_column]}
        if read.step == "unique":
            # Every duplicate of the (normally tiny) frame among GX's examples, so that the ones kept do
            # not depend on where the frames were cut.
            examples = max(self.settings.partial_unexpected_count, min(len(read.frame), _MAX_EXAMPLES))
            return {"result_format": "SUMMARY", "partial_unexpected_count": examples}
        return _RESULT_FORMATS[read.step]

    def _validate_combinations(self, frame, suite: Suite, expectations: list[Expectation], parameters):
        """GX's results on a grouped frame. Weighing a verdict takes the index of every unexpected
        combination, which only COMPLETE results carry, at about twice the cost of BASIC ones. So BASIC
        first, then COMPLETE for the expectations that found unexpected combinations, except not-null
        checks whose unexpected combinations are exactly those with a null in the domain (GX's count
        confirms it)."""
        results = self._validate(frame, suite, expectations, parameters, "BASIC")
        again = [e for e in expectations if e.is_map and self._needs_index(e, results[e.position], frame)]
        if again:
            results.update(self._validate(frame, suite, again, parameters, "COMPLETE"))
        return results

    def _needs_index(self, e: Expectation, result, frame) -> bool:
        unexpected = (result.result or {}).get("unexpected_count") or 0
        if result.exception_info.get("raised_exception") or unexpected == 0:
            return False
        if e.type != NOT_NULL:
            return True
        return unexpected != int((self._domain(e, frame) & _not_judged(e, frame)).sum())

    def _domain(self, e: Expectation, frame) -> Any:
        """The rows of ``frame`` an expectation's row condition keeps, as GX's pandas engine selects them."""
        import numpy as np
        from great_expectations.expectations.row_conditions import deserialize_row_condition

        if e.kwargs.get("row_condition") is None:
            return np.ones(len(frame), dtype=bool)
        clause = self.engine.condition_to_filter_clause(deserialize_row_condition(e.kwargs["row_condition"]))
        return frame.index.isin(frame.query(clause).index)

    def _weigh(self, e: Expectation, summary: dict, frame, weights, tally: Tally, metric_column) -> None:
        """Turn GX's verdicts on distinct combinations into row counts: each weighs the rows it stands for."""
        import numpy as np

        domain = self._domain(e, frame)
        tally.counts_missing = "missing_count" in summary
        if "unexpected_index_list" in summary:
            unexpected = np.asarray(summary["unexpected_index_list"] or [], dtype=int)
        elif summary.get("unexpected_count"):  # a not-null check: the combinations with a null (see above)
            unexpected = np.flatnonzero(domain & _not_judged(e, frame))
        else:
            unexpected = np.asarray([], dtype=int)
        tally.element += int(weights[domain].sum())
        if tally.counts_missing:
            tally.missing += int(weights[domain & _not_judged(e, frame)].sum())
        tally.unexpected += int(weights[unexpected].sum())
        if len(unexpected):
            checked = [frame[c].to_numpy()[unexpected] for c in checked_columns(e.kwargs)]
            values = checked[0] if len(checked) == 1 else list(zip(*checked, strict=True))
            self._keep_unexpected_values(tally, values, weights[unexpected])
            if metric_column:
                tally.metrics.update(str(v) for v in frame[metric_column].iloc[unexpected].dropna().unique())

    def _keep_unexpected_values(self, tally: Tally, values, weights) -> None:
        import pandas as pd

        rows = pd.Series(weights).groupby(pd.Series(values), dropna=False, sort=False).sum()
        self._keep_examples(tally, [(plain(value), int(count)) for value, count in rows.items()])

    def _keep_examples(self, tally: Tally, counted: list[tuple[Any, int]]) -> None:
        """Keep a frame's most frequent unexpected values (ties by value), whatever order DuckDB and GX
        returned them in, so that messages and Data Docs do not change from run to run."""
        for value, count in most_frequent(counted, self.settings.partial_unexpected_count):
            tally.unexpected_values[value] = tally.unexpected_values.get(value, 0) + count

    def _add_counts(self, summary: dict, tally: Tally, metric_column: str | None) -> None:
        tally.element += summary.get("element_count") or 0
        tally.counts_missing = "missing_count" in summary
        tally.missing += summary.get("missing_count") or 0
        tally.unexpected += summary.get("unexpected_count") or 0
        counted = [(plain(item["value"]), item["count"]) for item in summary.get("partial_unexpected_counts") or []]
        self._keep_examples(tally, counted)
        if metric_column:  # rows frames of kpi_values: GX names the failing rows' metrics
            for row in summary.get("unexpected_index_list") or []:
                if isinstance(row, dict) and row.get(metric_column) is not None:
                    tally.metrics.add(str(row[metric_column]))

    def _validate(self, frame, suite: Suite, expectations: list[Expectation], parameters, result_format):
        # GX orders results its own way: a marker in each expectation's meta pairs them up again.
        configs = [{**e.config(), "meta": {**e.meta, _MARKER: e.check_id}} for e in expectations]
        gx_suite = self.gx.ExpectationSuite(name=suite.name, expectations=configs)
        # The validator Batch.validate builds, minus building the batch twice (GX fingerprints the frame each time).
        validator = self.validator_class(
            self.batches, result_format=result_format, batch_parameters={"dataframe": frame}
        )
        outcome = validator.validate_expectation_suite(gx_suite, expectation_parameters=parameters)
        by_id = {r.expectation_config.meta.get(_MARKER): r for r in outcome.results}
        missing = [e.check_id for e in expectations if e.check_id not in by_id]
        if missing:
            raise StepFailed(f"{suite.shown}: GX returned no result for {missing[0]}")
        return {e.position: by_id[e.check_id] for e in expectations}

    # -- Data Docs ------------------------------------------------------------------------------------

    def keep_for_docs(self, plan: Plan, tallies: dict[int, Tally], parameters: dict, moment: datetime) -> None:
        from great_expectations.core.expectation_validation_result import (
            ExpectationSuiteValidationResult,
            ExpectationValidationResult,
        )
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier,
            ValidationResultIdentifier,
        )
        from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

        suite = plan.suite
        results = []
        for e in suite.expectations:
            tally = tallies[e.position]
            config = ExpectationConfiguration(type=e.type, kwargs=e.kwargs, meta=e.meta)
            exception = {"raised_exception": tally.error is not None, "exception_message": tally.error}
            results.append(
                ExpectationValidationResult(
                    success=bool(tally.success),
                    expectation_config=config,
                    result=docs_result(e, tally),
                    exception_info=exception,
                )
            )
        passed = sum(1 for r in results if r.success)
        statistics = {
            "evaluated_expectations": len(results),
            "successful_expectations": passed,
            "unsuccessful_expectations": len(results) - passed,
            "success_percent": 100.0 * passed / len(results) if results else 100.0,
        }
        run_id = RunIdentifier(run_name=f"as of {moment.isoformat(sep=' ')}", run_time=self.run_time)
        validation = ExpectationSuiteValidationResult(
            success=passed == len(results),
            results=results,
            suite_name=suite.name,
            suite_parameters={name: value.isoformat() for name, value in parameters.items()},
            statistics=statistics,
            meta={
                "run_id": run_id,
                "validation_time": self.run_time,
                "batch_spec": {"data_asset_name": suite.table, "rows": plan.rows},
            },
            batch_id=suite.table,
        )
        key = ValidationResultIdentifier(ExpectationSuiteIdentifier(name=suite.name), run_id, suite.table)
        self.context.validation_results_store.set(key, validation)
        self.context.suites.add(
            self.gx.ExpectationSuite(name=suite.name, expectations=[e.config() for e in suite.expectations])
        )

    def build_docs(self) -> None:
        # The site shows this run only: pages of earlier runs would otherwise pile up beside it.
        for stale in ("validations", "expectations"):
            shutil.rmtree(self.docs_dir / stale, ignore_errors=True)
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        self.context.build_data_docs(site_names=[_DOCS_SITE])


def _not_judged(e: Expectation, frame) -> Any:
    """Rows GX leaves out of a map expectation's verdict: nulls, or for a column pair its ignore_row_if."""
    if e.column is not None:
        return frame[e.column].isna().to_numpy()
    a, b = frame[e.kwargs["column_A"]].isna().to_numpy(), frame[e.kwargs["column_B"]].isna().to_numpy()
    mode = e.kwargs.get("ignore_row_if", "both_values_are_missing")
    if mode == "either_value_is_missing":
        return a | b
    if mode == "neither":
        return a & False
    return a & b
