"""An objective is qualitative: a number in its title belongs in a key result."""

from __future__ import annotations

import re

from scorecard.okrs.rules._common import warning

RULE = "objective-has-numbers"
_NUMBER = re.compile(r"\d")


def check(specs, catalog):
    return [
        warning(
            loaded,
            ("objectives", o, "title"),
            RULE,
            "an objective is qualitative and ambitious; move the number into a key result",
        )
        for loaded in specs
        for o, objective in enumerate(loaded.spec.objectives)
        if _NUMBER.search(objective.title)
    ]
