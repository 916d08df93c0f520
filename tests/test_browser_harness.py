"""The headless-browser harness (scorecard.report.browser) on tiny self-made pages: it sees what it must see."""

from __future__ import annotations

import functools
import importlib.util
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

import scorecard.report.browser as browser_module
from scorecard.report.browser import ChromiumNotFound, ensure_chromium, inspect_page, launch_browser, png_is_blank

PROJECT_DIR = Path(__file__).resolve().parents[1]

CHART_SVG = '<svg width="120" height="60"><g><rect x="10" y="10" width="40" height="40" fill="steelblue"/></g></svg>'
READY = "<script>document.body.dataset.chartsReady = 'true';</script>"


@pytest.fixture(scope="module")
def browser():
    """One Chromium for the module's tests (about 0.5 s to start); each inspect_page gets a fresh context."""
    with launch_browser(ensure_chromium()) as shared:
        yield shared


def page(tmp_path: Path, body: str, name: str = "page.html") -> Path:
    path = tmp_path / name
    path.write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>{body}</body></html>'
    )
    return path


def test_clean_page(browser, tmp_path):
    html = page(
        tmp_path, f'<h1 id="o1">Objective</h1><p id="kr1">KR</p><div class="chart" id="c1">{CHART_SVG}</div>{READY}'
    )
    shot = tmp_path / "shot.png"
    report = inspect_page(html, screenshot=shot, browser=browser)
    assert report.console_errors == []
    assert report.requests == []
    assert report.charts == [{"id": "c1", "svg": True, "canvas": False, "rendered": True}]
    assert report.ids == ["o1", "kr1", "c1"]
    assert report.text.split() == ["Objective", "KR"]
    assert report.charts_ready == "true"
    assert report.screenshot_blank is False
    assert report.problems() == []
    assert shot.read_bytes().startswith(b"\x89PNG") and not png_is_blank(shot.read_bytes())


def test_console_error(browser, tmp_path):
    body = "<p>x</p><script>console.error('boom', 42); console.assert(1 === 2, 'maths')</script>"
    report = inspect_page(page(tmp_path, body), browser=browser)
    assert report.console_errors == ["boom 42", "Assertion failed: maths"]


def test_uncaught_error(browser, tmp_path):
    report = inspect_page(page(tmp_path, "<p>x</p><script>null.f()</script>"), browser=browser)
    assert len(report.console_errors) == 1
    assert report.console_errors[0].startswith("uncaught TypeError: Cannot read properties of null")


def test_network_requests_recorded_and_aborted(browser, tmp_path):
    body = (
        '<img src="https://example.com/x.png"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<link rel="stylesheet" href="missing.css">'
        "<script>fetch('http://example.com'); fetch(URL.createObjectURL(new Blob(['local'])));"
        "new WebSocket('ws://example.com/socket');</script>"
    )
    report = inspect_page(page(tmp_path, body), browser=browser)
    assert sorted(report.requests) == sorted(
        [
            "https://example.com/x.png",
            "http://example.com/",
            "ws://example.com/socket",
            (tmp_path / "missing.css").as_uri(),
        ]
    )
    # Aborted by the harness (net::ERR_FAILED), not tried and failed on a name lookup; the unhandled fetch
    # rejection is an uncaught error.
    assert "Failed to load resource: net::ERR_FAILED (https://example.com/x.png)" in report.console_errors
    assert "Failed to load resource: net::ERR_FAILED (http://example.com/)" in report.console_errors
    assert "uncaught TypeError: Failed to fetch" in report.console_errors


def test_empty_charts_not_rendered(browser, tmp_path):
    body = (
        '<div class="chart" id="empty"><svg></svg></div>'
        '<div class="chart" id="zero"><svg width="0" height="0"><rect width="5" height="5"/></svg></div>'
        # vega-embed's actions icon is an svg with circles inside <details>: not a chart
        '<div class="chart" id="menu"><details><summary><svg width="16" height="16"><circle r="2"/></svg>'
        "</summary></details></div>"
        '<div class="chart" id="drawn"><canvas width="40" height="20"></canvas></div>'
        '<div class="chart" id="blank"><canvas width="40" height="20"></canvas></div>'
        "<script>document.querySelector('#drawn canvas').getContext('2d').fillRect(0, 0, 10, 10);"
        "document.querySelector('#blank canvas').getContext('2d').clearRect(0, 0, 40, 20);</script>"
        "<script>document.body.dataset.chartsReady = 'error'; document.body.dataset.chartsError = 'spec #2: bad';"
        "</script>"
    )
    report = inspect_page(page(tmp_path, body), browser=browser)
    assert {chart["id"]: chart["rendered"] for chart in report.charts} == {
        "empty": False,
        "zero": False,
        "menu": False,
        "drawn": True,
        "blank": False,
    }
    assert report.charts[3]["canvas"] is True
    assert (report.charts_ready, report.charts_error) == ("error", "spec #2: bad")
    assert report.problems() == [
        "data-charts-ready is 'error': spec #2: bad",
        "4 charts not rendered (empty, zero, menu, blank)",
    ]


def test_charts_ready_waited_for_and_timeout(browser, tmp_path):
    late = page(
        tmp_path,
        f'<div class="chart" id="c1"></div><script>setTimeout(() => {{'
        f"document.getElementById('c1').innerHTML = '{CHART_SVG}'; document.body.dataset.chartsReady = 'true';"
        "}, 100);</script>",
        "late.html",
    )
    report = inspect_page(late, browser=browser, wait_timeout_s=10)
    assert report.charts_ready == "true" and report.charts[0]["rendered"] is True
    never = page(tmp_path, '<div class="chart" id="c1">pending</div>', "never.html")
    report = inspect_page(never, browser=browser, wait_timeout_s=0.1)
    assert report.charts_ready is None
    assert report.problems() == ["data-charts-ready is not set", "1 chart not rendered (c1)"]


