"""Rendering: executed notebook -> self-contained HTML (nbconvert) -> PDF (WeasyPrint).

    from smartcity.render import ReportMeta, render_html, render_pdf
    html = render_html(executed_notebook, meta)
    pdf = render_pdf(html, meta)

See docs/rendering.md. The renderers are imported on first use: ``smartcity.render.meta`` alone
(what the batch runner's parent process needs) does not load nbconvert and WeasyPrint (seconds).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .meta import LABELS, ReportMeta

if TYPE_CHECKING:
    from .html import render_html
    from .pdf import render_pdf, render_summary_pdf

__all__ = ["LABELS", "ReportMeta", "render_html", "render_pdf", "render_summary_pdf"]

_LAZY = {"render_html": ".html", "render_pdf": ".pdf", "render_summary_pdf": ".pdf"}


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
