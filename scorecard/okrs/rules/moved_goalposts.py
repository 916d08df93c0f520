"""Moving the goalposts: a key result's target or metric changed after its cycle started, compared with
the history `scorecard score` recorded in the warehouse (okrs.okr_key_results)."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning

RULE = "moved-goalposts"


def check(specs, catalog, recorded=None):
    issues = []
    for loaded in specs:
        spec = loaded.spec
        for o, objective in enumerate(spec.objectives):
            for k, key_result in enumerate(objective.key_results):
                before = (recorded or {}).get((spec.team, spec.cycle_name, objective.id, key_result.id))
                if before is None or key_result.type != "metric":
                    continue
                at = ("objectives", o, "key_results", k)
                if key_result.metric != before["metric"]:
                    issues.append(
                        warning(
                            loaded,
                            (*at, "metric"),
                            RULE,
                            f"metric changed from '{before['metric']}' after the cycle started "
                            f"(scored since {before['first_scored']}): moving the goalposts",
                        )
                    )
                    continue
                target = key_result.target_amount().resolve(before["baseline"])
                if target is not None and before["target"] is not None and abs(target - before["target"]) > 1e-9:
                    issues.append(
                        warning(
                            loaded,
                            (*at, "target"),
                            RULE,
                            f"target changed from {before['target']:g} to {target:g} after the cycle "
                            "started: moving the goalposts",
                        )
                    )
    return issues
