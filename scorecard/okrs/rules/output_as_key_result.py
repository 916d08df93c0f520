"""An output ("Ship the new landing page") is not an outcome: type it milestone or name the metric it should move."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning

RULE = "output-as-key-result"
OUTPUT_VERBS = (
    "ship",
    "launch",
    "release",
    "build",
    "deliver",
    "implement",
    "create",
    "complete",
    "finish",
    "roll out",
    "migrate",
    "redesign",
    "write",
    "publish",
    "hire",
    "set up",
    "introduce",
)


def check(specs, catalog):
    issues = []
    for loaded in specs:
        for o, objective in enumerate(loaded.spec.objectives):
            for k, key_result in enumerate(objective.key_results):
                title = (key_result.title or "").strip().lower()
                if key_result.type != "milestone" and title.startswith(OUTPUT_VERBS):
                    issues.append(
                        warning(
                            loaded,
                            ("objectives", o, "key_results", k, "title"),
                            RULE,
                            "reads like an output; type it milestone, or write the outcome it should move",
                        )
                    )
    return issues
