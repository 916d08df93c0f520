"""The KPI catalog as OKR specs see it, read straight from metrics/*.yml (no dbt run needed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scorecard.errors import InvalidInput
from scorecard.periods import GRAINS
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
    # the coarsest time grain among the semantic models it reads (kpi_definitions.finest_grain): a KPI
    # measured by ISO week has a month that holds every week starting in it
    finest_grain: str = "day"

    @property
    def is_ratio(self) -> bool:
        return self.unit == "ratio"

    @property
    def is_share(self) -> bool:
        """A ratio read as a percentage (a retention rate), not as a multiple (LTV to CAC, display: number)."""
        return self.is_ratio and self.display != "number"


def load_catalog(project_dir: Path) -> dict[str, CatalogMetric]:
    """Every KPI metric (a metric with config.meta.kpi) in the project's metrics/ folder and its subfolders. A file that
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
    # every YAML file dbt reads there (model-paths include metrics/, subfolders too, either extension)
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in (".yml", ".yaml") and p.is_file())
    # named as the KPI compiler names them, from the project: metrics/engagement.yml
    shown = {path: path.relative_to(project_dir) for path in files}
    documents = {shown[path]: _document(path, shown[path]) for path in files}
    grains = _finest_grains(documents.values())
    for path, document in documents.items():
        for metric in _metrics(path, document):
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
                    raise InvalidInput(
                        f"{path}: metric '{name}': config.meta.kpi.{key} must be a word, got {kpi[key]!r}"
                    )
            dimensions = kpi.get("dimensions") or []
            if not isinstance(dimensions, list) or not all(isinstance(d, str) for d in dimensions):
                raise InvalidInput(
                    f"{path}: metric '{name}': config.meta.kpi.dimensions must be a list like [user__platform]"
                )
            # a ratio is a share (0..1), a count, duration or amount is not negative, unless the KPI metadata
            # gives another range (NRR, growth rates)
            value_range = kpi.get("range") or DEFAULT_RANGES.get(kpi.get("unit"), (None, None))
            bounds = isinstance(value_range, list | tuple) and len(value_range) == 2
            if not bounds or not all(_number_or_open(bound) for bound in value_range):
                raise InvalidInput(
                    f"{path}: metric '{name}': config.meta.kpi.range must be [lowest, highest], numbers or null (open)"
                )
            maturity_days = kpi.get("maturity_days") or 0
            if not isinstance(maturity_days, int | float) or isinstance(maturity_days, bool):
                raise InvalidInput(f"{path}: metric '{name}': config.meta.kpi.maturity_days must be a number of days")
            catalog[name] = CatalogMetric(
                name=name,
                unit=kpi.get("unit", ""),
                direction=kpi.get("direction", ""),
                cadence=kpi.get("cadence", "week"),
                dimensions={qualified.split("__")[-1]: qualified for qualified in dimensions},
                value_range=tuple(value_range),
                maturity_days=maturity_days,
                display=kpi.get("display"),
                finest_grain=grains(name),
            )
    return catalog


def _number_or_open(bound: object) -> bool:
    return bound is None or (isinstance(bound, int | float) and not isinstance(bound, bool))


def _document(path: Path, shown: Path) -> dict:
    document = read_yaml(path, str(shown)) or {}
    if not isinstance(document, dict):
        raise InvalidInput(f"{shown}: expected a mapping with semantic_models and metrics")
    return document


def _metrics(path: Path, document: dict) -> list[dict]:
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


def _finest_grains(documents) -> Callable[[str], str]:
    """metric name -> the finest grain it exists at, as the KPI compiler works it out (kpi_metric_grains):
    a leaf's is its measure's time dimension's granularity (a conversion metric's, its base measure's), any
    other metric's the coarsest of its inputs'.
    What the compiler would refuse (an unknown measure, a loop) counts as day here; the build names it."""
    measure_grains: dict[str, str] = {}
    metrics: dict[str, dict] = {}
    for document in documents:
        for model in _listed(document.get("semantic_models")):
            defaults = model.get("defaults") if isinstance(model.get("defaults"), dict) else {}
            time_grains = {
                dimension.get("name"): (dimension.get("type_params") or {}).get("time_granularity", "day")
                for dimension in _listed(model.get("dimensions"))
                if dimension.get("type") == "time" and isinstance(dimension.get("type_params") or {}, dict)
            }
            for measure in _listed(model.get("measures")):
                time_dimension = measure.get("agg_time_dimension") or defaults.get("agg_time_dimension")
                measure_grains[measure.get("name")] = time_grains.get(time_dimension, "day")
        metrics.update({metric.get("name"): metric for metric in _listed(document.get("metrics"))})

    def grain(name: str, seen: tuple[str, ...] = ()) -> str:
        metric = metrics.get(name)
        if metric is None or name in seen:
            return "day"
        params = metric.get("type_params") if isinstance(metric.get("type_params"), dict) else {}
        if metric.get("type") in ("ratio", "derived"):
            inputs = [params.get("numerator"), params.get("denominator"), *_listed(params.get("metrics"))]
            found = [grain(_name(i), (*seen, name)) for i in inputs if i is not None]
            return max(found or ["day"], key=_grain_index)
        measure = params.get("measure")
        if metric.get("type") == "conversion":
            conversion = params.get("conversion_type_params")
            measure = conversion.get("base_measure") if isinstance(conversion, dict) else None
        found = measure_grains.get(_name(measure), "day")
        return found if found in GRAINS else "day"

    return grain


def _listed(value: object) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _name(reference: object) -> str | None:
    """A metric or measure named as a string or as a mapping with a name (`{name: ..., filter: ...}`)."""
    return reference.get("name") if isinstance(reference, dict) else reference  # type: ignore[return-value]


def _grain_index(grain: str) -> int:
    return GRAINS.index(grain) if grain in GRAINS else 0
