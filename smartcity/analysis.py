"""Analyses behind the reports: headline, profile, peers, strengths/weaknesses, trends,
levers, category and national views.

Every function takes a :class:`smartcity.dataset.Dataset` (or any object with the same
attributes: ``scores`` long frame, ``cities``, ``indicators``, optional ``editions``,
``years``) and returns a dataclass or a DataFrame built from the published figures in
``ds.scores``. Nothing here formats text; :mod:`smartcity.narrative` turns the results
into sentences.

Conventions (see ``docs/method.md`` for the reasoning):

* ranks are the competition ranks stored in ``ds.scores`` (1 = best, ties share a rank);
* ``rank_change`` is previous rank minus current rank (positive = moved up) and is ``None``
  when the city was not ranked in the previous edition;
* the **percentile** of a city in a field of ``n`` cities is the mid-rank percentile
  ``100 * (below + 0.5 * equal) / n`` where ``below`` counts cities with a lower score and
  ``equal`` the cities with the same score (the city included). A city alone at the top of 83
  gets 99.4; if all cities share the same score every city gets 50 - a shared top score does
  not distinguish anybody;
* the **top-10 mean** is the mean of the ten highest scores of the field and the **top-10
  threshold** is the tenth highest score (the score of rank 10, or of the city in tenth
  position when ties straddle rank 10);
* functions never raise because a level is missing for a year: indicator-based results come
  back empty with ``has_indicators=False``.

Performance: everything derived from a dataset that does not depend on the city (the ranking
tables with their statistics, the indicator pivot of an edition, name lookups, per-city profiles)
is computed once per dataset and kept in a small cache (:class:`_Derived`). The cache is keyed by
the identity of ``ds.scores`` (and of ``ds.cities``, ``ds.indicators``, ``ds.editions``): a
dataset is **immutable by convention** - never modify its frames in place after the first
analysis; to change data, build a new frame (and assign it, or load a new dataset). Results handed
to callers are copies, so modifying a returned frame never affects later results.
:func:`clear_cache` forgets everything (the benchmark uses it to time a cold first report).
"""

from __future__ import annotations

import copy
import difflib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from smartcity import catalogue, fmt

__all__ = [
    "CityNotFound",
    "NoData",
    "NoReportData",
    "TableCoverage",
    "coverage",
    "field_size",
    "previous_edition",
    "first_edition",
    "Neighbour",
    "Headline",
    "Profile",
    "PeerGroup",
    "Peers",
    "StrengthsWeaknesses",
    "Trend",
    "Levers",
    "CategoryView",
    "NationalView",
    "resolve_city",
    "resolve_category",
    "midrank_percentile",
    "top10_threshold",
    "top10_mean",
    "field_table",
    "headline",
    "profile",
    "category_profile",
    "indicator_profile",
    "peers",
    "nearest_cities",
    "haversine_km",
    "strengths_weaknesses",
    "trend",
    "levers",
    "category_view",
    "national_view",
    "STRENGTH_PERCENTILE",
    "WEAKNESS_PERCENTILE",
    "SHARED_TOP_SHARE",
]

#: percentile at or above which a category/indicator counts as a strength (top quarter)
STRENGTH_PERCENTILE = 75.0
#: percentile at or below which a category/indicator counts as a weakness (bottom quarter)
WEAKNESS_PERCENTILE = 25.0
#: share of the field at the city's score above which the score does not distinguish the city
SHARED_TOP_SHARE = 0.5


class CityNotFound(ValueError):
    """A city name that neither the dataset nor the catalogue knows; carries suggestions."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name = name
        self.suggestions = suggestions
        hint = f" Meinten Sie / did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unbekannte Stadt / unknown city: {name!r}.{hint}")


class NoData(LookupError):
    """The requested city/category has no overall or category score in that edition."""


class NoReportData(NoData):
    """A report kind has nothing at all to say on the data: the city has no value in the
    edition, the category has no table, the overview has no overall ranking. The message names
    what is missing; the batch runner lists such a report as *skipped*, not failed."""


# ----------------------------------------------------------------------------------------------
# small helpers


def _norm(s: str) -> str:
    s = str(s).strip().casefold()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.replace("-", " ").replace("_", " ").split())


def _int(x) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


def _float(x) -> float | None:
    return None if x is None or pd.isna(x) else float(x)


def _r1(x: float) -> float:
    return fmt.round_half_up(x, 1) + 0.0  # + 0.0: no "-0,0" in a report


def _scores(ds) -> pd.DataFrame:
    return ds.scores


def _years_uncached(ds) -> list[int]:
    yrs = getattr(ds, "years", None)
    if yrs is None or callable(yrs):
        yrs = sorted(int(y) for y in ds.scores["year"].unique())
    return sorted(int(y) for y in yrs)


def _years(ds) -> list[int]:
    return list(_derived(ds).years)


def _prev_year(ds, year: int) -> int | None:
    earlier = [y for y in _years(ds) if y < year]
    return max(earlier) if earlier else None


def _edition_years(ds) -> list[int]:
    e = getattr(ds, "editions", None)
    if isinstance(e, pd.DataFrame) and "year" in e.columns and len(e):
        return sorted(int(y) for y in e["year"].dropna())
    return []


def previous_edition(ds, year: int) -> int | None:
    """The edition a rank change of ``year`` refers to: the edition before ``year`` in the
    catalogue (``ds.editions``), as Bitkom's Tendenz column and the rank changes computed from the
    data (which need two consecutive editions) do; so a dataset holding 2023 and 2025 only does not
    call a 2025 change one against 2023. Without a catalogue of editions: the dataset's previous year."""
    d = _derived(ds)
    key = ("previous_edition", int(year))
    if key not in d.memo:
        earlier = [y for y in _edition_years(ds) if y < year]
        d.memo[key] = max(earlier) if earlier else (_prev_year(ds, year) if not _edition_years(ds) else None)
    return d.memo[key]


def field_size(ds, year: int) -> int | None:
    """Number of cities ranked in the edition ``year`` (``ds.editions.n_cities``), or None if
    the catalogue does not know the edition (then the data defines the field)."""
    d = _derived(ds)
    key = ("field_size", int(year))
    if key not in d.memo:
        e = getattr(ds, "editions", None)
        size = None
        if isinstance(e, pd.DataFrame) and {"year", "n_cities"} <= set(e.columns):
            hit = e.loc[e["year"] == int(year), "n_cities"].dropna()
            size = int(hit.iloc[0]) if len(hit) else None
        d.memo[key] = size
    return d.memo[key]


def first_edition(ds, city: str) -> int | None:
    """The first edition the city took part in, as the catalogue says (``cities.first_edition``)."""
    v = _city_attr(ds, city, "first_edition")
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def _cities_table(ds) -> pd.DataFrame:
    c = getattr(ds, "cities", None)
    return c if isinstance(c, pd.DataFrame) else pd.DataFrame(columns=["name"])


def _city_attr(ds, city: str, col: str):
    d = _derived(ds)
    key = ("city_attr", city, col)
    if key not in d.memo:
        d.memo[key] = _city_attr_uncached(ds, city, col)
    return d.memo[key]


def _city_attr_uncached(ds, city: str, col: str):
    d = _derived(ds)
    key = ("city_attr_map", col)
    if key not in d.memo:  # one lookup table per column instead of a scan per city
        c = _cities_table(ds)
        d.memo[key] = (
            {} if col not in c.columns else {n: v for n, v in zip(c["name"][::-1], c[col][::-1]) if not pd.isna(v)}
        )
    return d.memo[key].get(city)


def _indicator_meta(ds) -> pd.DataFrame:
    """Catalogue rows by indicator id (read-only, shared: do not modify)."""
    d = _derived(ds)
    if "indicator_meta" not in d.memo:
        d.memo["indicator_meta"] = _indicator_meta_uncached(ds)
    return d.memo["indicator_meta"]


def _indicator_meta_uncached(ds) -> pd.DataFrame:
    ind = getattr(ds, "indicators", None)
    if not isinstance(ind, pd.DataFrame) or ind.empty:
        return pd.DataFrame(columns=["id", "category", "name_de", "name_en", "weight"]).set_index("id", drop=False)
    return ind.drop_duplicates("id", keep="last").set_index("id", drop=False)


def _indicator_name(ds, ind_id: str, lang: str = "de") -> str:
    d = _derived(ds)
    key = ("indicator_name", ind_id, lang)
    if key not in d.memo:
        d.memo[key] = _indicator_name_uncached(ds, ind_id, lang)
    return d.memo[key]


def _indicator_weight(ds, ind_id: str) -> float | None:
    """Catalogue weight of an indicator (``None`` if unknown), as shown in the profiles."""
    d = _derived(ds)
    key = ("indicator_weight", ind_id)
    if key not in d.memo:
        meta = _indicator_meta(ds)
        d.memo[key] = (
            float(meta.loc[ind_id, "weight"])
            if ind_id in meta.index and "weight" in meta.columns and pd.notna(meta.loc[ind_id, "weight"])
            else None
        )
    return d.memo[key]


def _indicator_name_uncached(ds, ind_id: str, lang: str = "de") -> str:
    meta = _indicator_meta(ds)
    if ind_id in meta.index:
        row = meta.loc[ind_id]
        for key in ("name_de",) if lang == "de" else ("name_en", "name_de"):
            if key in row.index and isinstance(row[key], str) and row[key]:
                return row[key]
    return str(ind_id)


def has_level(ds, year: int, level: str) -> bool:
    """True if the dataset has any ``level`` rows for ``year`` (uses ``ds.has_level`` if present)."""
    d = _derived(ds)
    key = ("has_level", year, level)
    if key not in d.memo:
        d.memo[key] = _has_level_uncached(ds, year, level)
    return d.memo[key]


def _has_level_uncached(ds, year: int, level: str) -> bool:
    fn = getattr(ds, "has_level", None)
    if callable(fn):
        try:
            return bool(fn(year, level))
        except Exception:  # noqa: BLE001
            pass
    s = _scores(ds)
    return bool(((s["year"] == year) & (s["level"] == level)).any())


def resolve_city(ds, name: str) -> str:
    """Official city name for ``name`` (official name, slug or alias; case/umlaut tolerant).

    Looks in the dataset's cities table first, then ``catalogue.resolve_city``. Raises
    :class:`CityNotFound` with up to three suggestions when nothing matches.
    """
    d = _derived(ds)
    key = ("resolve_city", name)
    hit = d.memo.get(key) if isinstance(name, str) else None
    if hit is None:
        hit = _resolve_city_uncached(ds, name)
        if isinstance(name, str):
            d.memo[key] = hit
    return hit


def _resolve_city_uncached(ds, name: str) -> str:
    c = _cities_table(ds)
    known = list(c["name"]) if "name" in c.columns else []
    known += [x for x in _scores(ds)["city"].unique() if x not in known]
    target = _norm(name)
    for official in known:
        if _norm(official) == target:
            return official
    if "aliases" in c.columns:
        for official, aliases in zip(c["name"], c["aliases"].fillna("")):
            if any(_norm(a) == target for a in str(aliases).split("|") if a):
                return official
    if "slug" in c.columns:
        for official, slug in zip(c["name"], c["slug"].fillna("")):
            if _norm(slug) == target:
                return official
    suggestions: list[str] = []
    try:
        hit = catalogue.resolve_city(name)
        if hit and (hit in known or not known):
            return hit
        suggestions = list(catalogue.suggest_cities(name, n=3))
    except Exception:  # noqa: BLE001 - catalogue not available or no match
        pass
    if not suggestions:
        by_norm = {_norm(k): k for k in known}
        suggestions = [by_norm[m] for m in difflib.get_close_matches(target, list(by_norm), n=3, cutoff=0.5)]
    raise CityNotFound(name, suggestions)


