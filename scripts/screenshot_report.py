#!/usr/bin/env python3
"""Screenshot an HTML report in headless Chromium (Debian's chromium, driven by Playwright; a dev dependency).

    scripts/screenshot_report.py reports/scorecard.html docs/img/report.png --height-limit 900

Writes the PNG (the full page, or its top N pixels with --height-limit), then exits 1 with one line on stderr if
the page logged console errors, made network requests, has charts that did not render, or looks blank; 2 when the
page or the browser cannot be opened.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scorecard.report.browser import ChromiumNotFound, inspect_page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, metavar="PATH.html", help="the report to open")
    parser.add_argument("png", type=Path, metavar="OUT.png", help="where to write the screenshot")
    parser.add_argument("--width", type=int, default=1280, help="viewport width in CSS pixels (default 1280)")
    parser.add_argument("--height-limit", type=int, metavar="N", help="keep only the top N pixels of the page")
    parser.add_argument("--timeout", type=float, default=30, help="seconds to wait for the charts (default 30)")
    args = parser.parse_args(argv)
    from playwright.sync_api import Error as PlaywrightError

    if args.width <= 0 or (args.height_limit is not None and args.height_limit <= 0):
        parser.error("--width and --height-limit must be positive")
    try:
        report = inspect_page(
            args.html,
            screenshot=args.png,
            width=args.width,
            wait_timeout_s=args.timeout,
            height_limit=args.height_limit,
        )
    except (FileNotFoundError, ChromiumNotFound, PlaywrightError) as error:
        first = str(error).strip().splitlines() or [type(error).__name__]
        print(f"error: {_one_line(first[0])}", file=sys.stderr)
        return 2
    problems = report.problems()
    if problems:
        print(f"error: {args.html}: {_one_line('; '.join(problems))}", file=sys.stderr)
        return 1
    return 0


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 400 else text[:399] + "…"


if __name__ == "__main__":
    sys.exit(main())
