"""The portal pages (smartcity/runner/portal.py) from a hand-made manifest and the bundled data."""

from __future__ import annotations

import json
import re

import pytest

from smartcity.runner.datainfo import load_info
from smartcity.runner.manifest import MANIFEST_NAME
from smartcity.runner.portal import Site
from smartcity.runner.portal_data import load_portal_data


@pytest.fixture(scope="module")
def info_and_data(tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    info = load_info(None, cache)
    return info, load_portal_data(info, cache)


def _tree(out, year, lang, info, cities=("Krefeld",)):
    tree = out / str(year) if lang == "de" else out / str(year) / lang
    tree.mkdir(parents=True, exist_ok=True)
    reports = [
        {
            "id": f"staedte/{c.lower()}",
            "kind": "city",
            "scope_name": c,
            "standard": True,
            "status": "built",
            "outputs": {"html": {"path": f"staedte/{c.lower()}.html"}, "pdf": {"path": f"staedte/{c.lower()}.pdf"}},
        }
        for c in cities
    ]
    reports.append(
        {
            "id": "kategorien/verwaltung",
            "kind": "category",
            "scope_name": "Verwaltung",
            "standard": True,
            "status": "built",
            "outputs": {"html": {"path": "kategorien/verwaltung.html"}},
        }
    )
    m = {
        "year": year,
        "data": {"checksum": info.checksum, "is_sample": True, "source": info.source},
        "reports": reports,
    }
    (tree / MANIFEST_NAME).write_text(json.dumps(m), encoding="utf-8")
    return tree


def test_edition_portal_ranking_and_links(tmp_path, info_and_data):
    info, data = info_and_data
    _tree(tmp_path, 2025, "de", info)
    _tree(tmp_path, 2024, "de", info)
    site = Site(tmp_path, info, data)
    html = site.render_edition(2025, "de")
    rows = re.findall(r"<tr data-slug=", html)
    assert len(rows) == 83
    krefeld = re.search(r'<tr data-slug="krefeld".*?</tr>', html).group(0)
    # rank 41, 71,4 points, +2, Verwaltung rank 8: the seed figures of the sample
    assert '<td class="num" data-v="41">41</td>' in krefeld and ">71,4<" in krefeld and ">+2<" in krefeld
    assert '<td class="num" data-v="8">8</td>' in krefeld
    assert '<a href="staedte/krefeld.html">Krefeld</a>' in krefeld and 'href="staedte/krefeld.pdf"' in krefeld
    munich = re.search(r'<tr data-slug="muenchen".*?</tr>', html).group(0)
    assert "href=" not in munich  # no report built: no dead link
    assert '<a href="kategorien/verwaltung.html">Verwaltung</a>' in html
    # edition switcher: only built editions; no English tree, no language link
    assert (
        '<a href="../2024/index.html">2024</a>' in html and '<a href="index.html" aria-current="page">2025</a>' in html
    )
    assert "../2023/index.html" not in html and "en/index.html" not in html
    assert '<a href="status.html">' in html and '<a href="../index.html">Alle Ausgaben</a>' in html
    # accessible table: caption, column and row headers with scope, sortable headers are buttons
    assert "<caption" in html and html.count('scope="col"') >= 12 and html.count('<th scope="row" data-v=') == 83
    assert 'aria-sort="ascending"' in html and 'class="sort"' in html
    # filters: every Land of the edition, three size classes
    assert (
        html.count("<option value=") == 2 + len({r["land"] for r in data["editions"]["2025"]}) + 3
    )  # two "all" options
    # the map: 16 Länder, a link per city with a report
    assert html.count('<path class="land"') == 16
    assert re.search(
        r'<a href="staedte/krefeld.html" data-slug="krefeld" aria-label="Krefeld: Platz 41, 71,4 Punkte">', html
    )
    # static and offline: embedded data parses, no external resource
    blob = re.search(r'<script type="application/json" id="portal-data">(.*?)</script>', html, re.S).group(1)
    payload = json.loads(blob)
    assert len(payload["rows"]) == 83 and payload["categories"][0] == "Verwaltung"
    assert not re.search(r'(?:src|href)="https?://', html)


def test_english_portal_and_language_links(tmp_path, info_and_data):
    info, data = info_and_data
    _tree(tmp_path, 2025, "de", info)
    _tree(tmp_path, 2025, "en", info)
    site = Site(tmp_path, info, data)
    de, en = site.render_edition(2025, "de"), site.render_edition(2025, "en")
    assert '<html lang="en">' in en and "Administration" in en and "North Rhine-Westphalia" in en
    assert 'href="en/index.html" hreflang="en" lang="en">English version<' in de
    assert 'href="../index.html" hreflang="de" lang="de">Deutsche Fassung<' in en
    assert '<a href="../../index.html">All editions</a>' not in en  # English site page lives in en/
    assert '<a href="../../en/index.html">All editions</a>' in en
    written = site.write()
    assert (tmp_path / "index.html") in written and (tmp_path / "en" / "index.html") in written
    top = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="2025/index.html"' in top and 'href="en/index.html"' in top and "München" in top


def test_edition_built_from_other_data_is_left_alone(tmp_path, info_and_data):
    info, data = info_and_data
    tree = _tree(tmp_path, 2024, "de", info)
    m = json.loads((tree / MANIFEST_NAME).read_text())
    m["data"]["checksum"] = "something-else"
    (tree / MANIFEST_NAME).write_text(json.dumps(m))
    _tree(tmp_path, 2025, "de", info)
    site = Site(tmp_path, info, data)
    site.write()
    assert not (tree / "index.html").exists()
    assert "../2024/index.html" not in (tmp_path / "2025" / "index.html").read_text()


def test_portal_data_is_cached(tmp_path, info_and_data, monkeypatch):
    info, data = info_and_data
    from smartcity.runner import portal_data

    first = load_portal_data(info, tmp_path)
    monkeypatch.setattr(portal_data, "compute_portal_data", lambda info: pytest.fail("recomputed"))
    assert load_portal_data(info, tmp_path) == first == data
    assert len(list(tmp_path.glob("portal-*.json"))) == 1


@pytest.mark.parametrize("value, expected", [("2024", [2024]), ("all", []), ("2023, 2024", [2023, 2024]), (None, None)])
def test_year_option(value, expected):
    from smartcity.runner.cli import parse_years

    assert parse_years(value) == expected


@pytest.mark.parametrize("value", ["24", "2024,x", ""])
def test_year_option_errors(value):
    from smartcity.runner.build import UsageError
    from smartcity.runner.cli import parse_years

    with pytest.raises(UsageError, match="--year"):
        parse_years(value)


def test_lang_option():
    from smartcity.runner.build import UsageError
    from smartcity.runner.cli import parse_langs

    assert parse_langs("de,en") == ["de", "en"] and parse_langs("en") == ["en"] and parse_langs("all") == ["de", "en"]
    with pytest.raises(UsageError, match="fr"):
        parse_langs("de,fr")


def test_config_errors_are_usage_errors(tmp_path):
    from smartcity.runner.cli import main

    bad = tmp_path / "report.toml"
    bad.write_text('[publisher]\noffice = "X"\naccent = "#ffff00"\n', encoding="utf-8")
    assert main(["--config", str(bad), "--city", "Krefeld", "--out", str(tmp_path), "--progress", "none"]) == 2


def test_summary_format_plans_city_reports_only(info_and_data):
    from smartcity.runner.build import plan_notebook

    jobs = plan_notebook("notebooks/city_report.ipynb", cities=["Krefeld"], formats=("summary",))
    assert [j.outputs for j in jobs] == [{"summary": "staedte/krefeld-kurzfassung.pdf"}]
    assert plan_notebook("notebooks/overview_report.ipynb", formats=("summary",)) == []


@pytest.mark.slow
def test_summary_pdf_next_to_the_report(tmp_path):
    """--format summary adds the one-page PDF and keeps the report built from the same inputs."""
    import io

    from pypdf import PdfReader

    from smartcity.runner.cli import main

    args = [
        "--city",
        "Krefeld",
        "--notebook",
        "city_report",
        "--out",
        str(tmp_path),
        "--progress",
        "none",
        "--jobs",
        "1",
    ]
    assert main([*args, "--format", "html,pdf"]) == 0
    tree = tmp_path / "2025" / "staedte"
    before = {p.name: p.read_bytes() for p in tree.iterdir()}
    assert main([*args, "--format", "summary"]) == 0
    summary = PdfReader(io.BytesIO((tree / "krefeld-kurzfassung.pdf").read_bytes()))
    assert len(summary.pages) == 1
    text = summary.pages[0].extract_text()
    assert "Auf einen Blick" in text and "Platz 41" in text and "71,4" in text
    assert {p.name: p.read_bytes() for p in tree.iterdir() if p.name in before} == before  # kept, unchanged
    m = json.loads((tmp_path / "2025" / MANIFEST_NAME).read_text())
    entry = next(e for e in m["reports"] if e["id"] == "staedte/krefeld")
    assert set(entry["outputs"]) == {"html", "pdf", "summary"}
    report = PdfReader(io.BytesIO(before["krefeld.pdf"]))
    assert "Auf einen Blick" in report.pages[1].extract_text()  # page 2 of the report is the summary
    assert main([*args, "--format", "html,pdf,summary"]) == 0  # everything up to date now
    assert json.loads((tmp_path / "2025" / MANIFEST_NAME).read_text())["summary"]["up_to_date"] >= 1