def resolve_category(name: str) -> str:
    """German category name as used in ``ds.scores`` (accepts English names, slugs, "Gesellschaft")."""
    hit = catalogue.resolve_category(name)
    if hit is None:
        names = ", ".join(c.name_de for c in catalogue.CATEGORIES)
        raise ValueError(f"unknown category {name!r}; use one of {names}")
    return hit


def midrank_percentile(scores: pd.Series) -> pd.Series:
    """Mid-rank percentile (0-100) of each value within ``scores``; ties share the same value.

    ``100 * (number below + 0.5 * number equal) / n``. The best of 83 alone gets 99.4, the
    worst alone 0.6; when everyone has the same score everyone gets 50.
    """
    s = scores.astype(float)
    n = s.notna().sum()
    if n == 0:
        return s * np.nan
    return (s.rank(method="average") - 0.5) / n * 100.0


def top10_threshold(scores: pd.Series) -> float | None:
    """Tenth highest score of the field (the score needed for rank 10); ``None`` if < 10 cities."""
    s = scores.dropna().sort_values(ascending=False)
    return None if len(s) < 10 else float(s.iloc[9])


def top10_mean(scores: pd.Series) -> float | None:
    """Mean of the ten highest scores (all scores if the field is smaller), one decimal."""
    s = scores.dropna().sort_values(ascending=False)
    return None if s.empty else _r1(s.iloc[:10].mean())


def _rank(scores: pd.Series) -> pd.Series:
    """Competition rank (1224), higher score = better."""
    return scores.rank(method="min", ascending=False).astype("Int64")


class _Derived:
    """Read-only data derived from one dataset, computed on first use and then shared.

    ``groups``: every ranking ``{(year, level, category, indicator): rows (city, score, rank,
    rank_change)}``; ``cat_of``: ``{(year, indicator): category}``; ``memo``: further derived
    results (field tables with their statistics, indicator pivots, name lookups, profiles) keyed
    by what they were computed from. Values in ``memo`` are never handed out directly when a caller
    could modify them (public functions return copies).
    """

    def __init__(self, ds):
        self.scores = ds.scores
        self.cities = getattr(ds, "cities", None)
        self.indicators = getattr(ds, "indicators", None)
        self.editions = getattr(ds, "editions", None)
        self.years = tuple(_years_uncached(ds))
        self.memo: dict = {}
        self._groups: tuple[dict, dict] | None = None
        self._year_level: dict | None = None

    def matches(self, ds) -> bool:
        return (
            self.scores is ds.scores
            and self.cities is getattr(ds, "cities", None)
            and self.indicators is getattr(ds, "indicators", None)
            and self.editions is getattr(ds, "editions", None)
        )

    @property
    def groups(self) -> tuple[dict, dict]:
        if self._groups is None:
            s = self.scores
            cols = [c for c in ("city", "score", "rank", "rank_change", "provenance") if c in s.columns]
            keyed = s.assign(
                category=s["category"].fillna("").astype(str), indicator=s["indicator"].fillna("").astype(str)
            )
            groups = {
                (int(k[0]), str(k[1]), k[2], k[3]): g[cols].reset_index(drop=True)
                for k, g in keyed.groupby(["year", "level", "category", "indicator"], sort=False)
            }
            cat_of = {(k[0], k[3]): k[2] for k in groups if k[1] == "indicator"}
            self._groups = (groups, cat_of)
        return self._groups

    def year_level(self, year: int, level: str) -> pd.DataFrame:
        """Rows of ``ds.scores`` of one edition and level, in the frame's order (read-only)."""
        if self._year_level is None:
            s = self.scores
            self._year_level = {(int(k[0]), str(k[1])): g for k, g in s.groupby(["year", "level"], sort=False)}
        g = self._year_level.get((int(year), level))
        return self.scores.iloc[0:0] if g is None else g


_DERIVED: dict[int, _Derived] = {}


def _derived(ds) -> _Derived:
    """The derived-data cache of ``ds`` (see the module docstring: datasets are immutable)."""
    s = ds.scores
    hit = _DERIVED.get(id(s))
    if hit is not None and hit.matches(ds):
        return hit
    if len(_DERIVED) >= 8:
        _DERIVED.clear()
    d = _DERIVED[id(s)] = _Derived(ds)
    return d


def clear_cache() -> None:
    """Forget all derived data (never needed for correctness while datasets are not mutated)."""
    _DERIVED.clear()


def _groups(ds) -> tuple[dict, dict]:
    """Rankings of ``ds.scores`` split once per dataset: ``{(year, level, category, indicator): rows}``
    and ``{(year, indicator): category}``."""
    return _derived(ds).groups


def _ranking(ds, year: int, level: str, category: str = "", indicator: str = "") -> pd.DataFrame:
    groups, cat_of = _groups(ds)
    if level == "indicator" and not category and indicator:
        category = cat_of.get((int(year), indicator), "")
    g = groups.get((int(year), level, category or "", indicator or ""))
    return pd.DataFrame(columns=["city", "score", "rank", "rank_change"]) if g is None else g


def field_table(ds, year: int, level: str = "overall", category: str = "", indicator: str = "") -> pd.DataFrame:
    """All cities of one ranking (year, level, category, indicator) with derived columns.

    Columns: ``city, score, rank, rank_change, prev_score, score_change, percentile,
    bundesland, size_class`` sorted by rank. ``rank`` falls back to a competition rank computed
    from the scores when the stored rank is missing. ``prev_score``/``score_change`` refer to the
    same ranking in the previous edition (``NaN`` if the city was not in it).
    """
    return _field(ds, year, level, category, indicator).table.copy()


class _Field:
    """A field table (read-only) with the statistics the profiles need, computed once.

    ``size`` is the number of cities the edition ranked (``ds.editions``), ``n`` the rows the
    data holds. ``complete`` is True when the data holds the whole field; ``prefix`` is how many
    places from the top the data holds without a hole (the i-th row present has rank <= i), so
    the leader is known when ``prefix >= 1`` and the top-10 threshold when ``prefix >= 10``.
    Statistics over the whole field (median, top-10 mean, best score) are ``None``/NaN unless
    the data holds what they depend on.
    """

    def __init__(self, table: pd.DataFrame, size: int | None = None, level: str = "overall"):
        self.table = table
        self.n = len(table)
        self.size = max(int(size), self.n) if size else self.n
        self.complete = self.n >= self.size
        self.level = level
        self.pos: dict[str, int] = {}
        for i, c in enumerate(table["city"]):
            self.pos.setdefault(c, i)
        prefix = 0
        for i, r in enumerate(table["rank"], start=1):
            if r is pd.NA or pd.isna(r) or int(r) > i:
                break
            prefix = i
        self.prefix = self.n if self.complete else prefix
        #: ranks of a partial indicator table are never published: any rank there was computed
        #: over the rows present and does not place the city in the edition's field
        self.ranks_known = self.complete or level != "indicator"
        self._stats: dict | None = None

    def row(self, city: str):
        """The city's row (as ``t.loc[t["city"] == city].iloc[0]``) or None."""
        i = self.pos.get(city)
        return None if i is None else self.table.iloc[i]

    @property
    def missing(self) -> int:
        """Cities of the edition's field without a row in the data."""
        return self.size - self.n

    def knows_top(self, k: int) -> bool:
        return self.prefix >= min(k, self.size)

    @property
    def stats(self) -> dict:
        if self._stats is None:
            t = self.table
            scores = t["score"]
            counts: dict[float, int] = {}
            for v in scores.to_numpy(dtype=float):
                if v == v:
                    counts[float(v)] = counts.get(float(v), 0) + 1
            by_rank: dict = {}
            for c, r in zip(t["city"], t["rank"]):
                if r is not pd.NA:
                    by_rank.setdefault(int(r), []).append(c)
            top = self.knows_top(1) and self.n > 0
            best = scores.max() if top else np.nan
            self._stats = {
                "best": best,
                "median": float(scores.median()) if self.complete else np.nan,
                "top10_mean": top10_mean(scores) if self.knows_top(10) else None,
                "best_cities": sorted(t.loc[scores == best, "city"]) if top else [],
                "n_at_max": int((scores == best).sum()) if top else 0,
                "counts": counts,
                "by_rank": {r: sorted(cs) for r, cs in by_rank.items()},
            }
        return self._stats

    def n_same(self, value) -> int:
        v = float(value)
        return 0 if v != v else self.stats["counts"].get(v, 0)

    def tied_with(self, rank, city: str) -> list[str]:
        if rank is None or rank is pd.NA or pd.isna(rank):
            return sorted(self.table.loc[(self.table["rank"] == rank) & (self.table["city"] != city), "city"])
        return [c for c in self.stats["by_rank"].get(int(rank), []) if c != city]


def _field(ds, year: int, level: str = "overall", category: str = "", indicator: str = "") -> _Field:
    d = _derived(ds)
    key = ("field", int(year), level, category or "", indicator or "")
    hit = d.memo.get(key)
    if hit is None:
        hit = d.memo[key] = _Field(
            _field_table_uncached(ds, year, level, category, indicator), field_size(ds, year), level
        )
    return hit


def _rank_percentile(t: pd.DataFrame, size: int) -> pd.Series:
    """Mid-rank percentile from the given ranks when the data holds only part of the field:
    ``100 * (size - rank + 1 - k/2) / size`` with ``k`` the rows sharing the rank (the
    complete-field formula, with the cities below counted from the rank)."""
    rank = t["rank"].to_numpy(dtype=float)
    values, inverse, counts = np.unique(rank, return_inverse=True, return_counts=True)
    k = counts[inverse].astype(float)
    return pd.Series(np.clip(100.0 * (size - rank + 1 - 0.5 * k) / size, 0, 100), index=t.index)


def _table_rows(ds, year: int, level: str, category: str = "", indicator: str = "") -> pd.DataFrame:
    """The rows of one ranking that belong to it: on an excerpt, a score the method computed from
    lower levels was ranked among the rows present only; that rank is not the edition's, so the
    row is left out."""
    g = _ranking(ds, year, level, category, indicator)
    if "provenance" not in g.columns:
        return g
    size = field_size(ds, year)
    if size is not None and len(g) < size and (g["provenance"] == "computed").any():
        g = g.loc[g["provenance"] != "computed"]
    return g.drop(columns="provenance")


