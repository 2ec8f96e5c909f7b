"""Batch runner: command line, discovery, planning, manifest and index (fast tests, no kernels)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from smartcity.runner import cli
from smartcity.runner.discovery import (
    NotebookError,
    discover_notebooks,
    find_notebook,
    load_notebook_spec,
    standard_notebooks,
)
from smartcity.runner.planning import Selection, plan_jobs

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "notebooks"
RUN = [sys.executable, str(ROOT / "run_reports.py")]


@pytest.fixture(scope="module")
def info(tmp_path_factory):
    from smartcity.runner.datainfo import load_info

    return load_info(None, tmp_path_factory.mktemp("cache"))


# ---------------------------------------------------------------------- command line
def test_help_explains_every_option_with_examples():
    proc = subprocess.run(RUN + ["--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    out = proc.stdout
    for opt in (
        "--year",
        "--city",
        "--category",
        "--peers",
        "--notebook",
        "--format",
        "--lang",
        "--data",
        "--out",
        "--jobs",
        "--force",
        "--timeout",
        "--executor",
        "--keep-notebooks",
        "--bundle",
    ):
        assert opt in out, opt
    assert "examples:" in out and "tcp://" in out
    assert '--peers "Düsseldorf,Duisburg,Neuss"' in out and "<year>/en/" in out
    for action in cli.build_parser()._actions:
        if action.option_strings and action.dest != "help":
            assert "e.g." in action.help, action.option_strings


def test_unknown_city_fails_at_once_with_suggestions(capsys, tmp_path):
    code = cli.main(["--city", "Krefld", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown city 'Krefld'" in err and "Krefeld" in err
    assert not (tmp_path / "2025").exists()  # nothing was built or even planned


def test_unknown_category_year_format_notebook_are_usage_errors(capsys, tmp_path):
    assert cli.main(["--category", "Verwaltunk", "--out", str(tmp_path)]) == 2
    assert "Verwaltung" in capsys.readouterr().err
    assert cli.main(["--year", "1999", "--out", str(tmp_path), "--notebook-dir", str(FIXTURES)]) == 2
    assert "no data for 1999" in capsys.readouterr().err
    assert cli.main(["--format", "docx", "--out", str(tmp_path)]) == 2
    assert "docx" in capsys.readouterr().err
    assert cli.main(["--notebook", "nope", "--notebook-dir", str(FIXTURES), "--out", str(tmp_path)]) == 2
    assert "unknown notebook 'nope'" in capsys.readouterr().err
    assert cli.main(["--executor", "ftp://x", "--out", str(tmp_path)]) == 2


def test_options_parsing():
    args = cli.build_parser().parse_args(
        [
            "--format",
            "PDF, html,pdf",
            "--city",
            "a",
            "--city",
            "b",
            "-j",
            "3",
            "--timeout",
            "0",
            "--executor",
            "tcp://127.0.0.1:8786",
        ]
    )
    opts, years, langs = cli.options_from_args(args)
    assert opts.formats == ("pdf", "html")
    assert opts.cities == ["a", "b"] and opts.jobs == 3 and opts.timeout is None
    assert opts.executor == "tcp://127.0.0.1:8786"
    assert years is None and langs == ["de"] and opts.year is None and opts.lang == "de"


def test_year_and_lang_are_parsed_once_for_options_and_history():
    opts, years, langs = cli.options_from_args(cli.build_parser().parse_args(["--year", "2024", "--lang", "EN"]))
    assert (years, langs, opts.year, opts.lang) == ([2024], ["en"], 2024, "en")
    opts, years, langs = cli.options_from_args(cli.build_parser().parse_args(["--year", "all", "--lang", "de,en"]))
    assert (years, langs, opts.year, opts.lang) == ([], ["de", "en"], None, "de")


@pytest.mark.parametrize("year", [None, "all"])  # a single build and a HistoryBuild
@pytest.mark.parametrize(
    "value, message",
    [
        ("docx", "unknown format 'docx' (choose from html, pdf, summary)"),
        ("html,docx,odt", "unknown format 'docx', 'odt' (choose from html, pdf, summary)"),
        (",", "--format needs at least one of html, pdf, summary"),
        ("", "--format needs at least one of html, pdf, summary"),
    ],
)
def test_bad_or_empty_format_fails_before_data_is_loaded(capsys, tmp_path, monkeypatch, year, value, message):
    from smartcity.runner import build, history

    def no_data(*args, **kwargs):
        pytest.fail("data loaded before --format was checked")

    monkeypatch.setattr(build, "load_info", no_data)
    monkeypatch.setattr(history, "load_info", no_data)
    args = ["--format", value, "--out", str(tmp_path)] + (["--year", year] if year else [])
    assert cli.main(args) == 2
    assert message in capsys.readouterr().err
    assert not any(tmp_path.iterdir())


def test_valid_formats_come_from_one_constant():
    from smartcity.runner.build import UsageError, check_formats
    from smartcity.runner.planning import ALL_FORMATS

    check_formats(ALL_FORMATS)
    with pytest.raises(UsageError, match=", ".join(ALL_FORMATS)):
        check_formats(("docx",))


# ---------------------------------------------------------------------- discovery and planning
def test_discovery_reads_metadata_and_skips_templates():
    specs = discover_notebooks(FIXTURES)
    names = [s.name for s in specs]
    assert names == ["overview", "category", "city"]
    assert all(not s.is_template for s in specs)
    city = next(s for s in specs if s.name == "city")
    assert (city.scope, city.slug, city.title) == ("city", "staedte", "Städtebericht")
    assert len(discover_notebooks(FIXTURES, include_templates=True)) > 3


def test_new_notebook_is_picked_up_without_code_change(tmp_path, info):
    for name in ("city", "category", "overview"):
        shutil.copy(FIXTURES / f"{name}.ipynb", tmp_path)
    nb = json.loads((FIXTURES / "city.ipynb").read_text())
    nb["metadata"]["smartcity"] = {"scope": "city", "title": "Mobilitätsprofil", "slug": "mobilitaet"}
    (tmp_path / "mobility.ipynb").write_text(json.dumps(nb))
    (tmp_path / "plain.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    specs = discover_notebooks(tmp_path)
    assert sorted(s.name for s in specs) == ["category", "city", "mobility", "overview"]
    year = info.latest_year
    jobs = plan_jobs(specs, info, year)
    n_cities = len(info.cities_of(year))
    ids = {j.id for j in jobs}
    assert len(jobs) == 2 * n_cities + len(info.categories) + 1
    assert "staedte/krefeld" in ids and "mobilitaet/krefeld" in ids
    assert "kategorien/verwaltung" in ids and "uebersicht" in ids
    with pytest.raises(NotebookError):
        load_notebook_spec(tmp_path / "plain.ipynb")


def test_standard_locations_and_fan_out(info):
    specs = discover_notebooks(FIXTURES)
    assert {k: v.name for k, v in standard_notebooks(specs).items()} == {
        "city": "city",
        "category": "category",
        "edition": "overview",
    }
    year = info.latest_year
    jobs = plan_jobs(specs, info, year)
    by_scope = {s: [j for j in jobs if j.scope == s] for s in ("city", "category", "edition")}
    assert len(by_scope["city"]) == len(info.cities_of(year))
    assert [j.id for j in by_scope["category"]] == [
        "kategorien/verwaltung",
        "kategorien/it-und-kommunikation",
        "kategorien/energie-und-umwelt",
        "kategorien/mobilitaet",
        "kategorien/gesellschaft-und-bildung",
    ]
    assert [j.id for j in by_scope["edition"]] == ["uebersicht"]
    krefeld = next(j for j in jobs if j.id == "staedte/krefeld")
    # no --peers: no ``peers`` parameter at all, so the notebook's own default stands
    assert krefeld.parameters == {"year": year, "data": None, "lang": "de", "city": "Krefeld"}
    assert krefeld.outputs == {"html": "staedte/krefeld.html", "pdf": "staedte/krefeld.pdf"}
    cat = next(j for j in jobs if j.id == "kategorien/mobilitaet")
    assert cat.parameters["category"] == "Mobilität"


def test_selection_narrows_and_template_by_path(info):
    specs = discover_notebooks(FIXTURES)
    year = info.latest_year
    jobs = plan_jobs(specs, info, year, selection=Selection(cities=["Krefeld"]))
    assert [j.id for j in jobs] == ["staedte/krefeld"]
    jobs = plan_jobs(specs, info, year, selection=Selection(cities=["Krefeld"], categories=["Verwaltung"]))
    assert [j.id for j in jobs] == ["kategorien/verwaltung", "staedte/krefeld"]
    tpl = find_notebook(str(FIXTURES / "_fail.ipynb"))
    assert tpl.is_template
    jobs = plan_jobs(specs, info, year, selection=Selection(cities=["Krefeld"], notebooks=[tpl]))
    assert [j.id for j in jobs] == ["fehler/krefeld"]
    assert find_notebook("_fail", FIXTURES).name == "_fail" and find_notebook("fehler", FIXTURES).name == "_fail"


# ---------------------------------------------------------------------- --peers
def test_peers_option_parsing_and_resolution(tmp_path):
    args = cli.build_parser().parse_args(["--city", "Krefeld", "--peers", " duesseldorf, Duisburg,,neuss "])
    assert cli.options_from_args(args)[0].peers == ["duesseldorf", "Duisburg", "neuss"]
    assert cli.options_from_args(cli.build_parser().parse_args([]))[0].peers is None
    from smartcity.runner.build import Build, Options

    b = Build(
        Options(
            cities=["Krefeld", "Neuss"],
            peers=["duesseldorf", "Duisburg", "neuss", "Düsseldorf"],
            notebooks=["city"],
            notebook_dir=FIXTURES,
            out=tmp_path,
        )
    )
    jobs = {j.id: j for j in b.plan()}
    # resolved to official names, duplicates dropped, order kept, the city left out of its own list
    assert jobs["staedte/krefeld"].parameters["peers"] == ["Düsseldorf", "Duisburg", "Neuss"]
    assert jobs["staedte/neuss"].parameters["peers"] == ["Düsseldorf", "Duisburg"]


def test_unknown_peer_fails_at_once_with_suggestions(capsys, tmp_path):
    code = cli.main(["--city", "Krefeld", "--peers", "Düsseldorf,Dusburg", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown peer city 'Dusburg'" in err and "Duisburg" in err
    assert not (tmp_path / "2025").exists()
    assert cli.main(["--city", "Krefeld", "--peers", " , ", "--out", str(tmp_path)]) == 2
    assert "--peers needs at least one city" in capsys.readouterr().err
    # no city report selected: the list would be ignored, so it is an error
    assert (
        cli.main(
            ["--category", "Verwaltung", "--peers", "Neuss", "--out", str(tmp_path), "--notebook-dir", str(FIXTURES)]
        )
        == 2
    )
    assert "city reports only" in capsys.readouterr().err


def test_peers_are_part_of_the_cache_key(info):
    specs = discover_notebooks(FIXTURES)
    year = info.latest_year
    sel = Selection(cities=["Krefeld"], categories=["Verwaltung"])
    keys = {}
    for label, peers in (
        ("none", None),
        ("a", ["Düsseldorf", "Duisburg"]),
        ("a2", ["Düsseldorf", "Duisburg"]),
        ("b", ["Düsseldorf", "Neuss"]),
    ):
        keys[label] = {j.id: j.key for j in plan_jobs(specs, info, year, selection=sel, peers=peers)}
    assert keys["a"] == keys["a2"]
    assert len({k["staedte/krefeld"] for k in keys.values()}) == 3  # none, a, b all differ
    assert len({k["kategorien/verwaltung"] for k in keys.values()}) == 1  # only city reports get peers


# ---------------------------------------------------------------------- languages, notebook names
def test_languages_get_their_own_report_tree(tmp_path):
    from smartcity.runner.build import Build, Options
    from smartcity.runner.planning import report_dir

    assert report_dir(tmp_path, 2025, "de") == tmp_path / "2025"
    assert report_dir(tmp_path, 2025, "en") == tmp_path / "2025" / "en"
    b = Build(Options(cities=["Krefeld"], lang="en", notebook_dir=FIXTURES, out=tmp_path))
    jobs = b.plan()
    assert b.year_dir == tmp_path / str(b.year) / "en"
    assert [j.outputs["pdf"] for j in jobs] == ["staedte/krefeld.pdf"]  # relative to <year>/en/
    # a notebook slug may not collide with the language folder
    nb = json.loads((FIXTURES / "overview.ipynb").read_text())
    nb["metadata"]["smartcity"]["slug"] = "en"
    (tmp_path / "clash.ipynb").write_text(json.dumps(nb))
    with pytest.raises(NotebookError, match="reserved"):
        load_notebook_spec(tmp_path / "clash.ipynb")


def test_bare_notebook_file_name_falls_back_to_the_notebook_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # not the notebook folder
    assert find_notebook("city.ipynb", FIXTURES).path == (FIXTURES / "city.ipynb").resolve()
    assert find_notebook("_fail.ipynb", FIXTURES).is_template
    real = ROOT / "notebooks" / "city_report.ipynb"
    if real.exists():  # default folder: notebooks/
        assert find_notebook("city_report.ipynb").path == real.resolve()
    # a file of that name in the current directory wins (it is a path, as before)
    shutil.copy(FIXTURES / "overview.ipynb", tmp_path / "city.ipynb")
    assert find_notebook("city.ipynb", FIXTURES).path == (tmp_path / "city.ipynb").resolve()
    with pytest.raises(NotebookError, match="looked in the current directory and in"):
        find_notebook("nope.ipynb", FIXTURES)
    # through the command line
    (tmp_path / "city.ipynb").unlink()
    args = [
        "--notebook",
        "city.ipynb",
        "--notebook-dir",
        str(FIXTURES),
        "--city",
        "Krefeld",
        "--out",
        str(tmp_path / "r"),
    ]
    from smartcity.runner.build import Build

    jobs = Build(cli.options_from_args(cli.build_parser().parse_args(args))[0]).plan()
    assert [j.id for j in jobs] == ["staedte/krefeld"]


def test_cache_key_changes_with_inputs(info):
    specs = discover_notebooks(FIXTURES)
    year = info.latest_year
    a = {j.id: j.key for j in plan_jobs(specs, info, year)}
    b = {j.id: j.key for j in plan_jobs(specs, info, year)}
    en = {j.id: j.key for j in plan_jobs(specs, info, year, lang="en")}
    assert a == b
    assert all(a[k] != en[k] for k in a)


def test_real_template_is_runnable_through_discovery(info):
    template = ROOT / "notebooks" / "_template.ipynb"
    if not template.exists():
        pytest.skip("notebooks/_template.ipynb not written yet")
    spec = find_notebook(str(template))
    assert spec.is_template
    assert spec not in discover_notebooks(ROOT / "notebooks")
    jobs = plan_jobs(
        discover_notebooks(ROOT / "notebooks"),
        info,
        info.latest_year,
        selection=Selection(cities=["Krefeld"], notebooks=[spec]),
    )
    assert jobs and all(j.notebook == spec for j in jobs)


# ---------------------------------------------------------------------- manifest, index, helpers
def test_atomic_write_leaves_no_temp_files(tmp_path):
    from smartcity.runner.fsutil import atomic_write, remove_stale_temp_files

    target = tmp_path / "a" / "b.html"
    atomic_write(target, "x" * 1000)
    assert target.read_text() == "x" * 1000
    assert [p.name for p in target.parent.iterdir()] == ["b.html"]
    (target.parent / ".b.html.partial-123").write_text("half")
    assert remove_stale_temp_files(tmp_path) == 1


def test_index_page_lists_reports_with_status():
    from smartcity.runner.index_page import render_index

    m = {
        "year": 2025,
        "data": {"is_sample": True, "source": "data/scores.csv", "checksum": "abc"},
        "reports": [
            {
                "id": "uebersicht",
                "kind": "edition",
                "title": "Übersicht",
                "status": "built",
                "standard": True,
                "outputs": {"html": {"path": "uebersicht.html"}, "pdf": {"path": "uebersicht.pdf"}},
                "duration": 2,
            },
            {
                "id": "staedte/krefeld",
                "kind": "city",
                "title": "Krefeld",
                "status": "up_to_date",
                "standard": True,
                "outputs": {"html": {"path": "staedte/krefeld.html"}},
            },
            {
                "id": "staedte/koeln",
                "kind": "city",
                "title": "Köln",
                "status": "failed",
                "standard": True,
                "error": {"cell_index": 3, "ename": "ValueError", "message": "kaputt <b>"},
                "failed_notebook": "_failed/staedte__koeln.ipynb",
            },
            {
                "id": "staedte/aachen",
                "kind": "city",
                "title": "Aachen",
                "status": "skipped",
                "standard": True,
                "reason": "no figures for Aachen in the 2025 data",
                "reason_code": "no-city-data",
                "outputs": {},
            },
        ],
    }
    html = render_index(m)
    assert '<html lang="de">' in html and "Städte" in html and "Beispieldaten" in html
    assert 'href="staedte/krefeld.html"' in html and 'href="uebersicht.pdf"' in html
    assert ">aktuell<" in html
    assert "Fehler" in html and "kaputt &lt;b&gt;" in html and "Zelle 3" in html
    # a report the data holds nothing for: skipped with its reason, not counted as failed
    assert ">übersprungen<" in html and "keine Zahlen dieser Ausgabe" in html and 'href="staedte/aachen' not in html
    assert "4 Berichte: 2 verfügbar, 1 übersprungen (keine Daten), 1 fehlgeschlagen." in html
    assert "http://" not in html and "https://" not in html  # offline
    english = render_index(m, lang="en")
    assert "National overview" in english and ">skipped<" in english and "holds no figures" in english


def test_german_and_english_status_pages_link_to_each_other(tmp_path):
    import json

    from smartcity.runner.index_page import write_index
    from smartcity.runner.manifest import MANIFEST_NAME

    de_dir, en_dir = tmp_path / "2025", tmp_path / "2025" / "en"
    m = {"year": 2025, "reports": []}
    de_dir.mkdir()
    (de_dir / MANIFEST_NAME).write_text(json.dumps(m))
    write_index(de_dir, m, "de")
    assert "English version" not in (de_dir / "status.html").read_text()  # no English tree yet
    assert 'href="index.html"' in (de_dir / "status.html").read_text()  # back to the portal
    en_dir.mkdir()
    (en_dir / MANIFEST_NAME).write_text(json.dumps(m))
    write_index(en_dir, m, "en")
    assert 'href="en/status.html" hreflang="en" lang="en">English version<' in (de_dir / "status.html").read_text()
    assert 'href="../status.html" hreflang="de" lang="de">Deutsche Fassung<' in (en_dir / "status.html").read_text()


def test_kernel_state_restore_in_process():
    """The reset logic itself (the kernel test in test_runner_build.py checks it end to end)."""
    import json as json_mod
    import statistics

    import pandas as pd  # before the snapshot, as a warm kernel preloads it

    from smartcity.runner import _kernel_state as ks

    ks.snapshot()
    try:
        statistics.mean = lambda *a, **k: -1
        json_mod.leaked = True
        pd.DataFrame.leaked = 1
        assert ks.restore() >= 3
        assert statistics.mean([1, 3]) == 2
        assert not hasattr(json_mod, "leaked") and not hasattr(pd.DataFrame, "leaked")
    finally:
        ks._snap = None


def test_plan_notebook_from_explicit_path(tmp_path):
    from smartcity.runner.build import plan_notebook

    jobs = plan_notebook(FIXTURES / "_fail.ipynb", cities=["Krefeld", "aachen"], out=tmp_path, notebook_dir=FIXTURES)
    assert [j.id for j in jobs] == ["fehler/aachen", "fehler/krefeld"]
    template = ROOT / "notebooks" / "_template.ipynb"
    if template.exists():
        jobs = plan_notebook(template, cities=["Krefeld"], out=tmp_path)
        assert jobs and all(j.notebook.is_template for j in jobs)
