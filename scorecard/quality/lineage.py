"""Which KPIs and key results a check vouches for, through dbt's lineage.

The manifest's child_map runs from sources through staging and marts to semantic models and on to
metrics (ratio and derived metrics are children of their inputs), so the metrics downstream of a
checked source or model are the ones its result concerns. The KPI models themselves sit beside that
graph: a `kpi_measures__<semantic model>` model serves that semantic model's metrics, and the shared
KPI tables (kpi_values, ...) serve every KPI unless the check named the metrics it found broken."""

from __future__ import annotations

import json
from collections import deque
from pathlib import Path

from scorecard.errors import StepFailed
from scorecard.quality.results import CheckResult

KPI_MEASURES_PREFIX = "kpi_measures__"
SHARED_KPI_MODELS = ("kpi_values", "kpi_definitions", "kpi_status")


def read_manifest(target_dir: Path) -> dict:
    path = target_dir / "manifest.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise StepFailed(f"{path}: cannot read dbt's manifest (run `dbt parse` or `scorecard run`): {exc}") from exc


class Lineage:
    def __init__(self, manifest: dict, kpis: set[str]) -> None:
        self.children: dict[str, list[str]] = manifest.get("child_map", {})
        self.package = manifest.get("metadata", {}).get("project_name") or "scorecard"
        self.kpis = kpis

    def affected_kpis(self, result: CheckResult) -> set[str]:
        if result.metrics:
            starts = [f"metric.{self.package}.{name}" for name in result.metrics]
        else:
            starts = self._starts_for(result.target)
            if starts is None:
                return set(self.kpis)
        return self._metrics_below(starts) & self.kpis

    def _starts_for(self, target: str) -> list[str] | None:
        """Graph nodes to walk down from; None when the target feeds every KPI."""
        name = target.split(".")[-1]
        if target.startswith("model.") and name.startswith(KPI_MEASURES_PREFIX):
            return [f"semantic_model.{self.package}.{name.removeprefix(KPI_MEASURES_PREFIX)}"]
        if target.startswith("model.") and name in SHARED_KPI_MODELS:
            return None
        return [target]

    def _metrics_below(self, starts: list[str]) -> set[str]:
        below = reachable(starts, self.children, through=lambda node: not node.startswith(("test.", "unit_test.")))
        return {node.split(".", 2)[2] for node in below if node.startswith("metric.")}


def reachable(starts, edges: dict[str, list[str]], through=lambda node: True) -> set[str]:
    """The starts and every node reached from them along ``edges`` (the manifest's child_map or
    parent_map), passing only through nodes ``through`` accepts."""
    seen, queue = set(starts), deque(starts)
    while queue:
        for node in edges.get(queue.popleft(), []):
            if node not in seen and through(node):
                seen.add(node)
                queue.append(node)
    return seen
