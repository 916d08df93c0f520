"""scorecard.html: one self-contained page (inline CSS, inline vega bundle, inline chart specs) that
opens offline and prints. Jinja2 autoescapes every text from the specs; chart specs go into a JSON
script block with `<` escaped, so no spec text can close the script."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import jinja2

from scorecard.report import charts
from scorecard.report import formatting as fmt
from scorecard.report import model as m
from scorecard.report.vega_bundle import vega_bundle

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(fmt=fmt)
    return env


def _script_json(payload) -> str:
    """JSON safe inside <script>: '<', '>' and '&' as unicode escapes, so '</script>' cannot appear."""
    text = json.dumps(payload, separators=(",", ":"), sort_keys=True, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_specs(report: m.Report) -> dict[str, dict]:
    specs: dict[str, dict] = {}
    if report.north_star:
        spec = charts.north_star_chart(report.north_star)
        if spec:
            specs["chart-north-star"] = spec
    for objective in report.objectives:
        for kr in objective.key_results:
            spec = charts.key_result_chart(kr, report.as_of)
            if spec:
                specs[f"chart-{kr.html_id}"] = spec
    for kpi in report.kpis:
        spec = charts.sparkline(kpi)
        if spec:
            specs[f"spark-{kpi.metric}"] = spec
    return specs


def render(report: m.Report, project_dir: Path) -> str:
    specs = chart_specs(report)
    key_results = {kr.html_id: kr for objective in report.objectives for kr in objective.key_results}
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=report,
        specs=specs,
        key_results=key_results,
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        specs_json=jinja2.utils.markupsafe.Markup(_script_json(specs)),
        bundle=jinja2.utils.markupsafe.Markup(vega_bundle(project_dir).replace("</script", "<\\/script")),
    )
