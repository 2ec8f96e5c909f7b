"""Write the report notebooks in notebooks/ (run once after changing their structure).

Analysts edit the notebooks directly in JupyterLab; this script is the reproducible starting point.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


def notebook(scope: str, title: str, slug: str, params: str, setup: str, sections: list[str], intro: str):
    cells = [new_markdown_cell(intro, metadata={"tags": ["remove-cell"]})]
    cells.append(new_code_cell(params, metadata={"tags": ["parameters"]}))
    cells.append(new_code_cell(setup))
    cells += [new_code_cell(s) for s in sections]
    nb = new_notebook(cells=cells, metadata={**KERNEL, "smartcity": {"scope": scope, "title": title, "slug": slug}})
    return nb


def write(nb, name: str) -> None:
    path = NOTEBOOKS / name
    nbformat.write(nb, path)
    print("wrote", path)


CITY = notebook(
    "city", "Stadtbericht", "staedte",
    'city = "Krefeld"\nyear = None  # None: latest edition in the data\ndata = None  # None: bundled sample data\nlang = "de"\npeers = None  # e.g. ["Düsseldorf", "Duisburg", "Neuss"]',
    "from smartcity.report import CityReport\n\nr = CityReport(city, year=year, data=data, lang=lang, peers=peers)\nr.notice()",
    ["r.summary()", "r.trend_text()", "r.trajectory_chart()", "r.profile_text()", "r.category_chart()",
     "r.category_table()", "r.strengths_text()", "r.indicator_chart()", "r.peers_text()", "r.peers_chart()",
     "r.levers_text()", "r.levers_table()", "r.method_note()"],
    "# City report\n\nOne city, one edition: rank and score, categories, strengths and weaknesses, trend, peers and levers. "
    "Change the parameters below and run all cells; `run_reports.py` builds this notebook for every city.",
)

CATEGORY = notebook(
    "category", "Kategoriebericht", "kategorien",
    'category = "Verwaltung"\nyear = None\ndata = None\nlang = "de"',
    "from smartcity.report import CategoryReport\n\nr = CategoryReport(category, year=year, data=data, lang=lang)\nr.notice()",
    ["r.summary()", 'r.heading("ranking")', "r.ranking_chart()", "r.distribution_chart()",
     'r.heading("movers")', "r.movers_table()", 'r.heading("indicators")', "r.leaders_table()", "r.heatmap()",
     'r.heading("bundesland")', "r.bundesland_table()", "r.method_note()",
     'r.heading("table")', "r.ranking_table()"],
    "# Category report\n\nOne category, one edition: the ranking, distribution, movers, indicator leaders, "
    "the comparison of the Länder and, as an appendix, the full ranking table.",
)

OVERVIEW = notebook(
    "edition", "Bundesweite Übersicht", "uebersicht",
    'year = None\ndata = None\nlang = "de"',
    "from smartcity.report import OverviewReport\n\nr = OverviewReport(year=year, data=data, lang=lang)\nr.notice()",
    ["r.summary()", 'r.heading("top10")', "r.top10_table()", 'r.heading("series")', "r.series_chart()",
     'r.heading("map")', "r.map_chart()", 'r.heading("movers")', "r.movers_table()", 'r.heading("bundesland")',
     "r.bundesland_table()", "r.method_note()"],
    "# National overview\n\nOne edition: top 10 and the threshold to enter it, mean score over the years, movers, "
    "the Länder and a map of every city.",
)

TEMPLATE = notebook(
    "edition", "NRW-Städte im Vergleich", "nrw-vergleich",
    'year = None\ndata = None\nlang = "de"\nbundesland = "Nordrhein-Westfalen"',
    "from smartcity.report import OverviewReport\n\n"
    "r = OverviewReport(year=year, data=data, lang=lang)\nr.notice()",
    ["r.land_heading(bundesland)",
     "r.land_table(bundesland)",
     "r.land_chart(bundesland)"],
    "# Template: your own report\n\nCopy this notebook to `notebooks/<name>.ipynb` (without the leading `_`), set "
    "`scope` and `title` in its metadata (`smartcity`), and `run_reports.py` builds it. See `docs/extending.md`.",
)

if __name__ == "__main__":
    write(CITY, "city_report.ipynb")
    write(CATEGORY, "category_report.ipynb")
    write(OVERVIEW, "overview_report.ipynb")
    write(TEMPLATE, "_template.ipynb")
