""" "Auf einen Blick" / "At a glance": the one-page summary that opens every city report.

Built only from the analysis results the report's sections use (``analysis.headline``,
``category_profile``, ``peers``, ``levers`` ordered by ``narrative.levers_by_effect``), so the page
can never say something the sections behind it do not. Nothing is recomputed here; this module
only picks and formats.

    from smartcity.glance import at_a_glance
    page = at_a_glance(ds, "Krefeld", 2025, "de")     # displayable (HTML) in JupyterLab and reports
    page.facts                                        # what the page states, for tests
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from smartcity import analysis as an
from smartcity import catalogue, charts, fmt, narrative

#: the section's CSS class; the renderer moves this section in front of the contents (render/html.py)
SECTION_CLASS = "at-a-glance"
END_MARKER = "<!--/at-a-glance-->"
N_LEVERS = 3
#: the same number of levers the levers section's text weighs (narrative.levers_text)
LEVERS_POOL = 4


@dataclass
class Glance:
    """The summary page: ``_repr_html_`` for notebooks and reports; ``facts`` for tests."""

    city: str
    year: int
    lang: str
    html: str
    facts: dict = field(default_factory=dict)

    def _repr_html_(self) -> str:
        return self.html


def _category_facts(prof: pd.DataFrame) -> tuple[dict | None, dict | None]:
    """Best and weakest category by rank (ties: the higher / lower score); None without scores."""
    ranked = prof.dropna(subset=["rank"])
    if ranked.empty:
        return None, None
    order = ranked.assign(_r=ranked["rank"].astype(int)).sort_values(["_r", "score"], ascending=[True, False])
    best, weak = order.iloc[0], order.iloc[-1]

    def as_dict(r) -> dict:
        return {
            "name": r["name"],
            "category": r["category"],
            "rank": int(r["rank"]),
            "n": int(r["n"]),
            "score": float(r["score"]),
        }

    if len(order) == 1:
        return as_dict(best), None
    return as_dict(best), as_dict(weak)


def category_chart(ds, city: str, year: int, lang: str, prof: pd.DataFrame | None = None):
    """The city's points per category with median, top-10 mean and best score (the profile section's
    chart and this page's); the title names only what the data lets it draw. None without categories."""
    # drawn once per report: the summary page and the profile section show the same chart
    cache = ds.__dict__.setdefault("_category_charts", {})
    key = (id(ds.scores), city, year, lang)
    if key not in cache:
        cache[key] = _draw_category_chart(ds, city, year, lang, prof)
    return cache[key]


def _draw_category_chart(ds, city: str, year: int, lang: str, prof: pd.DataFrame | None):
    prof = an.category_profile(ds, city, year, lang) if prof is None else prof
    if prof.empty:
        return None
    shown = fmt.city(city, lang)
    key = "categories" if prof["median"].notna().any() else "categories_no_median"  # excerpts: no median
    frame = prof.rename(columns={"best_score": "best"}).assign(category=prof["name"])
    return charts.category_profile(
        frame[["category", "score", "median", "top10_mean", "best"]],
        shown,
        lang=lang,
        title=narrative.phrasebook(lang)["charts"][key].format(city=shown, year=year),
    )


def _key_figures(h: an.Headline, w: dict, lang: str) -> list[tuple[str, str]]:
    """Rank, points and change: (value, label) pairs."""
    rank_text = fmt.rank(h.rank, lang)
    figures = [
        (rank_text[0].upper() + rank_text[1:], w["of_one"] if h.n_cities == 1 else w["of_cities"].format(n=h.n_cities))
    ]
    # the median needs the complete overall table: on an excerpt the page leaves it out
    label = (
        w["points_only"]
        if h.median is None
        else f'{w["points"]} ({w["median"].format(median=fmt.number(h.median, lang))})'
    )
    figures.append((fmt.number(h.score, lang), label))
    if h.prev_year is None:  # the first edition in the data: nothing to compare with
        figures.append((w["no_prev"], w["no_prev_label"]))
    elif h.direction == "new":
        figures.append((w["new"], w["new_label"]))
    elif h.direction == "returning" and h.last_year is not None:
        figures.append((w["returning"], w["returning_label"].format(year=h.last_year, rank=h.last_rank)))
    elif h.rank_change is None:
        figures.append((w["no_prev"], w["no_prev_label"]))
    else:
        change = "±0" if h.rank_change == 0 else f"{h.rank_change:+d}".replace("-", "−")
        key = "change_one" if abs(h.rank_change) == 1 else "change"
        figures.append((change, w[key].format(prev=h.prev_year)))
    return figures


