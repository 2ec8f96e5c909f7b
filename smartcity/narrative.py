"""Report text from computed facts.

Every function returns a :class:`Narrative`: the Markdown ``text`` (paragraphs, no headings
unless ``heading=True``) and the ``facts`` it was written from (the analysis result as a
dict), so tests can check the text against the data. Notebooks display a ``Narrative``
directly (``_repr_markdown_``).

The wording lives in ``smartcity/phrases/{de,en}.toml`` (see the comments there and
``docs/method.md``). A key holds one template or a list of variants; the variant is chosen
deterministically from the city/category, the edition and the key, so the same data always
gives the same text while different cities read differently. Numbers are formatted with
:mod:`smartcity.fmt` before they are put into a template.

Public functions (all take ``ds`` first, ``lang="de"`` or ``"en"``):

* :func:`headline_text` - overall placing, change, top-10/median/neighbours
* :func:`profile_text` - category placings, strongest/weakest category (ties named as ties)
* :func:`strengths_text` - full marks, distinguishing strengths, weakest indicators
* :func:`trend_text` - trajectory, streaks, category movements, comparability caveats
* :func:`peers_text` - standing in Bundesland, size class, nearest and custom peer groups
* :func:`levers_text` - the most efficient what-if levers
* :func:`category_text` - one category across all cities
* :func:`national_text` - the national overview of an edition
* :func:`city_summary` - headline + profile + strengths + trend in one Markdown string
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from smartcity import analysis as an
from smartcity import catalogue, fmt
from smartcity.wording import phrasebook


__all__ = [
    "Narrative",
    "phrasebook",
    "headline_text",
    "profile_text",
    "strengths_text",
    "trend_text",
    "peers_text",
    "levers_text",
    "category_text",
    "national_text",
    "city_summary",
    "render_headline",
]


@dataclass
class Narrative:
    """Markdown text plus the facts it states. ``str(n)`` and notebook display give the text."""

    text: str
    facts: dict = field(default_factory=dict)
    section: str = ""
    lang: str = "de"

    def __post_init__(self) -> None:
        if self.lang == "en":  # English names for the cities that have one, in every sentence
            self.text = fmt.english_names_in(self.text)

    def __str__(self) -> str:
        return self.text

    def _repr_markdown_(self) -> str:
        return self.text


class _Writer:
    """Picks and fills templates from the phrase table."""

    def __init__(self, lang: str, seed: str):
        self.lang = fmt.check_lang(lang)
        self.book = phrasebook(lang)
        self.seed = seed
        self.defaults = {"index": self.book["meta"]["index_name"], "cities_word": self.book["meta"]["cities_word"]}

    def raw(self, key: str) -> Any:
        node: Any = self.book
        for part in key.split("."):
            node = node[part]
        return node

    def say(self, key: str, **kw) -> str:
        node = self.raw(key)
        variants = node if isinstance(node, list) else [node]
        h = int(hashlib.sha1(f"{self.seed}|{key}".encode()).hexdigest(), 16)
        template = variants[h % len(variants)]
        return _inner_brackets(template.format(**{**self.defaults, **kw}))

    def count_word(self, n: int, case: str = "dat") -> str:
        """Number word up to twelve, else digits. ``case="dat"`` gives the German form after
        "in" ("in einer Kategorie"), ``"nom"`` the plain count ("eins", "zwei")."""
        words = self.raw("numbers.words" if case == "dat" else "numbers.words_nom")
        return words[n] if 0 <= n < len(words) else str(n)

    def ordinal_word(self, n: int, case: str = "nom") -> str:
        words = self.raw("numbers.ordinals_dat" if case == "dat" else "numbers.ordinals")
        return words[n] if 0 <= n < len(words) else fmt.ordinal(n, self.lang)


def _inner_brackets(text: str) -> str:
    """Parentheses inside parentheses become brackets, as German and English style want:
    "Platz 73 (Halle [Saale])" rather than "Platz 73 (Halle (Saale))"."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            out.append("[" if depth else "(")
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
            out.append("]" if depth else ")")
        else:
            out.append(ch)
    return "".join(out)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def _pts(ctx: dict, name: str, value: float | None, lang: str) -> None:
    """Put ``name`` (nominative) and ``name_dat`` (dative) point strings into ``ctx``."""
    if value is None or pd.isna(value):
        return
    ctx[name] = fmt.points(value, lang)
    ctx[name + "_dat"] = fmt.points(value, lang, case="dat")


def _facts(obj) -> dict:
    if dataclasses.is_dataclass(obj):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    return dict(obj)


def _paragraphs(parts: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in parts if p)


def _heading(w: _Writer, key: str, **kw) -> str:
    return "## " + w.raw(f"headings.{key}").format(**kw) + "\n\n"


def _params_changed(ds, a: int | None, b: int) -> bool:
    """True if the parameter catalogue changed markedly between editions a and b."""
    if a is None:
        return False
    if a < catalogue.RENAME_YEAR <= b:
        return True
    e = getattr(ds, "editions", None)
    if isinstance(e, pd.DataFrame) and {"year", "n_parameters"} <= set(e.columns):
        v = e.set_index("year")["n_parameters"]
        if a in v.index and b in v.index and pd.notna(v[a]) and pd.notna(v[b]) and v[a]:
            return abs(float(v[b]) - float(v[a])) / float(v[a]) > 0.05
    return False


# ----------------------------------------------------------------------------------------------
# headline


def render_headline(h: an.Headline, lang: str = "de", not_comparable: bool = False) -> str:
    """Text of a :class:`~smartcity.analysis.Headline` (two paragraphs)."""
    w = _Writer(lang, f"{h.city}|{h.year}")
    ctx: dict[str, Any] = {"city": h.city, "year": h.year, "n": h.n_cities, "rank": fmt.rank(h.rank, lang)}
    _pts(ctx, "score", h.score, lang)
    p1: list[str] = []
    if h.rank == 1 and not h.tied_with:
        p1.append(w.say("headline.leader", **ctx))
    else:
        p1.append(w.say("headline.position", **ctx))
    if h.tied_with:
        p1.append(w.say("headline.tie", tied=fmt.join(h.tied_with, lang), **ctx))
    if h.direction == "new":
        p1.append(w.say("headline.change.new", **ctx))
    elif h.direction == "returning":
        p1.append(
            w.say("headline.change.returning", last_year=h.last_year, last_rank=fmt.rank(h.last_rank, lang), **ctx)
        )
    elif h.direction == "unknown":
        key = "partial.change_unknown" if h.prev_year is not None else "partial.change_unknown_no_year"
        p1.append(w.say(key, prev_year=h.prev_year, **ctx))
    elif h.prev_score is None:  # previous rank from the Tendenz column, no previous table
        ctx.update(
            prev_year=h.prev_year,
            prev_rank=fmt.rank(h.prev_rank, lang),
            by_places=fmt.by_places(h.rank_change or 0, lang),
        )
        p1.append(w.say(f"partial.change_{h.direction}", **ctx))
    else:
        ctx.update(
            prev_year=h.prev_year,
            prev_rank=fmt.rank(h.prev_rank, lang),
            by_places=fmt.by_places(h.rank_change or 0, lang),
            places=fmt.places(h.rank_change or 0, lang),
        )
        _pts(ctx, "prev_score", h.prev_score, lang)
        p1.append(w.say(f"headline.change.{h.direction}", **ctx))
        if h.score_change is not None:
            sc = h.score_change
            _pts(ctx, "score_change", abs(sc), lang)
            if h.direction == "down" and sc > 0:
                key = "up_but_rank_down"
            elif h.direction == "up" and sc < 0:
                key = "down_but_rank_up"
            elif h.direction == "same" and sc > 0 and h.rank != 1:  # at the top there is no rank to gain
                key = "up_rank_same"
            else:
                key = "up" if sc > 0 else "down" if sc < 0 else "same"
            p1.append(w.say(f"headline.score.{key}", **ctx))
            if not_comparable:
                p1.append(w.say("headline.score.not_comparable", **ctx))
    p2: list[str] = []
    if h.in_top10 and (h.top10_threshold is not None or "top10_threshold" in h.missing):
        key = "headline.top10.inside_leader" if h.rank == 1 else "headline.top10.inside"
        if w.raw(key):  # at rank 1 "among the best ten" says less than the first sentence
            p2.append(w.say(key, **ctx))
    elif h.top10_threshold is not None and h.gap_to_top10 is not None and h.gap_to_top10 >= 0:
        c = dict(ctx)
        _pts(c, "gap", h.gap_to_top10, lang)
        _pts(c, "threshold", h.top10_threshold, lang)
        p2.append(w.say("headline.top10.outside", **c))
    if h.half is not None:
        c = dict(ctx)
        _pts(c, "median", h.median, lang)
        _pts(c, "gap", abs(h.gap_to_median), lang)
        p2.append(w.say(f"headline.median.{h.half}", **c))
    c = dict(ctx)
    if h.above:
        a = h.above
        c.update(above=fmt.join([x.city for x in a], lang), above_rank=fmt.rank(a[0].rank, lang))
        _pts(c, "above_gap", abs(a[0].gap), lang)
        g = abs(a[0].gap)
        c["above_gap_word"] = w.raw(
            "headline.neighbours.gap_small"
            if g <= 0.5
            else "headline.neighbours.gap_medium"
            if g <= 2
            else "headline.neighbours.gap_large"
        )
    if h.below:
        b = h.below
        c.update(below=fmt.join([x.city for x in b], lang), below_rank=fmt.rank(b[0].rank, lang))
        _pts(c, "below_gap", abs(b[0].gap), lang)
    if h.above and h.below:
        p2.append(w.say("headline.neighbours.both", **c))
    elif h.above:
        p2.append(w.say("headline.neighbours.only_above", **c))
    elif h.below:
        p2.append(w.say("headline.neighbours.only_below", **c))
    lost = [
        k
        for k in ("median", "top10_threshold", "above", "below")
        if h.missing.get(k) == "partial_field" and not (k == "top10_threshold" and h.in_top10)
    ]
    if lost:
        items = fmt.join([w.raw(f"partial.item_{k}") for k in lost], lang)
        key = "partial.headline_missing_one" if len(lost) == 1 else "partial.headline_missing"
        p2.append(w.say(key, items=items, k=h.n_present, **ctx))
    return _paragraphs([p1, p2])


def headline_text(ds, city: str, year: int | None = None, lang: str = "de", heading: bool = False) -> Narrative:
    """Overall placing of a city: rank, score, change, top-10 gap, median, neighbours."""
    try:
        h = an.headline(ds, city, year)
    except an.NoData:  # a city that appears only in some tables: say what is there
        return _no_overall_text(ds, city, year, lang, heading)
    text = render_headline(h, lang, not_comparable=_params_changed(ds, h.prev_year, h.year))
    if heading:
        text = _heading(_Writer(lang, ""), "headline") + text
    return Narrative(text, _facts(h), "headline", lang)


def _no_overall_text(ds, city: str, year: int | None, lang: str, heading: bool) -> Narrative:
    city = an.resolve_city(ds, city)
    year = int(year if year is not None else max(an._years(ds)))
    w = _Writer(lang, f"{city}|{year}")
    cats = an.category_profile(ds, city, year, lang)
    items = [
        w.raw("profile.item").format(
            label=r["name"],
            rank=fmt.rank(r["rank"], lang) + " " + _of(lang, r["n"]),
            score=fmt.points(r["score"], lang),
            change="",
            tie="",
        )
        for _, r in cats.sort_values("rank").iterrows()
    ]
    text = (
        w.say("partial.no_overall", city=city, year=year, tables=fmt.join(items, lang))
        if items
        else w.say("partial.no_overall_none", city=city, year=year)
    )
    head = _heading(w, "headline") if heading else ""
    return Narrative(head + text, {"city": city, "year": year, "categories": cats}, "headline", lang)


def _of(lang: str, n) -> str:
    return f"von {int(n)}" if lang == "de" else f"of {int(n)}"


# ----------------------------------------------------------------------------------------------
# profile


def _change_suffix(w: _Writer, row, prev_year, lang: str) -> str:
    ch = row.get("rank_change")
    if ch is None or pd.isna(ch) or prev_year is None:
        return w.raw("profile.item_change_none")
    ch = int(ch)
    key = "up" if ch > 0 else "down" if ch < 0 else "same"
    return w.raw(f"profile.item_change_{key}").format(places=fmt.places(ch, lang), prev_year=prev_year)


def profile_text(ds, city: str, year: int | None = None, lang: str = "de", heading: bool = False) -> Narrative:
    """Category placings: strongest and weakest category (ties named), the others with their
    change, how many categories are above the median, and the category moves vs last year."""
    city = an.resolve_city(ds, city)
    year = int(year if year is not None else max(an._years(ds)))
    w = _Writer(lang, f"{city}|{year}|profile")
    cats = an.category_profile(ds, city, year, lang)
    facts: dict[str, Any] = {"city": city, "year": year, "categories": cats}
    head = _heading(w, "profile") if heading else ""
    if cats.empty:
        return Narrative(head + w.say("profile.no_categories", year=year), facts, "profile", lang)
    prev_year = an.previous_edition(ds, year)
    cats = cats.sort_values(["rank", "category"]).reset_index(drop=True)
    best_rank, worst_rank = int(cats["rank"].min()), int(cats["rank"].max())
    best = cats.loc[cats["rank"] == best_rank]
    worst = cats.loc[cats["rank"] == worst_rank]
    facts.update(
        strongest=list(best["category"]),
        weakest=list(worst["category"]),
        strongest_tie=len(best) > 1,
        weakest_tie=len(worst) > 1,
    )
    p1: list[str] = []
    ctx = {"city": city, "year": year}
    if len(cats) < len(catalogue.CATEGORY_NAMES):  # the city is missing from some category tables
        absent = [fmt.category(c, year, lang) for c in catalogue.CATEGORY_NAMES if c not in set(cats["category"])]
        p1.append(
            w.say(
                "partial.profile_some", k_word=w.count_word(len(cats)), labels=fmt.join_categories(absent, lang), **ctx
            )
        )

    def shared_by(r) -> int:
        tied = r.get("tied_with")
        return len(tied) + 1 if isinstance(tied, (list, tuple)) else 1

    def single(key: str, r) -> str:
        c = dict(ctx, area=fmt.in_category(r["category"], year, lang), label=r["name"], rank=fmt.rank(r["rank"], lang))
        _pts(c, "score", r["score"], lang)
        text = w.say(key, **c)
        k = shared_by(r)
        if k > 1:  # "Platz 7" held by eleven cities reads differently from a seventh place of its own
            word = w.count_word(k, "nom")
            text += " " + w.say("profile.rank_shared", k_word=word, k_word_cap=_cap(word), k=k, **c)
        return text

    if len(best) == 1:
        p1.append(single("profile.best_single", best.iloc[0]))
    else:
        key = "profile.best_tie" if len(best) == 2 else "profile.best_tie_many"
        p1.append(
            w.say(key, labels=fmt.join_categories(list(best["name"]), lang), rank=fmt.rank(best_rank, lang), **ctx)
        )
    if worst_rank != best_rank:
        if len(worst) == 1:
            p1.append(single("profile.worst_single", worst.iloc[0]))
        else:
            p1.append(
                w.say(
                    "profile.worst_tie",
                    labels=fmt.join_categories(list(worst["name"]), lang),
                    rank=fmt.rank(worst_rank, lang),
                    **ctx,
                )
            )
    middle = cats.loc[(cats["rank"] != best_rank) & (cats["rank"] != worst_rank)]
    if not middle.empty:
        items = [
            w.raw("profile.item").format(
                label=r["name"],
                rank=fmt.rank(r["rank"], lang),
                score=fmt.points(r["score"], lang),
                tie=w.raw("profile.item_shared").format(k_word=w.count_word(shared_by(r), "nom"))
                if shared_by(r) > 1
                else "",
                change=_change_suffix(w, r, prev_year, lang),
            )
            for _, r in middle.iterrows()
        ]
        p1.append(
            w.say(
                "profile.others_one" if len(items) == 1 else "profile.others",
                items=fmt.join_categories(items, lang),
                **ctx,
            )
        )
    # best and worst categories with their change, as a list sentence when there is a previous year
    p2: list[str] = []
    n = len(cats)
    known = cats["diff_median"].notna()  # the median needs the complete category table
    k = int((cats["diff_median"] > 0).sum())
    level = int((cats["diff_median"] == 0).sum())  # the score equals the median as the table shows it
    facts["above_median"] = k if known.all() else None
    facts["at_median"] = level if known.all() else None
    if not known.any():
        pass
    elif not known.all():
        p2.append(
            w.say(
                "partial.above_median_partial",
                k_word=w.count_word(int(known.sum())),
                n_word=w.count_word(n),
                above_word=w.raw("partial.above_none")
                if k == 0
                else w.raw("partial.above_count").format(
                    k=w.count_word(k), noun=w.raw("profile.clause_noun_one" if k == 1 else "profile.clause_noun_many")
                ),
                **ctx,
            )
        )
    elif k == n:
        p2.append(w.say("profile.above_median_all", n_word=w.count_word(n), **ctx))
    elif k == 0 and level == 0:
        p2.append(w.say("profile.above_median_none", n_word=w.count_word(n), **ctx))
    elif k == 0:
        p2.append(w.say("profile.above_median_none_level", n_word=w.count_word(n), j_word=w.count_word(level), **ctx))
    else:
        key = "profile.above_median" if level == 0 else "profile.above_median_level"
        p2.append(w.say(key, k_word=w.count_word(k), n_word=w.count_word(n), j_word=w.count_word(level), **ctx))
    n_field = int(cats["n"].max())
    top = cats.loc[cats["rank"] <= 10]
    if n_field > 10 and not top.empty:
        areas = fmt.in_categories(list(top["category"]), year, lang)
        p2.append(w.say("profile.top10", areas=areas, areas_cap=_cap(areas), **ctx))
    if len(best) == 1:
        r = best.iloc[0]
        leaders = [b for b in r["best_cities"] if b != city]
        if leaders and r["diff_best"] < 0:
            c = dict(ctx, best_city=fmt.join(leaders, lang))
            _pts(c, "best", r["best_score"], lang)
            _pts(c, "gap", abs(r["diff_best"]), lang)
            p1.insert(1, w.say("profile.leader_gap", **c))
    changes = cats["rank_change"].dropna()
    if prev_year is not None and not changes.empty:
        ups, downs = int((changes > 0).sum()), int((changes < 0).sum())
        sames = int((changes == 0).sum())
        facts.update(categories_up=ups, categories_down=downs, categories_same=sames)
        clauses = []
        for cnt, word in ((ups, "clause_up"), (downs, "clause_down"), (sames, "clause_same")):
            if cnt == 0:
                continue
            noun = "" if clauses else " " + w.raw("profile.clause_noun_one" if cnt == 1 else "profile.clause_noun_many")
            if lang == "de":
                clauses.append(f"in {w.count_word(cnt)}{noun} {w.raw(f'profile.{word}')}")
            else:
                clauses.append(f"{w.raw(f'profile.{word}')} in {w.count_word(cnt)}{noun}")
        p2.append(w.say("profile.categories_changed", prev_year=prev_year, clauses=fmt.join(clauses, lang), **ctx))
    return Narrative(head + _paragraphs([p1, p2]), facts, "profile", lang)


# ----------------------------------------------------------------------------------------------
# strengths and weaknesses


def _ranked_item(w: _Writer, r, lang: str) -> str:
    """An indicator with its rank; a shared rank is named as such ("Platz 7" held by eleven cities
    reads differently from a seventh place of its own)."""
    tied = r.get("tied_with")
    k = len(tied) + 1 if isinstance(tied, (list, tuple)) else 1
    key = "strengths.item_rank_tied" if k > 1 else "strengths.item_rank"
    return w.raw(key).format(
        name=r["name"],
        rank=fmt.rank(r["rank"], lang),
        n=int(r["n"]),
        k=k,
        k_word=w.count_word(k, "nom"),
        score=fmt.points(r["score"], lang),
    )


def strengths_text(
    ds, city: str, year: int | None = None, lang: str = "de", heading: bool = False, n_weakest: int = 4
) -> Narrative:
    """Full marks (and whether they distinguish the city), distinguishing strengths (top
    quarter, not shared by half the field), the weakest indicators and relative weaknesses."""
    sw = an.strengths_weaknesses(ds, city, year, n_weakest=n_weakest, lang=lang)
    w = _Writer(lang, f"{sw.city}|{sw.year}|strengths")
    ctx = {"city": sw.city, "year": sw.year}
    head = _heading(w, "strengths") if heading else ""
    facts = _facts(sw)
    if not sw.has_indicators:
        return Narrative(head + w.say("strengths.no_indicators", **ctx), facts, "strengths", lang)
    p1: list[str] = []
    full = sw.full_marks
    if not full.empty:
        if len(full) <= 6:
            listed = fmt.join([w.raw("strengths.item_full").format(name=n) for n in full["name"]], lang)
        else:  # many full marks: name the distinguishing ones, count the others
            named = full.loc[full["distinguishing"]].head(6)
            rest = len(full) - len(named)
            one = "_one" if rest == 1 else ""
            if named.empty:
                listed = w.raw("strengths.full_marks_count" + one).format(k=rest, k_word=w.count_word(rest))
            else:
                listed = (
                    fmt.join([w.raw("strengths.item_full").format(name=n) for n in named["name"]], lang)
                    + " "
                    + w.raw("strengths.full_marks_more" + one).format(k=rest, k_word=w.count_word(rest))
                )
        key = "strengths.full_marks_one" if len(full) == 1 else "strengths.full_marks"
        p1.append(w.say(key, items=listed, **ctx))
        if not sw.shared_top.empty:
            if len(sw.shared_top) <= 4:
                detail = [
                    w.raw("strengths.item_shared").format(name=r["name"], k=int(r["n_at_max"]), n=int(r["n"]))
                    for _, r in sw.shared_top.iterrows()
                ]
                p1.append(w.say("strengths.shared_top", detail=fmt.join(detail, lang), **ctx))
            else:
                p1.append(
                    w.say("strengths.shared_top_many", k=len(sw.shared_top), n=int(sw.shared_top["n"].iloc[0]), **ctx)
                )
    distinct = sw.indicator_strengths
    distinct = distinct.loc[distinct["score"] < 100.0] if not full.empty else distinct
    if not distinct.empty:
        items = [_ranked_item(w, r, lang) for _, r in distinct.iterrows()]
        p1.append(w.say("strengths.distinct", items=fmt.join(items, lang), **ctx))
    elif (full.empty or sw.full_marks["distinguishing"].sum() == 0) and _percentiles_known(ds, sw):
        p1.append(w.say("strengths.no_distinct", **ctx))
    p2: list[str] = []
    weakest = sw.weakest_indicators
    if not weakest.empty:
        items = [
            w.raw("strengths.item_score").format(name=r["name"], score_num=fmt.number(r["score"], lang))
            for _, r in weakest.iterrows()
        ]
        p2.append(w.say("strengths.weakest", items=fmt.join(items, lang), **ctx))
    rel = sw.indicator_weaknesses
    rel = rel.loc[~rel["indicator"].isin(weakest["indicator"])] if not weakest.empty else rel
    if not rel.empty:
        items = [_ranked_item(w, r, lang) for _, r in rel.iterrows()]
        p2.append(w.say("strengths.relative_weak", items=fmt.join(items, lang), **ctx))
    p2.append(w.raw("strengths.method_note"))
    return Narrative(head + _paragraphs([p1, p2]), facts, "strengths", lang)


def _percentiles_known(ds, sw) -> bool:
    """False when the city's indicator tables are excerpts (e.g. its own result sheet): then
    nobody knows whether an indicator sets it apart from the field."""
    ind = an.indicator_profile(ds, sw.city, sw.year)
    return not ind.empty and bool(ind["percentile"].notna().all())


# ----------------------------------------------------------------------------------------------
# trends


def _caveat_sentences(w: _Writer, caveats: list[dict], lang: str) -> list[str]:
    out = []
    for cv in caveats:
        code = cv["code"]
        if code == "relative_scores":
            out.append(w.raw("trend.relative_scores"))
        elif code == "parameters_changed":
            if cv.get("from") is None:
                out.append(w.raw("trend.parameters_changed_unknown"))
            else:
                out.append(
                    w.raw("trend.parameters_changed").format(
                        from_year=cv["from_year"], to_year=cv["to_year"], from_n=cv["from"], to_n=cv["to"]
                    )
                )
        elif code == "category_renamed":
            out.append(w.raw("trend.category_renamed"))
        elif code == "field_size_changed":
            sizes = cv["sizes"]
            years = sorted(sizes)
            parts, last = [], None
            for y in years:
                if sizes[y] != last:
                    parts.append(f"{y}: {fmt.cities(sizes[y], lang)}")
                    last = sizes[y]
            joined = sorted(cv.get("newcomers", {}).items())
            new_items = [w.raw("trend.newcomer_item").format(city=fmt.join(cs, lang), year=y) for y, cs in joined]
            verb = w.raw(
                "trend.newcomers_verb_one" if sum(len(cs) for _, cs in joined) == 1 else "trend.newcomers_verb_many"
            )
            newcomers = w.raw("trend.newcomers").format(items=fmt.join(new_items, lang), verb=verb) if new_items else ""
            out.append(w.raw("trend.field_size_changed").format(sizes=", ".join(parts), newcomers=newcomers))
        elif code == "gap_in_editions":
            out.append(w.raw("trend.gap_in_editions").format(years=fmt.join([str(y) for y in cv["missing"]], lang)))
    return out


def trend_text(ds, city: str, year: int | None = None, lang: str = "de", heading: bool = False) -> Narrative:
    """Development over all editions: since the first edition, streaks, best/worst placing,
    categories that moved most since the previous edition, and the comparability caveats."""
    t = an.trend(ds, city, year)
    w = _Writer(lang, f"{t.city}|{t.year}|trend")
    ctx: dict[str, Any] = {"city": t.city, "year": t.year}
    head = _heading(w, "trend") if heading else ""
    facts = _facts(t)
    if not t.has_trend:
        key = {"single_edition": "trend.no_trend", "no_history": "partial.no_history"}.get(t.reason, "trend.no_data")
        if t.reason == "single_edition" and t.year == int(ds.editions["year"].min()):
            key = "trend.no_trend_first_edition"  # the headline already says it is the first participation
        if t.reason == "no_data" and not an.category_profile(ds, t.city, t.year).empty:
            key = "partial.trend_no_overall"
        return Narrative(head + w.say(key, **ctx), facts, "trend", lang)
    traj = t.trajectory
    rank = int(traj.iloc[-1]["rank"])
    ctx.update(
        rank=fmt.rank(rank, lang),
        first_year=t.first_year,
        first_rank=fmt.rank(t.first_rank, lang),
        by_places=fmt.by_places(t.total_rank_change, lang),
    )
    p1: list[str] = []
    always_same = t.best_rank == t.worst_rank
    if always_same:  # "wieder auf demselben Rang" or "beste Platzierung" would mislead
        p1.append(
            w.raw("trend.same_every_edition").format(
                city=t.city, first_year=t.first_year, rank_plain=fmt.rank(rank, lang)
            )
        )
    elif t.total_rank_change > 0:
        p1.append(w.say("trend.since_first_up", **ctx))
    elif t.total_rank_change < 0:
        p1.append(w.say("trend.since_first_down", **ctx))
    else:
        p1.append(w.say("trend.since_first_same", **ctx))
    for y in t.from_tendency:
        later = traj.loc[traj["year"] > y, "year"]
        p1.append(
            w.say(
                "partial.from_tendency",
                prev_year=y,
                year=int(later.iloc[0]) if len(later) else t.year,
                prev_rank=fmt.rank(int(traj.loc[traj["year"] == y, "rank"].iloc[0]), lang),
            )
        )
    if t.streak >= 2:
        # the connective follows the facts it joins: a streak against the long-run direction is a contrast
        agrees = (t.total_rank_change > 0) if t.streak_direction == "up" else (t.total_rank_change < 0)
        c = dict(ctx, nth=w.ordinal_word(t.streak), nth_dat=w.ordinal_word(t.streak, "dat"), streak=t.streak)
        p1.append(w.say(f"trend.streak_{t.streak_direction}" + ("" if agrees else "_contrast"), **c))
    if len(t.editions) >= 3 and not always_same:
        if rank == t.best_rank:
            others = [y for y in t.best_years if y != t.year]
            if not others:
                p1.append(w.raw("trend.best_ever").format(rank=_cap(fmt.rank(rank, lang))))
            else:
                p1.append(
                    w.raw("trend.best_equal").format(
                        rank=_cap(fmt.rank(rank, lang)), years=fmt.join([str(y) for y in others], lang)
                    )
                )
        elif rank == t.worst_rank and t.worst_years == [t.year]:
            p1.append(w.raw("trend.worst_ever").format(rank=_cap(fmt.rank(rank, lang))))
    p2: list[str] = []
    cc = t.category_changes.set_index("category") if not t.category_changes.empty else None

    def cat_items(names):
        items = []
        for cat in names:
            r = cc.loc[cat]
            items.append(
                w.raw("trend.cat_item").format(
                    area=fmt.in_category(cat, t.year, lang),
                    by_places=fmt.by_places(int(r["change_vs_previous"]), lang),
                    rank=fmt.rank(int(r["rank"]), lang),
                )
            )
        return fmt.join_categories(items, lang)  # "... und Umwelt (…) sowie ..."

    if cc is not None:
        if t.most_improved:
            p2.append(w.say("trend.improved", items=cat_items(t.most_improved), **ctx))
        if t.most_declined:
            p2.append(w.say("trend.declined", items=cat_items(t.most_declined), **ctx))
        if not t.most_improved and not t.most_declined and cc["change_vs_previous"].notna().any():
            p2.append(w.raw("trend.no_category_change"))
    caveats = _caveat_sentences(w, t.caveats, lang)
    p3 = [w.raw("trend.caveat_intro")] + caveats if caveats else []
    return Narrative(head + _paragraphs([p1, p2, p3]), facts, "trend", lang)


# ----------------------------------------------------------------------------------------------
# peers


_SIZE_LOWER = {"100-200k": 100_000, "200-500k": 200_000, ">500k": 500_000}


def _size_note(ds, w: _Writer, g, lang: str) -> str:
    """Say so when a size class holds cities whose catalogue population is below its lower bound
    (the index keeps a city in its class; "100.000 bis 200.000" must not silently include 84,754)."""
    lower = _SIZE_LOWER.get(g.label)
    if lower is None:
        return ""
    below = []
    for name in g.table["city"]:
        pop = an._city_attr(ds, name, "population")
        if pop is not None and not pd.isna(pop) and float(pop) < lower:
            below.append(fmt.city(name, lang))
    if not below:
        return ""
    verb = w.raw("peers.size_note_verb_one" if len(below) == 1 else "peers.size_note_verb_many")
    return w.raw("peers.size_note").format(
        cities=fmt.join(sorted(below), lang), verb=verb, lower=fmt.number(lower, lang, 0)
    )


def peers_text(
    ds,
    city: str,
    year: int | None = None,
    lang: str = "de",
    heading: bool = False,
    peers: list[str] | None = None,
    n_nearest: int = 5,
) -> Narrative:
    """Standing within the Bundesland, the size class, the nearest cities and a custom group."""
    pr = an.peers(ds, city, year, custom=peers, n_nearest=n_nearest)
    w = _Writer(lang, f"{pr.city}|{pr.year}|peers")
    ctx = {"city": pr.city, "year": pr.year}
    parts: list[str] = []
    for kind in ("bundesland", "size_class", "nearest", "custom"):
        g = pr.groups.get(kind)
        if g is None or g.peer_rank is None:
            continue
        tie = w.raw("peers.tie_suffix").format(tied=fmt.join(g.tied_with, lang)) if g.tied_with else ""
        c = dict(
            ctx,
            n=g.n,
            n_word=w.count_word(g.n, "nom"),
            peer_rank=fmt.rank(g.peer_rank, lang),
            tie=tie,
            leader=fmt.join([x for x in g.leader if x != pr.city] or g.leader, lang),
            others=fmt.join(g.others, lang),
        )
        leads = g.peer_rank == 1 and not g.tied_with and not g.missing
        if g.missing and kind in ("bundesland", "size_class"):
            c["n_present"] = g.n
            if kind == "bundesland":
                c["land"] = fmt.in_bundesland(g.label, lang)
            else:
                c["size_label"] = w.raw("peers.size_labels").get(g.label, g.label)
            parts.append(w.say(f"partial.{kind}", **c))
        elif kind == "bundesland":
            land = fmt.in_bundesland(g.label, lang)
            c.update(land=land, land_cap=_cap(land))
            parts.append(w.say("peers.bundesland_leader" if leads else "peers.bundesland", **c))
        elif kind == "size_class":
            labels = w.raw("peers.size_labels")
            c["size_label"] = labels.get(g.label, g.label)
            c["size_note"] = _size_note(ds, w, g, lang)
            parts.append(w.say("peers.size_class_leader" if leads else "peers.size_class", **c))
        else:
            parts.append(w.say(f"peers.{kind}_leader" if leads else f"peers.{kind}", **c))
        if g.missing:
            k = len(g.missing)
            key = (
                "partial.peers_missing_one"
                if k == 1
                else "partial.peers_missing"
                if k <= 6
                else "partial.peers_missing_many"
            )
            parts.append(w.say(key, k_word=w.count_word(k), n=g.n + k, names=fmt.join(g.missing, lang), **ctx))
    if not parts and an._field(ds, pr.year, "overall").row(pr.city) is None:
        parts.append(w.say("partial.peers_no_overall", **ctx))
    facts = {"city": pr.city, "year": pr.year, "groups": pr.groups, "summary": pr.summary()}
    head = _heading(w, "peers") if heading else ""
    return Narrative(head + _paragraphs([parts]), facts, "peers", lang)


# ----------------------------------------------------------------------------------------------
# levers


LEVERS_SHOWN = 5  # levers named in the text and shown in the table below it (the same rows)


def levers_by_effect(top: pd.DataFrame) -> pd.DataFrame:
    """Levers in report order (:func:`smartcity.analysis.order_levers`): most places gained,
    ties by the fewest indicator points needed."""
    if top.empty:
        return top
    return an.order_levers(top).reset_index(drop=True)


def lever_record(
    ds, city: str, year: int | None = None, lang: str = "de", peers: list[str] | None = None, n_top: int = LEVERS_SHOWN
) -> tuple[an.Levers, pd.DataFrame]:
    """The levers of a city and the rows a report shows, in the order it shows them. The text
    (:func:`levers_text`) and the table (``report.CityReport.levers_table``) both read this
    record, so they name the same levers in the same order with the same numbers."""
    lv = an.levers(ds, city, year, peer_cities=peers, n_top=n_top, lang=lang)
    return lv, levers_by_effect(lv.top)


def _lever_ctx(w: _Writer, row, lang: str) -> dict:
    return {
        "name": row["name"],
        "current": fmt.number(row["current"], lang),
        "target": fmt.number(row["target_score"], lang),
        "target_label": w.raw(f"levers.target_{row['target']}"),
        "target_short": w.raw(f"levers.short_{row['target']}"),
        "by_places": fmt.by_places(int(row["ranks_gained"]), lang),
        "new_rank": fmt.rank(int(row["new_rank"]), lang),
        "new_score": fmt.points(row["new_overall"], lang),
        "delta": fmt.points(row["delta"], lang),
    }


def levers_text(
    ds,
    city: str,
    year: int | None = None,
    lang: str = "de",
    heading: bool = False,
    peers: list[str] | None = None,
    n_top: int = LEVERS_SHOWN,
) -> Narrative:
    """The levers with the largest effect (most places gained; ties: fewest indicator points
    needed) as a modelled what-if; the same rows as the lever table, in the same order."""
    lv, top = lever_record(ds, city, year, lang, peers, n_top)
    w = _Writer(lang, f"{lv.city}|{lv.year}|levers")
    ctx = {"city": lv.city, "year": lv.year}
    head = _heading(w, "levers") if heading else ""
    facts = _facts(lv)
    if lv.note == an.PARTIAL_OVERALL:
        f = an._field(ds, lv.year, "overall")
        return Narrative(head + w.say("partial.levers_partial", k=f.n, n=f.size, **ctx), facts, "levers", lang)
    if not lv.has_indicators:
        return Narrative(head + w.say("levers.no_indicators", **ctx), facts, "levers", lang)
    if top.empty:
        key = "levers.none_leader" if lv.rank == 1 else "levers.none"
        return Narrative(head + _paragraphs([[w.raw("levers.intro"), w.say(key, **ctx)]]), facts, "levers", lang)
    facts["top"] = top
    r = top.iloc[0]
    # "the biggest lever" only when no other lever gains as many places
    key = (
        "levers.best"
        if len(top) == 1 or int(top.iloc[1]["ranks_gained"]) < int(r["ranks_gained"])
        else "levers.best_shared"
    )
    p = [w.raw("levers.intro"), w.say(key, **ctx, **_lever_ctx(w, r, lang))]
    if len(top) > 1:
        items = [w.raw("levers.item").format(**_lever_ctx(w, x, lang)) for _, x in top.iloc[1:].iterrows()]
        p.append(w.say("levers.next_one" if len(items) == 1 else "levers.next", items=fmt.join(items, lang), **ctx))
    if int(top["ranks_gained"].max()) <= 1 and (lv.rank or 0) > 2:  # from rank 2 one place is all there is
        p.append(w.say("levers.at_most_one", **ctx))
    p.append(w.raw("levers.caveat"))
    return Narrative(head + _paragraphs([p]), facts, "levers", lang)


# ----------------------------------------------------------------------------------------------
# category and national views


def _mover_items(w: _Writer, frame: pd.DataFrame, lang: str) -> str:
    return fmt.join(
        [
            w.raw("category.mover_item").format(
                city=r["city"],
                by_places=fmt.by_places(int(r["rank_change"]), lang),
                rank=fmt.rank(int(r["rank"]), lang),
            )
            for _, r in frame.iterrows()
        ],
        lang,
    )


def category_text(
    ds,
    category: str,
    year: int | None = None,
    lang: str = "de",
    heading: bool = False,
    n_movers: int = 5,
    min_land: int = an.MIN_LAND,
) -> Narrative:
    """One category in one edition: leader, distribution, movers, Länder, indicator leaders."""
    v = an.category_view(ds, category, year, n_movers=n_movers, lang=lang)
    w = _Writer(lang, f"{v.category}|{v.year}|category")
    head = _heading(w, "category", label=v.label) if heading else ""
    facts = _facts(v)
    t = v.ranking
    if t.empty:
        return Narrative(head, facts, "category", lang)
    area = fmt.in_category(v.category, v.year, lang)
    ctx: dict[str, Any] = {
        "year": v.year,
        "n": v.field_size or len(t),
        "area": area,
        "area_cap": _cap(area),
        "label": v.label,
        "leader": fmt.join(v.leaders, lang),
        "k": len(t),
        "first_rank": int(t["rank"].min()),
        "last_rank": int(t["rank"].max()),
    }
    st = v.stats
    for k in ("median", "mean", "min", "max"):
        _pts(ctx, k, st.get(k), lang)
        if st.get(k) is not None:
            ctx[k + "_num"] = fmt.number(st[k], lang)
    _pts(ctx, "threshold", st.get("top10_threshold"), lang)
    p1 = []
    if v.leaders:
        _pts(ctx, "leader_score", float(t.loc[t["city"] == v.leaders[0], "score"].iloc[0]), lang)
        p1.append(w.say("category.leader_tie" if len(v.leaders) > 1 else "category.leader", **ctx))
    else:
        p1.append(w.say("partial.category_no_leader", **ctx))
    if not v.complete:
        p1.append(w.say("partial.field_excerpt", **ctx))
    if st.get("top10_threshold") is not None:
        p1.append(w.say("category.distribution", **ctx))
    if "min" in st:
        p1.append(w.say("category.spread", **ctx))
    if st.get("n_at_100", 0) > 1:
        p1.append(w.say("category.full_marks", k=st["n_at_100"], k_word=_cap(w.count_word(st["n_at_100"], "nom"))))
    p2 = []
    if v.climbers.empty and v.fallers.empty and v.complete:
        p2.append(w.raw("category.no_movers"))
    if not v.climbers.empty:
        p2.append(w.say("category.climbers", items=_mover_items(w, v.climbers, lang)))
    if not v.fallers.empty:
        p2.append(w.say("category.fallers", items=_mover_items(w, v.fallers, lang)))
    bl = v.by_bundesland.loc[v.by_bundesland["n"] >= min_land] if not v.by_bundesland.empty else v.by_bundesland
    if not bl.empty:
        c = {
            "land": fmt.bundesland(bl.iloc[0]["bundesland"], lang),
            "min_n": min_land,
            "min_n_word": w.count_word(min_land, "nom"),
        }
        _pts(c, "mean", bl.iloc[0]["mean"], lang)
        p2.append(w.say("category.best_land", **c))
    p3 = []
    if v.has_indicators:
        items = []
        lead = v.indicator_leaders
        for _, r in lead.iterrows():
            who = (
                fmt.join(r["leaders"], lang)
                if r["n_at_max"] <= 3
                else w.raw("category.indicator_leader_many").format(
                    k=r["n_at_max"], k_word=w.count_word(r["n_at_max"], "nom"), best=fmt.number(r["best_score"], lang)
                )
            )
            items.append(w.raw("category.indicator_leader_item").format(name=r["name"], who=who))
        if items:
            shared = int((lead["n_at_max"] > 1).sum())
            n_ind = len(lead)
            if shared == 0:
                p3.append(w.say("category.indicator_leaders_single", items="; ".join(items)))
            else:
                key = (
                    "category.indicator_leaders_shared_all"
                    if shared == n_ind
                    else "category.indicator_leaders_shared_one"
                    if shared == 1
                    else "category.indicator_leaders_shared"
                )
                p3.append(
                    w.say(
                        key,
                        items="; ".join(items),
                        k_word=w.count_word(shared, "nom"),
                        n_word=w.count_word(n_ind, "nom"),
                    )
                )
    return Narrative(head + _paragraphs([p1, p2, p3]), facts, "category", lang)


def national_text(
    ds, year: int | None = None, lang: str = "de", heading: bool = False, n_movers: int = 5, min_land: int = an.MIN_LAND
) -> Narrative:
    """The national overview: leader, top 10, top-10 threshold over time, mean, movers, Länder."""
    v = an.national_view(ds, year, n_movers=n_movers)
    w = _Writer(lang, f"national|{v.year}")
    head = _heading(w, "national", year=v.year) if heading else ""
    facts = _facts(v)
    t = v.ranking
    if t.empty:
        return Narrative(head, facts, "national", lang)
    ctx: dict[str, Any] = {
        "year": v.year,
        "n": v.field_size or len(t),
        "leader": fmt.join(v.leaders, lang),
        "k": len(t),
        "first_rank": int(t["rank"].min()),
        "last_rank": int(t["rank"].max()),
    }
    p1 = []
    if v.leaders:
        _pts(ctx, "leader_score", float(t.loc[t["city"] == v.leaders[0], "score"].iloc[0]), lang)
        p1.append(w.say("national.leader_tie" if len(v.leaders) > 1 else "national.leader", **ctx))
    else:
        p1.append(w.say("partial.national_no_leader", **ctx))
    if not v.complete:
        p1.append(w.say("partial.national_excerpt", **ctx))
    if v.top10_complete and not v.top10.empty:
        top_items = [f"{r['city']} ({fmt.number(r['score'], lang)})" for _, r in v.top10.iterrows()]
        p1.append(w.say("national.top10", items=fmt.join(top_items, lang)))
    s = v.series.set_index("year")
    thr = s.loc[v.year, "top10_threshold"] if v.year in s.index else None
    if thr is not None and not pd.isna(thr):
        prev = [y for y in s.index if y < v.year]
        compare = ""
        if prev and not pd.isna(s.loc[prev[-1], "top10_threshold"]):
            d = round(float(thr) - float(s.loc[prev[-1], "top10_threshold"]), 1)
            key = "up" if d > 0 else "down" if d < 0 else "same"
            compare = w.raw(f"national.threshold_compare_{key}").format(
                delta=fmt.points(abs(d), lang), prev_year=prev[-1]
            )
        c = dict(ctx, compare=compare)
        _pts(c, "threshold", float(thr), lang)
        p1.append(w.say("national.threshold", **c))
    if "mean" in v.stats:
        c = {}
        _pts(c, "mean", v.stats["mean"], lang)
        _pts(c, "median", v.stats["median"], lang)
        p1.append(w.say("national.mean", **c))
        items = [f"{y}: {fmt.number(m, lang)}" for y, m in s["mean"].items() if y != v.year and not pd.isna(m)]
        if items:
            p1.append(w.say("national.mean_series", items=fmt.join(items, lang)))
    p2 = []
    if not v.climbers.empty:
        p2.append(w.say("national.climbers", items=_mover_items(w, v.climbers, lang)))
    if not v.fallers.empty:
        p2.append(w.say("national.fallers", items=_mover_items(w, v.fallers, lang)))
    if v.newcomers:
        p2.append(w.say("national.newcomers", items=fmt.join(v.newcomers, lang)))
    bl = v.by_bundesland.loc[v.by_bundesland["n"] >= min_land] if not v.by_bundesland.empty else v.by_bundesland
    if len(bl) >= 2:
        c = {
            "land": fmt.bundesland(bl.iloc[0]["bundesland"], lang),
            "last_land": fmt.bundesland(bl.iloc[-1]["bundesland"], lang),
            "min_n": min_land,
            "min_n_word": w.count_word(min_land, "nom"),
        }
        _pts(c, "mean", bl.iloc[0]["mean"], lang)
        _pts(c, "last_mean", bl.iloc[-1]["mean"], lang)
        p2.append(w.say("national.best_land", **c))
    p2.append(w.raw("national.relative"))
    return Narrative(head + _paragraphs([p1, p2]), facts, "national", lang)


def coverage_text(ds, year: int, lang: str = "de") -> str:
    """The data note for an edition whose tables the data holds only in part: which tables are
    excerpts (rows present of the edition's field) and which are absent. Empty when the overall
    and category tables are complete."""
    cov = an.coverage(ds, year)
    tables = [c for c in cov if c.level in ("overall", "category")]
    if all(c.complete for c in tables):
        return ""
    w = _Writer(lang, f"coverage|{year}")

    def name(c) -> str:
        return w.raw("partial.overall_table") if c.level == "overall" else fmt.category(c.category, year, lang)

    items = [
        w.raw("partial.excerpt_item").format(table=name(c), k=c.n_present, n=c.n_field)
        for c in tables
        if 0 < c.n_present < c.n_field
    ]
    absent = [name(c) for c in tables if c.n_present == 0]
    if absent:
        items.append(w.raw("partial.absent_items").format(tables=fmt.join(absent, lang)))
    return w.say("partial.excerpts", year=year, items="; ".join(items))


def city_summary(
    ds, city: str, year: int | None = None, lang: str = "de", peers: list[str] | None = None, headings: bool = True
) -> Narrative:
    """Headline, profile, strengths, trend (and peers) as one Markdown text with ``##`` headings."""
    parts = [
        headline_text(ds, city, year, lang, headings),
        profile_text(ds, city, year, lang, headings),
        strengths_text(ds, city, year, lang, headings),
        trend_text(ds, city, year, lang, headings),
        peers_text(ds, city, year, lang, headings, peers=peers),
    ]
    return Narrative("\n\n".join(p.text for p in parts if p.text), {p.section: p.facts for p in parts}, "summary", lang)