def _field_table_uncached(
    ds, year: int, level: str = "overall", category: str = "", indicator: str = ""
) -> pd.DataFrame:
    g = _table_rows(ds, year, level, category, indicator)
    size = field_size(ds, year)
    city = g["city"].to_numpy(dtype=object)
    score = g["score"].to_numpy(dtype=float)
    given = pd.array(g["rank"], dtype="Int64") if "rank" in g.columns else None
    if given is None or given.isna().any():
        rank = pd.Series(score).rank(method="min", ascending=False).to_numpy()
    else:
        rank = given.to_numpy(dtype=float)
    rank = rank.astype(np.int64) if len(rank) else np.zeros(0, dtype=np.int64)
    py = previous_edition(ds, year)
    prev_score: dict = {}
    prev_rank: dict = {}
    if py is not None:
        prev = _table_rows(ds, py, level, category, indicator)
        if not prev.empty:
            pr = (
                prev["rank"]
                if ("rank" in prev.columns and not prev["rank"].isna().any())
                else _rank(prev["score"].astype(float))
            )
            prev_score = dict(zip(prev["city"], prev["score"].astype(float)))
            prev_rank = dict(zip(prev["city"], (int(x) for x in pr)))
    if "rank_change" in g.columns:
        change = [None if (v is pd.NA or v != v) else int(v) for v in pd.array(g["rank_change"], dtype="Int64")]
    else:
        change = [None] * len(city)
    change = [
        ch if ch is not None else (prev_rank[c] - int(r) if c in prev_rank else None)
        for ch, c, r in zip(change, city, rank)
    ]
    prev_s = np.array([prev_score.get(c, np.nan) for c in city], dtype=float)
    t = pd.DataFrame(
        {
            "city": g["city"].to_numpy(),
            "score": score,
            "rank": pd.array(rank, dtype="Int64"),
            "rank_change": pd.array(change, dtype="Int64"),
        }
    )
    for extra in g.columns:  # any further columns of the ranking, as before
        if extra not in t.columns:
            t[extra] = g[extra].to_numpy()
    t["prev_score"] = prev_s
    t["score_change"] = np.round(score - prev_s, 1)
    if size is None or len(t) >= size:
        t["percentile"] = midrank_percentile(t["score"]).round(1)
    elif level == "indicator" or t.empty:  # ranks over a partial indicator table are not the edition's
        t["percentile"] = np.nan
    else:
        t["percentile"] = _rank_percentile(t, size).round(1)
    for col in ("bundesland", "size_class"):
        lookup = _attr_map(ds, col)
        t[col] = [lookup.get(c, np.nan) for c in city] if lookup is not None else pd.NA
    order = np.lexsort((city.astype(str), rank)) if len(t) else np.zeros(0, dtype=int)
    return t.iloc[order].reset_index(drop=True)


def _attr_map(ds, col: str) -> dict | None:
    """``{city: value}`` of one column of the cities table (None if the column is missing)."""
    d = _derived(ds)
    key = ("attr_map", col)
    if key not in d.memo:
        c = _cities_table(ds)
        d.memo[key] = dict(zip(c["name"], c[col])) if col in c.columns else None
    return d.memo[key]


@dataclass
class TableCoverage:
    """How much of one ranking table of an edition the data holds."""

    level: str
    category: str
    n_present: int
    n_field: int

    @property
    def complete(self) -> bool:
        return self.n_present >= self.n_field


def coverage(ds, year: int) -> list[TableCoverage]:
    """The overall and the five category tables of ``year``: rows present against the field
    size of the edition (see :func:`field_size`). Indicator tables are summarised in one entry
    (``level="indicator"``, the largest number of cities of any indicator)."""
    d = _derived(ds)
    key = ("coverage", int(year))
    if key not in d.memo:
        d.memo[key] = _coverage(ds, year)
    return list(d.memo[key])


def _coverage(ds, year: int) -> list[TableCoverage]:
    out = [TableCoverage("overall", "", _field(ds, year, "overall").n, _field(ds, year, "overall").size)]
    for cat in catalogue.CATEGORY_NAMES:
        f = _field(ds, year, "category", cat)
        out.append(TableCoverage("category", cat, f.n, f.size))
    if has_level(ds, year, "indicator"):
        rows = _derived(ds).year_level(year, "indicator")
        n = int(rows.groupby("indicator")["city"].nunique().max()) if len(rows) else 0
        out.append(TableCoverage("indicator", "", n, max(field_size(ds, year) or n, n)))
    return out


# ----------------------------------------------------------------------------------------------
# headline


@dataclass
class Neighbour:
    """A city directly above or below in the ranking; ``gap`` = their score minus ours (points)."""

    city: str
    rank: int
    score: float
    gap: float


@dataclass
class Headline:
    """Overall placing of one city in one edition.

    ``rank_change`` > 0 means the city moved up (previous rank minus rank); ``direction`` is
    ``"up"``, ``"down"``, ``"same"``, ``"new"`` (first edition of the city, as the catalogue
    says), ``"returning"`` (ranked in an earlier edition but not in the previous one;
    ``last_year``/``last_rank``) or ``"unknown"`` (the data holds no previous rank for a city
    that took part before). ``tied_with`` lists the cities sharing the rank. ``gap_to_top10`` =
    top-10 threshold minus score (<= 0: in the top 10), ``gap_to_median`` = score minus median.
    ``above``/``below`` are the cities at the next higher/lower score (several if they are tied
    among themselves).

    ``n_cities`` is the size of the edition's field (``ds.editions``), ``n_present`` the rows
    the data holds. A fact the data does not hold is ``None`` (or empty) and ``missing`` names
    it with the reason: ``"partial_field"`` (the overall table is an excerpt),
    ``"no_previous_score"`` (a previous rank from the Tendenz column, without the previous
    table), ``"no_previous_rank"``.
    """

    city: str
    year: int
    score: float
    rank: int
    n_cities: int
    tied_with: list[str]
    prev_year: int | None
    prev_score: float | None
    prev_rank: int | None
    rank_change: int | None
    score_change: float | None
    direction: str
    top10_threshold: float | None
    gap_to_top10: float | None
    in_top10: bool
    median: float | None
    gap_to_median: float | None
    percentile: float | None
    above: list[Neighbour]
    below: list[Neighbour]
    bundesland: str | None = None
    size_class: str | None = None
    provenance: str | None = None
    last_year: int | None = None
    last_rank: int | None = None
    n_present: int | None = None
    missing: dict[str, str] = field(default_factory=dict)

    @property
    def half(self) -> str | None:
        """``"upper"``, ``"lower"`` or ``"median"``: position relative to the median score
        (None when the median is not known)."""
        if self.gap_to_median is None:
            return None
        return "upper" if self.gap_to_median > 0 else "lower" if self.gap_to_median < 0 else "median"

    @property
    def field_complete(self) -> bool:
        return self.n_present is None or self.n_present >= self.n_cities


def _first_values(ds, year: int, level: str, col: str) -> dict:
    """``{city: value of col in the city's first row}`` for one edition and level (cached)."""
    d = _derived(ds)
    key = ("first_values", int(year), level, col)
    hit = d.memo.get(key)
    if hit is None:
        rows = d.year_level(year, level)
        hit = {}
        for c, v in zip(rows["city"], rows[col]):
            hit.setdefault(c, v)
        d.memo[key] = hit
    return hit


def _direction(change: int | None) -> str:
    if change is None:
        return "new"
    return "up" if change > 0 else "down" if change < 0 else "same"


def _neighbours(f: _Field, city: str, score: float, rk: int) -> tuple[list[Neighbour], list[Neighbour], bool, bool]:
    """Cities at the next higher and lower score, and whether the data holds them.

    On the complete field: by score, as published. On an excerpt the neighbours are stated only
    when the rows around the city are present without a hole (the places just above and below
    the city's rank are all in the data); a neighbour whose score contradicts its rank is left out.
    """
    t = f.table
    if f.complete:
        higher = t.loc[t["score"] > score]
        lower = t.loc[t["score"] < score]
        above = (
            []
            if higher.empty
            else [
                Neighbour(x.city, int(x.rank), float(x.score), _r1(x.score - score))
                for x in higher.loc[higher["score"] == higher["score"].min()].itertuples()
            ]
        )
        below = (
            []
            if lower.empty
            else [
                Neighbour(x.city, int(x.rank), float(x.score), _r1(x.score - score))
                for x in lower.loc[lower["score"] == lower["score"].max()].itertuples()
            ]
        )
        return above, below, True, True
    ranks = t["rank"].astype(int)
    better = t.loc[ranks < rk]
    above: list[Neighbour] = []
    above_known = rk == 1
    if not better.empty:
        r_above = int(better["rank"].max())
        group = better.loc[better["rank"] == r_above]
        if r_above + len(group) == rk and (group["score"] >= score).all():
            above_known = True
            above = [Neighbour(x.city, int(x.rank), float(x.score), _r1(x.score - score)) for x in group.itertuples()]
    n_here = int((ranks == rk).sum())
    worse = t.loc[ranks > rk]
    below: list[Neighbour] = []
    below_known = rk + n_here > f.size
    if not worse.empty:
        r_below = int(worse["rank"].min())
        group = worse.loc[worse["rank"] == r_below]
        if r_below == rk + n_here and (group["score"] <= score).all():
            below_known = True
            below = [Neighbour(x.city, int(x.rank), float(x.score), _r1(x.score - score)) for x in group.itertuples()]
    return above, below, above_known, below_known


def _city_direction(ds, city: str, year: int, change: int | None) -> tuple[str, int | None, int | None]:
    """``(direction, last_year, last_rank)``: "new" only where the catalogue says the city
    joined in ``year`` (or, for a city the catalogue does not know, where the complete previous
    table lacks it); "returning" where the complete previous table lacks a city ranked before."""
    if change is not None:
        return _direction(change), None, None
    first = first_edition(ds, city)
    py = previous_edition(ds, year)
    prev_complete = py is not None and has_level(ds, py, "overall") and _field(ds, py, "overall").complete
    earlier = [y for y in _years(ds) if y < year and city in _first_values(ds, y, "overall", "year")]
    if first is not None and first >= year:
        return "new", None, None
    if prev_complete and city not in _field(ds, py, "overall").pos:
        if earlier:
            last_year = int(max(earlier))
            return "returning", last_year, int(_field(ds, last_year, "overall").row(city)["rank"])
        if first is None:
            return "new", None, None
    if first is None and py is None:
        return "new", None, None
    return "unknown", None, None


def headline(ds, city: str, year: int | None = None) -> Headline:
    """Overall score and rank of ``city`` in ``year`` (default: latest edition) with context.

    Raises :class:`NoData` if the city has no overall score in that edition.
    """
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    f = _field(ds, year, "overall")
    t = f.table
    r = f.row(city)
    if r is None:
        raise NoData(f"{city} has no overall score in {year}")
    score, rk = float(r["score"]), int(r["rank"])
    change = _int(r["rank_change"])
    prev_score = _float(r["prev_score"])
    missing: dict[str, str] = {}
    thr = top10_threshold(t["score"]) if f.knows_top(10) else None
    if thr is None and f.size >= 10:
        missing["top10_threshold"] = "partial_field"
    med = float(t["score"].median()) if f.complete else None
    if med is None:
        missing["median"] = "partial_field"
    above, below, above_known, below_known = _neighbours(f, city, score, rk)
    if not above_known:
        missing["above"] = "partial_field"
    if not below_known:
        missing["below"] = "partial_field"
    direction, last_year, last_rank = _city_direction(ds, city, year, change)
    if change is not None and prev_score is None:
        missing["prev_score"] = "no_previous_score"
    if direction == "unknown":
        missing["prev_rank"] = "no_previous_rank"
    prov = None
    if "provenance" in _scores(ds).columns:
        p = _first_values(ds, year, "overall", "provenance").get(city)
        prov = None if p is None else str(p)
    gap10 = None if thr is None else _r1(thr - score)
    if gap10 is not None and gap10 < 0 and rk > 10:  # ranks and scores of the table disagree
        thr = gap10 = None
        missing["top10_threshold"] = "inconsistent"
    pct = _float(r["percentile"])
    return Headline(
        city=city,
        year=year,
        score=score,
        rank=rk,
        n_cities=f.size,
        tied_with=sorted(t.loc[(t["rank"] == rk) & (t["city"] != city), "city"]),
        prev_year=previous_edition(ds, year) if (change is not None or direction == "unknown") else None,
        prev_score=prev_score if change is not None else None,
        prev_rank=(rk + change) if change is not None else None,
        rank_change=change,
        score_change=_r1(score - prev_score) if (change is not None and prev_score is not None) else None,
        direction=direction,
        top10_threshold=thr,
        gap_to_top10=gap10,
        in_top10=rk <= 10,
        median=None if med is None else _r1(med),
        gap_to_median=None if med is None else _r1(score - med),
        percentile=pct,
        above=above,
        below=below,
        bundesland=_city_attr(ds, city, "bundesland"),
        size_class=_city_attr(ds, city, "size_class"),
        provenance=prov,
        last_year=last_year,
        last_rank=last_rank if direction == "returning" else None,
        n_present=f.n,
        missing=missing,
    )


