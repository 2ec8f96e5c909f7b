"""Notebook -> self-contained report HTML (nbconvert, in process, own template, no network).

The template lives in ``templates/smartcity/index.html.j2``; the screen and print CSS in
``css/report.css`` is embedded in a ``<style id="smartcity-css">`` element. What the template
cannot do cleanly is done here on the rendered text:

* ``sc_html`` filter: pandas/Styler tables get ``class="data-table"``, numeric cells and the
  headers of numeric columns get ``class="num"``; pandas' own ``<style scoped>`` block and
  ``border="1"`` are dropped (the house table style applies instead).
* the table of contents is built from the ``<h2>`` headings inside ``<main>`` (ids added where
  missing) and inserted at the ``<!--smartcity:toc-->`` marker.
"""

from __future__ import annotations

import base64
import re
import threading
import unicodedata
from functools import lru_cache
from html import escape
from pathlib import Path

import lxml.html
import nbformat
from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from smartcity.publisher import tint

from .meta import ReportMeta

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_DIR = PACKAGE_DIR / "templates"
CSS_DIR = PACKAGE_DIR / "css"
TEMPLATE_NAME = "smartcity"
TOC_MARKER = "<!--smartcity:toc-->"
GLANCE_MARKER = "<!--smartcity:glance-->"
GLANCE_START = '<section class="at-a-glance"'
GLANCE_END = "<!--/at-a-glance-->"
STYLE_ID = "smartcity-css"

# What outputs may show, best first. No JavaScript, widgets, LaTeX (no MathJax) or mermaid.
DATA_PRIORITY = ["text/html", "text/markdown", "image/svg+xml", "image/png", "image/jpeg", "text/plain"]


@lru_cache(maxsize=None)
def report_css() -> str:
    """The screen + print stylesheet embedded in every report (also parsed once for the PDF)."""
    return (CSS_DIR / "report.css").read_text(encoding="utf-8")


# --------------------------------------------------------------------------- template filters
def _b64(data: str) -> str:
    """nbformat stores PNG/JPEG as base64, sometimes with line breaks."""
    return "".join(data.split())


def _svg_b64(data: str) -> str:
    return base64.b64encode(data.encode("utf-8")).decode("ascii")


def _alt_filter(lang_default: str):
    def alt(output, mimetype: str) -> str:
        md = output.get("metadata", {}) or {}
        text = (md.get(mimetype) or {}).get("alt") or md.get("alt")
        return str(text) if text else lang_default

    return alt


_NUM_RE = re.compile(
    r"^[+\-−–]?\s*[▲▼↑↓→↗↘]?\s*[+\-−–]?\s*"
    r"(?:\d{1,3}(?:[.,\u00a0\u202f ]\d{3})+|\d+)(?:[.,]\d+)?"
    r"\s*(?:%|‰|Pkt\.?|Punkte|points?|pts?\.?)?\s*$"
)
_NEUTRAL = {"", "–", "—", "-", "nan", "NaN", "<NA>", "NA", "n. v.", "n/a", "None", "..."}


def _cell_text(cell) -> str:
    return " ".join(cell.text_content().split())


# Column widths are estimated here so that WeasyPrint can use the fixed table layout: its auto
# layout measures every cell twice (min/max content), which is the slowest part of a long table.
EM_PER_CHAR = 0.62  # average glyph width of the report font (Open Sans), bold headers included
CELL_PAD_EM = 1.4  # left + right cell padding
MAX_TABLE_EM = 56.0  # about the text width of A4 at the table font size


def _add_class(el, name: str) -> None:
    classes = (el.get("class") or "").split()
    if name not in classes:
        classes.append(name)
    el.set("class", " ".join(classes))


