"""The KPI catalog as OKR specs see it, read straight from metrics/*.yml (no dbt run needed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scorecard.errors import InvalidInput
from scorecard.yaml_file import read_yaml

# the KPI compiler's defaults too (macros/kpi/kpi_metadata.sql, kpi_default_range), which check targets against them
DEFAULT_RANGES = {
    "ratio": (0, 1),
    **{unit: (0, None) for unit in ("count", "currency", "minutes", "hours", "days", "ms")},
}


@dataclass(frozen=True)
class CatalogMetric:
    name: str
    unit: str
    direction: str
    cadence: str
    dimensions: dict[str, str]  # short name -> entity__name
    value_range: tuple[float | None, float | None] = (None, None)
    maturity_days: float = 0  # a cohort KPI's period is complete this many days after it ends
    display: str | None = None  # how a ratio reads: a percentage (a share, a rate) or a number (LTV to CAC)

    @property
    def is_ratio(self) -> bool:
        return self.unit == "ratio"

    @property
    def is_share(self) -> bool:
        """A ratio read as a percentage (a retention rate), not as a multiple (LTV to CAC, display: number)."""
        return self.is_ratio and self.display != "number"


def load_catalog(project_dir: Path) -> dict[str, CatalogMetric]:
    """Every KPI metric (a metric with config.meta.kpi) in the project's metrics/ folder. A file that
    cannot be read as metric definitions stops with one line naming it (dbt's parser, which the build
    runs later, would name neither the file nor the metric)."""
    catalog: dict[str, CatalogMetric] = {}
    if not (project_dir / "dbt_project.yml").is_file():
        # outside any project (or a mistyped --project-dir), "metrics: folder not found" named the symptom
        raise InvalidInput(
            f"{project_dir}: no dbt_project.yml here, so no Scorecard project; run inside one or pass --project-dir"
        )
    folder = project_dir / "metrics"
    if not folder.is_dir():
        raise InvalidInput(f"{folder}: folder not found; the KPI definitions the OKR specs refer to live there")
    for path in sorted(folder.glob("*.yml")):
        for metric in _metrics(path):
            kpi = _mapping(_mapping(metric.get("config"), path, metric).get("meta"), path, metric).get("kpi")
            if kpi is None and isinstance(metric.get("meta"), dict) and "kpi" in metric["meta"]:
                # dbt drops a top-level meta once config.meta is set, so the KPI compiler refuses it too
                raise InvalidInput(
                    f"{path}: metric '{metric['name']}': KPI metadata under meta.kpi: move it to config.meta.kpi "
                    "(dbt drops a metric's top-level meta once config.meta is set)"
                )
            if not isinstance(kpi, dict):
                continue
            name = metric["name"]
            for key in ("unit", "direction", "cadence"):
                if key in kpi and not isinstance(kpi[key], str):
                    raise InvalidInput(f"{path}: metric '{name}': kpi.{key} must be a word, got {kpi[key]!r}")
            dimensions = kpi.get("dimensions") or []
            if not isinstance(dimensions, list) or not all(isinstance(d, str) for d in dimensions):
                raise InvalidInput(f"{path}: metric '{name}': kpi.dimensions must be a list of dimension names")
            # a ratio is a share (0..1), a count, duration or amount is not negative, unless the KPI metadata
            # gives another range (NRR, growth rates)
            value_range = kpi.get("range") or DEFAULT_RANGES.get(kpi.get("unit"), (None, None))
            bounds = isinstance(value_range, list | tuple) and len(value_range) == 2
            if not bounds or not all(_number_or_open(bound) for bound in value_range):
                raise InvalidInput(f"{path}: metric '{name}': kpi.range must be [low, high], numbers or null (open)")
            maturity_days = kpi.get("maturity_days") or 0
            if not isinstance(maturity_days, int | float) or isinstance(maturity_days, bool):
                raise InvalidInput(f"{path}: metric '{name}': kpi.maturity_days must be a number of days")
            catalog[name] = CatalogMetric(
                name=name,
                unit=kpi.get("unit", ""),
                direction=kpi.get("direction", ""),
                cadence=kpi.get("cadence", "week"),
                dimensions={qualified.split("__")[-1]: qualified for qualified in dimensions},
                value_range=tuple(value_range),
                maturity_days=maturity_days,
                display=kpi.get("display"),
            )
    return catalog


def _number_or_open(bound: object) -> bool:
    return bound is None or (isinstance(bound, int | float) and not isinstance(bound, bool))


def _metrics(path: Path) -> list[dict]:
    document = read_yaml(path, str(path)) or {}
    if not isinstance(document, dict):
        raise InvalidInput(f"{path}: expected a mapping with semantic_models and metrics")
    metrics = document.get("metrics") or []
    named = isinstance(metrics, list) and all(isinstance(m, dict) and isinstance(m.get("name"), str) for m in metrics)
    if not named:
        raise InvalidInput(f"{path}: metrics must be a list of mappings, each with a name")
    return metrics


def _mapping(value: object, path: Path, metric: dict) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InvalidInput(f"{path}: metric '{metric['name']}': config and config.meta must be mappings")
    return value