# ----------------------------------------------------------------------------------------------
# profile


def _profile_rows(ds, city: str, year: int, level: str, groups: list[tuple[str, str]]) -> list[dict]:
    rows = []
    for cat, ind in groups:
        f = _field(ds, year, level, cat, ind)
        m = f.row(city)
        if m is None:
            continue
        st = f.stats
        best, med, t10 = st["best"], st["median"], st["top10_mean"]
        n_at = f.n_same(m["score"])
        # statistics of the whole field are NaN when the data holds only part of it (_Field)
        rows.append(
            {
                "category": cat,
                "indicator": ind,
                "score": float(m["score"]),
                "rank": int(m["rank"]) if f.ranks_known else None,
                "n": f.size,
                "rank_change": m["rank_change"] if f.ranks_known else pd.NA,
                "score_change": m["score_change"],
                "percentile": float(m["percentile"]),
                "median": _r1(med) if med == med else np.nan,
                "top10_mean": t10,
                "best_score": float(best) if best == best else np.nan,
                "best_cities": list(st["best_cities"]),
                # against the median as shown (one decimal): a table with 67,3 vs 67,3 reads "level"
                "diff_median": _r1(m["score"] - _r1(med)) if med == med else np.nan,
                "diff_top10": None if t10 is None else _r1(m["score"] - t10),
                "diff_best": _r1(m["score"] - best) if best == best else np.nan,
                "n_same_score": n_at,
                "share_same_score": n_at / f.size,
                "n_at_max": st["n_at_max"],
                "tied_with": f.tied_with(m["rank"], city) if f.ranks_known else [],
            }
        )
    return rows


_PROFILE_COLS = [
    "category",
    "indicator",
    "name",
    "score",
    "rank",
    "n",
    "rank_change",
    "score_change",
    "percentile",
    "median",
    "top10_mean",
    "best_score",
    "best_cities",
    "diff_median",
    "diff_top10",
    "diff_best",
    "n_same_score",
    "share_same_score",
    "n_at_max",
    "tied_with",
]


def category_profile(ds, city: str, year: int | None = None, lang: str = "de") -> pd.DataFrame:
    """One row per category (catalogue order): score, rank, n, rank/score change, percentile,
    field median, top-10 mean, best score and best city/cities, differences to these, how many
    cities share the city's score, and the cities tied on rank. ``name`` is the edition's label.
    Empty frame if the category level is missing.
    """
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    d = _derived(ds)
    key = ("category_profile", city, year, lang)
    hit = d.memo.get(key)
    if hit is None:
        hit = d.memo[key] = _category_profile(ds, city, year, lang)
    return _copy_frame(hit)


def _copy_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a cached frame whose list cells are copied too (callers may modify either)."""
    out = frame.copy()
    for col in ("best_cities", "tied_with"):
        if col in out.columns and len(out):
            out[col] = [list(v) if isinstance(v, list) else v for v in out[col]]
    return out


def _category_profile(ds, city: str, year: int, lang: str) -> pd.DataFrame:
    if not has_level(ds, year, "category"):
        return pd.DataFrame(columns=_PROFILE_COLS)
    from smartcity import fmt  # noqa: PLC0415

    rows = _profile_rows(ds, city, year, "category", [(c, "") for c in catalogue.CATEGORY_NAMES])
    for r in rows:
        r["name"] = fmt.category(r["category"], year, lang)
    return pd.DataFrame(rows, columns=_PROFILE_COLS)


def indicator_profile(
    ds, city: str, year: int | None = None, category: str | None = None, lang: str = "de"
) -> pd.DataFrame:
    """One row per indicator of the city (optionally one category) with the same columns as
    :func:`category_profile` plus ``weight``; ``name`` is the indicator's display name.
    Empty frame if the edition has no indicator level.
    """
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    cat = resolve_category(category) if category else None
    d = _derived(ds)
    key = ("indicator_profile", city, year, cat, lang)
    hit = d.memo.get(key)
    if hit is None:
        hit = d.memo[key] = _indicator_profile(ds, city, year, cat, lang)
    return _copy_frame(hit)


def _city_indicators(ds, year: int, city: str) -> list[tuple[str, str]]:
    """(category, indicator) pairs of the city's indicator rows in ``year``, in the frame's order."""
    d = _derived(ds)
    key = ("city_indicators", int(year))
    hit = d.memo.get(key)
    if hit is None:
        hit = {}
        rows = d.year_level(year, "indicator")
        for c, k, i in zip(rows["city"], rows["category"], rows["indicator"]):
            hit.setdefault(c, {})[(k, i)] = None
        d.memo[key] = hit
    return list(hit.get(city, {}))


def _indicator_profile(ds, city: str, year: int, category: str | None, lang: str) -> pd.DataFrame:
    if not has_level(ds, year, "indicator"):
        return pd.DataFrame(columns=_PROFILE_COLS + ["weight"])
    groups = _city_indicators(ds, year, city)
    if category:
        groups = [g for g in groups if g[0] == category]
    rows = _profile_rows(ds, city, year, "indicator", groups)
    for r in rows:
        r["name"] = _indicator_name(ds, r["indicator"], lang)
        r["weight"] = _indicator_weight(ds, r["indicator"])
    order = {c: i for i, c in enumerate(catalogue.CATEGORY_NAMES)}
    out = pd.DataFrame(rows, columns=_PROFILE_COLS + ["weight"])
    if not out.empty:
        out = out.assign(_o=out["category"].map(order)).sort_values(["_o"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


@dataclass
class Profile:
    """Category and indicator profile of a city; ``has_indicators`` is False when the edition
    has no indicator level (``indicators`` is then empty)."""

    city: str
    year: int
    categories: pd.DataFrame
    indicators: pd.DataFrame
    has_indicators: bool


def profile(ds, city: str, year: int | None = None, lang: str = "de") -> Profile:
    """Both profiles at once (see :func:`category_profile`, :func:`indicator_profile`)."""
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    ind = indicator_profile(ds, city, year, lang=lang)
    return Profile(
        city, year, category_profile(ds, city, year, lang), ind, has_level(ds, year, "indicator") and not ind.empty
    )


# ----------------------------------------------------------------------------------------------
# peers


def haversine_km(lat1, lon1, lat2, lon2) -> Any:
    """Great-circle distance in km (works on scalars and numpy arrays/Series)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(a))


def nearest_cities(ds, city: str, n: int = 5, year: int | None = None) -> pd.DataFrame:
    """The ``n`` nearest other cities by great-circle distance (``city, distance_km``).

    Only cities ranked in ``year`` (if given) are considered. Empty if coordinates are missing.
    """
    city = resolve_city(ds, city)
    c = _cities_table(ds)
    if not {"latitude", "longitude"} <= set(c.columns):
        return pd.DataFrame(columns=["city", "distance_km"])
    c = c.dropna(subset=["latitude", "longitude"])
    me = c.loc[c["name"] == city]
    if me.empty:
        return pd.DataFrame(columns=["city", "distance_km"])
    others = c.loc[c["name"] != city]
    if year is not None:
        ranked = set(_field(ds, year, "overall").pos)
        others = others.loc[others["name"].isin(ranked)]
    d = haversine_km(
        float(me["latitude"].iloc[0]), float(me["longitude"].iloc[0]), others["latitude"], others["longitude"]
    )
    # order on the exact distance; round only what is shown (27.98 km before 28.01 km)
    out = pd.DataFrame({"city": others["name"].to_numpy(), "exact": np.asarray(d, dtype=float)})
    out = out.sort_values(["exact", "city"]).head(n).reset_index(drop=True)
    out["distance_km"] = [_r1(x) for x in out["exact"]]
    return out[["city", "distance_km"]]


@dataclass
class PeerGroup:
    """A peer group including the city itself.

    ``kind`` is ``"bundesland"``, ``"size_class"``, ``"nearest"`` or ``"custom"``; ``label`` the
    Bundesland / size class (or ``""``). ``table``: ``city, score, rank`` (national),
    ``peer_rank`` (competition rank inside the group), ``rank_change``, ``score_change`` and
    ``distance_km`` (nearest group only), sorted by peer rank. ``peer_rank`` is the city's
    place in the group of ``n`` cities, ``tied_with`` the group members sharing it.
    On an excerpt of the overall table, ``missing`` lists the members without a value: the
    place is then among the ``n`` members with a value, and ``median`` and ``leader`` are None
    and empty (the group's leader may be among the missing).
    """

    kind: str
    label: str
    city: str
    year: int
    table: pd.DataFrame
    peer_rank: int | None
    n: int
    tied_with: list[str]
    median: float | None
    leader: list[str]
    #: members of the group without a value in the data (the overall table is an excerpt)
    missing: list[str] = field(default_factory=list)

    @property
    def others(self) -> list[str]:
        return [c for c in self.table["city"] if c != self.city]


def _peer_group(
    ds, city: str, year: int, kind: str, label: str, members: list[str], distances: pd.DataFrame | None = None
) -> PeerGroup:
    f = _field(ds, year, "overall")
    t = f.table
    members = list(dict.fromkeys([city] + [m for m in members if m != city]))
    missing = [] if f.complete else [m for m in members if m not in f.pos]
    g = t.loc[t["city"].isin(members), ["city", "score", "rank", "rank_change", "score_change"]].copy()
    g["peer_rank"] = _rank(g["score"])
    if distances is not None and not distances.empty:
        g = g.merge(distances, on="city", how="left")
    g = g.sort_values(["peer_rank", "city"]).reset_index(drop=True)
    me = g.loc[g["city"] == city]
    pr = None if me.empty else int(me["peer_rank"].iloc[0])
    return PeerGroup(
        kind=kind,
        label=label,
        city=city,
        year=year,
        table=g,
        peer_rank=pr,
        n=len(g),
        tied_with=[] if pr is None else sorted(g.loc[(g["peer_rank"] == pr) & (g["city"] != city), "city"]),
        median=None if (g.empty or missing) else _r1(g["score"].median()),
        leader=sorted(g.loc[g["score"] == g["score"].max(), "city"]) if not (g.empty or missing) else [],
        missing=missing,
    )


