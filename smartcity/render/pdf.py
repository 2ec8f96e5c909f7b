"""Report HTML -> PDF with WeasyPrint (Python API).

A4, cover page, contents page with page numbers, running header and "Seite X von Y" footer,
German hyphenation (pyphen, via ``lang``), embedded subset fonts, document metadata, and a
tagged PDF declared as PDF/UA-1 (``pdf_variant="pdf/ua-1"``: PDF 1.7, structure tree,
``/MarkInfo``, ``/Lang``, ``DisplayDocTitle``, alt texts on figures, XMP ``pdfuaid:part=1``).

Parsed stylesheets and the font configuration are cached per process: report.css and
paged.css are parsed once; only a few lines of per-report CSS (header text, footer words,
sample mark) are parsed for each report. Charts go into the PDF as JPEG (:class:`ChartImages`).
"""

from __future__ import annotations

import base64
import io
import re
from html import escape
from functools import lru_cache

import pydyf
from PIL import Image
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .html import CSS_DIR, GLANCE_END, GLANCE_START, STYLE_ID, report_css
from smartcity.publisher import tint

from .meta import ReportMeta

PDF_VARIANT = "pdf/ua-1"

_STYLE_RE = re.compile(rf'<style id="{STYLE_ID}">.*?</style>', re.S)
_CHART_PNG_RE = re.compile(r'(<figure class="chart"><img src=")data:image/png;base64,([A-Za-z0-9+/=]+)"')
#: JPEG settings of the charts in the PDF: visually lossless (PSNR about 50 dB against the PNG)
CHART_JPEG = {"quality": 95, "subsampling": 0}


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
        p
        for p in (
            _css_string(before) if before else "",
            "counter(page)",
            _css_string(middle) if middle else "",
            "counter(pages)",
            _css_string(after) if after else "",
        )
        if p
    )
    rules = [
        "@page {",
        f"  @top-left {{ content: {_css_string(meta.document_title)}; }}",
        f"  @bottom-left {{ content: {_css_string(meta.footer_text)}; }}",
        f"  @bottom-right {{ content: {counter}; }}",
    ]
    if meta.is_sample:
        rules.append(
            f"  @top-right {{ content: {_css_string(meta.label('sample'))}; color: #a4281b;"
            " font-weight: 700; font-size: 8pt; }"
        )
    rules.append("}")
    if meta.publisher and meta.publisher.accent:
        rules.append(f":root {{ --accent: {meta.publisher.accent}; --accent-light: {tint(meta.publisher.accent)}; }}")
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
    document = _document(html, [*base_stylesheets(), _page_stylesheet(page_css(meta))])

    _set_metadata(document, meta)
    return _write(document, variant)


class ChartImages(URLFetcher):
    """The report's charts for WeasyPrint, as JPEG (quality 95, no chroma subsampling).

    :meth:`take` replaces each chart's ``data:`` URI in the HTML by a short ``smartcity-chart:N``
    URL that this fetcher serves from memory; every other URL is fetched as WeasyPrint would.
    Two costs go away: WeasyPrint's HTML parser reading hundreds of kilobytes of base64
    attribute text, and its decoding and compressing every PNG again (a palette PNG twice),
    together about 0.35 s of a city report's 1 s. A JPEG goes into the PDF as it is; the HTML
    keeps the lossless palette PNG. Images with transparency stay PNG (a JPEG has no alpha).
    """

    SCHEME = "smartcity-chart"

    def __init__(self) -> None:
        super().__init__()
        self.images: dict[str, tuple[bytes, str]] = {}

    def take(self, html: str) -> str:
        """``html`` with its chart images moved into this fetcher."""
        urls: dict[str, str] = {}

        def move(match: re.Match) -> str:
            data = match.group(2)
            if data not in urls:
                urls[data] = f"{self.SCHEME}:{len(self.images)}"
                self.images[urls[data]] = _pdf_image(base64.b64decode(data))
            return f'{match.group(1)}{urls[data]}"'

        return _CHART_PNG_RE.sub(move, html)

    def fetch(self, url, headers=None):
        if url in self.images:
            body, mime_type = self.images[url]
            return URLFetcherResponse(url, body, headers={"Content-Type": mime_type})
        return super().fetch(url, headers)


def _pdf_image(png: bytes) -> tuple[bytes, str]:
    image = Image.open(io.BytesIO(png))
    if "transparency" in image.info or image.mode in ("RGBA", "LA", "PA"):
        return png, "image/png"
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", **CHART_JPEG)
    return out.getvalue(), "image/jpeg"


def _document(html: str, stylesheets: list[CSS]):
    """WeasyPrint's laid-out document of report HTML, its charts served by :class:`ChartImages`."""
    charts = ChartImages()
    html = charts.take(html)
    return HTML(string=html, base_url=".", url_fetcher=charts).render(
        font_config=font_config(), stylesheets=stylesheets
    )


