""""Auf einen Blick" / "At a glance": the one-page summary that opens every city report.

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
from smartcity import charts, fmt, narrative

#: the section's CSS class; the renderer moves this section in front of the contents (render/html.py)
SECTION_CLASS = "at-a-glance"
END_MARKER = "<!--/at-a-glance-->"
N_LEVERS = 3
#: the same number of levers the levers section's text weighs (narrative.levers_text)
LEVERS_POOL = 4

WORDS = {
    "de": {
        "title": "Auf einen Blick", "of_cities": "von {n} Städten", "of_one": "von 1 Stadt", "points": "Punkte",
        "median": "Median aller Städte: {median}", "change": "Plätze gegenüber {prev}",
        "change_one": "Platz gegenüber {prev}",
        "new": "neu", "new_label": "erste Teilnahme am Index", "returning": "wieder dabei",
        "returning_label": "zuletzt {year} auf Platz {rank}", "no_prev": "–", "no_prev_label": "keine Vorjahresausgabe",
        "best": "Stärkste Kategorie", "weakest": "Schwächste Kategorie",
        "category_line": "{name}: {rank} von {n}, {points}",
        "peers": "Unter Vergleichsstädten", "levers": "Die drei stärksten Hebel",
        "lever_line": "{name}: von {current} auf {target} Punkte{target_label} – {by_places} auf {new_rank}",
        "no_levers": "Kein einzelner Indikator bringt rechnerisch einen Platz nach vorn.",
        "group.bundesland": "{rank} von {n} Städten {land}",
        "group.size_class": "{rank} von {n} Städten mit {size}",
        "group.nearest": "{rank} unter {n} benachbarten Städten",
        "group.custom": "{rank} in der gewählten Vergleichsgruppe von {n} Städten",
        "chart": "Punkte von {city} je Kategorie {year} mit Median, Top-10-Mittel und Bestwert",
        "note": "Alle Werte dieser Seite stehen mit Begründung in den folgenden Abschnitten; "
                "die Hebel sind eine Modellrechnung bei sonst gleichen Werten.",
        "missing": "Für {year} liegen keine Kategoriewerte vor.",
    },
    "en": {
        "title": "At a glance", "of_cities": "of {n} cities", "of_one": "of 1 city", "points": "points",
        "median": "median of all cities: {median}", "change": "places since {prev}",
        "change_one": "place since {prev}",
        "new": "new", "new_label": "first edition in the index", "returning": "back",
        "returning_label": "last ranked {year}, rank {rank}", "no_prev": "–", "no_prev_label": "no previous edition",
        "best": "Strongest category", "weakest": "Weakest category",
        "category_line": "{name}: {rank} of {n}, {points}",
        "peers": "Among peer cities", "levers": "The three strongest levers",
        "lever_line": "{name}: from {current} to {target} points{target_label} – {by_places} to {new_rank}",
        "no_levers": "No single indicator moves the city up a place in the model.",
        "group.bundesland": "{rank} of {n} cities {land}",
        "group.size_class": "{rank} of {n} cities with {size}",
        "group.nearest": "{rank} among {n} neighbouring cities",
        "group.custom": "{rank} in the chosen peer group of {n} cities",
        "chart": "{city}'s points per category in {year} with median, top-10 mean and best score",
        "note": "Every figure on this page is explained in the sections that follow; the levers are a "
                "model calculation with all other values unchanged.",
        "missing": "There are no category scores for {year}.",
    },
}


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
    as_dict = lambda r: {"name": r["name"], "category": r["category"], "rank": int(r["rank"]),  # noqa: E731
                         "n": int(r["n"]), "score": float(r["score"])}
    if len(order) == 1:
        return as_dict(best), None
    return as_dict(best), as_dict(weak)


def at_a_glance(ds, city: str, year: int, lang: str = "de", peers: list[str] | None = None) -> Glance:
    """The one-page summary of ``city`` in ``year`` (see module docstring)."""
    w = WORDS[fmt.check_lang(lang)]
    book = narrative.phrasebook(lang)
    h = an.headline(ds, city, year)
    city, year = h.city, h.year
    facts: dict = {"rank": h.rank, "n_cities": h.n_cities, "score": h.score, "rank_change": h.rank_change,
                   "prev_year": h.prev_year, "direction": h.direction}
    e = html.escape

    # --- key figures: rank, points, change
    rank_text = fmt.rank(h.rank, lang)
    figures = [(rank_text[0].upper() + rank_text[1:], w["of_one"] if h.n_cities == 1 else w["of_cities"].format(n=h.n_cities)),
               (fmt.number(h.score, lang), f'{w["points"]} ({w["median"].format(median=fmt.number(h.median, lang))})')]
    if h.prev_year is None:   # the first edition in the data: nothing to compare with
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
    items = "".join(f'<li><span class="value">{e(v)}</span> <span class="label">{e(lab)}</span></li>'
                    for v, lab in figures)
    parts = [f'<section class="{SECTION_CLASS}" aria-labelledby="at-a-glance-title">',
             f'<h2 id="at-a-glance-title">{e(w["title"])}</h2>', f'<ul class="glance-figures">{items}</ul>',
             '<dl class="glance-facts">']

    # --- best and weakest category (the profile section's table)
    prof = an.category_profile(ds, city, year, lang)
    best, weak = _category_facts(prof)
    facts.update(best_category=best, weakest_category=weak)
    for key, c in (("best", best), ("weakest", weak)):
        if c is None:
            continue
        line = w["category_line"].format(name=c["name"], rank=fmt.rank(c["rank"], lang), n=c["n"],
                                         points=fmt.points(c["score"], lang))
        parts.append(f'<dt>{e(w[key])}</dt><dd>{e(line)}</dd>')

    # --- position among peers (the peers section's groups)
    pr = an.peers(ds, city, year, custom=peers)
    lines = []
    facts["peers"] = {}
    size_labels = book["peers"]["size_labels"]
    for kind in ("custom", "bundesland", "size_class", "nearest"):
        g = pr.groups.get(kind)
        if g is None or g.peer_rank is None:
            continue
        facts["peers"][kind] = {"peer_rank": g.peer_rank, "n": g.n, "label": g.label}
        lines.append(w[f"group.{kind}"].format(
            rank=fmt.rank(g.peer_rank, lang), n=g.n,
            land=fmt.in_bundesland(g.label, lang) if kind == "bundesland" else "",
            size=size_labels.get(g.label, g.label) if kind == "size_class" else ""))
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
                facts["levers"].append({"indicator": r["indicator"], "name": r["name"], "target": r["target"],
                                        "new_rank": int(r["new_rank"]), "ranks_gained": int(r["ranks_gained"])})
                li.append("<li>" + e(w["lever_line"].format(
                    name=r["name"], current=fmt.number(r["current"], lang), target=fmt.number(r["target_score"], lang),
                    # "100 Punkte" needs no label; a median or mean says which one
                    target_label="" if r["target"] == "max" else " ({})".format(book["levers"]["short_" + r["target"]]),
                    by_places=fmt.by_places(int(r["ranks_gained"]), lang), new_rank=fmt.rank(int(r["new_rank"]), lang),
                )) + "</li>")
            parts.append(f'<dd><ol class="glance-levers">{"".join(li)}</ol></dd>')
    parts.append("</dl>")

    # --- one small chart: the category profile, as in the profile section
    if not prof.empty:
        frame = prof.rename(columns={"best_score": "best"}).assign(category=prof["name"])
        chart = charts.category_profile(frame[["category", "score", "median", "top10_mean", "best"]], city,
                                        lang=lang, title=w["chart"].format(city=city, year=year))
        parts.append(chart._repr_html_())
    else:
        parts.append(f'<p>{e(w["missing"].format(year=year))}</p>')
    parts.append(f'<p class="glance-note">{e(w["note"])}</p>')
    parts.append("</section>" + END_MARKER)
    return Glance(city, year, lang, "\n".join(parts), facts)
