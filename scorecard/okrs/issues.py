"""One problem found in a spec, printed as `file:line: field.path: message`."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    file: str
    line: int
    path: str
    message: str
    severity: str = ERROR
    rule: str = "spec"

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        prefix = "" if self.severity == ERROR else f"{self.severity}: "
        return f"{self.file}:{self.line}: {where}{prefix}{self.message}"

    def as_dict(self) -> dict:
        return asdict(self)
