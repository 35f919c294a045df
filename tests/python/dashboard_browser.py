"""Drive headless Chromium through the DevTools protocol (a websocket) to check the dashboard as people see it.

A plain `chromium --headless --screenshot` captures Streamlit as a blank page: the app draws over a live
websocket after the page has loaded. So the test opens the page in a headless Chromium it controls, waits
until Streamlit says the script finished and every chart has drawn, then reads the DOM and takes a
screenshot. Also a command to regenerate the README screenshot:

    .venv/bin/python -m tests.python.dashboard_browser --publish-path warehouse/cs_rules_published.duckdb \\
        --out docs/img/dashboard.png --width 1000
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import websocket
from PIL import Image

from dashboard.__main__ import REPO_ROOT, streamlit_command, streamlit_env

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
WINDOW = (1400, 1000)

# Streamlit finished the script run, nothing is still loading, every table has its cells in the DOM and every
# chart has drawn its canvas or svg.
READY_JS = """
(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  if (![...document.querySelectorAll('[data-testid="stDataFrame"]')].every(grid => grid.textContent)) return false;
  return charts.every(chart => [...chart.querySelectorAll('canvas, svg.marks')]
      .some(el => el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0));
})()
"""

# What the test reads from the page.
PAGE_JS = """
(() => ({
  title: document.querySelector('h1')?.innerText ?? '',
  text: document.querySelector('[data-testid="stMain"]')?.innerText ?? document.body.innerText,
  metrics: Object.fromEntries([...document.querySelectorAll('[data-testid="stMetric"]')].map(m => [
    m.querySelector('[data-testid="stMetricLabel"]')?.innerText.trim(),
    m.querySelector('[data-testid="stMetricValue"]')?.innerText.trim()])),
  tables: [...document.querySelectorAll('[data-testid="stTable"] table')].map(t =>
    [...t.querySelectorAll('tr')].map(r => [...r.querySelectorAll('th, td')].map(c => c.innerText.trim()))),
  grids: [...document.querySelectorAll('[data-testid="stDataFrame"]')].map(d => d.textContent),
  charts: [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].length,
  drawn: [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
      .filter(chart => chart.querySelector('canvas, svg.marks')).length,
  exceptions: [...document.querySelectorAll('[data-testid="stException"]')].map(e => e.innerText),
  scrollHeight: Math.max(...[...document.querySelectorAll(
      '[data-testid="stMain"], [data-testid="stAppViewContainer"], body')].map(e => e.scrollHeight)),
}))()
"""


def find_chromium() -> str | None:
    """The Chromium executable on PATH, if any."""
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    """Poll `check()` until it returns something truthy; fail after `timeout` seconds naming `what`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def http_ok(url: str) -> bool:
    """The URL answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def stop_process(process: subprocess.Popen[Any], timeout: float = 10) -> None:
    """Stop a process this module started (its own process group), by its PID: TERM, then KILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


@contextmanager
def dashboard_server(publish_path: Path, log_path: Path, port: int | None = None) -> Iterator[str]:
    """Serve the dashboard over `publish_path` on 127.0.0.1; yield its URL; stop it by PID on exit."""
    port = port or free_port()
    env = streamlit_env({**os.environ, "CS_PUBLISH_PATH": str(publish_path)})
    env.pop("CS_DUCKDB_PATH", None)
    with log_path.open("w") as log:
        command = streamlit_command(port)
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until(
                lambda: process.poll() is not None or http_ok(f"{url}/_stcore/health"), 60, "the dashboard server"
            )
            if process.poll() is not None:
                raise RuntimeError(f"the dashboard server exited ({process.returncode}): {log_path.read_text()}")
            yield url
        finally:
            stop_process(process)


@dataclass
class DevTools:
    """A minimal DevTools-protocol client over one page target's websocket."""

    connection: websocket.WebSocket
    ids: Iterator[int]

    def call(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> dict[str, Any]:
        """Send a command, return its result (events that arrive meanwhile are dropped)."""
        call_id = next(self.ids)
        self.connection.send(json.dumps({"id": call_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message: dict[str, Any] = json.loads(self.connection.recv())
            if message.get("id") == call_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
        raise TimeoutError(f"no answer to {method}")

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page."""
        result = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, timeout: float = 60, max_height: int = 4000) -> dict[str, Any]:
        """Load `url` and wait until Streamlit finished and the charts drew; then make the window as tall as
        the page (up to `max_height`: tables draw only the rows in view), wait again, and return what
        PAGE_JS reads."""
        self.resize(WINDOW[1])
        self.evaluate("window.__previousPage = true")
        self.call("Page.navigate", {"url": url})
        ready = f"!window.__previousPage && {READY_JS}"
        wait_until(lambda: self.evaluate(ready), timeout, f"{url} to finish rendering its charts")
        height = min(int(self.evaluate(PAGE_JS)["scrollHeight"]) + 40, max_height)
        self.resize(height)
        time.sleep(0.5)  # charts and tables lay out again at the new size
        wait_until(lambda: self.evaluate(ready), timeout, f"{url} to render again {height} px tall")
        page: dict[str, Any] = self.evaluate(PAGE_JS)
        return page

    def resize(self, height: int) -> None:
        """Make the window `height` pixels tall (and WINDOW wide)."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": WINDOW[0], "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def screenshot(self, path: Path) -> None:
        """A PNG of the window (as tall as the page after `open`)."""
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))


@contextmanager
def chromium(profile_dir: Path, executable: str | None = None) -> Iterator[DevTools]:
    """A headless Chromium with its DevTools on a loopback port; yields a client of its first page."""
    executable = executable or find_chromium()
    if executable is None:
        raise FileNotFoundError("no chromium on PATH (Debian package `chromium`)")
    command = [
        executable,
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--mute-audio",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--user-data-dir={profile_dir}",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank",
    ]
    log = (profile_dir.parent / f"{profile_dir.name}.log").open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        port_file = profile_dir / "DevToolsActivePort"
        wait_until(lambda: process.poll() is not None or port_file.exists(), 30, "chromium's DevTools port")
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited ({process.returncode}); see {log.name}")
        port = int(wait_until(lambda: port_file.read_text().split("\n")[0].strip(), 10, "the port number"))
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as response:
            targets = json.load(response)
        page = next(target for target in targets if target.get("type") == "page")
        connection = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True)
        try:
            client = DevTools(connection, itertools.count(1))
            client.call("Page.enable")
            client.call("Runtime.enable")
            yield client
        finally:
            connection.close()
    finally:
        stop_process(process)
        log.close()


def shrink(png: Path, width: int) -> None:
    """Scale a screenshot down to `width` pixels and to a 256-colour palette (a small file for the README)."""
    with Image.open(png) as image:
        height = round(image.height * width / image.width)
        small = image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
    small.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(png, optimize=True)


def capture(publish_path: Path, out: Path, path: str = "/", width: int | None = None) -> None:
    """Serve the dashboard over `publish_path` and save a screenshot of `path` to `out` (scaled to `width`)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "profile").mkdir()
        with dashboard_server(publish_path, root / "server.log") as url, chromium(root / "profile") as browser:
            page = browser.open(url + path)
            if page["exceptions"]:
                raise RuntimeError(f"the page shows an error: {page['exceptions']}")
            out.parent.mkdir(parents=True, exist_ok=True)
            browser.screenshot(out)
    if width:
        shrink(out, width)
    print(f"{out}: {out.stat().st_size:,} bytes")


def main(argv: Sequence[str] | None = None) -> int:
    """Regenerate a screenshot (the README's) from a published file."""
    parser = argparse.ArgumentParser(description="screenshot the dashboard in headless Chromium")
    parser.add_argument("--publish-path", type=Path, default=Path("warehouse/cs_rules_published.duckdb"))
    parser.add_argument("--out", type=Path, default=Path("docs/img/dashboard.png"))
    parser.add_argument("--page", default="/", help="URL path of the page, e.g. /shop?shop=S001")
    parser.add_argument("--width", type=int, default=1000, help="scale down to this width (0: keep 1400 px)")
    args = parser.parse_args(argv)
    capture(args.publish_path.resolve(), args.out, args.page, args.width or None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