def _style_table(table, plain: bool) -> None:
    """House table style: class, numeric alignment, estimated column widths.

    ``plain``: the table comes from a pandas Styler without any style rules, so its per-cell
    ids and classes carry nothing and are dropped (leaner HTML, faster CSS matching).
    """
    _add_class(table, "data-table")
    for attr in ("border", "cellpadding", "cellspacing"):
        table.attrib.pop(attr, None)
    for tr in table.iter("tr"):
        tr.attrib.pop("style", None)  # pandas: <tr style="text-align: right;">
    if plain:
        for el in table.iter("th", "td", "tr"):
            el.attrib.pop("id", None)
            el.attrib.pop("class", None)

    body_rows = [tr for tbody in table.iter("tbody") for tr in tbody.iter("tr")]
    if not body_rows:
        body_rows = [tr for tr in table.iter("tr") if tr.getparent().tag != "thead"]
    spans = any(c.get("colspan") or c.get("rowspan") for tr in table.iter("tr") for c in tr)
    column_state: dict[int, bool] = {}  # column -> all non-empty cells numeric so far
    widths: dict[int, int] = {}  # column -> longest text (characters)
    for tr in body_rows:
        for i, cell in enumerate(c for c in tr if c.tag in ("td", "th")):
            text = _cell_text(cell)
            widths[i] = max(widths.get(i, 0), len(text))
            if text in _NEUTRAL:
                continue
            # a cell its producer marked as text stays text (e.g. the target "100 Punkte" among labels)
            is_num = bool(_NUM_RE.match(text)) and "text" not in (cell.get("class") or "").split()
            if is_num and cell.tag == "td":
                _add_class(cell, "num")
            column_state[i] = column_state.get(i, True) and is_num
    if spans:
        return
    numeric_cols = {i for i, ok in column_state.items() if ok}
    head_rows = [tr for thead in table.iter("thead") for tr in thead.iter("tr")]
    if head_rows:
        cells = [c for c in head_rows[-1] if c.tag in ("td", "th")]
        for i, cell in enumerate(cells):
            widths[i] = max(widths.get(i, 0), min(len(_cell_text(cell)), 16))
            if i in numeric_cols:
                _add_class(cell, "num")
    if not widths or table.find("colgroup") is not None or table.get("style"):
        return
    # one character of slack: a word that is estimated too tightly would wrap mid-cell
    ems = [(min(max(widths.get(i, 0), 2), 45) + 1) * EM_PER_CHAR + CELL_PAD_EM for i in range(max(widths) + 1)]
    total = sum(ems)
    colgroup = lxml.html.Element("colgroup")
    for em in ems:
        col = lxml.html.Element("col")
        col.set("style", f"width: {100 * em / total:.1f}%")
        colgroup.append(col)
    table.insert(0, colgroup)
    table.set("style", f"width: {total:.1f}em" if total <= MAX_TABLE_EM else "width: 100%")
    _add_class(table, "fixed")


_PANDAS_STYLE_RE = re.compile(r"<style scoped>.*?</style>", re.S)
_EMPTY_STYLE_RE = re.compile(r'<style type="text/css">\s*</style>')


def _html_filter(html: str) -> str:
    """Post-process one text/html output (tables only; everything else passes unchanged)."""
    if "<table" not in html:
        return html
    html = _PANDAS_STYLE_RE.sub("", html)
    # An empty Styler <style> block: the table's ids and classes style nothing.
    html, n_empty = _EMPTY_STYLE_RE.subn("", html)
    plain = n_empty > 0 and "<style" not in html
    try:
        parts = lxml.html.fragments_fromstring(html)
    except Exception:  # noqa: BLE001 - malformed markup: show it as the notebook produced it
        return html
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(escape(part, quote=False))
            continue
        tables = [part] if part.tag == "table" else list(part.iter("table"))
        for table in tables:
            _style_table(table, plain)
        if part.tag == "table":
            wrap = lxml.html.Element("div")
            wrap.set("class", "table-wrap")
            # a wide table scrolls sideways on small screens: keyboard users must reach it (WCAG 2.1.1)
            wrap.set("tabindex", "0")
            wrap.append(part)
            part = wrap
        out.append(lxml.html.tostring(part, encoding="unicode", method="html"))
    return "".join(out)


