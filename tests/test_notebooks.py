"""The report notebooks: committed clean, and executed by papermill on several parameter sets."""

import json
import subprocess
import sys

import nbformat
import pytest

from smartcity.paths import NOTEBOOK_DIR, REPO_ROOT

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def test_there_are_report_notebooks():
    names = {p.name for p in NOTEBOOKS}
    assert {"city_report.ipynb", "category_report.ipynb", "overview_report.ipynb", "_template.ipynb"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name}: a cell has outputs; clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name}: a cell has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_has_parameters_cell_and_scope(path):
    nb = nbformat.read(path, 4)
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)
    meta = nb.metadata["smartcity"]
    assert meta["scope"] in {"city", "category", "edition"} and meta["title"]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert len(cell.source.splitlines()) <= 8, f"{path.name}: keep cells short; move logic to smartcity/"


def _run(tmp_path, name, **params):
    import papermill as pm

    out = tmp_path / f"{name}-out.ipynb"
    pm.execute_notebook(
        str(NOTEBOOK_DIR / name),
        str(out),
        parameters=params,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(REPO_ROOT),
    )
    nb = nbformat.read(out, 4)
    texts = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{name}: error output {output.get('ename')}"
            data = output.get("data", {})
            texts.append(
                str(data.get("text/markdown", "")) + str(data.get("text/html", "")) + str(output.get("text", ""))
            )
    return "\n".join(texts)


@pytest.mark.slow
def test_city_report_krefeld_2025(tmp_path):
    text = _run(tmp_path, "city_report.ipynb", city="Krefeld", year=2025)
    assert "Platz 41" in text and "71,4" in text
    assert "Verwaltung" in text and "93,5" in text
    assert "Beispieldaten" in text
    assert 'alt="' in text


@pytest.mark.slow
def test_city_report_new_city_with_one_edition(tmp_path):
    text = _run(tmp_path, "city_report.ipynb", city="Cottbus", year=2025)
    assert "Cottbus" in text and "von 83" in text


@pytest.mark.slow
def test_city_report_in_english(tmp_path):
    text = _run(tmp_path, "city_report.ipynb", city="Krefeld", year=2025, lang="en")
    assert "71.4" in text and "Sample data" in text


@pytest.mark.slow
def test_category_report_with_a_tie_before_the_rename(tmp_path):
    # 2022: München and Gelsenkirchen share rank 1 in IT und Kommunikation (published).
    text = _run(tmp_path, "category_report.ipynb", category="IT und Kommunikation", year=2022)
    assert "München" in text and "Gelsenkirchen" in text
    text = _run(tmp_path, "category_report.ipynb", category="Gesellschaft", year=2021)
    assert "Gesellschaft" in text and "Gesellschaft und Bildung" not in text.split("Methodik")[0].split("##")[1]


@pytest.mark.slow
def test_overview_report(tmp_path):
    text = _run(tmp_path, "overview_report.ipynb", year=2025)
    assert "84,7" in text  # top-10 threshold 2025 (published)
    assert "Karte" in text or "Deutschland" in text


@pytest.mark.slow
def test_reports_on_data_without_indicator_level(tmp_path):
    from smartcity.dataset import read_bundled

    frame = read_bundled()
    partial = frame[frame["level"] != "indicator"][["year", "city", "level", "category", "indicator", "score", "rank"]]
    data = tmp_path / "official_partial.csv"
    partial.to_csv(data, index=False)
    text = _run(tmp_path, "city_report.ipynb", city="Krefeld", year=2025, data=str(data))
    assert "Platz 41" in text and "Beispieldaten" not in text
    _run(tmp_path, "category_report.ipynb", category="Mobilität", year=2025, data=str(data))


@pytest.mark.slow
def test_template_runs_through_discovery(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "run_reports.py"),
            "--notebook",
            "notebooks/_template.ipynb",
            "--format",
            "html",
            "--out",
            str(tmp_path),
            "--progress",
            "plain",
            "--jobs",
            "1",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    html = list(tmp_path.rglob("*.html"))
    assert any("Nordrhein-Westfalen" in p.read_text(encoding="utf-8") for p in html)


def test_category_report_ends_with_the_full_ranking_appendix():
    from smartcity.narrative import phrasebook

    nb = nbformat.read(NOTEBOOK_DIR / "category_report.ipynb", 4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[-2:] == ['r.heading("table")', "r.ranking_table()"]
    assert code.index("r.method_note()") < code.index('r.heading("table")')
    titles = [phrasebook(lang)["headings"]["table"]["title"] for lang in ("de", "en")]
    assert titles == ["Anhang: vollständige Rangliste", "Appendix: full ranking"]


def test_chart_titles_do_not_repeat_the_section_headings():
    from smartcity.report import CategoryReport, OverviewReport

    o = OverviewReport(2025)
    assert o.map_chart().title == "Gesamtpunkte 2025 je Stadt"
    assert o.series_chart().title.startswith("Top-10-Schwelle und Durchschnitt je Ausgabe")
    assert (
        CategoryReport("Verwaltung", 2025, lang="en").ranking_chart().title == "Administration: points per city in 2025"
    )
