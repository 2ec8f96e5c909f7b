"""smartcity.render: HTML from a hand-built notebook (no execution) and the PDF made from it."""

from __future__ import annotations

import base64
import datetime
import io
import re

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from smartcity.render import ReportMeta, render_html, render_pdf

ALT = "Balkendiagramm: Gesamtpunkte 71,3 von 100, Rang 24 von 83"
CAPTION = "Gesamtpunkte im Vergleich"
CODE_MARKER = "SECRET_CODE_MARKER"


def _png() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (60, 30), (0, 73, 122)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Rang": [1, 2, 3],
            "Stadt": ["München", "Hamburg", "Krefeld"],
            "Punkte": ["85,6", "84,3", "71,3"],
            "Veränderung": ["+1", "−1", "+4"],
        }
    )


def _display(data: dict) -> nbformat.NotebookNode:
    return new_output("display_data", data=data)


def build_notebook(error: bool = False) -> nbformat.NotebookNode:
    df = _table()
    params = new_code_cell(f"year = 2025  # {CODE_MARKER}\ncity = 'Krefeld'")
    params.metadata["tags"] = ["parameters"]
    injected = new_code_cell(
        f"# Parameters\nyear = 2025  # {CODE_MARKER}",
        outputs=[new_output("stream", name="stdout", text="INJECTED_OUTPUT\n")],
    )
    injected.metadata["tags"] = ["injected-parameters"]
    summary = new_code_cell(
        f"show(summary)  # {CODE_MARKER}",
        outputs=[
            _display(
                {
                    "text/markdown": "## Zusammenfassung\n\nKrefeld erreicht 71,3 Punkte und belegt Rang 24 von 83.",
                    "text/plain": "<Markdown>",
                }
            )
        ],
    )
    chart = new_code_cell(
        f"chart  # {CODE_MARKER}",
        outputs=[
            new_output(
                "execute_result",
                execution_count=3,
                data={
                    "text/html": f'<figure class="chart"><img src="data:image/png;base64,{_png()}" alt="{ALT}">'
                    f"<figcaption>{CAPTION}</figcaption></figure>",
                    "text/plain": "<Chart>",
                },
            )
        ],
    )
    table = new_code_cell(
        f"display(table)  # {CODE_MARKER}",
        outputs=[
            _display({"text/markdown": "## Rangliste\n\nDie Tabelle zeigt die ersten drei Städte.", "text/plain": ""}),
            _display({"text/html": df.style.hide(axis="index").to_html(), "text/plain": "df"}),
            _display({"text/html": df.to_html(), "text/plain": "df"}),  # pandas repr, with its index
        ],
    )
    stream = new_code_cell(
        f"print('x')  # {CODE_MARKER}",
        outputs=[
            new_output("stream", name="stdout", text="Datenstand: Juni 2025\n"),
            new_output("stream", name="stderr", text="FutureWarning: STDERR_NOISE\n"),
        ],
    )
    nb = new_notebook(
        cells=[
            params,
            injected,
            summary,
            chart,
            table,
            stream,
            new_markdown_cell("## Methode\n\nMin-max-normiert, gewichtet."),
        ]
    )
    if error:
        nb.cells.append(
            new_code_cell(
                "1/0",
                outputs=[
                    new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=["\x1b[0;31mZeroDivisionError\x1b[0m: division by zero"],
                    )
                ],
            )
        )
    return nb


def make_meta(**kw) -> ReportMeta:
    base = dict(
        kind="city",
        title="Krefeld",
        subtitle="Smart City Index 2025",
        year=2025,
        lang="de",
        is_sample=True,
        generated=datetime.date(2025, 6, 1),
        keywords=["Krefeld", "Smart City"],
    )
    base.update(kw)
    return ReportMeta(**base)


@pytest.fixture(scope="module")
def html_sample() -> str:
    return render_html(build_notebook(), make_meta())


# ----------------------------------------------------------------------------- HTML
def test_no_code_or_prompts(html_sample):
    assert CODE_MARKER not in html_sample
    assert "city = " not in html_sample
    assert not re.search(r"(In|Out)\s*\[\s*\d*\s*\]", html_sample)
    assert "prompt" not in html_sample.lower()
    assert "INJECTED_OUTPUT" not in html_sample


def test_self_contained_and_lean(html_sample):
    assert "<script" not in html_sample
    assert not re.search(r"""(src|href)\s*=\s*["']https?:""", html_sample)
    assert "@import" not in html_sample
    assert "mathjax" not in html_sample.lower() and "require" not in html_sample.lower()
    assert 'src="data:image/png;base64,' in html_sample


