"""Open an HTML report in headless Chromium and say what it did: the harness behind the report's end-to-end
test and ``scripts/screenshot_report.py``.

The browser is Debian's ``chromium`` package driven by Playwright for Python (a dev dependency, imported
lazily); Playwright's own browser download (``playwright install``) is never used. Every request the page
makes other than for the page itself is recorded, and every one that is not a local file is aborted, so a
run never touches the network.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = "chromium"  # the Debian package and the command it installs

# Extra Chromium switches: none. Playwright already passes what this needs: `--no-sandbox` (because
# chromium_sandbox=False below; Chromium refuses to start its sandbox as root, "Chromium sandboxing failed!",
# which is how tests run in containers and on CI), `--disable-dev-shm-usage` (a container's small /dev/shm would
# crash the renderer) and `--headless`; without a GPU, Chromium falls back to software rendering by itself.
# Checked in the project's sandbox as root with Chromium 156 and Playwright 1.65.
CHROMIUM_ARGS: list[str] = []

VIEWPORT_HEIGHT = 800
LOAD_TIMEOUT_S = 30  # for the page's load event (inline scripts run before it)
SETTLE_TIMEOUT_S = 5  # for requests still in flight after load (and the charts): local files, aborted ones

# Elements that draw something inside an <svg>; an svg holding only <g> or <defs> draws nothing.
_SVG_GRAPHICS = "path, rect, circle, ellipse, line, polyline, polygon, text, image, use"

_CHARTS_JS = """
(charts) => charts.map((el) => {
  // vega-embed's actions menu puts an icon <svg> in a <details>: not the chart.
  const svgs = [...el.querySelectorAll('svg')].filter((s) => !s.closest('details'));
  const svg = svgs.some((s) => {
    const box = s.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && s.querySelector(GRAPHICS) !== null;
  });
  const canvas = [...el.querySelectorAll('canvas')].some((c) => {
    if (!c.width || !c.height) return false;
    let ctx = null;
    try { ctx = c.getContext('2d'); } catch (e) { ctx = null; }
    if (ctx === null) {  // a WebGL canvas: compare with an empty canvas of the same size
      const blank = document.createElement('canvas');
      blank.width = c.width; blank.height = c.height;
      return c.toDataURL() !== blank.toDataURL();
    }
    let px;
    try { px = new Uint32Array(ctx.getImageData(0, 0, c.width, c.height).data.buffer); }
    catch (e) { return false; }  // tainted by a local image: cannot tell, so not shown to be drawn
    for (let i = 1; i < px.length; i++) if (px[i] !== px[0]) return true;
    return false;  // one colour all over (or all transparent): nothing drawn
  });
  return {id: el.id || null, svg, canvas, rendered: svg || canvas};
})
""".replace("GRAPHICS", repr(_SVG_GRAPHICS))

_CHARTS_SETTLED_JS = "() => ['true', 'error'].includes(document.body && document.body.dataset.chartsReady)"


class ChromiumNotFound(RuntimeError):
    """Debian's chromium is not installed and cannot be installed here."""


@dataclass
class PageReport:
    """What a page did in the browser; see inspect_page."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    charts_ready: str | None = None
    charts_error: str | None = None
    screenshot_blank: bool = False
    text: str = ""  # document.body.innerText: what a reader sees (escaped markup shows here as text)

    def problems(self) -> list[str]:
        """One short phrase per kind of problem (empty when the page is clean)."""
        found = []
        if self.console_errors:
            found.append(_first(self.console_errors, "console error"))
        if self.requests:
            found.append(_first(self.requests, "network request"))
        if self.charts and self.charts_ready != "true":
            state = "not set" if self.charts_ready is None else repr(self.charts_ready)
            detail = f": {self.charts_error}" if self.charts_error else ""
            found.append(f"data-charts-ready is {state}{detail}")
        empty = [chart["id"] or "(no id)" for chart in self.charts if not chart["rendered"]]
        if empty:
            found.append(f"{_count(empty, 'chart')} not rendered ({', '.join(empty)})")
        if self.screenshot_blank:
            found.append("the screenshot is blank")
        return found


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _first(items: list[str], noun: str) -> str:
    return f"1 {noun}: {items[0]}" if len(items) == 1 else f"{_count(items, noun)}, the first: {items[0]}"


def ensure_chromium() -> Path:
    """The path of Debian's chromium, installing the package with apt-get first when missing (root only)."""
    found = shutil.which(CHROMIUM)
    if found:
        return Path(found)
    if os.name != "posix" or os.geteuid() != 0:
        raise ChromiumNotFound(
            f"headless tests need Debian's {CHROMIUM} package and it is not installed: run "
            f"`sudo apt-get install -y --no-install-recommends {CHROMIUM}` (Playwright's browser download is not used)"
        )
    apt = shutil.which("apt-get")
    if apt is None:
        raise ChromiumNotFound(f"{CHROMIUM} is not installed and there is no apt-get to install it with")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", CHROMIUM]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            lines = (done.stderr or done.stdout).strip().splitlines()
            raise ChromiumNotFound(
                f"`{' '.join(command)}` failed (exit {done.returncode}): {lines[-1] if lines else 'no output'}"
            )
    found = shutil.which(CHROMIUM)
    if not found:
        raise ChromiumNotFound(f"apt-get installed {CHROMIUM} but there is no `{CHROMIUM}` command on PATH")
    return Path(found)