def _taking_part(ds, year: int) -> set[str]:
    """Cities of the catalogue that took part in ``year`` (first edition at or before it)."""
    c = _cities_table(ds)
    if "first_edition" not in c.columns:
        return set(c["name"]) if "name" in c.columns else set()
    first = pd.to_numeric(c["first_edition"], errors="coerce")
    return set(c.loc[first.isna() | (first <= year), "name"])


@dataclass
class Peers:
    """The peer groups of a city: ``groups`` maps kind -> :class:`PeerGroup` (only groups with at
    least one other ranked city; ``custom`` only if a list was given)."""

    city: str
    year: int
    groups: dict[str, PeerGroup] = field(default_factory=dict)

    def __getitem__(self, kind: str) -> PeerGroup:
        return self.groups[kind]

    def summary(self) -> pd.DataFrame:
        """One row per group: kind, label, n, peer_rank, tied_with, median, leader."""
        return pd.DataFrame(
            [
                {
                    "kind": g.kind,
                    "label": g.label,
                    "n": g.n,
                    "peer_rank": g.peer_rank,
                    "tied_with": g.tied_with,
                    "median": g.median,
                    "leader": g.leader,
                }
                for g in self.groups.values()
            ]
        )


def peers(ds, city: str, year: int | None = None, custom: list[str] | None = None, n_nearest: int = 5) -> Peers:
    """Peer groups of ``city``: same Bundesland, same size class, ``n_nearest`` nearest cities
    (haversine on latitude/longitude) and an optional ``custom`` list of names (resolved like
    :func:`resolve_city`; an unknown name raises :class:`CityNotFound` with suggestions).
    Only cities ranked in ``year`` are members.
    """
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    if isinstance(custom, str):
        custom = [custom]
    d = _derived(ds)
    key = ("peers", city, year, tuple(custom) if custom else None, n_nearest)
    if key not in d.memo:
        d.memo[key] = _peers(ds, city, year, custom, n_nearest)
    return copy.deepcopy(d.memo[key])


def _peers(ds, city: str, year: int, custom: list[str] | None, n_nearest: int) -> Peers:
    f = _field(ds, year, "overall")
    ranked = f.table
    out = Peers(city, year)
    # on an excerpt the groups are the edition's members as the catalogue lists them
    taking_part = None if f.complete else _taking_part(ds, year) | set(ranked["city"])
    for col in ("bundesland", "size_class"):
        val = _city_attr(ds, city, col)
        if val is None:
            continue
        if taking_part is None:
            members = list(ranked.loc[ranked[col] == val, "city"])
        else:
            members = sorted(m for m in taking_part if _city_attr(ds, m, col) == val)
        if len([m for m in members if m != city and m in f.pos]) > 0:
            out.groups[col] = _peer_group(ds, city, year, col, str(val), members)
    if taking_part is None:
        near = nearest_cities(ds, city, n_nearest, year)
    else:
        near = nearest_cities(ds, city, n_nearest + len(_cities_table(ds)), None)
        near = near.loc[near["city"].isin(taking_part)].head(n_nearest).reset_index(drop=True)
    if not near.empty:
        out.groups["nearest"] = _peer_group(ds, city, year, "nearest", "", list(near["city"]), near)
    if isinstance(custom, str):
        custom = [custom]
    if custom:
        names = [resolve_city(ds, n) for n in custom]
        out.groups["custom"] = _peer_group(ds, city, year, "custom", "", names)
    if taking_part is not None:  # on an excerpt: a group of the city alone says nothing
        out.groups = {k: g for k, g in out.groups.items() if g.n > 1}
    return out


# ----------------------------------------------------------------------------------------------
# strengths and weaknesses


@dataclass
class StrengthsWeaknesses:
    """Where a city stands out, measured by the mid-rank percentile (see module docstring).

    * ``strongest_categories`` / ``weakest_categories``: the categories with the best / worst
      rank (several names = a tie on rank).
    * ``category_strengths`` / ``category_weaknesses``: categories with percentile >=
      :data:`STRENGTH_PERCENTILE` / <= :data:`WEAKNESS_PERCENTILE` (profile rows, best first /
      worst first).
    * ``indicator_strengths``: indicators with percentile >= 75 whose score is shared by less
      than half of the field, ordered by percentile then score.
    * ``indicator_weaknesses``: indicators with percentile <= 25, worst first.
    * ``full_marks``: indicators where the city scores 100, with ``n_at_max`` (how many cities
      have 100) and ``distinguishing`` (False when at least half the field also has 100).
    * ``shared_top``: full marks that do not distinguish the city (everyone/most have 100).
    * ``weakest_indicators``: the ``n_weakest`` lowest indicator scores of the city (absolute
      scores, as councils quote them), with rank and percentile.
    ``has_indicators`` is False (indicator frames empty) when the edition lacks the level.
    """

    city: str
    year: int
    strongest_categories: list[str]
    weakest_categories: list[str]
    category_strengths: pd.DataFrame
    category_weaknesses: pd.DataFrame
    indicator_strengths: pd.DataFrame
    indicator_weaknesses: pd.DataFrame
    full_marks: pd.DataFrame
    shared_top: pd.DataFrame
    weakest_indicators: pd.DataFrame
    has_indicators: bool
    categories: pd.DataFrame = field(repr=False, default_factory=pd.DataFrame)


def strengths_weaknesses(
    ds, city: str, year: int | None = None, n_weakest: int = 4, n_strengths: int = 5, lang: str = "de"
) -> StrengthsWeaknesses:
    """Strengths and weaknesses of ``city`` in ``year`` (see :class:`StrengthsWeaknesses`)."""
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    cats = category_profile(ds, city, year, lang)
    if cats.empty:
        strongest = weakest = []
        cs = cw = cats
    else:
        strongest = list(cats.loc[cats["rank"] == cats["rank"].min(), "category"])
        weakest = list(cats.loc[cats["rank"] == cats["rank"].max(), "category"])
        cs = cats.loc[cats["percentile"] >= STRENGTH_PERCENTILE].sort_values(["percentile", "score"], ascending=False)
        cw = cats.loc[cats["percentile"] <= WEAKNESS_PERCENTILE].sort_values(["percentile", "score"])
    ind = indicator_profile(ds, city, year, lang=lang)
    has_ind = not ind.empty
    if has_ind:
        ind = ind.assign(distinguishing=ind["share_same_score"] < SHARED_TOP_SHARE)
        strengths = (
            ind.loc[(ind["percentile"] >= STRENGTH_PERCENTILE) & ind["distinguishing"]]
            .sort_values(["percentile", "score"], ascending=False)
            .head(n_strengths)
        )
        weaknesses = (
            ind.loc[ind["percentile"] <= WEAKNESS_PERCENTILE].sort_values(["percentile", "score"]).head(n_strengths)
        )
        full = ind.loc[ind["score"] >= 100.0].copy()
        full["distinguishing"] = full["n_at_max"] / full["n"] < SHARED_TOP_SHARE
        full = full.sort_values(["n_at_max", "name"])
        shared = full.loc[~full["distinguishing"]]
        weakest_ind = ind.sort_values(["score", "percentile"]).head(n_weakest)
    else:
        strengths = weaknesses = full = shared = weakest_ind = ind
    return StrengthsWeaknesses(
        city=city,
        year=year,
        strongest_categories=strongest,
        weakest_categories=weakest,
        category_strengths=cs.reset_index(drop=True),
        category_weaknesses=cw.reset_index(drop=True),
        indicator_strengths=strengths.reset_index(drop=True),
        indicator_weaknesses=weaknesses.reset_index(drop=True),
        full_marks=full.reset_index(drop=True),
        shared_top=shared.reset_index(drop=True),
        weakest_indicators=weakest_ind.reset_index(drop=True),
        has_indicators=has_ind,
        categories=cats,
    )


# ----------------------------------------------------------------------------------------------
# trends


@dataclass
class Trend:
    """Development of a city over all editions it took part in (up to ``year``).

    * ``trajectory``: ``year, score, rank, n_cities, rank_change, score_change, percentile``.
    * ``category_trajectory``: ``year, category, score, rank`` (long).
    * ``category_changes``: per category ``first_year, first_rank, prev_rank, rank,
      change_since_first, change_vs_previous, score_change_vs_previous`` (rank changes positive =
      improvement).
    * ``most_improved`` / ``most_declined``: categories with the largest rank gain / loss since
      the previous edition (ties: several names; empty if nothing moved in that direction).
    * ``streak`` and ``streak_direction``: number of consecutive editions ending at ``year``
      with a rank improvement (``"up"``) or a rank loss (``"down"``); 0/None if the last change
      was 0 or there is none. Editions the city missed break a streak.
    * ``best_rank``/``best_years`` and ``worst_rank``/``worst_years`` over the trajectory.
    * ``caveats``: codes with details, see ``Trend.caveats`` docs in ``docs/method.md``:
      ``relative_scores`` (always), ``parameters_changed``, ``category_renamed``,
      ``field_size_changed``, ``gap_in_editions``.
    ``has_trend`` is False (with ``reason="single_edition"`` when the catalogue says the city is
    new in ``year``, ``"no_history"`` when it took part before but the data holds no earlier
    rank, ``"no_data"`` without an overall score in ``year``) when the city has fewer than two
    editions; frames are then as far as available and no changes are stated. A previous rank
    known only from the Tendenz column of a table is a trajectory row without score; its
    edition is listed in ``from_tendency``.
    """

    city: str
    year: int
    editions: list[int]
    has_trend: bool
    reason: str
    trajectory: pd.DataFrame
    category_trajectory: pd.DataFrame
    category_changes: pd.DataFrame
    most_improved: list[str]
    most_declined: list[str]
    streak: int
    streak_direction: str | None
    best_rank: int | None
    best_years: list[int]
    worst_rank: int | None
    worst_years: list[int]
    caveats: list[dict]
    first_year: int | None = None
    first_rank: int | None = None
    total_rank_change: int | None = None
    #: editions whose rank comes from the next edition's Tendenz column (no table of their own)
    from_tendency: list[int] = field(default_factory=list)


def _edition_info(ds) -> pd.DataFrame:
    e = getattr(ds, "editions", None)
    return e if isinstance(e, pd.DataFrame) else pd.DataFrame(columns=["year"])


def trend(ds, city: str, year: int | None = None) -> Trend:
    """Rank trajectory, category movements, streaks and comparability caveats (see :class:`Trend`)."""
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    d = _derived(ds)
    key = ("trend", city, year)
    hit = d.memo.get(key)
    if hit is None:
        hit = d.memo[key] = _trend(ds, city, year)
    return copy.deepcopy(hit)


