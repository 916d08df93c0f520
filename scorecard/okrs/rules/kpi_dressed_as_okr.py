"""An objective that only restates one metric with one key result is a KPI with a target, not an OKR."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning

RULE = "kpi-dressed-as-okr"


def check(specs, catalog):
    issues = []
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            metric_results = [kr for kr in objective.key_results if kr.type != "milestone"]
            if len(objective.key_results) == 1 and metric_results:
                metric = metric_results[0].metric
                title = objective.title.lower().replace("_", " ")
                if metric.replace("_", " ") in title or len(title.split()) <= 4:
                    issues.append(
                        warning(
                            loaded,
                            ("objectives", o),
                            RULE,
                            f"restates the metric '{metric}' with one key result: a KPI with a target; "
                            "give it a direction worth reaching and 2-5 key results",
                        )
                    )
    return issues
