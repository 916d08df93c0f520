"""`python -m scorecard`: the `scorecard` command, for an environment whose scripts are not on PATH."""

from scorecard.cli import main

main()
