"""Publisher settings (smartcity/publisher.py): validation with clear errors, and what the reports show."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest

from smartcity.publisher import PublisherConfigError, contrast_ratio, darken_to_contrast, load_publisher
from smartcity.render import ReportMeta, render_html, render_pdf, render_summary_pdf

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "report.toml"


def write(tmp_path: Path, body: str, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / "report.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_example_config_loads():
    p = load_publisher(EXAMPLE)
    assert p.office == "Stabsstelle Digitalisierung der Stadt Krefeld"
    assert p.logo.startswith("data:image/svg+xml;base64,")
    assert p.accent == "#00643c" and contrast_ratio(p.accent, "#ffffff") >= 4.5
    assert "<p>Liebe Mitglieder des Rates,</p>" in p.foreword_html
    assert "<strong>Herausgeber:</strong>" in p.imprint_html


def test_contrast_ratio_known_values():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    fixed = darken_to_contrast("#66cc99")
    assert contrast_ratio(fixed, "#ffffff") >= 4.5


def test_low_contrast_accent_is_refused_with_a_fix(tmp_path):
    path = write(tmp_path, '[publisher]\noffice = "Digitalbüro"\naccent = "#66cc99"\n')
    with pytest.raises(PublisherConfigError) as err:
        load_publisher(path)
    msg = str(err.value)
    assert str(path) in msg and "accent" in msg and "#66cc99" in msg and "4.5:1" in msg
    suggested = msg.split('accent = "')[-1].split('"')[0]
    assert contrast_ratio(suggested, "#ffffff") >= 4.5  # the suggested fix really passes


@pytest.mark.parametrize(
    "body, key, words",
    [
        ('[publisher]\ncity = "Krefeld"\n', "office", "required"),
        ('[publisher]\noffice = "X"\naccent = "green"\n', "accent", "hex colour"),
        ('[publisher]\noffice = "X"\nlogo = "missing.svg"\n', "logo", "file not found"),
        ('[publisher]\noffice = "X"\nlogo = "logo.gif"\n', "logo", "unsupported file type"),
        ('[publisher]\noffice = "X"\ncolour = "#000000"\n', "colour", "unknown key"),
        ('[publisher]\noffice = 3\n', "office", "expected text"),
        ('[publisher]\noffice = "X"\nweb = "www.krefeld.de"\n', "web", "not a web address"),
        ('[verlag]\noffice = "X"\n', "[publisher]", "missing"),
        ('[publisher\noffice = "X"\n', "(file)", "not valid TOML"),
    ],
)
def test_bad_config_names_file_key_and_fix(tmp_path, body, key, words):
    path = write(tmp_path, body)
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    with pytest.raises(PublisherConfigError) as err:
        load_publisher(path)
    assert err.value.key == key
    msg = str(err.value)
    assert str(path) in msg and words in msg and "Fix:" in msg


def test_svg_with_script_or_external_link_is_refused(tmp_path):
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    path = write(tmp_path, '[publisher]\noffice = "X"\nlogo = "l.svg"\n', **{"l.svg": svg})
    with pytest.raises(PublisherConfigError, match="scripts or external links"):
        load_publisher(path)
    path = write(tmp_path, '[publisher]\noffice = "X"\nlogo = "l.svg"\n', **{"l.svg": "<svg><g>"})
    with pytest.raises(PublisherConfigError, match="not well-formed"):
        load_publisher(path)


def test_suggestion_for_misspelt_key(tmp_path):
    path = write(tmp_path, '[publisher]\noffice = "X"\nforword = "v.md"\n')
    with pytest.raises(PublisherConfigError, match="did you mean 'foreword'"):
        load_publisher(path)


def test_markdown_raw_html_is_escaped(tmp_path):
    path = write(
        tmp_path, '[publisher]\noffice = "X"\nforeword = "v.md"\n', **{"v.md": "Hallo <script>x()</script> **Rat**"}
    )
    p = load_publisher(path)
    assert "<script>" not in p.foreword_html and "<strong>Rat</strong>" in p.foreword_html


# ------------------------------------------------------------------------------ in the reports
def _meta(**kw) -> ReportMeta:
    base = dict(
        kind="city",
        title="Krefeld",
        subtitle="Smart City Index 2025",
        year=2025,
        lang="de",
        is_sample=True,
        generated=datetime.date(2025, 6, 1),
    )
    base.update(kw)
    return ReportMeta(**base)


def _notebook():
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from smartcity.glance import END_MARKER

    glance = (
        '<section class="at-a-glance" aria-labelledby="g"><h2 id="g">Auf einen Blick</h2>'
        f"<p>Platz 41 von 83 Städten</p></section>{END_MARKER}"
    )
    cells = [
        new_code_cell("r.notice()", outputs=[new_output("display_data", data={"text/markdown": "> Hinweis"})]),
        new_code_cell("r.at_a_glance()", outputs=[new_output("display_data", data={"text/html": glance})]),
        new_code_cell(
            "r.summary()",
            outputs=[
                new_output("display_data", data={"text/markdown": "## Gesamtergebnis\n\nKrefeld steht auf Platz 41."})
            ],
        ),
    ]
    return new_notebook(cells=cells)


def test_html_shows_publisher_and_moves_summary_before_contents():
    meta = _meta(publisher=load_publisher(EXAMPLE).as_dict())
    html = render_html(_notebook(), meta)
    assert '<meta name="author" content="Stabsstelle Digitalisierung der Stadt Krefeld">' in html
    assert 'class="cover-logo" src="data:image/svg+xml;base64,' in html
    assert "--accent: #00643c" in html
    order = [
        html.index(x)
        for x in (
            'class="cover',
            'class="at-a-glance"',
            'class="foreword"',
            'class="toc"',
            "<main>",
            "Krefeld steht auf Platz 41",
            'class="imprint"',
        )
    ]
    assert order == sorted(order)
    toc = html[html.index('class="toc"') : html.index("</nav>")]
    assert "Gesamtergebnis" in toc and "Auf einen Blick" not in toc


def test_without_config_the_house_style_stays():
    html = render_html(_notebook(), _meta())
    assert '<meta name="author" content="smartcity">' in html
    assert 'class="cover-logo"' not in html and 'class="foreword"' not in html and "smartcity-accent" not in html


@pytest.mark.slow
def test_pdf_publisher_on_cover_footer_and_metadata():
    from pypdf import PdfReader

    meta = _meta(publisher=load_publisher(EXAMPLE).as_dict())
    html = render_html(_notebook(), meta)
    reader = PdfReader(io.BytesIO(render_pdf(html, meta)))
    texts = [p.extract_text() for p in reader.pages]
    assert reader.metadata.author == "Stabsstelle Digitalisierung der Stadt Krefeld"
    assert "Herausgegeben von Stabsstelle Digitalisierung" in reader.metadata.subject
    assert "Herausgegeben von Stabsstelle Digitalisierung der Stadt Krefeld" in texts[0]
    assert "Auf einen Blick" in texts[1] and "Vorwort" in texts[2] and "Inhalt" in texts[3]
    assert all("Stabsstelle Digitalisierung der Stadt Krefeld · Erstellt am" in t for t in texts[1:])
    summary = PdfReader(io.BytesIO(render_summary_pdf(html, meta)))
    assert len(summary.pages) == 1
    assert "Auf einen Blick" in summary.pages[0].extract_text()
    assert summary.metadata.author == reader.metadata.author


def test_summary_needs_the_section():
    from smartcity.render.pdf import summary_html

    with pytest.raises(ValueError, match="only city reports"):
        summary_html("<html><main></main></html>", _meta())
