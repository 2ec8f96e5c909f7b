"""Official-format tables made from the bundled sample, and a runner for every report section.

The Bitkom site publishes one ranking table per level: the overall ranking and one per category,
each with the columns ``Platz;Tendenz;Stadt;Index``. :func:`bitkom_csv` writes such tables from
``data/scores.csv`` (sample values, clearly not official figures) so that tests can load them the
way a user would, through :func:`smartcity.dataset.load_dataset`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartcity import catalogue
from smartcity.dataset import read_bundled

CATEGORY_NAMES = [c.name_de for c in catalogue.CATEGORIES]


def sample_table(year: int, category: str = "") -> pd.DataFrame:
    """One ranking of the bundled sample (overall when ``category`` is empty), best first."""
    s = read_bundled()
    level = "category" if category else "overall"
    t = s[(s["year"] == year) & (s["level"] == level) & (s["category"] == category)]
    return t.sort_values(["rank", "city"]).reset_index(drop=True)


def _tendency(value) -> str:
    if pd.isna(value):
        return "neu"
    v = int(value)
    return "±0" if v == 0 else f"{v:+d}"


def bitkom_csv(year: int, tables: dict[str, pd.DataFrame | None] | None = None, *, tendency: bool = True) -> str:
    """CSV text with one titled table per entry of ``tables`` (``""`` = overall ranking,
    else a category name; ``None`` = the full table of the sample)."""
    if tables is None:
        tables = {name: None for name in [""] + CATEGORY_NAMES}
    blocks = []
    for name, frame in tables.items():
        t = sample_table(year, name) if frame is None else frame
        title = f"Smart City Index {year} – {name or 'Gesamtranking'}"
        head = "Platz;Tendenz;Stadt;Index" if tendency else "Platz;Stadt;Index"
        lines = [title, head]
        for r in t.itertuples():
            score = f"{r.score:.1f}".replace(".", ",")
            cells = [str(int(r.rank))] + ([_tendency(r.rank_change)] if tendency else []) + [r.city, score]
            lines.append(";".join(cells))
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# every section of every report kind, and the report contract


import re  # noqa: E402

from smartcity import analysis as an  # noqa: E402
from smartcity import report as rp  # noqa: E402

CITY_SECTIONS = [
    "title",
    "notice",
    "summary",
    "trend_text",
    "profile_text",
    "category_table",
    "strengths_text",
    "peers_text",
    "levers_text",
    "levers_table",
    "method_note",
]
CITY_CHARTS = ["trajectory_chart", "category_chart", "indicator_chart", "peers_chart"]
CATEGORY_SECTIONS = [
    "title",
    "notice",
    "summary",
    "heading:ranking",
    "heading:movers",
    "movers_table",
    "heading:indicators",
    "leaders_table",
    "heading:bundesland",
    "bundesland_table",
    "method_note",
    "heading:table",
    "ranking_table",
]
CATEGORY_CHARTS = ["ranking_chart", "distribution_chart", "heatmap"]
OVERVIEW_SECTIONS = [
    "title",
    "notice",
    "summary",
    "heading:top10",
    "top10_table",
    "heading:series",
    "heading:map",
    "heading:movers",
    "movers_table",
    "heading:bundesland",
    "bundesland_table",
    "method_note",
]
OVERVIEW_CHARTS = ["series_chart", "map_chart"]
TEMPLATE_SECTIONS = ["land_heading", "land_table"]
TEMPLATE_CHARTS = ["land_chart"]
LANDS = ["Nordrhein-Westfalen", "Bayern", "Saarland"]


def _show(obj) -> str:
    """What a reader sees of a section: Markdown text, table HTML or a chart's alt text and caption."""
    for attr in ("text",):
        if isinstance(getattr(obj, attr, None), str):
            return getattr(obj, attr)
    if hasattr(obj, "_repr_html_"):
        return re.sub(r'src="data:image/png;base64,[^"]*"', "", obj._repr_html_())
    return str(obj)


def _call(report, name: str, *args):
    if name.startswith("heading:"):
        return report.heading(name.split(":", 1)[1])
    return getattr(report, name)(*args)


def report_sections(
    ds,
    year: int,
    lang: str,
    cities: list[str],
    categories: list[str],
    *,
    overview: bool = True,
    lands: list[str] | None = None,
    with_charts: bool = False,
):
    """Yield ``(kind, scope, section, shown text)`` for every section of every report kind;
    a report kind with nothing to say yields ``(kind, scope, "skipped", reason)``."""
    jobs = [("city", c) for c in cities] + [("category", c) for c in categories]
    if overview:
        jobs.append(("overview", ""))
    jobs += [("template", land) for land in (LANDS if lands is None else lands)]
    for kind, scope in jobs:
        try:
            if kind == "city":
                r = rp.CityReport(scope, year, ds, lang)
                names = CITY_SECTIONS + (CITY_CHARTS if with_charts else [])
            elif kind == "category":
                r = rp.CategoryReport(scope, year, ds, lang)
                names = CATEGORY_SECTIONS + (CATEGORY_CHARTS if with_charts else [])
            else:
                r = rp.OverviewReport(year, ds, lang)
                names = (
                    (OVERVIEW_SECTIONS + (OVERVIEW_CHARTS if with_charts else []))
                    if kind == "overview"
                    else TEMPLATE_SECTIONS + (TEMPLATE_CHARTS if with_charts else [])
                )
        except an.NoReportData as exc:
            yield kind, scope, "skipped", str(exc)
            continue
        for name in names:
            args = (scope,) if kind == "template" else ()
            yield kind, scope, name, _show(_call(r, name, *args))


