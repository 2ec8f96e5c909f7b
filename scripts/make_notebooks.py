"""Write the report notebooks in notebooks/ (run once after changing their structure).

Analysts edit the notebooks directly in JupyterLab; this script is the reproducible starting point.
The files are written exactly as the git output filter (nbstripout, see .gitattributes and
docs/installing.md) leaves a notebook: cell ids 0, 1, 2 ..., no outputs, no ``language_info``, and the
kernelspec JupyterLab writes for the ``python3`` kernel that ``make`` installs, so that opening, running
and saving a notebook leaves ``git status`` clean.

Parameters are annotated and commented (``name: type = default  # help``) so that
``papermill --help-notebook notebooks/city_report.ipynb`` lists each with its type and help. papermill
reads annotations made of words, brackets and commas only, hence ``Optional``/``Union`` instead of ``|``.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}}
TYPING = "from typing import Optional, Union\n\n"
#: the parameters every report accepts (docs/architecture.md)
COMMON = (
    'year: Optional[int] = None  # edition, e.g. 2024; None: the latest edition in the data\n'
    'data: Union[str, list[str], None] = None  # your score file(s): a CSV/XLSX file, a folder or a list of them; None: the bundled sample data\n'
    'lang: str = "de"  # report language: "de" or "en"\n'
    'history: Optional[str] = None  # "published": the bundled published figures fill tables the data lacks'
)


def notebook(
    scope: str, title: str, slug: str, params: str, setup: str, sections: list[str], intro: str, title_en: str = ""
):
    cells = [new_markdown_cell(intro, metadata={"tags": ["remove-cell"]})]
    cells.append(new_code_cell(params, metadata={"tags": ["parameters"]}))
    cells.append(new_code_cell(setup))
    cells += [new_code_cell(s) for s in sections]
    for index, cell in enumerate(cells):
        cell.id = str(index)  # as nbstripout numbers them
    meta = {"scope": scope, "title": title, "slug": slug}
    if title_en:
        meta["title_en"] = title_en  # the title of English reports
    nb = new_notebook(cells=cells, metadata={**KERNEL, "smartcity": meta})
    return nb


def write(nb, name: str) -> None:
    path = NOTEBOOKS / name
    nbformat.write(nb, path)
    print("wrote", path)


CITY = notebook(
    "city",
    "Stadtbericht",
    "staedte",
    TYPING + 'city: str = "Krefeld"  # official name, slug or alias, e.g. "Krefeld" or "muenchen"\n' + COMMON + "\n"
    'peers: Optional[list[str]] = None  # fixed peer group, e.g. ["Düsseldorf", "Duisburg", "Neuss"]; None: same '
    "Land, same size class and the nearest cities",
    "from smartcity.report import CityReport\n\nr = CityReport(city, year=year, data=data, lang=lang, peers=peers, history=history)\nr.notice()",
    [
        "r.at_a_glance()",
        "r.summary()",
        "r.trend_text()",
        "r.trajectory_chart()",
        "r.profile_text()",
        "r.category_chart()",
        "r.category_table()",
        "r.strengths_text()",
        "r.indicator_chart()",
        "r.peers_text()",
        "r.peers_chart()",
        "r.levers_text()",
        "r.levers_table()",
        "r.method_note()",
    ],
    "# City report\n\nOne city, one edition: rank and score, categories, strengths and weaknesses, trend, peers and levers. "
    "Change the parameters below and run all cells; `run_reports.py` builds this notebook for every city.",
)

CATEGORY = notebook(
    "category",
    "Kategoriebericht",
    "kategorien",
    TYPING
    + 'category: str = "Verwaltung"  # German or English name or slug, e.g. "Mobilität" or "mobility"\n'
    + COMMON,
    "from smartcity.report import CategoryReport\n\nr = CategoryReport(category, year=year, data=data, lang=lang, history=history)\nr.notice()",
    [
        "r.summary()",
        'r.heading("ranking")',
        "r.ranking_chart()",
        "r.distribution_chart()",
        'r.heading("movers")',
        "r.movers_table()",
        'r.heading("indicators")',
        "r.leaders_table()",
        "r.heatmap()",
        'r.heading("bundesland")',
        "r.bundesland_table()",
        "r.method_note()",
        'r.heading("table")',
        "r.ranking_table()",
    ],
    "# Category report\n\nOne category, one edition: the ranking, distribution, movers, indicator leaders, "
    "the comparison of the Länder and, as an appendix, the full ranking table.",
)

OVERVIEW = notebook(
    "edition",
    "Bundesweite Übersicht",
    "uebersicht",
    TYPING + COMMON,
    "from smartcity.report import OverviewReport\n\nr = OverviewReport(year=year, data=data, lang=lang, history=history)\nr.notice()",
    [
        "r.summary()",
        'r.heading("top10")',
        "r.top10_table()",
        'r.heading("series")',
        "r.series_chart()",
        'r.heading("map")',
        "r.map_chart()",
        'r.heading("movers")',
        "r.movers_table()",
        'r.heading("bundesland")',
        "r.bundesland_table()",
        "r.method_note()",
    ],
    "# National overview\n\nOne edition: top 10 and the threshold to enter it, mean score over the years, movers, "
    "the Länder and a map of every city.",
    title_en="National overview",
)

TEMPLATE = notebook(
    "edition",
    "NRW-Städte im Vergleich",
    "nrw-vergleich",
    TYPING + COMMON + '\nbundesland: str = "Nordrhein-Westfalen"  # the Land whose cities are compared',
    "from smartcity.report import OverviewReport\n\n"
    "r = OverviewReport(year=year, data=data, lang=lang, history=history)\nr.notice()",
    ["r.land_heading(bundesland)", "r.land_table(bundesland)", "r.land_chart(bundesland)"],
    "# Template: your own report\n\nCopy this notebook to `notebooks/<name>.ipynb` (without the leading `_`), set "
    "`scope` and `title` (optionally `title_en`) in its metadata (`smartcity`), and `run_reports.py` builds it. "
    "See `docs/extending.md`.",
    title_en="NRW cities compared",
)

if __name__ == "__main__":
    write(CITY, "city_report.ipynb")
    write(CATEGORY, "category_report.ipynb")
    write(OVERVIEW, "overview_report.ipynb")
    write(TEMPLATE, "_template.ipynb")