def _trend(ds, city: str, year: int) -> Trend:
    all_years = [y for y in _years(ds) if y <= year]
    rows = []
    for y in all_years:
        f = _field(ds, y, "overall")
        m = f.row(city)
        if m is None:
            continue
        rows.append(
            {
                "year": y,
                "score": float(m["score"]),
                "rank": int(m["rank"]),
                "n_cities": f.size,
                "rank_change": m["rank_change"],
                "score_change": m["score_change"],
                "percentile": float(m["percentile"]),
            }
        )
    # a previous rank given only by the Tendenz column: a row without score for that edition
    from_tendency = []
    held = {r["year"] for r in rows}
    for r in list(rows):
        py = previous_edition(ds, r["year"])
        ch = _int(r["rank_change"])
        if py is not None and py not in held and ch is not None and r["rank"] + ch >= 1:
            rows.append(
                {
                    "year": py,
                    "score": np.nan,
                    "rank": r["rank"] + ch,
                    "n_cities": field_size(ds, py) or r["n_cities"],
                    "rank_change": pd.NA,
                    "score_change": np.nan,
                    "percentile": np.nan,
                }
            )
            from_tendency.append(py)
            held.add(py)
    rows.sort(key=lambda r: r["year"])
    traj = pd.DataFrame(
        rows, columns=["year", "score", "rank", "n_cities", "rank_change", "score_change", "percentile"]
    )
    traj["rank_change"] = traj["rank_change"].astype("Int64")
    editions = list(traj["year"])
    crow = []
    for y in editions:
        if not has_level(ds, y, "category"):
            continue
        for cat in catalogue.CATEGORY_NAMES:
            m = _field(ds, y, "category", cat).row(city)
            if m is not None:
                crow.append({"year": y, "category": cat, "score": float(m["score"]), "rank": int(m["rank"])})
    ctraj = pd.DataFrame(crow, columns=["year", "category", "score", "rank"])
    empty_changes = pd.DataFrame(
        columns=[
            "category",
            "first_year",
            "first_rank",
            "prev_rank",
            "rank",
            "change_since_first",
            "change_vs_previous",
            "score_change_vs_previous",
        ]
    )
    if len(editions) < 2 or year not in editions:
        reason = (
            "no_data"
            if not editions or year not in editions
            else "no_history"
            if _city_direction(ds, city, year, None)[0] == "unknown"
            else "single_edition"
        )
        return Trend(
            city,
            year,
            editions,
            False,
            reason,
            traj,
            ctraj,
            empty_changes,
            [],
            [],
            0,
            None,
            None if traj.empty else int(traj["rank"].min()),
            [] if traj.empty else list(traj.loc[traj["rank"] == traj["rank"].min(), "year"]),
            None if traj.empty else int(traj["rank"].max()),
            [] if traj.empty else list(traj.loc[traj["rank"] == traj["rank"].max(), "year"]),
            _caveats(ds, editions),
            from_tendency=from_tendency,
        )
    # streak: consecutive dataset editions with rank improvement (or loss) ending at `year`
    streak, sdir = 0, None
    idx = {y: i for i, y in enumerate(_years(ds))}
    changes = dict(zip(traj["year"], traj["rank_change"]))
    last = changes.get(year)
    if last is not None and not pd.isna(last) and last != 0:
        sdir = "up" if last > 0 else "down"
        y = year
        while True:
            ch = changes.get(y)
            if ch is None or pd.isna(ch) or (ch > 0) != (sdir == "up") or ch == 0:
                break
            streak += 1
            prev = _prev_year(ds, y)
            if prev is None or prev not in changes or idx[y] - idx[prev] != 1:
                break
            y = prev
    # category changes
    cc_rows = []
    py = editions[-2]
    for cat in ctraj["category"].unique() if not ctraj.empty else []:
        c = ctraj.loc[ctraj["category"] == cat].set_index("year")
        if year not in c.index:
            continue
        first_y = int(c.index.min())
        prev_rank = int(c.loc[py, "rank"]) if py in c.index else None
        if prev_rank is None and previous_edition(ds, year) == py:  # from the Tendenz column
            given = _int(_field(ds, year, "category", cat).row(city)["rank_change"])
            prev_rank = None if given is None else int(c.loc[year, "rank"]) + given
        cc_rows.append(
            {
                "category": cat,
                "first_year": first_y,
                "first_rank": int(c.loc[first_y, "rank"]),
                "prev_rank": prev_rank,
                "rank": int(c.loc[year, "rank"]),
                "change_since_first": int(c.loc[first_y, "rank"]) - int(c.loc[year, "rank"]),
                "change_vs_previous": None if prev_rank is None else prev_rank - int(c.loc[year, "rank"]),
                "score_change_vs_previous": None
                if py not in c.index
                else _r1(c.loc[year, "score"] - c.loc[py, "score"]),
            }
        )
    cc = pd.DataFrame(cc_rows, columns=empty_changes.columns)
    improved = declined = []
    if not cc.empty and cc["change_vs_previous"].notna().any():
        v = cc["change_vs_previous"].dropna().astype(int)
        if v.max() > 0:
            improved = list(cc.loc[cc["change_vs_previous"] == v.max(), "category"])
        if v.min() < 0:
            declined = list(cc.loc[cc["change_vs_previous"] == v.min(), "category"])
    first = traj.iloc[0]
    return Trend(
        city=city,
        year=year,
        editions=editions,
        has_trend=True,
        reason="",
        trajectory=traj,
        category_trajectory=ctraj,
        category_changes=cc,
        most_improved=improved,
        most_declined=declined,
        streak=streak,
        streak_direction=sdir,
        best_rank=int(traj["rank"].min()),
        best_years=[int(y) for y in traj.loc[traj["rank"] == traj["rank"].min(), "year"]],
        worst_rank=int(traj["rank"].max()),
        worst_years=[int(y) for y in traj.loc[traj["rank"] == traj["rank"].max(), "year"]],
        caveats=_caveats(ds, editions),
        first_year=int(first["year"]),
        first_rank=int(first["rank"]),
        total_rank_change=int(first["rank"]) - int(traj.iloc[-1]["rank"]),
        from_tendency=from_tendency,
    )


def _caveats(ds, editions: list[int]) -> list[dict]:
    """Comparability caveats for a span of editions (codes + details for the narrative)."""
    d = _derived(ds)
    key = ("caveats", tuple(int(y) for y in editions))
    hit = d.memo.get(key)
    if hit is None:
        hit = d.memo[key] = _caveats_uncached(ds, editions)
    return copy.deepcopy(hit)


def _caveats_uncached(ds, editions: list[int]) -> list[dict]:
    out: list[dict] = [{"code": "relative_scores"}]
    if len(editions) < 2:
        return out
    e = _edition_info(ds)
    if {"year", "n_parameters"} <= set(e.columns):
        sub = e.loc[e["year"].isin(editions)].sort_values("year")
        vals = sub["n_parameters"].dropna()
        if vals.nunique() > 1 and (
            abs(vals.iloc[-1] - vals.iloc[0]) / vals.iloc[0] > 0.05
            or min(editions) < catalogue.RENAME_YEAR <= max(editions)
        ):
            out.append(
                {
                    "code": "parameters_changed",
                    "from": int(vals.iloc[0]),
                    "to": int(vals.iloc[-1]),
                    "from_year": int(sub.loc[vals.index[0], "year"]),
                    "to_year": int(sub.loc[vals.index[-1], "year"]),
                }
            )
    elif min(editions) < catalogue.RENAME_YEAR <= max(editions):
        out.append(
            {
                "code": "parameters_changed",
                "from": None,
                "to": None,
                "from_year": min(editions),
                "to_year": max(editions),
            }
        )
    if min(editions) < catalogue.RENAME_YEAR <= max(editions):
        society = catalogue.resolve_category("Gesellschaft")
        out.append(
            {
                "code": "category_renamed",
                "year": catalogue.RENAME_YEAR,
                "old": catalogue.category_label(society, catalogue.RENAME_YEAR - 1),
                "new": society,
            }
        )
    sizes = {y: _field(ds, y, "overall").size for y in editions}
    if len(set(sizes.values())) > 1:
        d = _derived(ds)
        newcomers = {}
        c = _cities_table(ds)
        for y in editions[1:]:
            py = _prev_year(ds, y)
            if py is not None and _field(ds, y, "overall").complete and _field(ds, py, "overall").complete:
                new = sorted(set(d.year_level(y, "overall")["city"]) - set(d.year_level(py, "overall")["city"]))
            elif "first_edition" in c.columns:  # excerpts: the catalogue says who joined
                new = sorted(c.loc[pd.to_numeric(c["first_edition"], errors="coerce") == y, "name"])
            else:
                new = []
            if new:
                newcomers[y] = new
        out.append({"code": "field_size_changed", "sizes": sizes, "newcomers": newcomers})
    all_y = [y for y in _years(ds) if editions[0] <= y <= editions[-1]]
    missing = [y for y in all_y if y not in editions and _field(ds, y, "overall").complete]
    if missing:
        out.append({"code": "gap_in_editions", "missing": missing})
    return out


# ----------------------------------------------------------------------------------------------
# levers


@dataclass
class Levers:
    """What-if levers per indicator.

    ``table``: one row per (indicator, target) with ``indicator, name, category, weight, current,
    target`` (``peer_median``, ``top10_mean`` or ``max``), ``target_score``, ``delta`` (indicator
    points added), ``new_overall``, ``new_rank``, ``score_gain`` (overall points), ``ranks_gained``
    and ``ranks_per_point`` (ranks gained per indicator point). Targets at or below the current
    score are left out. ``top``: the ``n_top`` levers with the largest effect, one row per
    indicator with at least one rank gained, in :func:`order_levers` order (most places gained;
    ties: fewest indicator points needed). For each indicator the row kept is its first in that
    order, i.e. the target that gains the most places with the fewest points.
    ``peer_cities`` is the group whose median was used. ``has_indicators`` False -> empty frames.
    """

    city: str
    year: int
    score: float | None
    rank: int | None
    peer_cities: list[str]
    table: pd.DataFrame
    top: pd.DataFrame
    has_indicators: bool
    note: str = ""


#: ``Levers.note`` when the overall table is an excerpt (no rank can be computed)
PARTIAL_OVERALL = "partial overall table"

_LEVER_COLS = [
    "indicator",
    "name",
    "category",
    "weight",
    "current",
    "target",
    "target_score",
    "delta",
    "new_overall",
    "new_rank",
    "score_gain",
    "ranks_gained",
    "ranks_per_point",
]


def levers(
    ds,
    city: str,
    year: int | None = None,
    peer_cities: list[str] | None = None,
    targets: tuple[str, ...] = ("peer_median", "top10_mean", "max"),
    n_top: int = 5,
    lang: str = "de",
) -> Levers:
    """Overall score and rank ``city`` would reach if one indicator score moved to a target.

    Targets: the peer median (``peer_cities``, default the five nearest cities), the top-10
    mean of the indicator, or 100. Computed with :func:`smartcity.method.what_if`: indicator
    **scores** are treated as given and only the city's score on that indicator is replaced
    (in reality min-max normalisation would also shift the other cities if the city became the
    new best/worst raw value). The city's category score moves by the indicator's weight share
    of the change, the overall score is the mean of the five categories, all other cities keep
    their published overall scores and the rank is a competition rank among them. The change
    is applied to the published overall score (``published + what_if(target) -
    what_if(current)``) so that a lever of zero points gives exactly the published score and rank.
    """
    city = resolve_city(ds, city)
    year = int(year if year is not None else max(_years(ds)))
    empty = pd.DataFrame(columns=_LEVER_COLS)
    f_over = _field(ds, year, "overall")
    me = f_over.row(city)
    score = None if me is None else float(me["score"])
    rk = None if me is None else int(me["rank"])
    if isinstance(peer_cities, str):
        peer_cities = [peer_cities]
    if peer_cities is None:
        peer_cities = list(nearest_cities(ds, city, 5, year)["city"])
    else:
        peer_cities = [resolve_city(ds, p) for p in peer_cities]
    if me is None or not has_level(ds, year, "indicator") or not has_level(ds, year, "category"):
        note = "city not ranked" if me is None else "no indicator level"
        return Levers(city, year, score, rk, peer_cities, empty, empty, False, note)
    if not f_over.complete:  # a new rank needs every other city's overall score
        return Levers(city, year, score, rk, peer_cities, empty, empty, False, PARTIAL_OVERALL)
    ctx = _lever_context(ds, year)
    if city not in ctx["row"]:
        return Levers(city, year, score, rk, peer_cities, empty, empty, False, "city has no indicator scores")
    d = _derived(ds)
    key = ("lever_rows", city, year, tuple(peer_cities), tuple(targets), lang)
    rows = d.memo.get(key)
    if rows is None:
        rows = _lever_rows_fast(ds, ctx, city, year, score, rk, peer_cities, targets, lang)
        if rows is None:  # data the fast path does not handle exactly: the reference loop
            rows = _lever_rows_reference(ds, city, year, score, rk, peer_cities, targets, lang)
        d.memo[key] = rows
    table = pd.DataFrame([dict(r) for r in rows], columns=_LEVER_COLS)
    if table.empty:
        return Levers(city, year, score, rk, peer_cities, table, table, True, "no indicator below its targets")
    top = order_levers(table.loc[table["ranks_gained"] > 0]).drop_duplicates("indicator").head(n_top)
    top = top.reset_index(drop=True)
    return Levers(city, year, score, rk, peer_cities, table.reset_index(drop=True), top, True)