def test_document_structure(html_sample):
    assert html_sample.startswith("<!DOCTYPE html>")
    assert '<html lang="de">' in html_sample
    assert "<title>Krefeld – Smart City Index 2025</title>" in html_sample
    assert html_sample.count("<main>") == 1 and "</main>" in html_sample
    assert '<h1 class="cover-title">Krefeld</h1>' in html_sample
    assert "Stadtbericht" in html_sample
    assert "1. Juni 2025" in html_sample
    # contents from the h2 headings, in order, linked to ids
    toc = re.search(r'<nav class="toc".*?</nav>', html_sample, re.S).group(0)
    assert re.findall(r">([^<]+)</a>", toc) == ["Zusammenfassung", "Rangliste", "Methode"]
    assert '<h2 id="s-zusammenfassung">Zusammenfassung</h2>' in html_sample
    assert "Min-max-normiert" in html_sample  # markdown cells are content


def test_figure_keeps_alt_text(html_sample):
    assert f'alt="{ALT}"' in html_sample
    assert '<figure class="chart">' in html_sample
    assert f"<figcaption>{CAPTION}</figcaption>" in html_sample


def test_sample_banner():
    assert 'class="sample-banner"' in render_html(build_notebook(), make_meta())
    official = render_html(build_notebook(), make_meta(is_sample=False))
    assert 'class="sample-banner"' not in official and "Beispieldaten" not in official
    english = render_html(build_notebook(), make_meta(lang="en"))
    assert '<html lang="en">' in english and "Sample data" in english and "City report" in english
    assert ">Contents<" in english


def test_dataframe_tables(html_sample):
    tables = re.findall(r"<table.*?</table>", html_sample, re.S)
    assert len(tables) == 2
    assert all("data-table" in t for t in tables)
    assert "<style scoped>" not in html_sample and 'border="1"' not in html_sample
    hidden, with_index = tables
    assert "<th" not in hidden.split("<tbody>")[1]  # index hidden by the notebook stays hidden
    assert re.search(r"<tbody>\s*<tr>\s*<th>0</th>", with_index)  # pandas' index kept
    # numbers right-aligned (class num), text not; numeric column headers too
    assert re.search(r'<td class="num">71,3</td>', hidden)
    assert re.search(r'<td class="num">−1</td>', hidden)
    assert "<td>Krefeld</td>" in hidden
    assert '<th class="num">Punkte</th>' in hidden and "<th>Stadt</th>" in hidden
    assert 'class="data-table fixed"' in hidden and "<colgroup>" in hidden


def test_streams(html_sample):
    assert '<pre class="stream">Datenstand: Juni 2025' in html_sample
    assert "STDERR_NOISE" not in html_sample


def test_error_output_is_visible():
    html = render_html(build_notebook(error=True), make_meta())
    assert 'class="cell-error" role="alert"' in html
    assert "ZeroDivisionError" in html and "division by zero" in html
    assert "\x1b[" not in html
    assert "Fehler bei der Berechnung" in html


def test_meta():
    meta = make_meta(keywords=None, kind="edition", title="Deutschland")
    assert meta.kind_name == "Bundesweite Übersicht"
    assert "Smart City Index" in meta.keyword_list and "2025" in meta.keyword_list
    assert make_meta(kind="something", kind_label="Sonderauswertung").kind_name == "Sonderauswertung"
    assert make_meta(kind="something").kind_name == "Bericht"
    assert make_meta(lang="en").date_text == "1 June 2025"
    with pytest.raises(ValueError):
        make_meta(lang="fr")


# ----------------------------------------------------------------------------- PDF
@pytest.fixture(scope="module")
def pdfs():
    from pypdf import PdfReader

    out = {}
    for name, meta in {
        "sample": make_meta(),
        "official": make_meta(is_sample=False),
        "en": make_meta(lang="en"),
    }.items():
        data = render_pdf(render_html(build_notebook(), meta), meta)
        assert data.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(data))
        out[name] = (reader, [p.extract_text() for p in reader.pages])
    return out


@pytest.mark.slow
def test_pdf_metadata(pdfs):
    reader, _ = pdfs["sample"]
    info = reader.metadata
    assert info.title == "Krefeld – Smart City Index 2025"
    assert info.author == "smartcity"
    assert "Krefeld" in info["/Keywords"]
    assert info["/CreationDate"].startswith("D:20250601")
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert pdfs["en"][0].trailer["/Root"]["/Lang"] == "en"