# --------------------------------------------------------------------------- exporter
class ReportExporter(HTMLExporter):
    """HTMLExporter with the smartcity template and without the lab/classic extras."""

    def __init__(self, **kw):
        super().__init__(
            template_name=TEMPLATE_NAME,
            extra_template_basedirs=[str(TEMPLATE_DIR)],
            exclude_input=True,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            exclude_anchor_links=True,
            embed_images=True,
            **kw,
        )
        self._nb_metadata = {}

    @property
    def default_config(self):
        c = super().default_config
        c.merge(
            {
                "NbConvertBase": {"display_data_priority": DATA_PRIORITY},
                # Notes for analysts (cells tagged "remove-cell") stay in the notebook only.
                "TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": ["remove-cell"]},
            }
        )
        return c

    def from_notebook_node(self, nb, resources=None, **kw):
        # Like HTMLExporter.from_notebook_node, minus the BeautifulSoup pass that adds English
        # placeholder alt texts and tabindex attributes for the lab template.
        resources = self._init_resources(resources)
        self.register_filter(
            "filter_data_type",
            WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources),
        )
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


_local = threading.local()


def _exporter() -> ReportExporter:
    exp = getattr(_local, "exporter", None)
    if exp is None:
        exp = ReportExporter()
        exp.register_filter("sc_html", _html_filter)
        exp.register_filter("sc_b64", _b64)
        exp.register_filter("sc_svg_b64", _svg_b64)
        _local.exporter = exp
    return exp


# --------------------------------------------------------------------------- contents
_H2_RE = re.compile(r"<h2(\s[^>]*)?>(.*?)</h2>", re.S | re.I)
_ID_RE = re.compile(r"""\sid\s*=\s*["']([^"']+)["']""", re.I)
_TAG_RE = re.compile(r"<[^>]+>")


def _slug(text: str) -> str:
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "abschnitt"


def _add_contents(html: str, meta: ReportMeta) -> str:
    start = html.find("<main>")
    end = html.rfind("</main>")
    if start < 0 or end < 0 or TOC_MARKER not in html:
        return html
    main = html[start:end]
    # "Auf einen Blick" (smartcity/glance.py) opens the report: it goes before the contents
    glance = ""
    g_start = main.find(GLANCE_START)
    g_end = main.find(GLANCE_END, g_start)
    if g_start >= 0 and g_end >= 0:
        glance = main[g_start : g_end + len(GLANCE_END)]
        main = main[:g_start] + main[g_end + len(GLANCE_END) :]
    entries: list[tuple[str, str]] = []
    used: set[str] = set()

    def add_id(m: re.Match) -> str:
        attrs, inner = m.group(1) or "", m.group(2)
        label = " ".join(lxml.html.fromstring(f"<p>{inner}</p>").text_content().split()) if inner else ""
        if not label:
            return m.group(0)
        found = _ID_RE.search(attrs)
        if found:
            anchor = found.group(1)
        else:
            base = "s-" + _slug(label)
            anchor, n = base, 2
            while anchor in used:
                anchor, n = f"{base}-{n}", n + 1
            attrs = f' id="{anchor}"{attrs}'
        used.add(anchor)
        entries.append((anchor, label))
        return f"<h2{attrs}>{inner}</h2>"

    main = _H2_RE.sub(add_id, main)
    if entries:
        items = "\n".join(f'<li><a href="#{escape(a)}">{escape(label, quote=False)}</a></li>' for a, label in entries)
        toc = (
            f'<nav class="toc" aria-labelledby="toc-title">\n'
            f'<h2 id="toc-title">{escape(meta.label("contents"))}</h2>\n<ol>\n{items}\n</ol>\n</nav>'
        )
    else:
        toc = ""
    head = html[:start].replace(GLANCE_MARKER, glance).replace(TOC_MARKER, toc)
    return head + main + html[end:]


# --------------------------------------------------------------------------- public API
def render_html(nb: nbformat.NotebookNode, meta: ReportMeta) -> str:
    """Render an executed notebook as one self-contained HTML page (see module docstring)."""
    exporter = _exporter()
    exporter.register_filter("sc_alt", _alt_filter(meta.label("figure")))
    accent = meta.publisher.accent if meta.publisher else ""
    resources = {"sc": {"meta": meta, "css": report_css(), "accent_light": tint(accent) if accent else ""}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return _add_contents(body, meta)
