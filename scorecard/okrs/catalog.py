"""The KPI catalog as OKR specs see it, read straight from metrics/*.yml (no dbt run needed)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class CatalogMetric:
    name: str
    unit: str
    direction: str
    cadence: str
    dimensions: dict[str, str]  # short name -> entity__name
    value_range: tuple[float | None, float | None] = (None, None)

    @property
    def is_ratio(self) -> bool:
        return self.unit == "ratio"


def load_catalog(project_dir: Path) -> dict[str, CatalogMetric]:
    """Every KPI metric (a metric with config.meta.kpi) in the project's metrics/ folder."""
    catalog: dict[str, CatalogMetric] = {}
    for path in sorted((project_dir / "metrics").glob("*.yml")):
        document = yaml.safe_load(path.read_text()) or {}
        for metric in document.get("metrics") or []:
            kpi = ((metric.get("config") or {}).get("meta") or {}).get("kpi")
            if not isinstance(kpi, dict):
                continue
            dimensions = {qualified.split("__")[-1]: qualified for qualified in kpi.get("dimensions") or []}
            # a ratio is a share (0..1) unless its KPI metadata gives another range (NRR, growth rates)
            low, high = kpi.get("range") or ((0, 1) if kpi.get("unit") == "ratio" else (None, None))
            catalog[metric["name"]] = CatalogMetric(
                name=metric["name"],
                unit=kpi.get("unit", ""),
                direction=kpi.get("direction", ""),
                cadence=kpi.get("cadence", "week"),
                dimensions=dimensions,
                value_range=(low, high),
            )
    return catalog