@pytest.mark.slow
def test_pdf_pages_and_footer(pdfs):
    _, texts = pdfs["sample"]
    n = len(texts)
    assert n >= 3  # cover, contents, body
    assert "STADTBERICHT" in texts[0].upper() and "Krefeld" in texts[0] and "1. Juni 2025" in texts[0]
    assert "Inhalt" in texts[1]
    # the cover is page 1 and carries no number; every later page says "Seite k von n"
    assert "Seite 1 von" not in texts[0]
    for k in range(2, n + 1):
        assert f"Seite {k} von {n}" in texts[k - 1]
        assert "Krefeld – Smart City Index 2025" in texts[k - 1]  # running header
    assert f"Page 2 of {len(pdfs['en'][1])}" in pdfs["en"][1][1]


@pytest.mark.slow
def test_pdf_content_and_contents_page(pdfs):
    _, texts = pdfs["sample"]
    body = "\n".join(texts[2:])
    for figure in ("71,3", "85,6", "84,3", "Rang 24 von 83", "München", "Datenstand: Juni 2025", CAPTION):
        assert figure in body
    assert "Zusammenfassung" in texts[1]
    assert re.findall(r"^\d+$", texts[1], re.M) == ["3", "3", "3"]  # the page of each section, right-aligned


@pytest.mark.slow
def test_pdf_charts_are_jpeg_html_keeps_png(pdfs, html_sample):
    reader, _ = pdfs["sample"]
    filters = {
        xobj.get_object()["/Filter"]
        for page in reader.pages
        for xobj in page["/Resources"].get("/XObject", {}).values()
        if xobj.get_object()["/Subtype"] == "/Image"
    }
    assert filters == {"/DCTDecode"}
    assert 'src="data:image/png;base64,' in html_sample


def test_chart_images_jpeg_for_charts_png_for_transparency_others_untouched():
    from PIL import Image

    from smartcity.render.pdf import ChartImages

    buf = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 73, 122, 128)).save(buf, format="PNG")
    transparent = base64.b64encode(buf.getvalue()).decode("ascii")
    opaque = _png()
    html = (
        f'<figure class="chart"><img src="data:image/png;base64,{opaque}" alt="a"></figure>'
        f'<figure class="chart"><img src="data:image/png;base64,{transparent}" alt="b"></figure>'
        f'<header><img src="data:image/png;base64,{opaque}" alt="logo"></header>'
    )
    charts = ChartImages()
    out = charts.take(html)
    assert re.findall(r'src="([^"]+)"', out)[:2] == ["smartcity-chart:0", "smartcity-chart:1"]
    assert f'<header><img src="data:image/png;base64,{opaque}"' in out  # only charts are moved
    jpeg = charts.fetch("smartcity-chart:0")
    assert jpeg.content_type == "image/jpeg"
    image = Image.open(io.BytesIO(jpeg.read()))
    assert image.format == "JPEG" and image.size == (60, 30)
    assert max(abs(a - b) for a, b in zip(image.getpixel((30, 15)), (0, 73, 122))) <= 3
    png = charts.fetch("smartcity-chart:1")  # alpha cannot go into a JPEG
    assert png.content_type == "image/png" and png.read() == base64.b64decode(transparent)


@pytest.mark.slow
def test_pdf_sample_mark_on_every_page(pdfs):
    assert all("Beispieldaten" in t for t in pdfs["sample"][1])
    assert all("Sample data" in t for t in pdfs["en"][1])
    assert not any("Beispieldaten" in t for t in pdfs["official"][1])


def _struct_elements(node, out):
    node = node.get_object()
    if not isinstance(node, dict):
        return
    if "/S" in node:
        out.append(node)
    kids = node.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, list) else [kids]:
        try:
            _struct_elements(kid, out)
        except AttributeError:  # marked-content ids
            pass


@pytest.mark.slow
def test_pdf_is_tagged_with_alt_texts(pdfs):
    reader, _ = pdfs["sample"]
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    elements = []
    _struct_elements(root["/StructTreeRoot"], elements)
    tags = {e["/S"] for e in elements}
    assert {"/H1", "/H2", "/Table", "/Figure", "/P"} <= tags
    assert ALT in [e.get("/Alt") for e in elements if e["/S"] == "/Figure"]
    assert b"pdfuaid:part=\"1\"" in root["/Metadata"].get_object().get_data()


@pytest.mark.slow
def test_pdf_bookmarks_and_fonts(pdfs):
    reader, _ = pdfs["sample"]
    titles = [o.title for o in reader.outline if not isinstance(o, list)]
    assert titles == ["Inhalt", "Zusammenfassung", "Rangliste", "Methode"]
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            desc = font.get_object()
            desc = desc["/DescendantFonts"][0].get_object() if "/DescendantFonts" in desc else desc
            fd = desc["/FontDescriptor"].get_object()
            assert any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3"))  # embedded
