"""Open the built reports in headless Chromium: every link resolves, every image loads, no console errors.

Builds the status page plus one city, one category and the overview report (the real notebooks if they
exist, else the runner's fixture notebooks), serves reports/<year>/ on 127.0.0.1 and drives Chromium
through the DevTools protocol (websocket-client, no Selenium, no downloads, no network).
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from functools import partial
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class CDP:
    """Minimal Chrome DevTools protocol client for one page."""

    def __init__(self, ws_url: str):
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict] = []

    def call(self, method: str, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        deadline = time.monotonic() + timeout
        for i, ev in enumerate(self.events):
            if ev.get("method") == method:
                return self.events.pop(i)
        while time.monotonic() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            msg = json.loads(self.ws.recv())
            if msg.get("method") == method:
                return msg
            self.events.append(msg)
        raise TimeoutError(method)

    def evaluate(self, expression: str):
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(res["exceptionDetails"])
        return res["result"].get("value")

    def close(self):
        self.ws.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the reports and serve reports/<year>/ over HTTP."""
    from smartcity.runner.build import Build, Options
    from smartcity.runner.discovery import discover_notebooks

    real = ROOT / "notebooks"
    nbdir = real if len(discover_notebooks(real)) >= 3 else FIXTURES
    specs = discover_notebooks(nbdir)
    out = tmp_path_factory.mktemp("reports")
    result = Build(
        Options(
            cities=["Krefeld"],
            categories=["Verwaltung"],
            notebooks=[s.name for s in specs],
            out=out,
            notebook_dir=nbdir,
            jobs=2,
            progress="plain",
        )
    ).run()
    assert result.exit_code == 0, result.summary
    year_dir = result.year_dir
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(year_dir))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", result
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    exe = _chromium()
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install chromium chromium-driver; CI has it)")
    pytest.importorskip("websocket", reason="websocket-client is needed to drive Chromium")
    profile = tmp_path_factory.mktemp("chrome-profile")
    proc = subprocess.Popen(
        [exe, *CHROME_FLAGS, f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 30
    while not (port_file.exists() and port_file.read_text().strip()) and time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"chromium exited with {proc.returncode}")
        time.sleep(0.1)
    port = int(port_file.read_text().split()[0])
    try:
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _open_page(port: int) -> CDP:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
    target = json.loads(urllib.request.urlopen(req, timeout=10).read())
    cdp = CDP(target["webSocketDebuggerUrl"])
    for domain in ("Page", "Runtime", "Log", "Network"):
        cdp.call(f"{domain}.enable")
    return cdp


def _visit(cdp: CDP, url: str) -> dict:
    cdp.events.clear()
    cdp.call("Page.navigate", url=url)
    cdp.wait_for("Page.loadEventFired")
    cdp.evaluate("new Promise(r => setTimeout(r, 300))")  # let late console messages arrive
    info = cdp.evaluate("""({
        title: document.title,
        images: Array.from(document.images).map(i => ({src: i.currentSrc.slice(0, 80), complete: i.complete,
                                                       width: i.naturalWidth})),
        links: Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')),
        ids: Array.from(document.querySelectorAll('[id]')).map(e => e.id),
    })""")
    errors = []
    for ev in cdp.events:
        m, p = ev.get("method"), ev.get("params", {})
        if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errors.append(("console", [a.get("value", a.get("description")) for a in p.get("args", [])]))
        elif m == "Runtime.exceptionThrown":
            errors.append(("exception", p["exceptionDetails"].get("text")))
        elif (
            m == "Log.entryAdded"
            and p["entry"].get("level") == "error"
            and not str(p["entry"].get("url", "")).endswith("/favicon.ico")
        ):  # browser-initiated
            errors.append(("log", p["entry"].get("text"), p["entry"].get("url")))
        elif m == "Network.loadingFailed" and not p.get("canceled"):
            errors.append(("network", p.get("errorText"), p.get("type")))
    info["errors"] = errors
    return info


def _check_links(base: str, page_url: str, info: dict) -> list[str]:
    problems = []
    for href in info["links"]:
        url = urllib.parse.urljoin(page_url, href)
        parsed = urllib.parse.urlparse(url)
        if parsed.scheme in ("mailto", "tel", "data"):
            continue
        if not url.startswith(base):
            continue  # external sources (e.g. bitkom.org) are citations, not resources; offline here
        if parsed.fragment and url.split("#")[0] == page_url.split("#")[0]:
            if parsed.fragment not in info["ids"]:
                problems.append(f"{href}: no element with id {parsed.fragment!r}")
            continue
        try:
            with urllib.request.urlopen(url.split("#")[0], timeout=10) as resp:
                if resp.status != 200:
                    problems.append(f"{href}: HTTP {resp.status}")
        except urllib.error.URLError as exc:
            problems.append(f"{href}: {exc}")
    return problems


def test_index_and_one_report_of_each_kind(site, browser):
    base, result = site
    entries = {e["id"]: e for e in result.entries}
    pages = ["status.html"]
    for kind in ("city", "category", "edition"):
        e = next(e for e in result.entries if e["kind"] == kind and e.get("standard", True))
        pages.append(e["outputs"]["html"]["path"])
    cdp = _open_page(browser)
    try:
        for rel in pages:
            url = base + rel
            info = _visit(cdp, url)
            assert info["title"], rel
            assert not info["errors"], (rel, info["errors"])
            broken = [i for i in info["images"] if not i["complete"] or i["width"] <= 0]
            assert not broken, (rel, broken)
            assert not _check_links(base, url, info), (rel, _check_links(base, url, info))
            if rel == "status.html":
                # every report is linked (HTML and PDF) from the status page
                for e in entries.values():
                    for o in e["outputs"].values():
                        assert o["path"] in info["links"], o["path"]
                # sorting works and raises no errors
                before = cdp.evaluate("Array.from(document.querySelectorAll('#city tbody tr')).map(r => r.textContent)")
                cdp.evaluate("document.querySelector('#city th[data-sort=num]').click()")
                cdp.evaluate("document.querySelector('#city th[data-sort=num]').click()")
                after = cdp.evaluate("Array.from(document.querySelectorAll('#city tbody tr')).map(r => r.textContent)")
                assert sorted(before) == sorted(after)
            else:
                assert info["images"], f"{rel}: a report without any figure"
        errors = [ev for ev in cdp.events if ev.get("method") == "Runtime.exceptionThrown"]
        assert not errors
    finally:
        cdp.close()


def test_reports_are_self_contained(site):
    """No report needs the network: no http(s) src/href for scripts, styles or images."""
    import re

    _, result = site
    for e in result.entries:
        html = (result.year_dir / e["outputs"]["html"]["path"]).read_text(encoding="utf-8")
        resources = re.findall(r'<(?:script|img|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
        assert not resources, (e["id"], resources[:3])
