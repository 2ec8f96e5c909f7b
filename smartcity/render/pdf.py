"""Report HTML -> PDF with WeasyPrint (Python API).

A4, cover page, contents page with page numbers, running header and "Seite X von Y" footer,
German hyphenation (pyphen, via ``lang``), embedded subset fonts, document metadata, and a
tagged PDF declared as PDF/UA-1 (``pdf_variant="pdf/ua-1"``: PDF 1.7, structure tree,
``/MarkInfo``, ``/Lang``, ``DisplayDocTitle``, alt texts on figures, XMP ``pdfuaid:part=1``).

Parsed stylesheets and the font configuration are cached per process: report.css and
paged.css are parsed once; only a few lines of per-report CSS (header text, footer words,
sample mark) are parsed for each report.
"""
from __future__ import annotations

import re
from functools import lru_cache

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from .html import CSS_DIR, STYLE_ID, report_css
from .meta import ReportMeta

PDF_VARIANT = "pdf/ua-1"

_STYLE_RE = re.compile(rf'<style id="{STYLE_ID}">.*?</style>', re.S)


@lru_cache(maxsize=1)
def font_config() -> FontConfiguration:
    return FontConfiguration()


@lru_cache(maxsize=1)
def base_stylesheets() -> tuple[CSS, CSS]:
    fc = font_config()
    return (
        CSS(string=report_css(), font_config=fc),
        CSS(string=(CSS_DIR / "paged.css").read_text(encoding="utf-8"), font_config=fc),
    )


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(meta: ReportMeta) -> str:
    """Per-report margin-box content: running title, page x of y, sample mark on every page."""
    before, _, rest = meta.label("page").partition("{page}")
    middle, _, after = rest.partition("{pages}")
    counter = " ".join(
        p for p in (_css_string(before) if before else "", "counter(page)",
                    _css_string(middle) if middle else "", "counter(pages)",
                    _css_string(after) if after else "") if p
    )
    rules = [
        "@page {",
        f"  @top-left {{ content: {_css_string(meta.document_title)}; }}",
        f"  @bottom-left {{ content: {_css_string(meta.generated_text)}; }}",
        f"  @bottom-right {{ content: {counter}; }}",
    ]
    if meta.is_sample:
        rules.append(
            f"  @top-right {{ content: {_css_string(meta.label('sample'))}; color: #a4281b;"
            " font-weight: 700; font-size: 8pt; }"
        )
    rules.append("}")
    return "\n".join(rules)


@lru_cache(maxsize=16)
def _page_stylesheet(css: str) -> CSS:
    return CSS(string=css, font_config=font_config())


def render_pdf(html: str, meta: ReportMeta, *, variant: str | None = PDF_VARIANT) -> bytes:
    """Render report HTML (from :func:`render_html`) to PDF bytes.

    ``variant=None`` writes a tagged PDF without the PDF/UA declaration.
    """
    # The embedded report.css is replaced by its cached, pre-parsed copy.
    html = _STYLE_RE.sub("", html, count=1)
    fc = font_config()
    stylesheets = [*base_stylesheets(), _page_stylesheet(page_css(meta))]
    document = HTML(string=html, base_url=".").render(font_config=fc, stylesheets=stylesheets)

    md = document.metadata
    md.title = meta.document_title
    md.authors = [meta.author] if meta.author else []
    md.description = meta.subtitle or None
    md.keywords = meta.keyword_list
    md.lang = meta.lang
    md.created = md.modified = meta.generated.isoformat()
    md.generator = "smartcity"
    options: dict = {"pdf_tags": True}
    if variant:
        options["pdf_variant"] = variant
    return document.write_pdf(**options)