@contextmanager
def launch_browser(executable: Path | str | None = None) -> Iterator[Browser]:
    """A headless Chromium (Debian's, see ensure_chromium) for one or more inspect_page calls."""
    from playwright.sync_api import sync_playwright

    path = Path(executable) if executable is not None else ensure_chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(path), headless=True, chromium_sandbox=False, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def inspect_page(
    html_path: Path,
    *,
    screenshot: Path | None = None,
    width: int = 1280,
    wait_timeout_s: float = 30,
    height_limit: int | None = None,
    browser: Browser | None = None,
) -> PageReport:
    """Open ``html_path`` in headless Chromium and report console errors, requests, charts, ids and blankness.

    When the page has ``.chart`` elements, waits (after the load event) up to ``wait_timeout_s`` for
    ``document.body.dataset.chartsReady`` to become "true" or "error"; ``charts_ready`` is then whatever it
    holds (None when unset). The full-page screenshot decides ``screenshot_blank``; ``screenshot`` writes it as a
    PNG, clipped to the top ``height_limit`` pixels when given. Pass ``browser`` (from launch_browser) to reuse
    one browser across pages; without it each call starts and stops its own (about a second).
    """
    html_path = Path(html_path)
    if not html_path.is_file():
        raise FileNotFoundError(f"{html_path}: no such file")
    if browser is None:
        with launch_browser() as own:
            return _inspect(own, html_path, screenshot, width, wait_timeout_s, height_limit)
    return _inspect(browser, html_path, screenshot, width, wait_timeout_s, height_limit)