def _write(document, variant: str | None) -> bytes:
    options: dict = {"pdf_tags": True, "finisher": _scope_table_headers}
    if variant:
        options["pdf_variant"] = variant
    return document.write_pdf(**options)


def _scope_table_headers(document, pdf) -> None:
    """Give every table header cell a /Scope (PDF/UA-1 7.5, the pdfua check UA-15-003).

    WeasyPrint links data cells to their headers (/Headers, /ID) but leaves /Scope off the /TH
    cells themselves. A header in a row of headers labels its column; a header in a row with
    data cells (``<th scope="row">``) labels its row.
    """
    by_ref = {obj.reference: obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)}

    def role(obj) -> str:
        return str(obj.get("S", "")).lstrip("/")

    for row in by_ref.values():
        if row.get("Type") != "/StructElem" or role(row) != "TR":
            continue
        cells = [by_ref.get(k) for k in row.get("K", []) if isinstance(k, bytes)]
        cells = [c for c in cells if c is not None and role(c) in ("TH", "TD")]
        scope = "/Column" if all(role(c) == "TH" for c in cells) else "/Row"
        for c in cells:
            if role(c) == "TH":
                attrs = c.get("A")
                if not isinstance(attrs, pydyf.Dictionary):
                    attrs = c["A"] = pydyf.Dictionary({"O": "/Table"})
                attrs["Scope"] = scope


def _set_metadata(document, meta: ReportMeta) -> None:
    md = document.metadata
    md.title = meta.document_title
    md.authors = [meta.document_author] if meta.document_author else []
    md.description = meta.subject
    md.keywords = meta.keyword_list
    md.lang = meta.lang
    md.created = md.modified = meta.generated.isoformat()
    md.generator = "smartcity"


# --------------------------------------------------------------------------- one-page summary
SUMMARY_CSS = """
@page summary { margin: 14mm 16mm 18mm 18mm; @top-left { content: none; } }
body.summary-sheet { page: summary; }
.summary-head { display: flex; align-items: center; gap: 6mm; border-bottom: 2px solid var(--accent);
  padding-bottom: 3mm; margin-bottom: 4mm; }
.summary-head img { max-height: 14mm; max-width: 50mm; }
.summary-head h1 { font-size: 17pt; margin: 0; }
.summary-head p { margin: 0; font-size: 8.5pt; color: var(--muted); }
.summary-sheet .at-a-glance { break-after: auto; }
.summary-sheet .at-a-glance h2 { font-size: 13pt; border-top: 0; padding-top: 0; margin: 0 0 3mm; }
.summary-sheet .at-a-glance figure.chart img { max-height: 70mm; }
"""


def summary_html(report_html: str, meta: ReportMeta) -> str:
    """A standalone page with the report's "Auf einen Blick" section and a compact heading.

    Raises ``ValueError`` if the report has no such section (only city reports have one).
    """
    start = report_html.find(GLANCE_START)
    end = report_html.find(GLANCE_END, start)
    if start < 0 or end < 0:
        raise ValueError(
            "the report has no 'Auf einen Blick' section for --format summary (only city reports "
            "have one: a cell r.at_a_glance() in the city notebook, as in notebooks/city_report.ipynb)"
        )
    section = report_html[start : end + len(GLANCE_END)]
    p = meta.publisher
    logo = f'<img src="{p.logo}" alt="{escape(p.logo_alt)}">' if p and p.logo else ""
    byline = [meta.label("published_by", office=p.office)] if p else []
    byline.append(meta.generated_text)
    if meta.is_sample:
        byline.append(meta.label("sample"))
    accent = (
        f"<style>:root {{ --accent: {p.accent}; --accent-light: {tint(p.accent)}; }}</style>" if p and p.accent else ""
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{meta.lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(meta.document_title)}</title>\n{accent}</head>\n"
        f'<body class="report summary-sheet">\n<header class="summary-head">{logo}<div>'
        f"<h1>{escape(meta.document_title)}</h1><p>{escape(' · '.join(byline))}</p></div></header>\n"
        f"<main>\n{section}\n</main>\n</body>\n</html>\n"
    )


@lru_cache(maxsize=1)
def _summary_stylesheet() -> CSS:
    return CSS(string=SUMMARY_CSS, font_config=font_config())


def render_summary_pdf(report_html: str, meta: ReportMeta, *, variant: str | None = PDF_VARIANT) -> bytes:
    """The one-page PDF of a city report's summary (``--format summary``), same metadata as the report."""
    page = summary_html(report_html, meta)
    document = _document(page, [*base_stylesheets(), _page_stylesheet(page_css(meta)), _summary_stylesheet()])
    _set_metadata(document, meta)
    return _write(document, variant)
