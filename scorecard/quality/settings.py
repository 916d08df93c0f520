"""`checks/thresholds.yml`: the settings of the checks that live outside dbt (anomaly detection and the
Great Expectations runner). A missing file means the defaults; a broken one is one line naming it."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scorecard.errors import InvalidInput, first_validation_error
from scorecard.quality.anomaly import AnomalySettings
from scorecard.quality.gx_suites import GxSettings
from scorecard.yaml_file import read_yaml

THRESHOLDS_FILE = Path("checks") / "thresholds.yml"


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    anomaly: AnomalySettings = Field(default_factory=AnomalySettings)
    great_expectations: GxSettings = Field(default_factory=GxSettings)


def load_thresholds(project_dir: Path) -> Thresholds:
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
        return Thresholds.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(f"{shown}: {first_validation_error(exc)}") from exc