def test_blank_page(browser, tmp_path):
    report = inspect_page(page(tmp_path, ""), browser=browser)
    assert report.screenshot_blank is True
    assert report.problems() == ["the screenshot is blank"]
    white_text = inspect_page(page(tmp_path, '<p style="color:#fff">invisible</p>', "white.html"), browser=browser)
    assert white_text.screenshot_blank is True


def test_height_limit(browser, tmp_path):
    html = page(tmp_path, '<div style="height:1000px;background:linear-gradient(red, blue)"></div>')
    full, top = tmp_path / "full.png", tmp_path / "top.png"
    inspect_page(html, screenshot=full, browser=browser, width=400)
    inspect_page(html, screenshot=top, browser=browser, width=400, height_limit=250)
    assert png_size(full.read_bytes()) == (400, 1016)  # the body's default 8px margins
    assert png_size(top.read_bytes()) == (400, 250)


SCRIPT = PROJECT_DIR / "scripts" / "screenshot_report.py"


def test_screenshot_script(tmp_path):
    """The script as run by hand, with its own browser: exit 0, nothing printed and a clipped PNG."""
    good = page(tmp_path, f'<div class="chart" id="c1">{CHART_SVG}</div>{READY}')
    out = tmp_path / "img" / "good.png"
    done = subprocess.run(
        [sys.executable, SCRIPT, good, out, "--height-limit", "100"], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert png_size(out.read_bytes()) == (1280, 100)


def test_screenshot_script_fails_in_one_line(browser, tmp_path, monkeypatch, capsys):
    """A page with console errors and a request: exit 1 and one line on stderr (in-process, the shared browser)."""
    spec = importlib.util.spec_from_file_location("screenshot_report", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "inspect_page", functools.partial(inspect_page, browser=browser))
    bad = page(tmp_path, '<img src="https://example.com/x.png"><script>console.error("no")</script>')
    assert script.main([str(bad), str(tmp_path / "bad.png")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}: 2 console errors, the first: ")
    assert "; 1 network request: https://example.com/x.png" in err


# png_is_blank on hand-made PNGs, every filter type: one different pixel anywhere must be seen.


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


def encode_png(pixels: list[list[tuple[int, ...]]], filters: list[int], colour_type: int = 2) -> bytes:
    """A minimal 8-bit PNG encoder that applies the given filter type to each line."""
    bpp = len(pixels[0][0])
    lines = [bytes(value for pixel in row for value in pixel) for row in pixels]
    raw = bytearray()
    prior = bytes(len(lines[0]))
    for line, kind in zip(lines, filters, strict=True):
        raw.append(kind)
        for i, x in enumerate(line):
            a = line[i - bpp] if i >= bpp else 0
            b = prior[i]
            c = prior[i - bpp] if i >= bpp else 0
            if kind == 0:
                predictor = 0
            elif kind == 1:
                predictor = a
            elif kind == 2:
                predictor = b
            elif kind == 3:
                predictor = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else b if pb <= pc else c
            raw.append((x - predictor) & 0xFF)
        prior = line

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", len(pixels[0]), len(pixels), 8, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("colour", [(255, 255, 255), (0, 0, 0), (7, 200, 131)])
@pytest.mark.parametrize("first_filter", range(5))
def test_png_is_blank(colour, first_filter):
    width, height = 5, 6
    filters = [first_filter, 0, 1, 2, 3, 4]
    uniform = [[colour] * width for _ in range(height)]
    assert png_is_blank(encode_png(uniform, filters)) is True
    other = tuple(255 - value for value in colour)
    for y in range(height):
        for x in (0, 2, width - 1):
            image = [row[:] for row in uniform]
            image[y][x] = other
            assert png_is_blank(encode_png(image, filters)) is False, (y, x)
    rgba = [[(*colour, 255)] * width for _ in range(height)]
    assert png_is_blank(encode_png(rgba, filters, colour_type=6)) is True
    rgba[height - 1][width - 1] = (*colour, 254)
    assert png_is_blank(encode_png(rgba, filters, colour_type=6)) is False


def test_png_is_blank_rejects_non_png():
    with pytest.raises(ValueError, match="not a PNG"):
        png_is_blank(b"GIF89a")


def test_ensure_chromium_not_root(monkeypatch):
    monkeypatch.setattr(browser_module.shutil, "which", lambda name: None)
    monkeypatch.setattr(browser_module.os, "geteuid", lambda: 1000)
    with pytest.raises(ChromiumNotFound, match="apt-get install -y --no-install-recommends chromium"):
        ensure_chromium()


def test_ensure_chromium_installs_as_root(monkeypatch):
    installed, commands = [], []
    monkeypatch.setattr(
        browser_module.shutil,
        "which",
        lambda name: {"apt-get": "/usr/bin/apt-get", "chromium": "/usr/bin/chromium" if installed else None}[name],
    )
    monkeypatch.setattr(browser_module.os, "geteuid", lambda: 0)

    def run(command, **kwargs):
        commands.append(command)
        if "install" in command:
            installed.append(True)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(browser_module.subprocess, "run", run)
    assert ensure_chromium() == Path("/usr/bin/chromium")
    assert commands == [
        ["/usr/bin/apt-get", "update"],
        ["/usr/bin/apt-get", "install", "-y", "--no-install-recommends", "chromium"],
    ]
