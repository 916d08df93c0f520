"""Focus: at most 5 objectives per team and cycle, 2 to 5 key results per objective."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning

RULE = "okr-sprawl"
MAX_OBJECTIVES = 5
MIN_KEY_RESULTS = 2
MAX_KEY_RESULTS = 5


def check(specs, catalog):
    issues = []
    for loaded in specs:
        objectives = loaded.spec.objectives
        if len(objectives) > MAX_OBJECTIVES:
            issues.append(
                warning(
                    loaded,
                    ("objectives",),
                    RULE,
                    f"{len(objectives)} objectives for one team and cycle; keep it to {MAX_OBJECTIVES} or fewer",
                )
            )
        for o, objective in enumerate(objectives):
            count = len(objective.key_results)
            if count < MIN_KEY_RESULTS or count > MAX_KEY_RESULTS:
                issues.append(
                    warning(
                        loaded,
                        ("objectives", o, "key_results"),
                        RULE,
                        f"{count} key result{'s' if count != 1 else ''}; an objective needs "
                        f"{MIN_KEY_RESULTS} to {MAX_KEY_RESULTS}",
                    )
                )
    return issues
