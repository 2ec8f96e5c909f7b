"""The nbconvert exporters smartcity-html / smartcity-pdf: registered, report layout, meta from the notebook."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell
from pypdf import PdfReader
from test_render import CODE_MARKER, build_notebook

from smartcity.exporters import UNKNOWN, SmartcityHTMLExporter, SmartcityPDFExporter, notebook_parameters, report_meta

ROOT = Path(__file__).resolve().parent.parent
NOTE = "ANALYST_NOTE_MARKER"


def _report_notebook():
    """An executed city report as an analyst leaves it: smartcity metadata, a note for colleagues."""
    nb = build_notebook()
    note = new_markdown_cell(f"# Notiz\n\n{NOTE}: vor dem Versand mit dem Amt abstimmen.")
    note.metadata["tags"] = ["remove-cell"]
    nb.cells.insert(0, note)
    nb.metadata["smartcity"] = {"scope": "city", "title": "Stadtbericht", "slug": "staedte"}
    return nb


def _with_parameters(source: str, smartcity: dict | None = None):
    """The hand-built notebook with ``source`` as its parameters cell and no papermill injection."""
    nb = build_notebook()
    nb.cells[0].source = source
    nb.cells[1].source = ""
    if smartcity is not None:
        nb.metadata["smartcity"] = smartcity
    return nb


def test_entry_points_name_the_exporter_classes():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    eps = project["project"]["entry-points"]["nbconvert.exporters"]
    assert eps == {
        "smartcity-html": "smartcity.exporters:SmartcityHTMLExporter",
        "smartcity-pdf": "smartcity.exporters:SmartcityPDFExporter",
    }
    assert SmartcityHTMLExporter().file_extension == ".html"
    assert SmartcityPDFExporter().file_extension == ".pdf"


def test_parameters_are_read_as_literals_and_papermill_injections_win():
    nb = build_notebook()
    nb.cells[0].source = 'year: int | None = None  # edition\ncity = "Bonn"\nlang = "en"\npeers = sorted(["b", "a"])'
    nb.cells[1].source = "# Parameters\nyear = 2024\ncity = \"Krefeld\"\n"
    assert notebook_parameters(nb) == {"year": 2024, "city": "Krefeld", "lang": "en", "peers": UNKNOWN}


def test_html_has_the_report_layout_without_code_or_notes():
    html, resources = SmartcityHTMLExporter().from_notebook_node(_report_notebook())
    assert resources["output_extension"] == ".html"
    assert CODE_MARKER not in html and NOTE not in html
    assert '<h1 class="cover-title">Krefeld</h1>' in html and "Stadtbericht" in html
    assert "<title>Krefeld – Smart City Index 2025</title>" in html
    assert '<nav class="toc"' in html
    # data = None in a smartcity notebook: the bundled sample, marked as such
    assert "Beispieldaten" in html and "Quelle: Beispieldaten nach dem Bitkom Smart City Index 2025" in html


def test_pdf_is_the_print_report():
    pdf, resources = SmartcityPDFExporter().from_notebook_node(_report_notebook())
    assert resources["output_extension"] == ".pdf"
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Krefeld – Smart City Index 2025"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Zusammenfassung" in text and CODE_MARKER not in text and NOTE not in text


def test_command_line_values_override_the_notebook():
    html, _ = SmartcityHTMLExporter(title="Krefeld im Vergleich", lang="en", year=2024).from_notebook_node(
        _report_notebook()
    )
    assert '<html lang="en">' in html and "Krefeld im Vergleich – Smart City Index 2024" in html


def test_meta_of_a_category_report_with_the_latest_edition_from_its_data():
    meta = report_meta(
        _with_parameters(
            'category = "gesellschaft-und-bildung"\nyear = None\ndata = None\nlang = "en"',
            {"scope": "category", "title": "Kategoriebericht", "slug": "kategorien"},
        )
    )
    assert (meta.kind, meta.title, meta.lang, meta.is_sample) == ("category", "Society and Education", "en", True)
    assert meta.year == 2025 and meta.subtitle == "Smart City Index 2025"


def test_own_notebook_reading_a_user_file_carries_its_title_and_source():
    meta = report_meta(
        _with_parameters(
            'year = 2025\ndata = "/daten/ergebnisse_2025.xlsx"\ncity = "Krefeld"',
            {"scope": "city", "title": "Digitalcheck", "slug": "digitalcheck"},
        )
    )
    assert meta.kind_label == "Digitalcheck" and meta.subtitle == "Digitalcheck · Smart City Index 2025"
    assert not meta.is_sample and meta.data_note == "Datenquelle: Bitkom Smart City Index 2025"


@pytest.mark.parametrize("exporter", [SmartcityHTMLExporter, SmartcityPDFExporter])
def test_a_plain_notebook_without_smartcity_metadata_still_renders(exporter):
    nb = _with_parameters("x = 1")
    output, _ = exporter().from_notebook_node(nb, {"metadata": {"name": "Auswertung"}})
    assert output


def test_plain_notebook_meta_is_its_name_and_no_sample_claim():
    nb = _with_parameters("x = 1")
    meta = report_meta(nb, {"metadata": {"name": "Auswertung"}})
    assert (meta.title, meta.is_sample, meta.data_note, meta.kind_name) == ("Auswertung", False, None, "Bericht")
    nb.cells.append(new_code_cell("data = None"))  # not a parameters cell: no claim about the data either
    assert report_meta(nb).data_note is None


def test_computed_data_parameter_makes_no_sample_claim():
    meta = report_meta(
        _with_parameters(
            'import os\ndata = os.environ.get("DATEN")\nyear = 2025',
            {"scope": "edition", "title": "Übersicht", "slug": "uebersicht"},
        )
    )
    assert not meta.is_sample and meta.data_note is None