LEVER_ORDER = (["ranks_gained", "delta", "score_gain", "name", "target"], [False, True, False, True, True])


def order_levers(rows: pd.DataFrame) -> pd.DataFrame:
    """Lever rows in the order reports show them: most places gained first; at equal places
    the fewest indicator points needed, then the larger overall gain, then the name (so the
    order never depends on the order of the data)."""
    by, ascending = LEVER_ORDER
    return rows.sort_values(by, ascending=ascending, kind="stable")


def _lever_context(ds, year: int) -> dict:
    """Everything :func:`levers` needs of one edition, independent of the city (cached)."""
    d = _derived(ds)
    key = ("lever_context", int(year))
    hit = d.memo.get(key)
    if hit is not None:
        return hit
    ind = d.year_level(year, "indicator")
    wide = ind.pivot_table(index="city", columns="indicator", values="score", aggfunc="first")
    indicators = getattr(ds, "indicators", None)  # method filters them to the edition
    t_over = _field(ds, year, "overall").table
    hit = {
        "wide": wide,
        "values": wide.to_numpy(dtype=float),
        "row": {c: i for i, c in enumerate(wide.index)},
        "columns": list(wide.columns),
        "cat_of": ind.drop_duplicates("indicator").set_index("indicator")["category"].to_dict(),
        "indicators": indicators,
        "over_city": t_over["city"].to_numpy(),
        "over_rounded": t_over["score"].round(1).to_numpy(),
        "top10": {},
    }
    d.memo[key] = hit
    return hit


def _what_if_meta(ds, ctx: dict, year: int):
    """What-if weights of the edition as :func:`smartcity.method.what_if` sees them, or None if
    the catalogue has anything the fast path does not reproduce exactly (duplicates, NaN)."""
    if "what_if_meta" not in ctx:
        from smartcity import method  # noqa: PLC0415

        out = None
        try:
            meta = method._indicator_meta(ctx["indicators"], year)
        except Exception:  # noqa: BLE001 - let the reference loop decide
            meta = None
        if meta is not None and meta.index.is_unique and {"category", "weight"} <= set(meta.columns):
            w = pd.to_numeric(meta["weight"], errors="coerce").to_numpy(dtype=float)
            if np.isfinite(w).all() and meta["weight"].dtype.kind == "f":
                ids = list(meta.index)
                cats = list(meta["category"])
                out = {
                    "weight": dict(zip(ids, w)),
                    "category": dict(zip(ids, cats)),
                    "members": {c: [i for i, k in zip(ids, cats) if k == c] for c in dict.fromkeys(cats)},
                }
        ctx["what_if_meta"] = out
    return ctx["what_if_meta"]


def _city_rows(ds, year: int, level: str) -> dict:
    """``{city: rows of that city}`` for one edition and level (cached)."""
    d = _derived(ds)
    key = ("city_rows", int(year), level)
    hit = d.memo.get(key)
    if hit is None:
        hit = d.memo[key] = {c: g for c, g in d.year_level(year, level).groupby("city", sort=False)}
    return hit


def _lever_rows_fast(
    ds,
    ctx: dict,
    city: str,
    year: int,
    score: float,
    rk: int,
    peer_cities: list[str],
    targets: tuple[str, ...],
    lang: str,
) -> list[dict] | None:
    """The lever rows of :func:`levers`, all indicators and targets at once (numpy).

    Reproduces :func:`smartcity.method.what_if` exactly (same operations in the same order);
    returns None when the data has duplicates or missing values the reference loop handles.
    """
    from smartcity.method import round1  # noqa: PLC0415

    wmeta = _what_if_meta(ds, ctx, year)
    if wmeta is None:
        return None
    empty = ds.scores.iloc[0:0]
    mine_rows = _city_rows(ds, year, "indicator").get(city, empty)
    cat_rows = _city_rows(ds, year, "category").get(city, empty)
    if not mine_rows["indicator"].is_unique or not cat_rows["category"].is_unique:
        return None
    mine = dict(zip(mine_rows["indicator"], mine_rows["score"].to_numpy(dtype=float)))
    cat_names = list(cat_rows["category"])
    cat_vals = cat_rows["score"].to_numpy(dtype=float)
    if np.isnan(cat_vals).any():
        return None
    cat_pos = {c: i for i, c in enumerate(cat_names)}
    values, row, columns = ctx["values"], ctx["row"], ctx["columns"]
    my = values[row[city]]
    peer_rows = [row[p] for p in peer_cities if p in row and p != city]
    cases = []  # (indicator, target, goal, current, weight share, category position)
    share: dict[str, float] = {}
    for j, ind_id in enumerate(columns):
        cur = my[j]
        if np.isnan(cur):
            continue
        col = values[:, j]
        pm = col[peer_rows] if peer_rows else col[:0]
        pm = pm[~np.isnan(pm)]
        if ind_id not in ctx["top10"]:
            ctx["top10"][ind_id] = top10_mean(ctx["wide"][ind_id].dropna())
        goals = {
            "peer_median": _r1(np.median(pm)) if len(pm) else None,
            "top10_mean": ctx["top10"][ind_id],
            "max": 100.0,
        }
        wanted = [(t, goals.get(t)) for t in targets if goals.get(t) is not None and goals[t] > cur]
        if not wanted:
            continue
        category = wmeta["category"].get(ind_id)
        if category is None or category not in cat_pos or ind_id not in mine:
            continue  # what_if raises KeyError: the reference loop skips the indicator
        if category not in share:
            present = [m for m in wmeta["members"][category] if m in mine and not np.isnan(mine[m])]
            share[category] = np.asarray([wmeta["weight"][m] for m in present], dtype=float).sum()
            if not share[category] > 0:
                return None
        ws = wmeta["weight"][ind_id] / share[category]
        cases.append((ind_id, None, float(cur), float(cur), ws, cat_pos[category]))
        cases.extend((ind_id, tgt, float(goal), float(cur), ws, cat_pos[category]) for tgt, goal in wanted)
    if not cases:
        return []
    new_score = np.array([c[2] for c in cases])
    current = np.array([mine[c[0]] for c in cases])
    ws = np.array([c[4] for c in cases], dtype=float)
    pos = np.array([c[5] for c in cases], dtype=int)
    moved = cat_vals[pos] + ws * (new_score - current)
    matrix = np.tile(cat_vals, (len(cases), 1))
    matrix[np.arange(len(cases)), pos] = round1(np.minimum(100.0, np.maximum(0.0, moved)))
    n_cat = float(len(cat_vals))
    overall = round1(np.array([matrix[i].sum() / n_cat for i in range(len(cases))]))
    others = ctx["over_rounded"][ctx["over_city"] != city]
    others = np.sort(others[~np.isnan(others)])
    rows = []
    base = None
    for (ind_id, tgt, goal, cur, _ws, _pos), raw in zip(cases, overall):
        if tgt is None:
            base = float(raw)
            continue
        new_overall = _r1(score + float(raw) - base)
        new_rank = int(1 + len(others) - np.searchsorted(others, new_overall + 1e-9, side="right"))
        rows.append(
            _lever_row(ds, ind_id, ctx["cat_of"][ind_id], lang, cur, tgt, goal, new_overall, new_rank, score, rk)
        )
    return rows


def _lever_rows_reference(
    ds, city: str, year: int, score: float, rk: int, peer_cities: list[str], targets: tuple[str, ...], lang: str
) -> list[dict]:
    """The lever rows computed case by case with :func:`smartcity.method.what_if` (the
    definition; used when the fast path cannot guarantee identical results, and by the tests)."""
    from smartcity import method  # noqa: PLC0415

    s = _scores(ds)
    ind = s.loc[(s["year"] == year) & (s["level"] == "indicator")]
    wide = ind.pivot_table(index="city", columns="indicator", values="score", aggfunc="first")
    cat_of = ind.drop_duplicates("indicator").set_index("indicator")["category"]
    indicators = getattr(ds, "indicators", None)
    my = wide.loc[city]
    t_over = _field(ds, year, "overall").table
    others = t_over.loc[t_over["city"] != city, "score"].round(1).to_numpy()
    peers_in = [p for p in peer_cities if p in wide.index and p != city]
    # what_if only needs the city's rows and the overall ranking of the year
    sub = s.loc[(s["year"] == year) & ((s["city"] == city) | (s["level"] == "overall"))]
    rows = []
    for ind_id in wide.columns:
        cur = my.get(ind_id)
        if cur is None or pd.isna(cur):
            continue
        col = wide[ind_id].dropna()
        pm = col.reindex(peers_in).dropna()
        goals = {"peer_median": _r1(pm.median()) if not pm.empty else None, "top10_mean": top10_mean(col), "max": 100.0}
        wanted = [(t, goals.get(t)) for t in targets if goals.get(t) is not None and goals[t] > cur]
        if not wanted:
            continue
        try:
            base, _ = method.what_if(sub, indicators, year, city, ind_id, float(cur))
        except (KeyError, ValueError, IndexError):
            continue
        for tgt, goal in wanted:
            raw, _ = method.what_if(sub, indicators, year, city, ind_id, float(goal))
            new_overall = _r1(score + raw - base)
            new_rank = int(1 + (others > new_overall + 1e-9).sum())
            rows.append(
                _lever_row(
                    ds, ind_id, cat_of[ind_id], lang, float(cur), tgt, float(goal), new_overall, new_rank, score, rk
                )
            )
    return rows


def _lever_row(
    ds,
    ind_id: str,
    category: str,
    lang: str,
    current: float,
    target: str,
    target_score: float,
    new_overall: float,
    new_rank: int,
    score: float,
    rank: int,
) -> dict:
    """One row of :func:`levers` (the same for the fast path and the reference loop)."""
    delta = _r1(target_score - current)
    gained = rank - new_rank
    return {
        "indicator": ind_id,
        "name": _indicator_name(ds, ind_id, lang),
        "category": category,
        "weight": _indicator_weight(ds, ind_id),
        "current": current,
        "target": target,
        "target_score": target_score,
        "delta": delta,
        "new_overall": new_overall,
        "new_rank": new_rank,
        "score_gain": _r1(new_overall - score),
        "ranks_gained": gained,
        "ranks_per_point": round(gained / delta, 3) if delta > 0 else 0.0,
    }


