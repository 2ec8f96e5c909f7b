"""nbconvert exporters with the report layout, for any notebook an analyst writes.

Registered as the nbconvert entry points ``smartcity-html`` and ``smartcity-pdf`` (pyproject.toml)::

    jupyter nbconvert --to smartcity-html mein_bericht.ipynb            # an executed notebook
    jupyter nbconvert --execute --to smartcity-pdf mein_bericht.ipynb   # run it first

They render exactly like the batch runner (:func:`smartcity.render.render_html` and
:func:`~smartcity.render.render_pdf`): no code cells, no cells tagged ``remove-cell`` (the analyst's
notes), the cover, contents and page footer of the project. What the runner knows from its plan
(title, edition, language, sample data or not) is read here from the notebook itself: its
``smartcity`` metadata and the literal values of its ``parameters`` (and papermill's
``injected-parameters``) cells. Every value can be set on the command line, e.g.
``--SmartcityPDFExporter.lang=en`` or ``--SmartcityHTMLExporter.title="Krefeld"``.
"""

from __future__ import annotations

import ast
import logging
from typing import TYPE_CHECKING, Any

from nbconvert.exporters import Exporter
from nbformat import NotebookNode
from traitlets import Integer, Unicode, default

if TYPE_CHECKING:
    from smartcity.render.meta import ReportMeta

# nbconvert imports and instantiates every registered exporter whenever it starts (its --to help lists
# them), JupyterLab's export menu too: this module imports only what nbconvert has loaded already. The
# report stack (smartcity.render: WeasyPrint, ~3 s; catalogue and dataset: pandas, ~1 s, measured with
# python -X importtime) is imported inside the functions below, when one of these exporters is used.

log = logging.getLogger("smartcity.exporters")

#: slugs of the project's own report notebooks: their reports carry no notebook title as kind label
STANDARD_SLUGS = {"city": "staedte", "category": "kategorien", "edition": "uebersicht"}

#: the value of a parameter assigned something other than a literal (``data = os.environ["DATEN"]``)
UNKNOWN = object()


def notebook_parameters(nb: NotebookNode) -> dict[str, Any]:
    """Literal values assigned in the ``parameters`` cell, overridden by papermill's ``injected-parameters``.

    Literals are read (``year = 2025``, ``peers = ["Bonn"]``); anything computed is :data:`UNKNOWN`.
    """
    values: dict[str, Any] = {}
    for tag in ("parameters", "injected-parameters"):
        for cell in nb.cells:
            if cell.cell_type != "code" or tag not in cell.get("metadata", {}).get("tags", []):
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            for node in tree.body:
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    target, value = node.target, node.value
                else:
                    continue
                if isinstance(target, ast.Name):
                    try:
                        values[target.id] = ast.literal_eval(value)
                    except ValueError:
                        values[target.id] = UNKNOWN
    return values


def _latest_year(data: Any) -> int | None:
    """The latest edition in the notebook's data (``data = None``: the bundled sample)."""
    if data is not None and not isinstance(data, (str, list)):
        return None
    try:
        from smartcity.dataset import load_dataset  # noqa: PLC0415 - start-up cost, see the top of the module

        return int(load_dataset(data).latest_year)
    except Exception as exc:  # noqa: BLE001 - the report still renders, with a subtitle without a year
        log.warning("cannot tell the edition from the notebook's data (%s); set --year", exc)
        return None


def report_meta(
    nb: NotebookNode,
    resources: dict | None = None,
    *,
    title: str = "",
    subtitle: str = "",
    year: int | None = None,
    lang: str = "",
) -> ReportMeta:
    """The :class:`ReportMeta` the batch runner would give this notebook, read from the notebook."""
    from smartcity import catalogue  # noqa: PLC0415 - start-up cost, see the top of the module
    from smartcity.render.meta import LANGS, ReportMeta, data_note  # noqa: PLC0415 - idem

    smartcity_meta = nb.metadata.get("smartcity") or {}
    params = notebook_parameters(nb)
    scope = str(smartcity_meta.get("scope") or "other")
    name = ((resources or {}).get("metadata") or {}).get("name") or "Bericht"
    nb_title = str(smartcity_meta.get("title") or name)
    lang = lang or (params["lang"] if params.get("lang") in LANGS else "de")
    if year is None:
        year = params["year"] if isinstance(params.get("year"), int) else None
    # a report claims the sample data only when its data parameter says so (None, or no such parameter
    # in a smartcity report notebook); a computed data parameter makes no claim either way
    knows_data = params.get("data", None if smartcity_meta else UNKNOWN) is not UNKNOWN
    if year is None and knows_data:
        year = _latest_year(params.get("data"))
    standard = STANDARD_SLUGS.get(scope) == smartcity_meta.get("slug")
    if not title:
        if scope == "city" and isinstance(params.get("city"), str):
            title = catalogue.resolve_city(params["city"]) or params["city"]
        elif scope == "category" and isinstance(params.get("category"), str):
            category = catalogue.resolve_category(params["category"])
            title = catalogue.category_label(category, year, lang) if category else params["category"]
        else:
            title = nb_title
    if not subtitle:
        subtitle = f"Smart City Index {year}" if year else "Smart City Index"
        if not standard and scope in ("city", "category"):
            subtitle = f"{nb_title} · {subtitle}"
    is_sample = knows_data and params.get("data") is None
    source = None if is_sample else params.get("data")
    return ReportMeta(
        kind=scope,
        title=title,
        subtitle=subtitle,
        year=year,
        lang=lang,
        is_sample=is_sample,
        kind_label=None if standard or not smartcity_meta else nb_title,
        data_note=data_note(year, lang, source) if knows_data else None,
    )


class SmartcityHTMLExporter(Exporter):
    """``--to smartcity-html``: the report page the batch runner writes, for any notebook."""

    export_from_notebook = "Smart City report (HTML)"
    output_mimetype = "text/html"

    title = Unicode("", help="report title (default: the city, category or notebook title)").tag(config=True)
    subtitle = Unicode("", help='subtitle (default: "Smart City Index <year>")').tag(config=True)
    year = Integer(
        None,
        allow_none=True,
        help="edition (default: the notebook's year parameter, else the latest edition in its data)",
    ).tag(config=True)
    lang = Unicode("", help="report language de|en (default: the notebook's lang parameter, else de)").tag(config=True)

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".html"

    def meta(self, nb: NotebookNode, resources: dict | None) -> ReportMeta:
        return report_meta(nb, resources, title=self.title, subtitle=self.subtitle, year=self.year, lang=self.lang)

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: Any):
        from smartcity.render import render_html  # noqa: PLC0415 - start-up cost, see the top of the module

        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)  # --execute runs here
        return render_html(nb_copy, self.meta(nb_copy, resources)), resources


class SmartcityPDFExporter(SmartcityHTMLExporter):
    """``--to smartcity-pdf``: the print-ready PDF (A4, cover, contents, page numbers) via WeasyPrint."""

    export_from_notebook = "Smart City report (PDF)"
    output_mimetype = "application/pdf"

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw: Any):
        from smartcity.render import render_html, render_pdf  # noqa: PLC0415 - start-up cost, see the top

        nb_copy, resources = Exporter.from_notebook_node(self, nb, resources, **kw)
        meta = self.meta(nb_copy, resources)
        return render_pdf(render_html(nb_copy, meta), meta), resources