PLACEHOLDER = re.compile(r"\bNone\b|\bnan\b|\bNaN\b|<NA>|\bNaT\b|\binf\b|\{[a-z_]+\}|\bundefined\b")
NEGATIVE_GAP = re.compile(
    r"(?:fehlen|beträgt|gap (?:is|of)|lacks?)\s+[-−]\d|[-−]\d+(?:[.,]\d+)?\s(?:Punkte?n?|points?)\b"
)
RANK_OF = {"de": re.compile(r"Platz (\d+) von (\d+)"), "en": re.compile(r"\b[Rr]ank (\d+) of (\d+)")}


def check_text(kind: str, section: str, text: str, lang: str, field_size: int) -> list[str]:
    """Problems of one shown section: placeholders, negative gaps, and (outside the peer
    groups, whose places are within the group) every "Platz X von N" with N the edition's
    field size and X <= N."""
    problems = []
    plain = re.sub(r"<[^>]+>", " ", text)
    for m in PLACEHOLDER.finditer(plain):
        problems.append(
            f"{kind}/{section}: placeholder {m.group(0)!r} in {plain[max(0, m.start() - 80) : m.end() + 40]!r}"
        )
    for m in NEGATIVE_GAP.finditer(plain):
        problems.append(
            f"{kind}/{section}: negative gap {m.group(0)!r} in {plain[max(0, m.start() - 80) : m.end() + 40]!r}"
        )
    for m in RANK_OF[lang].finditer(plain):
        x, n = int(m.group(1)), int(m.group(2))
        if x > n:
            problems.append(f"{kind}/{section}: rank {x} of {n}")
        if section != "peers_text" and n != field_size:
            problems.append(
                f"{kind}/{section}: field size {n}, edition has {field_size}: "
                f"{plain[max(0, m.start() - 80) : m.end() + 40]!r}"
            )
    return problems


_ROWS: dict = {}


def _row(ds, year: int, level: str, city: str, category: str = ""):
    """The data row of a city in the overall or a category table (indexed once per dataset)."""
    s = ds.scores
    index = _ROWS.get(id(s))
    if index is None or index[0] is not s:
        _ROWS.clear()
        top = s[s["level"] != "indicator"]
        rows = {}
        for r in top.itertuples(index=False):
            rows.setdefault(
                (int(r.year), r.level, r.city, r.category),
                {"rank": r.rank, "score": r.score, "rank_change": r.rank_change, "provenance": r.provenance},
            )
        index = _ROWS[id(s)] = (s, rows)
    return index[1].get((int(year), level, city, category))


def _rank1(ds, year: int, level: str, city: str, category: str = "") -> bool:
    r = _row(ds, year, level, city, category)
    return r is not None and int(r["rank"]) == 1


SCORE = {"de": re.compile(r"(\d+,\d) Punkt"), "en": re.compile(r"(\d+\.\d) points?\b")}
BY_PLACES = {"de": re.compile(r"um (\d+) Pl[aä]tze?\b"), "en": re.compile(r"by (\d+) places?\b")}


def edition_size(ds, year: int) -> int | None:
    """The field size of the edition as the catalogue of editions says (read here directly,
    not through the analysis, so that the check does not share the code it checks)."""
    e = ds.editions
    hit = e.loc[e["year"] == year, "n_cities"]
    return int(hit.iloc[0]) if len(hit) else None


