"""Accessibility as a test: axe-core in headless Chromium, pdfua on the PDFs, and a reader clicking
through the portal.

One small history build (two cities, one category and the overview; two editions; German and
English; the example publisher config) is served over HTTP and also opened from ``file://``.
axe-core comes from npm (``npm ci``, run by ``make``); Chromium from Debian.
"""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
from functools import partial
from pathlib import Path

import pytest
from test_browser import _check_links, _open_page, _visit, browser  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
YEARS = [2024, 2025]
CITIES = ["Krefeld", "Bochum"]


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    from smartcity.runner.build import Options
    from smartcity.runner.history import HistoryBuild

    out = tmp_path_factory.mktemp("site")
    opts = Options(
        cities=CITIES,
        categories=["Verwaltung"],
        notebooks=["city_report", "category_report", "overview_report"],
        out=out,
        jobs=2,
        progress="plain",
        config=str(ROOT / "docs" / "examples" / "report.toml"),
    )
    result = HistoryBuild(opts, YEARS, ["de", "en"]).run()
    assert result.exit_code == 0, result.summary
    assert len(result.results) == 4 and all(r.summary["built"] == 4 for r in result.results)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def page(browser):  # noqa: F811
    cdp = _open_page(browser)
    yield cdp
    cdp.close()


def _axe(cdp) -> list[dict]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make does this during set-up)")
    cdp.evaluate(AXE.read_text(encoding="utf-8"))
    return cdp.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: %s}, resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary)})))" % json.dumps(WCAG_TAGS)
    )


@pytest.mark.parametrize(
    "rel",
    [
        "index.html",
        "en/index.html",
        "2025/index.html",
        "2025/en/index.html",
        "2025/status.html",
        "2025/staedte/krefeld.html",
        "2025/en/staedte/krefeld.html",
        "2025/kategorien/verwaltung.html",
        "2025/uebersicht.html",
    ],
)
def test_axe_reports_no_wcag_21_aa_violation(history, page, rel):
    _, base = history
    info = _visit(page, base + rel)
    assert not info["errors"], info["errors"]
    violations = _axe(page)
    assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize(
    "rel",
    ["2025/staedte/krefeld.pdf", "2025/kategorien/verwaltung.pdf", "2025/uebersicht.pdf", "2024/en/staedte/bochum.pdf"],
)
def test_pdfua_reports_no_error_and_no_warning(history, rel):
    from pdfua import Severity, validate

    out, _ = history
    report = validate(str(out / rel))
    findings = [
        (f.rule_id, f.severity.name, f.message[:160])
        for f in report.findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    ]
    assert findings == []


def _rows(cdp) -> list[str]:
    return cdp.evaluate(
        "Array.from(document.querySelectorAll('#ranking-table tbody tr'))"
        ".filter(r => !r.hidden).map(r => r.dataset.slug)"
    )


