"""Datasets thinned from complete editions of the sample, the way real data is partial.

:func:`thinned_datasets` is a hypothesis strategy: it takes the bundled sample (complete
editions), keeps an edition and some of its predecessors, and thins them the ways official data
arrives — levels or category tables left out, cities dropped, only the top or the bottom or a
middle slice of a table, previous editions missing (the Tendenz column then carries the previous
rank), the Tendenz column missing, one city's own indicator sheet, and ties. The result goes
through ``method.complete`` exactly as ``load_dataset`` does with a user's files.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from smartcity import method
from smartcity.dataset import Dataset, read_bundled

from contract_support import CATEGORY_NAMES, LANDS

YEARS = [2023, 2024, 2025]


@lru_cache(maxsize=1)
def _sample() -> pd.DataFrame:
    s = read_bundled()
    return s[s["year"].isin(YEARS)].reset_index(drop=True)


@lru_cache(maxsize=1)
def _catalogue():
    from smartcity import catalogue

    return catalogue.load_cities(), catalogue.load_indicators(), catalogue.load_editions()


def _slice(table: pd.DataFrame, how: str, a: int, b: int, cities: frozenset) -> pd.DataFrame:
    """Rows of one ranking kept by ``how``: all, top k, bottom k, a middle slice, or without
    the dropped cities."""
    t = table.sort_values(["rank", "city"], kind="stable")
    n = len(t)
    k = max(1, min(n, a))
    if how == "top":
        return t.iloc[:k]
    if how == "bottom":
        return t.iloc[n - k :]
    if how == "slice":
        start = min(n - 1, b)
        return t.iloc[start : start + k]
    if how == "drop":
        return t[~t["city"].isin(cities)]
    return t


def _ties(table: pd.DataFrame, step: float) -> pd.DataFrame:
    """Scores coarsened to multiples of ``step`` (many ties) with competition ranks, as a table
    that publishes ties would show them."""
    t = table.copy()
    t["score"] = (np.floor(t["score"] / step) * step).round(1)
    t["rank"] = method.competition_rank(t["score"])
    return t


@st.composite
def thinned_datasets(draw, years=(2024, 2025), indicator_modes=("none", "none", "none", "all", "one_city")):
    """``(dataset, year, cities, category, land, description)``: a thinned dataset, the edition
    to report on, one or two cities that have a row in it, a category and a Land."""
    s = _sample()
    year = draw(st.sampled_from(list(years)))
    history = draw(st.sampled_from(["none", "previous", "all", "older_only"]))
    keep_years = {year} | {
        "none": set(),
        "previous": {year - 1},
        "all": {y for y in YEARS if y < year},
        "older_only": {y for y in YEARS if y < year - 1},
    }[history]
    overall = draw(st.booleans()) or draw(st.booleans())
    cats = draw(st.lists(st.sampled_from(CATEGORY_NAMES), unique=True, max_size=5))
    indicators = draw(st.sampled_from(list(indicator_modes)))
    how = draw(st.sampled_from(["all", "all", "top", "bottom", "slice", "drop"]))
    per_table = draw(st.booleans())  # a different cut per table, as press excerpts have
    a, b = draw(st.integers(1, 40)), draw(st.integers(0, 80))
    cities = sorted(s.loc[s["year"] == year, "city"].unique())
    dropped = frozenset(draw(st.lists(st.sampled_from(cities), unique=True, max_size=40)))
    no_tendency = draw(st.booleans()) and draw(st.booleans())
    ties = draw(st.sampled_from([None, None, None, 1.0, 5.0]))
    frames = []
    for y in sorted(keep_years):
        ys = s[s["year"] == y]
        tables = [("overall", "")] if (overall or y != year) else []
        tables += [("category", c) for c in (cats if y == year else CATEGORY_NAMES)]
        for level, cat in tables:
            t = ys[(ys["level"] == level) & (ys["category"] == cat)]
            if y == year:
                if ties is not None and draw(st.booleans()):
                    t = _ties(t, ties)
                if per_table:
                    cut = draw(st.sampled_from(["all", "top", "bottom", "slice", "drop"]))
                    t = _slice(t, cut, draw(st.integers(1, 40)), draw(st.integers(0, 80)), dropped)
                else:
                    t = _slice(t, how, a, b, dropped)
                if no_tendency:
                    t = t.assign(rank_change=pd.array([pd.NA] * len(t), dtype="Int64"))
            frames.append(t)
        if y == year and indicators != "none":
            ind = ys[ys["level"] == "indicator"]
            if indicators == "one_city":
                present = sorted(ind["city"].unique())
                ind = ind[ind["city"] == draw(st.sampled_from(present))]
                ind = ind.assign(rank=pd.array([pd.NA] * len(ind), dtype="Int64"))  # a city's own sheet has no ranks
            frames.append(ind)
    frames = [f for f in frames if len(f)]
    if not any((f["year"] == year).any() for f in frames):  # nothing of the edition left: keep one overall row
        frames.append(s[(s["year"] == year) & (s["level"] == "overall")].iloc[:1])
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.assign(provenance="official", source_url="")
    scores, _ = method.complete(frame, _catalogue()[1])
    ds = Dataset(scores=scores, source="harness.csv", is_sample=False, checksum="")
    ds.__dict__["cities"], ds.__dict__["indicators"], ds.__dict__["editions"] = _catalogue()
    in_year = scores[scores["year"] == year]
    city_pool = sorted(in_year["city"].unique())
    report_cities = [draw(st.sampled_from(city_pool))]
    category = draw(st.sampled_from(CATEGORY_NAMES))
    land = draw(st.sampled_from(LANDS))
    desc = dict(
        year=year,
        history=history,
        overall=overall,
        cats=cats,
        indicators=indicators,
        how=how,
        per_table=per_table,
        a=a,
        b=b,
        n_dropped=len(dropped),
        no_tendency=no_tendency,
        ties=ties,
    )
    return ds, year, report_cities, category, land, desc