def check_facts(ds, year: int, city: str, lang: str, headline_text: str) -> list[str]:
    """The city's facts against the data: rank, score, change, previous rank, neighbours
    (ranks, scores, non-negative gaps), leaders at rank 1; and the headline text states them."""
    problems = []
    row = _row(ds, year, "overall", city)
    if row is None:
        return problems
    size = edition_size(ds, year)
    try:
        h = an.headline(ds, city, year)
    except an.NoData:
        # only a score the method computed may stay out of an excerpt (its rank is not the edition's)
        n_overall = sum(1 for k in _ROWS[id(ds.scores)][1] if k[0] == year and k[1] == "overall")
        if row["provenance"] != "computed" or (size is not None and n_overall >= size):
            problems.append(f"headline {city}: no headline although the data has {dict(row)}")
        return problems
    if (h.rank, h.score) != (int(row["rank"]), float(row["score"])):
        problems.append(f"headline {city}: rank/score {h.rank}/{h.score} != data {row['rank']}/{row['score']}")
    if size is not None and h.n_cities != size:
        problems.append(f"headline {city}: field {h.n_cities} != edition {size}")
    given = None if pd.isna(row["rank_change"]) else int(row["rank_change"])
    if h.rank_change != given:
        problems.append(f"headline {city}: change {h.rank_change} != data {given}")
    if given is not None and h.prev_rank != h.rank + given:
        problems.append(f"headline {city}: previous rank {h.prev_rank} != {h.rank} + {given}")
    if h.direction == "new":
        first = an.first_edition(ds, city)
        if first is not None and first != year:
            problems.append(f"headline {city}: 'new' but the catalogue says first edition {first}")
    for nb, sign in [(x, 1) for x in h.above] + [(x, -1) for x in h.below]:
        r = _row(ds, year, "overall", nb.city)
        if r is None or int(r["rank"]) != nb.rank or float(r["score"]) != nb.score:
            problems.append(f"headline {city}: neighbour {nb} not as in the data")
        if sign * nb.gap < 0:
            problems.append(f"headline {city}: negative gap to {nb.city}")
    if h.rank == 1 and not _rank1(ds, year, "overall", city):
        problems.append(f"headline {city}: leader without rank 1")
    m = RANK_OF[lang].search(headline_text)
    if m and (int(m.group(1)), int(m.group(2))) != (h.rank, h.n_cities):
        problems.append(f"headline text {city}: {m.group(0)} != rank {h.rank} of {h.n_cities}")
    if lang == "de" and "Platz 1 von" not in headline_text and not m:
        problems.append(f"headline text {city}: no 'Platz X von N'")
    sc = SCORE[lang].search(headline_text)
    if sc and float(sc.group(1).replace(",", ".")) != h.score:
        problems.append(f"headline text {city}: first score {sc.group(1)} != {h.score}")
    bp = BY_PLACES[lang].search(headline_text.split("\n\n")[0])
    if bp and (h.rank_change is None or int(bp.group(1)) != abs(h.rank_change)):
        problems.append(f"headline text {city}: change {bp.group(0)} != data {h.rank_change}")
    prof = an.category_profile(ds, city, year, lang)
    for r in prof.itertuples():
        d = _row(ds, year, "category", city, r.category)
        if d is None or int(d["rank"]) != r.rank or float(d["score"]) != r.score:
            problems.append(f"profile {city}/{r.category}: {r.rank}/{r.score} not as in the data")
        if size is not None and r.n != size:
            problems.append(f"profile {city}/{r.category}: field {r.n} != edition {size}")
        for b in r.best_cities:
            if not _rank1(ds, year, "category", b, r.category):
                problems.append(f"profile {city}/{r.category}: leader {b} without rank 1")
    for g in an.peers(ds, city, year).groups.values():
        for c in g.leader:
            if g.missing:
                problems.append(f"peers {city}/{g.kind}: leader {c} named over a partial group")
    return problems


def check_views(ds, year: int, categories: list[str]) -> list[str]:
    """Leaders of the category and national views hold rank 1 in the data; movers are stated
    only over complete tables."""
    problems = []
    for cat in categories:
        v = an.category_view(ds, cat, year)
        for c in v.leaders:
            if not _rank1(ds, year, "category", c, v.category):
                problems.append(f"category {cat}: leader {c} without rank 1")
        if not v.complete and not (v.climbers.empty and v.fallers.empty):
            problems.append(f"category {cat}: movers over an excerpt")
    s = ds.scores
    if ((s["year"] == year) & (s["level"] == "overall")).any():
        v = an.national_view(ds, year)
        for c in v.leaders:
            if not _rank1(ds, year, "overall", c):
                problems.append(f"overview: leader {c} without rank 1")
        for r in v.category_leaders.itertuples():
            for c in r.leaders:
                if not _rank1(ds, year, "category", c, r.category):
                    problems.append(f"overview: {r.category} leader {c} without rank 1")
    return problems


def check_reports(
    ds,
    year: int,
    langs=("de", "en"),
    cities: list[str] | None = None,
    categories: list[str] | None = None,
    with_charts: bool = False,
    lands: list[str] | None = None,
) -> tuple[list[str], list]:
    """Run every section of every report kind and return ``(problems, shown sections)``."""
    s = ds.scores
    in_year = s[s["year"] == year]
    if cities is None:
        cities = sorted(in_year["city"].unique())
    if categories is None:
        categories = CATEGORY_NAMES
    size = edition_size(ds, year) or int(in_year["city"].nunique())
    problems: list[str] = []
    shown = []
    for lang in langs:
        for kind, scope, section, text in report_sections(
            ds, year, lang, cities, categories, with_charts=with_charts, lands=lands
        ):
            shown.append((lang, kind, scope, section, text))
            if section == "skipped":
                continue
            problems += [f"[{lang} {scope}] {p}" for p in check_text(kind, section, text, lang, size)]
            if kind == "city" and section == "summary":
                problems += [f"[{lang}] {p}" for p in check_facts(ds, year, scope, lang, text)]
    problems += check_views(ds, year, categories)
    return problems, shown
