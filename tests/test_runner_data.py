"""The runner on the data users have: several --data files and folders, --year, --history, and
reports the data holds nothing for (planned as skipped, with the reason; exit code 0).

Planning needs no kernel; the builds in the slow tests use the tiny fixture notebooks."""

from __future__ import annotations

import ast
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from smartcity.runner import cli
from smartcity.runner.build import Build, Options, UsageError

ROOT = Path(__file__).resolve().parent.parent
OFFICIAL = ROOT / "tests" / "fixtures" / "official"
FIXTURE_NOTEBOOKS = ROOT / "tests" / "fixtures" / "notebooks"
STANDARD = ["--notebook", "city", "--notebook", "category", "--notebook", "overview"]


def plan(tmp_path: Path, **kw):
    return Build(
        Options(
            out=tmp_path / "reports", notebook_dir=FIXTURE_NOTEBOOKS, notebooks=["city", "category", "overview"], **kw
        )
    ).plan()


def kinds(jobs) -> Counter:
    return Counter((j.scope, "skipped" if j.skip_reason else "build") for j in jobs)


def test_data_is_repeatable_and_history_an_option():
    args = cli.build_parser().parse_args(["--data", "a.csv", "--data", "tabellen", "--history", "published"])
    opts = cli.options_from_args(args)[0]
    assert opts.data == ["a.csv", "tabellen"] and opts.history == "published"
    assert cli.options_from_args(cli.build_parser().parse_args([]))[0].data is None
    help_text = cli.build_parser().format_help()
    assert "repeatable" in help_text and "--history" in help_text and "skipped" in help_text


def test_a_four_row_excerpt_plans_what_it_holds_and_skips_the_rest_with_reasons(tmp_path):
    jobs = plan(tmp_path, data=[str(OFFICIAL / "gesamt_2025.csv")])
    assert kinds(jobs) == {
        ("city", "build"): 4,
        ("city", "skipped"): 79,
        ("category", "skipped"): 5,
        ("edition", "build"): 1,
    }
    built = sorted(j.scope_name for j in jobs if j.scope == "city" and not j.skip_reason)
    assert built == ["Bielefeld", "Hamburg", "Krefeld", "München"]
    aachen = next(j for j in jobs if j.scope_name == "Aachen")
    assert aachen.skip_code == "no-city-data" and "no figures for Aachen in the 2025 data" in aachen.skip_reason
    mobility = next(j for j in jobs if j.scope_name == "Mobilität")
    assert mobility.skip_code == "no-category-data" and "no Mobilität scores" in mobility.skip_reason
    krefeld = next(j for j in jobs if j.scope_name == "Krefeld")
    assert krefeld.parameters["data"] == [str((OFFICIAL / "gesamt_2025.csv").resolve())]
    assert "history" not in krefeld.parameters


def test_a_city_only_in_category_tables_is_built_not_skipped(tmp_path):
    jobs = plan(tmp_path, data=[str(OFFICIAL / "presse_2025.csv")])
    from smartcity.dataset import load_dataset

    s = load_dataset(OFFICIAL / "presse_2025.csv").scores
    only_categories = set(s.loc[s["level"] == "category", "city"]) - set(s.loc[s["level"] == "overall", "city"])
    assert only_categories
    planned = {j.scope_name for j in jobs if j.scope == "city" and not j.skip_reason}
    assert only_categories <= planned and len(planned) == s["city"].nunique()
    # asked for by name, such a city is no usage error either
    city = sorted(only_categories)[0]
    jobs = plan(tmp_path, data=[str(OFFICIAL / "presse_2025.csv")], cities=[city])
    assert [(j.scope_name, j.skip_reason) for j in jobs if j.scope == "city"] == [(city, None)]


def test_a_named_city_without_figures_is_skipped_one_outside_the_edition_is_a_usage_error(tmp_path):
    jobs = plan(tmp_path, data=[str(OFFICIAL / "gesamt_2025.csv")], cities=["Aachen"])
    assert [(j.scope_name, j.skip_code) for j in jobs if j.scope == "city"] == [("Aachen", "no-city-data")]
    # the edition's cities come from the catalogue: Cottbus joined in 2025
    with pytest.raises(UsageError, match="not part of the 2024 edition: Cottbus"):
        plan(tmp_path, year=2024, cities=["Cottbus"])


