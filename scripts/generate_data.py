#!/usr/bin/env python3
"""Generate the sample source data: the same as `scorecard generate` (run with --help for the options)."""

from __future__ import annotations

import sys

from scorecard.cli import cli

if __name__ == "__main__":
    cli(args=["generate", *sys.argv[1:]], prog_name="generate_data.py")
