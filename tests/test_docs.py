"""The KPI catalog table in docs/metrics.md says what metrics/ defines: written by hand, it drifts."""

from __future__ import annotations

import re

import yaml

from tests.conftest import PROJECT_DIR

ROW = re.compile(r"^\| `(\w+)` \|")
ARROWS = {"higher_is_better": "↑", "lower_is_better": "↓"}


def documented_catalog() -> dict[str, list[str]]:
    text = (PROJECT_DIR / "docs" / "metrics.md").read_text(encoding="utf-8")
    section = text[text.index("## The catalog") :]
    rows = {}
    for line in section.splitlines():
        if ROW.match(line):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def defined_catalog() -> dict[str, list[str]]:
    rows = {}
    for path in sorted((PROJECT_DIR / "metrics").glob("*.yml")):
        for metric in yaml.safe_load(path.read_text(encoding="utf-8")).get("metrics") or []:
            kpi = ((metric.get("config") or {}).get("meta") or {}).get("kpi")
            if kpi is None:
                continue
            target = kpi.get("target")
            dimensions = [qualified.split("__")[-1] for qualified in kpi.get("dimensions") or []]
            rows[metric["name"]] = [
                metric["type"],
                kpi["unit"],
                kpi["cadence"],
                ARROWS[kpi["direction"]],
                "—" if target is None else str(target),
                kpi["owner"],
                ", ".join(dimensions) or "—",
            ]
    return rows


def test_the_docs_catalog_lists_every_kpi_as_defined():
    documented, defined = documented_catalog(), defined_catalog()
    assert len(defined) == 48
    assert sorted(documented) == sorted(defined)
    differing = {name: (documented[name], row) for name, row in defined.items() if documented[name] != row}
    assert differing == {}, "docs/metrics.md, The catalog (documented, defined): " + repr(differing)