def test_a_folder_with_year_and_several_data_options(tmp_path):
    with pytest.raises(UsageError, match="No year found"):
        plan(tmp_path, data=[str(OFFICIAL / "tabellen")])
    jobs = plan(tmp_path, data=[str(OFFICIAL / "tabellen")], year=2025)
    assert kinds(jobs) == {("city", "build"): 83, ("category", "build"): 5, ("edition", "build"): 1}
    assert len(jobs[0].parameters["data"]) == 6 and jobs[0].parameters["year"] == 2025
    # a second --data adds to the first instead of replacing it
    jobs = plan(tmp_path, data=[str(OFFICIAL / "gesamt_2025.csv"), str(OFFICIAL / "presse_2025.csv")])
    cities = {j.scope_name for j in jobs if j.scope == "city" and not j.skip_reason}
    assert {"Krefeld", "München"} <= cities and len(cities) > 4
    assert len(jobs[0].parameters["data"]) == 2


def test_conflicting_files_stop_before_any_report_with_both_places(tmp_path):
    other = tmp_path / "auszug_2025.csv"
    other.write_text("Platz;Tendenz;Stadt;Index\n41;+2;Krefeld;71,9\n", encoding="utf-8")
    with pytest.raises(UsageError) as err:
        plan(tmp_path, data=[str(OFFICIAL / "gesamt_2025.csv"), str(other)])
    text = str(err.value)
    assert "Conflicting score" in text and "gesamt_2025.csv, line 5" in text and "auszug_2025.csv" in text


def test_history_needs_user_data_and_reaches_the_notebooks(tmp_path):
    with pytest.raises(UsageError, match="--history published adds published figures to your own data"):
        plan(tmp_path, history="published")
    jobs = plan(tmp_path, data=[str(OFFICIAL / "gesamt_2025.csv")], history="published")
    assert {j.parameters.get("history") for j in jobs} == {"published"}
    plain = plan(tmp_path, data=[str(OFFICIAL / "gesamt_2025.csv")])
    assert jobs[0].key != plain[0].key  # another dataset: other cache keys


def test_the_sample_plans_every_report_as_before(tmp_path):
    jobs = plan(tmp_path)
    assert kinds(jobs) == {("city", "build"): 83, ("category", "build"): 5, ("edition", "build"): 1}
    assert jobs[0].parameters["data"] is None and "history" not in jobs[0].parameters


def run(out: Path, nbdir: Path, *args: str) -> tuple[int, dict]:
    code = cli.main(
        [
            "--notebook-dir",
            str(nbdir),
            "--out",
            str(out),
            "--jobs",
            "2",
            "--progress",
            "plain",
            "--format",
            "html",
            *args,
        ]
    )
    path = out / "2025" / "manifest.json"
    return code, json.loads(path.read_text()) if path.exists() else {}


@pytest.mark.slow
def test_skipped_reports_leave_exit_code_0_failures_do_not(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMARTCITY_RUNNER_PRELOAD", "")
    nbdir = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_NOTEBOOKS, nbdir)
    out = tmp_path / "reports"
    code, m = run(out, nbdir, "--data", str(OFFICIAL / "gesamt_2025.csv"), *STANDARD)
    assert code == 0
    st = Counter(e["status"] for e in m["reports"])
    assert st == {"skipped": 84, "built": 5}
    assert m["summary"]["skipped"] == 84 and m["summary"]["failed"] == 0
    aachen = next(e for e in m["reports"] if e["id"] == "staedte/aachen")
    assert aachen["reason_code"] == "no-city-data" and "Aachen" in aachen["reason"] and not aachen["outputs"]
    assert not (out / "2025" / "staedte" / "aachen.html").exists()
    assert m["data"]["files"] == [str((OFFICIAL / "gesamt_2025.csv").resolve())]
    err = capsys.readouterr().err
    assert "5 built, 0 up to date, 84 skipped (no data), 0 failed" in err
    assert "79 city reports (Aachen, Augsburg" in err and "no figures for the city in the data" in err
    index = (out / "2025" / "status.html").read_text()  # the staff page; index.html is the portal
    assert "89 Berichte: 5 verfügbar, 84 übersprungen (keine Daten), 0 fehlgeschlagen." in index
    assert "Datenquelle: gesamt_2025.csv (sha256" in index
    # nothing changed: built ones are up to date, skipped ones skipped again, still exit 0
    code, m = run(out, nbdir, "--data", str(OFFICIAL / "gesamt_2025.csv"), *STANDARD)
    assert code == 0 and Counter(e["status"] for e in m["reports"]) == {"skipped": 84, "up_to_date": 5}
    # a real error still fails the build
    code, m = run(out, nbdir, "--data", str(OFFICIAL / "gesamt_2025.csv"), "--notebook", "_fail")
    assert code == 1
    statuses = {e["id"]: e["status"] for e in m["reports"] if e["notebook"] == "_fail.ipynb"}
    assert statuses["fehler/krefeld"] == "failed" and statuses["fehler/aachen"] == "skipped"