def at_a_glance(ds, city: str, year: int, lang: str = "de", peers: list[str] | None = None) -> Glance:
    """The one-page summary of ``city`` in ``year`` (see module docstring)."""
    book = narrative.phrasebook(fmt.check_lang(lang))
    w = book["glance"]
    city, year = an.resolve_city(ds, city), int(year)
    try:
        h = an.headline(ds, city, year)
    except an.NoData:  # the city is not in the overall table the data holds (excerpt, category tables only)
        h = None
    facts: dict = {
        "rank": None,
        "n_cities": None,
        "score": None,
        "rank_change": None,
        "prev_year": None,
        "direction": None,
    }
    if h is not None:
        facts.update(
            rank=h.rank,
            n_cities=h.n_cities,
            score=h.score,
            rank_change=h.rank_change,
            prev_year=h.prev_year,
            direction=h.direction,
        )
    e = html.escape
    figures = _key_figures(h, w, lang) if h is not None else [(w["no_rank"], w["no_rank_label"])]
    items = "".join(
        f'<li><span class="value">{e(v)}</span> <span class="label">{e(lab)}</span></li>' for v, lab in figures
    )
    parts = [
        f'<section class="{SECTION_CLASS}" aria-labelledby="at-a-glance-title">',
        f'<h2 id="at-a-glance-title">{e(w["title"])}</h2>',
        f'<ul class="glance-figures">{items}</ul>',
        '<dl class="glance-facts">',
    ]

    # --- best and weakest category (the profile section's table); with only some of the five
    # categories in the data, "strongest" and "weakest" would be claims about the missing ones too
    prof = an.category_profile(ds, city, year, lang)
    best, weak = _category_facts(prof)
    complete = prof["rank"].notna().sum() == len(catalogue.CATEGORY_NAMES)
    facts.update(best_category=best if complete else None, weakest_category=weak if complete else None)
    if complete:
        for key, c in (("best", best), ("weakest", weak)):
            if c is None:
                continue
            line = w["category_line"].format(
                name=c["name"], rank=fmt.rank(c["rank"], lang), n=c["n"], points=fmt.points(c["score"], lang)
            )
            parts.append(f'<dt>{e(w[key])}</dt><dd>{e(line)}</dd>')
    elif not prof.empty:
        lines = [
            w["category_line"].format(
                name=r["name"], rank=fmt.rank(int(r["rank"]), lang), n=int(r["n"]), points=fmt.points(r["score"], lang)
            )
            for _, r in prof.dropna(subset=["rank"]).sort_values("rank").iterrows()
        ]
        parts.append(f'<dt>{e(w["categories_present"])}</dt>' + "".join(f"<dd>{e(x)}</dd>" for x in lines))

    # --- position among peers (the peers section's groups)
    pr = an.peers(ds, city, year, custom=peers)
    lines = []
    facts["peers"] = {}
    size_labels = book["peers"]["size_labels"]
    for kind in ("custom", "bundesland", "size_class", "nearest"):
        g = pr.groups.get(kind)
        if g is None or g.peer_rank is None:
            continue
        facts["peers"][kind] = {"peer_rank": g.peer_rank, "n": g.n, "label": g.label, "missing": list(g.missing)}
        line = w[f"group.{kind}"].format(
            rank=fmt.rank(g.peer_rank, lang),
            n=g.n,
            land=fmt.in_bundesland(g.label, lang) if kind == "bundesland" else "",
            size=size_labels.get(g.label, g.label) if kind == "size_class" else "",
        )
        if g.missing:  # a ranking over the members the data holds says how many it lacks
            line += w["group_missing"].format(k=len(g.missing))
        lines.append(line)
    if lines:
        parts.append(f'<dt>{e(w["peers"])}</dt>' + "".join(f"<dd>{e(x[0].upper() + x[1:])}</dd>" for x in lines))

    # --- the strongest levers (the levers section's ranking)
    lv = an.levers(ds, city, year, peer_cities=peers, n_top=LEVERS_POOL, lang=lang)
    facts["levers"] = []
    if lv.has_indicators:
        parts.append(f'<dt>{e(w["levers"])}</dt>')
        top = narrative.levers_by_effect(lv.top).head(N_LEVERS)
        if top.empty:
            parts.append(f'<dd>{e(w["no_levers"])}</dd>')
        else:
            li = []
            for _, r in top.iterrows():
                facts["levers"].append(
                    {
                        "indicator": r["indicator"],
                        "name": r["name"],
                        "target": r["target"],
                        "new_rank": int(r["new_rank"]),
                        "ranks_gained": int(r["ranks_gained"]),
                    }
                )
                li.append(
                    "<li>"
                    + e(
                        w["lever_line"].format(
                            name=r["name"],
                            current=fmt.number(r["current"], lang),
                            target=fmt.number(r["target_score"], lang),
                            # "100 Punkte" needs no label; a median or mean says which one
                            target_label=""
                            if r["target"] == "max"
                            else " ({})".format(book["levers"]["short_" + r["target"]]),
                            by_places=fmt.by_places(int(r["ranks_gained"]), lang),
                            new_rank=fmt.rank(int(r["new_rank"]), lang),
                        )
                    )
                    + "</li>"
                )
            parts.append(f'<dd><ol class="glance-levers">{"".join(li)}</ol></dd>')
    parts.append("</dl>")

    # --- one small chart: the category profile, the same chart as in the profile section
    chart = category_chart(ds, city, year, lang, prof)
    parts.append(chart._repr_html_() if chart is not None else f'<p>{e(w["missing"].format(year=year))}</p>')
    parts.append(f'<p class="glance-note">{e(w["note"])}</p>')
    parts.append("</section>" + END_MARKER)
    return Glance(city, year, lang, "\n".join(parts), facts)