# ----------------------------------------------------------------------------------------------
# category and national views


def _stats(scores: pd.Series) -> dict:
    s = scores.dropna().astype(float)
    if s.empty:
        return {"n": 0}
    return {
        "n": int(len(s)),
        "mean": _r1(s.mean()),
        "median": _r1(s.median()),
        "std": _r1(s.std(ddof=1)) if len(s) > 1 else 0.0,
        "min": float(s.min()),
        "q1": _r1(s.quantile(0.25)),
        "q3": _r1(s.quantile(0.75)),
        "max": float(s.max()),
        "top10_threshold": top10_threshold(s),
        "top10_mean": top10_mean(s),
        "n_at_100": int((s >= 100.0).sum()),
    }


MIN_LAND = 3  # Länder with fewer cities are listed after the others and not ranked in the text


def _group_means(t: pd.DataFrame, col: str, min_n: int = 0) -> pd.DataFrame:
    """Per group: n, mean, median and best city; groups with at least ``min_n`` cities first
    (by mean, descending), then the smaller ones (also by mean)."""
    cols = [col, "n", "mean", "median", "best_city", "best_score", "best_rank"]
    if col not in t.columns or t[col].isna().all():
        return pd.DataFrame(columns=cols)
    rows = []
    t = t.dropna(subset=[col]).sort_values(["rank", "city"], kind="stable")  # the first row of a group is its best
    keys, city = t[col].to_numpy(dtype=object), t["city"].to_numpy(dtype=object)
    score, rank = t["score"].to_numpy(dtype=float), t["rank"].to_numpy(dtype=float)
    members: dict = {}
    for i, k in enumerate(keys):
        members.setdefault(k, []).append(i)
    for key in sorted(members):
        idx = members[key]
        s, best = score[idx], idx[0]
        rows.append(
            {
                col: key,
                "n": len(idx),
                "mean": _r1(s.mean()),
                "median": _r1(np.median(s)),
                "best_city": city[best],
                "best_score": float(score[best]),
                "best_rank": int(rank[best]),
            }
        )
    out = pd.DataFrame(rows, columns=cols)
    out = out.assign(_small=out["n"] < min_n).sort_values(["_small", "mean", col], ascending=[True, False, True])
    return out.drop(columns="_small").reset_index(drop=True)


def _movers(t: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` largest climbers and fallers; a city tied with the ``n``-th on its rank change is
    kept too (a list that names Lübeck at -11 must not leave out another city at -11)."""
    v = t.dropna(subset=["rank_change"])

    def largest(rows: pd.DataFrame, ascending: bool) -> pd.DataFrame:
        rows = rows.sort_values(["rank_change", "rank", "city"], ascending=[ascending, True, True])
        if len(rows) <= n:
            return rows.reset_index(drop=True)
        cut = rows["rank_change"].iloc[n - 1] if n > 0 else None
        keep = (
            rows.head(n)
            if cut is None
            else rows.loc[(rows["rank_change"] <= cut) if ascending else (rows["rank_change"] >= cut)]
        )
        return keep.reset_index(drop=True)

    return largest(v.loc[v["rank_change"] > 0], False), largest(v.loc[v["rank_change"] < 0], True)


@dataclass
class CategoryView:
    """One category in one edition.

    ``ranking`` (:func:`field_table` of the category), ``stats`` (n, mean, median, std, min, q1,
    q3, max, top10_threshold, top10_mean, n_at_100), ``climbers``/``fallers`` (largest rank
    changes), ``indicator_leaders`` (per indicator: leaders, best score, how many share it,
    median), ``by_bundesland``/``by_size_class`` (n, mean, median, best city; Länder with at least
    :data:`MIN_LAND` cities first by mean, then the smaller ones).
    """

    category: str
    year: int
    label: str
    ranking: pd.DataFrame
    stats: dict
    climbers: pd.DataFrame
    fallers: pd.DataFrame
    indicator_leaders: pd.DataFrame
    by_bundesland: pd.DataFrame
    by_size_class: pd.DataFrame
    has_indicators: bool
    field_size: int = 0
    leaders: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when the data holds the whole table of the category (else it is an excerpt:
        ``stats`` holds only ``n``, movers and group tables are empty, ``leaders`` is empty
        unless rank 1 is in the data)."""
        return len(self.ranking) >= self.field_size


def _leaders(f: _Field) -> list[str]:
    """Cities at rank 1 (by score on the complete field, as published; by the given rank on
    an excerpt; empty when the top of the table is not in the data)."""
    t = f.table
    if t.empty or not f.knows_top(1):
        return []
    city = t["city"].to_numpy(dtype=object)
    if f.complete:
        score = t["score"].to_numpy(dtype=float)
        return sorted(city[score == score.max()])
    return sorted(city[t["rank"].to_numpy(dtype=float) == 1])


def _partial_stats(f: _Field) -> dict:
    return _stats(f.table["score"]) if f.complete else {"n": f.n}


def category_view(ds, category: str, year: int | None = None, n_movers: int = 5, lang: str = "de") -> CategoryView:
    """Full view of one category (see :class:`CategoryView`)."""
    from smartcity import fmt  # noqa: PLC0415

    cat = resolve_category(category)
    year = int(year if year is not None else max(_years(ds)))
    f = _field(ds, year, "category", cat)
    t = field_table(ds, year, "category", cat)
    climbers, fallers = _movers(t if f.complete else t.iloc[0:0], n_movers)
    leaders = []
    has_ind = has_level(ds, year, "indicator")
    if has_ind:
        rows = _derived(ds).year_level(year, "indicator")
        ids = list(dict.fromkeys(rows.loc[rows["category"] == cat, "indicator"]))
        for i in ids:
            fi = _field(ds, year, "indicator", cat, i)
            if not fi.complete:  # best value and median need the whole indicator table
                continue
            ti = fi.table
            best = ti["score"].max()
            lead = sorted(ti.loc[ti["score"] == best, "city"])
            leaders.append(
                {
                    "indicator": i,
                    "name": _indicator_name(ds, i, lang),
                    "best_score": float(best),
                    "leaders": lead,
                    "n_at_max": len(lead),
                    "median": _r1(ti["score"].median()),
                    "mean": _r1(ti["score"].mean()),
                }
            )
    groups = t if f.complete else t.iloc[0:0]  # Länder and size classes need every city
    return CategoryView(
        category=cat,
        year=year,
        label=fmt.category(cat, year, lang),
        ranking=t,
        stats=_partial_stats(f),
        climbers=climbers,
        fallers=fallers,
        indicator_leaders=pd.DataFrame(
            leaders, columns=["indicator", "name", "best_score", "leaders", "n_at_max", "median", "mean"]
        ),
        by_bundesland=_group_means(groups, "bundesland", MIN_LAND),
        by_size_class=_group_means(groups, "size_class"),
        has_indicators=has_ind and bool(leaders),
        field_size=f.size,
        leaders=_leaders(f),
    )


@dataclass
class NationalView:
    """The whole ranking of one edition and the series over all editions up to ``year``.

    ``ranking`` (overall :func:`field_table`), ``top10`` (ranks <= 10, all tied cities
    included), ``series`` (per edition: ``year, n_cities, top10_threshold, mean, median,
    leader, leader_score``), ``climbers``/``fallers``, ``by_bundesland`` (n, mean, median, best
    city; Länder with at least :data:`MIN_LAND` cities first by mean, then the smaller ones), ``category_leaders`` (per category: leader(s) and score), ``newcomers`` (cities without
    a previous rank).
    """

    year: int
    ranking: pd.DataFrame
    top10: pd.DataFrame
    series: pd.DataFrame
    climbers: pd.DataFrame
    fallers: pd.DataFrame
    by_bundesland: pd.DataFrame
    by_size_class: pd.DataFrame
    category_leaders: pd.DataFrame
    newcomers: list[str]
    stats: dict
    field_size: int = 0
    leaders: list[str] = field(default_factory=list)
    #: True when ``top10`` holds every city ranked 10 or better
    top10_complete: bool = True
    #: True when the data holds the top five (the map labels them)
    top5_complete: bool = True

    @property
    def complete(self) -> bool:
        """True when the data holds the whole overall table (else: see :class:`CategoryView`)."""
        return len(self.ranking) >= self.field_size


def national_view(ds, year: int | None = None, n_movers: int = 5) -> NationalView:
    """National overview of one edition (see :class:`NationalView`)."""
    year = int(year if year is not None else max(_years(ds)))
    d = _derived(ds)
    key = ("national_view", year, n_movers)
    if key not in d.memo:
        d.memo[key] = _national_view(ds, year, n_movers)
    return copy.deepcopy(d.memo[key])


def _national_view(ds, year: int, n_movers: int) -> NationalView:
    f = _field(ds, year, "overall")
    t = field_table(ds, year, "overall")
    series = []
    for y in [y for y in _years(ds) if y <= year]:
        fy = _field(ds, y, "overall")
        ty = fy.table
        if ty.empty:
            continue
        # each statistic only where the data holds what it depends on (NaN/empty otherwise)
        lead = _leaders(fy)
        series.append(
            {
                "year": y,
                "n_cities": fy.size,
                "top10_threshold": top10_threshold(ty["score"]) if fy.knows_top(10) else np.nan,
                "mean": _r1(ty["score"].mean()) if fy.complete else np.nan,
                "median": _r1(ty["score"].median()) if fy.complete else np.nan,
                "leader": lead,
                "leader_score": float(fy.row(lead[0])["score"]) if lead else np.nan,
            }
        )
    climbers, fallers = _movers(t if f.complete else t.iloc[0:0], n_movers)
    cl = []
    if has_level(ds, year, "category"):
        for cat in catalogue.CATEGORY_NAMES:
            fc = _field(ds, year, "category", cat)
            lead = _leaders(fc)
            if not lead:
                continue
            cl.append({"category": cat, "leaders": lead, "score": float(fc.row(lead[0])["score"])})
    py = _prev_year(ds, year)
    newcomers = []
    if py is not None and f.complete and _field(ds, py, "overall").complete:
        prev = set(_field(ds, py, "overall").table["city"])
        newcomers = sorted(set(t["city"]) - prev)
    elif not f.complete and "first_edition" in _cities_table(ds).columns:
        c = _cities_table(ds)
        newcomers = sorted(c.loc[pd.to_numeric(c["first_edition"], errors="coerce") == year, "name"])
    groups = t if f.complete else t.iloc[0:0]  # Länder and size classes need every city
    return NationalView(
        year=year,
        ranking=t,
        top10=t.loc[t["rank"] <= 10].reset_index(drop=True),
        series=pd.DataFrame(
            series, columns=["year", "n_cities", "top10_threshold", "mean", "median", "leader", "leader_score"]
        ),
        climbers=climbers,
        fallers=fallers,
        by_bundesland=_group_means(groups, "bundesland", MIN_LAND),
        by_size_class=_group_means(groups, "size_class"),
        category_leaders=pd.DataFrame(cl, columns=["category", "leaders", "score"]),
        newcomers=newcomers,
        stats=_partial_stats(f),
        field_size=f.size,
        leaders=_leaders(f),
        top10_complete=f.knows_top(10),
        top5_complete=f.knows_top(5),
    )