@pytest.mark.slow
def test_dask_workers_receive_every_data_file(tmp_path, monkeypatch):
    """Remote workers never see the client's files: each --data file is shipped and the notebook's
    ``data`` parameter lists the copies, in order."""
    pytest.importorskip("distributed")
    monkeypatch.setenv("SMARTCITY_RUNNER_PRELOAD", "")
    nbdir = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_NOTEBOOKS, nbdir)
    out = tmp_path / "reports"
    same_name = tmp_path / "andere" / "gesamt_2025.csv"  # two files of the same name
    same_name.parent.mkdir()
    same_name.write_text("Platz;Tendenz;Stadt;Index\n41;+2;Krefeld;71,4\n", encoding="utf-8")
    code, m = run(
        out,
        nbdir,
        "--executor",
        "dask",
        "--jobs",
        "1",
        "--city",
        "Krefeld",
        "--notebook",
        "city",
        "--keep-notebooks",
        "--data",
        str(OFFICIAL / "gesamt_2025.csv"),
        "--data",
        str(same_name),
    )
    assert code == 0 and {e["id"]: e["status"] for e in m["reports"]} == {"staedte/krefeld": "built"}
    executed = json.loads((out / "2025" / "_notebooks" / "staedte__krefeld.ipynb").read_text())
    injected = next(
        "".join(c["source"]) for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    )
    data_line = next(line for line in injected.splitlines() if line.startswith("data = "))
    shipped = [Path(p) for p in ast.literal_eval(data_line.removeprefix("data = "))]
    assert [p.name for p in shipped] == ["gesamt_2025.csv", "gesamt_2025.csv"] and shipped[0] != shipped[1]
    assert str(tmp_path) not in str(shipped[0])  # copies in the worker's temp directory


def test_an_overview_without_overall_or_category_scores_is_skipped():
    from smartcity.runner.datainfo import DataInfo
    from smartcity.runner.discovery import discover_notebooks
    from smartcity.runner.planning import plan_jobs

    info = DataInfo(
        source="x.csv",
        param=["x.csv"],
        checksum="0" * 64,
        catalogue="c",
        is_sample=False,
        years=[2025],
        cities={"2025": [["Krefeld", "krefeld"]]},
        edition_cities={"2025": [["Aachen", "aachen"], ["Krefeld", "krefeld"]]},
        categories_in_data={"2025": []},
        levels={"2025": ["indicator"]},
        categories=[["Verwaltung", "Administration", "verwaltung"]],
        files=["x.csv"],
    )
    jobs = {j.id: j for j in plan_jobs(discover_notebooks(FIXTURE_NOTEBOOKS), info, 2025)}
    assert jobs["uebersicht"].skip_code == "no-field-data"
    assert jobs["kategorien/verwaltung"].skip_code == "no-category-data"
    assert jobs["staedte/aachen"].skip_code == "no-city-data" and jobs["staedte/krefeld"].skip_reason is None


@pytest.mark.slow
def test_a_report_that_finds_nothing_to_say_is_skipped_with_its_reason(tmp_path):
    """Only the Mobilität table: the planner cannot tell (there is a category table), the overview
    notebook can (no overall ranking: smartcity.analysis.NoReportData); the runner lists it as
    skipped with that reason, not as failed."""
    data = tmp_path / "mobilitaet.csv"
    shutil.copy(OFFICIAL / "tabellen" / "mobilitaet.csv", data)
    out = tmp_path / "reports"
    code, m = run(
        out,
        ROOT / "notebooks",
        "--data",
        str(data),
        "--year",
        "2025",
        "--notebook",
        "overview_report",
        "--format",
        "html",
    )
    overview = next(e for e in m["reports"] if e["id"] == "uebersicht")
    assert code == 0 and overview["status"] == "skipped" and overview["reason_code"] == "no-report-data"
    assert "Gesamtranking" in overview["reason"] and not (out / "2025" / "uebersicht.html").exists()
    assert not (out / "2025" / "_failed").exists() or not any((out / "2025" / "_failed").iterdir())
