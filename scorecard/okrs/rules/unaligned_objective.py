"""A team objective should say which company objective it serves (aligns_to)."""

from __future__ import annotations

from scorecard.okrs.rules._common import warning

RULE = "unaligned-objective"
COMPANY_TEAM = "company"


def check(specs, catalog):
    return [
        warning(loaded, ("objectives", o), RULE, "a team objective that aligns to nothing; add aligns_to: company/<id>")
        for loaded in specs
        if loaded.spec.team != COMPANY_TEAM
        for o, objective in enumerate(loaded.spec.objectives)
        if objective.aligns_to is None
    ]
