"""Rendering: executed notebook -> self-contained HTML (nbconvert) -> PDF (WeasyPrint).

    from smartcity.render import ReportMeta, render_html, render_pdf
    html = render_html(executed_notebook, meta)
    pdf = render_pdf(html, meta)

See docs/rendering.md.
"""

from .html import render_html
from .meta import LABELS, ReportMeta
from .pdf import render_pdf, render_summary_pdf

__all__ = ["LABELS", "ReportMeta", "render_html", "render_pdf", "render_summary_pdf"]