def _inspect(
    browser: Browser,
    html_path: Path,
    screenshot: Path | None,
    width: int,
    wait_timeout_s: float,
    height_limit: int | None,
) -> PageReport:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url = html_path.resolve().as_uri()
    report = PageReport(url=url)
    in_flight: set[Any] = set()

    def on_request(request) -> None:
        if request.url != url and not request.url.startswith(("data:", "blob:")):
            report.requests.append(request.url)
        in_flight.add(request)

    def on_route(route) -> None:
        # Local files load (a missing one fails by itself); anything else is aborted, never sent.
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            route.abort()

    def on_web_socket(socket) -> None:  # not a `request` event: recorded here, never connected
        report.requests.append(socket.url)
        socket.close()

    def on_console(message) -> None:
        if message.type in ("error", "assert"):  # a failed console.assert is logged as an error too
            text = f"Assertion failed: {message.text}" if message.type == "assert" else message.text
            where = (message.location or {}).get("url")
            report.console_errors.append(f"{text} ({where})" if where and where != url else text)

    context = browser.new_context(
        viewport={"width": width, "height": VIEWPORT_HEIGHT}, device_scale_factor=1, service_workers="block"
    )
    try:
        context.route("**/*", on_route)
        if hasattr(context, "route_web_socket"):  # Playwright 1.48+; before, WebSockets are only recorded
            context.route_web_socket("**/*", on_web_socket)
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda error: report.console_errors.append(f"uncaught {error.name}: {error.message}"))
        page.on("request", on_request)
        page.on("requestfinished", lambda request: in_flight.discard(request))
        page.on("requestfailed", lambda request: in_flight.discard(request))
        if not hasattr(context, "route_web_socket"):
            page.on("websocket", lambda socket: report.requests.append(socket.url))

        page.goto(url, wait_until="load", timeout=max(wait_timeout_s, LOAD_TIMEOUT_S) * 1000)
        if page.locator(".chart").count():
            with suppress(PlaywrightTimeout):
                page.wait_for_function(_CHARTS_SETTLED_JS, timeout=max(wait_timeout_s * 1000, 1))
        # Let a last frame and timer run, then wait (briefly) for requests started late to end or be aborted.
        page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)))")
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        while in_flight and time.monotonic() < deadline:
            page.wait_for_timeout(20)

        state = page.evaluate(
            "() => [document.body ? document.body.dataset.chartsReady ?? null : null,"
            " document.body ? document.body.dataset.chartsError ?? null : null]"
        )
        report.charts_ready, report.charts_error = state
        report.charts = page.eval_on_selector_all(".chart", _CHARTS_JS)
        report.ids = page.eval_on_selector_all("[id]", "(els) => els.map((el) => el.id)")
        report.text = page.evaluate("() => document.body ? document.body.innerText : ''")

        image = page.screenshot(full_page=True, type="png")
        report.screenshot_blank = png_is_blank(image)
        if screenshot is not None:
            screenshot = Path(screenshot)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            if height_limit is None:
                screenshot.write_bytes(image)
            else:
                page_height = _png_size(image)[1]
                clip = {"x": 0, "y": 0, "width": width, "height": min(height_limit, page_height)}
                page.screenshot(path=str(screenshot), full_page=True, clip=clip, type="png")
    finally:
        context.close()
    return report


# PNG without a PNG library (Pillow is not a dependency): enough to tell whether an 8- or 16-bit,
# non-interlaced image, which is what Chromium writes, is a single colour.


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        yield kind, data[pos + 8 : pos + 8 + length]
        if kind == b"IEND":
            return
        pos += 12 + length


def _png_size(data: bytes) -> tuple[int, int]:
    kind, header = next(_png_chunks(data))
    if kind != b"IHDR":
        raise ValueError("PNG without an IHDR chunk")
    return struct.unpack(">II", header[:8])


_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel


def png_is_blank(data: bytes) -> bool:
    """True when every pixel of the PNG has the same value (palette images: the same palette index).

    Does not unfilter the image in Python (slow for a full-page screenshot): if the image were one colour C,
    each scanline's filtered bytes would be fully determined by the filter type and whether it is the first
    line, and filtering is invertible line by line, so comparing each line with that expectation decides it.
    """
    width = height = None
    idat = []
    for kind, body in _png_chunks(data):
        if kind == b"IHDR":
            width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth not in (8, 16) or colour_type not in _CHANNELS or interlace:
                raise ValueError(
                    f"unsupported PNG: bit depth {depth}, colour type {colour_type}, interlaced {interlace}"
                )
            bpp = _CHANNELS[colour_type] * depth // 8
        elif kind == b"IDAT":
            idat.append(body)
    if width is None or not idat:
        raise ValueError("PNG without IHDR or IDAT")
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    if len(raw) < height * (stride + 1):
        raise ValueError("truncated PNG image data")
    if width == 0 or height == 0:
        return True
    colour = raw[1 : 1 + bpp]  # every filter leaves the first pixel of the first line as it is
    half = bytes((c - c // 2) & 0xFF for c in colour)  # c - floor(c / 2): the Average filter's first step
    zeros = bytes(bpp)
    rest = width - 1
    # filter type (None, Sub, Up, Average, Paeth) -> the filtered line; the line above the first is all zeros
    first_line = {
        0: colour * width,
        1: colour + zeros * rest,
        2: colour * width,
        3: colour + half * rest,
        4: colour + zeros * rest,
    }
    other_lines = {
        0: colour * width,
        1: colour + zeros * rest,
        2: zeros * width,
        3: half + zeros * rest,
        4: zeros * width,
    }
    for row in range(height):
        start = row * (stride + 1)
        expected = (first_line if row == 0 else other_lines).get(raw[start])
        if expected is None:
            raise ValueError(f"bad PNG filter type {raw[start]} on line {row}")
        if raw[start + 1 : start + 1 + stride] != expected:
            return False
    return True