def test_reader_clicks_through_the_portal(history, page):
    out, base = history
    cdp = page
    url = base + "2025/index.html"
    info = _visit(cdp, url)
    assert not info["errors"]
    all_rows = _rows(cdp)
    assert len(all_rows) == 83 and all_rows[0] == "muenchen"
    # sort by points, then back by rank (the buttons in the column headers)
    cdp.evaluate("document.querySelectorAll('#ranking-table th button.sort')[2].click()")  # Punkte, ascending
    scores = cdp.evaluate(
        "Array.from(document.querySelectorAll('#ranking-table tbody tr')).map(r => parseFloat(r.cells[3].dataset.v))"
    )
    assert scores == sorted(scores)
    assert cdp.evaluate("document.querySelectorAll('#ranking-table th')[3].getAttribute('aria-sort')") == "ascending"
    cdp.evaluate("document.querySelectorAll('#ranking-table th button.sort')[0].click()")  # Platz
    assert _rows(cdp) == all_rows
    # filter by Land and size class, then search
    cdp.evaluate(
        "var s = document.getElementById('land'); s.value = 'Nordrhein-Westfalen';s.dispatchEvent(new Event('input'))"
    )
    nrw = _rows(cdp)
    data = json.loads(next((out / ".cache").glob("portal-*.json")).read_text())
    expected = [r["slug"] for r in data["editions"]["2025"] if r["land"] == "Nordrhein-Westfalen"]
    assert nrw == expected and "krefeld" in nrw
    assert cdp.evaluate("document.getElementById('count').textContent") == f"{len(expected)} von 83 Städten"
    cdp.evaluate("var s = document.getElementById('size'); s.value = '>500k'; s.dispatchEvent(new Event('input'))")
    assert set(_rows(cdp)) == {
        r["slug"] for r in data["editions"]["2025"] if r["land"] == "Nordrhein-Westfalen" and r["size"] == ">500k"
    }
    assert cdp.evaluate("document.querySelectorAll('.map a.dim').length") == 2  # Krefeld and Bochum: not over 500,000
    cdp.evaluate(
        "for (const id of ['land', 'size']) { const s = document.getElementById(id); s.value = '';"
        " s.dispatchEvent(new Event('input')); }"
    )
    cdp.evaluate("var q = document.getElementById('q'); q.value = 'krefe'; q.dispatchEvent(new Event('input'))")
    assert _rows(cdp) == ["krefeld"]
    cdp.evaluate("var q = document.getElementById('q'); q.value = 'dusseldorf'; q.dispatchEvent(new Event('input'))")
    assert _rows(cdp) == ["duesseldorf"]  # umlauts need not be typed
    cdp.evaluate("var q = document.getElementById('q'); q.value = ''; q.dispatchEvent(new Event('input'))")
    # compare view: two to four cities
    assert cdp.evaluate("document.getElementById('compare-btn').disabled") is True
    for slug in ("krefeld", "bochum", "koeln"):
        cdp.evaluate(f"document.querySelector('input.pick[value={slug}]').click()")
    assert cdp.evaluate("document.getElementById('compare-btn').disabled") is False
    cdp.evaluate("document.getElementById('compare-btn').click()")
    assert cdp.evaluate("document.getElementById('compare').hidden") is False
    heads = cdp.evaluate("Array.from(document.querySelectorAll('#compare thead th')).map(t => t.textContent)")
    assert heads[1:] == ["Köln", "Bochum", "Krefeld"] or set(heads[1:]) == {"Krefeld", "Bochum", "Köln"}
    krefeld_col = heads.index("Krefeld")
    ranks = cdp.evaluate("Array.from(document.querySelectorAll('#compare tbody tr')[0].cells).map(c => c.textContent)")
    assert ranks[krefeld_col] == "41"
    assert "#vergleich=" in cdp.evaluate("location.hash")
    violations = _axe(cdp)  # the compare view too
    assert violations == [], violations
    cdp.evaluate("document.querySelector('input.pick[value=muenchen]').click()")
    cdp.evaluate("document.querySelector('input.pick[value=hamburg]').click()")  # a fifth: refused
    assert cdp.evaluate("document.querySelectorAll('input.pick:checked').length") == 4
    cdp.evaluate("document.getElementById('compare-close').click()")
    assert cdp.evaluate("document.getElementById('compare').hidden") is True
    # edition switch and language switch lead to the right pages
    href = cdp.evaluate("document.querySelector('nav.editions a[href$=\"2024/index.html\"]').getAttribute('href')")
    info = _visit(cdp, urllib.parse.urljoin(url, href))
    assert "2024" in info["title"] and not info["errors"]
    href = cdp.evaluate("document.querySelector('nav.lang a').getAttribute('href')")
    info = _visit(cdp, urllib.parse.urljoin(base + "2024/index.html", href))
    assert cdp.evaluate("document.documentElement.lang") == "en" and "2024" in info["title"]
    assert cdp.evaluate("document.querySelectorAll('#ranking-table tbody tr').length") == len(data["editions"]["2024"])


def test_every_link_of_the_site_resolves(history, page):
    out, base = history
    pages = (
        ["index.html", "en/index.html"]
        + [f"{y}/{lang}index.html" for y in YEARS for lang in ("", "en/")]
        + [f"{y}/{lang}status.html" for y in YEARS for lang in ("", "en/")]
    )
    for rel in pages:
        info = _visit(page, base + rel)
        assert not info["errors"], (rel, info["errors"])
        assert not _check_links(base, base + rel, info), (rel, _check_links(base, base + rel, info))
    # every city report and its PDF is linked from its edition's portal, in both languages
    html = (out / "2025" / "index.html").read_text(encoding="utf-8")
    for slug in ("krefeld", "bochum"):
        assert f'href="staedte/{slug}.html"' in html and f'href="staedte/{slug}.pdf"' in html


def test_portal_works_from_file_urls(history, page):
    out, _ = history
    info = _visit(page, (out / "2025" / "index.html").as_uri())
    assert not info["errors"], info["errors"]
    page.evaluate("var q = document.getElementById('q'); q.value = 'bochum'; q.dispatchEvent(new Event('input'))")
    assert _rows(page) == ["bochum"]
    for href in info["links"]:
        target = urllib.parse.urlparse(urllib.parse.urljoin((out / "2025" / "index.html").as_uri(), href))
        if target.scheme == "file":
            assert Path(urllib.parse.unquote(target.path)).exists(), href
