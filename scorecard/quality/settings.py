"""`checks/thresholds.yml`: the settings of the checks that live outside dbt (anomaly detection and the
Great Expectations runner). A missing file means the defaults; a broken one is one line naming it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scorecard.errors import InvalidInput, first_validation_error
from scorecard.quality.anomaly import AnomalySettings
from scorecard.quality.gx_suites import GxSettings
from scorecard.suggest import did_you_mean
from scorecard.yaml_file import read_yaml

THRESHOLDS_FILE = Path("checks") / "thresholds.yml"


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anomaly: AnomalySettings = Field(default_factory=AnomalySettings)
    great_expectations: GxSettings = Field(default_factory=GxSettings)


def load_thresholds(project_dir: Path, cadences: Mapping[str, str]) -> Thresholds:
    """The settings; ``cadences``: each KPI of metrics/ and its cadence grain. A per-KPI override must
    name one, and its windows must suit that cadence: read before any check runs, so a mistake stops the
    run before dbt's tests take their time."""
    path = project_dir / THRESHOLDS_FILE
    if not path.exists():
        return Thresholds()
    shown = THRESHOLDS_FILE.as_posix()
    data = read_yaml(path, shown)
    if data is None:
        return Thresholds()
    if not isinstance(data, dict):
        raise InvalidInput(f"{shown}: expected a mapping with 'anomaly' and 'great_expectations' sections")
    try:
        thresholds = Thresholds.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"{shown}: {first_validation_error(exc)}") from exc
    for name in thresholds.anomaly.metrics:
        if name not in cadences:
            hint = did_you_mean(name, cadences)
            raise InvalidInput(f"{shown}: anomaly.metrics.{name}: no KPI of that name in metrics/{hint}")
        try:
            thresholds.anomaly.rule_for(cadences[name], name)
        except InvalidInput as exc:
            raise InvalidInput(f"{shown}: {exc}") from None
    return thresholds
