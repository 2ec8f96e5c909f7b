"""The Smart City Index method, implemented once.

* Indicator scores are min-max normalised per edition: best city 100, worst 0.
* A category score is the weighted mean of its indicators (catalogue weights, renormalised over
  the indicators a city has).
* The overall score is the plain mean of the five category scores.
* Ranks are competition ranks ("1224") per edition and level; the rank change is the previous
  edition's rank minus this one (positive = moved up).

Published figures carry one decimal, so every aggregate is rounded half-up to one decimal.
Bitkom ranks the unrounded values, so published tables can separate cities that share a
one-decimal score; ranks given in a dataset are therefore kept, and computed only where missing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartcity.catalogue import edition_years, indicators_for

LEVELS = ("overall", "category", "indicator")
#: Columns of the long score frame, in order.
SCORE_COLUMNS = [
    "year",
    "city",
    "level",
    "category",
    "indicator",
    "score",
    "rank",
    "rank_change",
    "provenance",
    "source_url",
]
GROUP_KEYS = ["year", "level", "category", "indicator"]
# Given aggregates are kept; a recomputed value further away than this is reported.
DISAGREEMENT_TOLERANCE = 0.1


@dataclass(frozen=True)
class Disagreement:
    """A given category or overall score that the method does not reproduce from lower levels."""

    year: int
    city: str
    level: str
    category: str
    given: float
    recomputed: float

    def __str__(self) -> str:
        what = "overall score" if self.level == "overall" else f"category score '{self.category}'"
        return (
            f"{self.city} {self.year}: {what} given as {self.given:.1f}, "
            f"recomputed from the lower level {self.recomputed:.1f}; the given value is used"
        )


def round1(values):
    """Round half-up to one decimal, as the published tables do (71.25 -> 71.3)."""
    arr = np.floor(np.asarray(values, dtype=float) * 10 + 0.5 + 1e-9) / 10
    if isinstance(values, pd.Series):
        return pd.Series(arr, index=values.index, name=values.name)
    if isinstance(values, pd.DataFrame):
        return pd.DataFrame(arr, index=values.index, columns=values.columns)
    return arr if arr.ndim else float(arr)


def minmax(raw: pd.Series) -> pd.Series:
    """Scale raw indicator values so that the best city has 100 and the worst 0.

    If every city has the same value, all get 100 (nobody is behind anybody).
    Missing values stay missing.
    """
    lo, hi = raw.min(), raw.max()
    if pd.isna(lo):
        return raw.astype(float)
    if hi == lo:
        return raw.where(raw.isna(), 100.0).astype(float)
    return round1((raw - lo) / (hi - lo) * 100)


def competition_rank(scores: pd.Series) -> pd.Series:
    """Competition rank: higher score is better, ties share the best rank ("1224")."""
    return scores.rank(method="min", ascending=False).astype("Int64")


def category_scores(indicator_scores: pd.DataFrame, weights: pd.Series, categories: pd.Series) -> pd.DataFrame:
    """Weighted mean of indicator scores per category.

    indicator_scores: city x indicator id (NaN where a city has no value);
    weights and categories: indexed by indicator id.
    Weights are renormalised over the indicators present for each city.
    """
    cols = [c for c in indicator_scores.columns if c in weights.index]
    values = indicator_scores[cols]
    w = weights.reindex(cols).astype(float)
    cats = categories.reindex(cols)
    out = {}
    for cat in pd.unique(cats):
        members = cats.index[cats == cat]
        sub = values[members]
        present = sub.notna()
        wsum = present.mul(w[members], axis=1).sum(axis=1)
        total = sub.fillna(0).mul(w[members], axis=1).sum(axis=1)
        out[cat] = round1(total / wsum.where(wsum > 0))
    return pd.DataFrame(out, index=indicator_scores.index)


def overall_scores(category_table: pd.DataFrame, n_categories: int = 5) -> pd.Series:
    """Plain mean of the category scores; missing if a city lacks any of the categories."""
    complete_rows = category_table.notna().sum(axis=1) >= n_categories
    return round1(category_table.mean(axis=1)).where(complete_rows)


def _indicator_meta(indicators: pd.DataFrame, year: int) -> pd.DataFrame:
    if indicators is None:
        return indicators_for(year).set_index("id")
    meta = indicators
    if "editions" in meta.columns:
        meta = meta[meta["editions"].map(lambda e: year in edition_years(e))]
    return meta.set_index("id")


def complete(scores: pd.DataFrame, indicators: pd.DataFrame | None = None) -> tuple[pd.DataFrame, list[Disagreement]]:
    """Fill missing aggregates, ranks and rank changes; report disagreements.

    Category rows missing for a city are computed from its indicator rows, overall rows missing
    from its five category rows. Given values are kept. Ranks are computed where missing,
    within (year, level, category, indicator); rank changes where missing, against the previous
    edition present in the data.
    """
    frame = scores.copy()
    for col in SCORE_COLUMNS:
        if col not in frame.columns:
            frame[col] = pd.NA if col in ("rank", "rank_change") else ""
    frame["category"] = frame["category"].fillna("").astype(str)
    frame["indicator"] = frame["indicator"].fillna("").astype(str)
    frame["provenance"] = frame["provenance"].fillna("").astype(str)
    frame["source_url"] = frame["source_url"].fillna("").astype(str)
    disagreements: list[Disagreement] = []
    added = []
    for year, ydf in frame.groupby("year", sort=True):
        ind = ydf[ydf["level"] == "indicator"]
        cat_given = ydf[ydf["level"] == "category"].pivot_table(
            index="city", columns="category", values="score", aggfunc="first"
        )
        if not ind.empty:
            meta = _indicator_meta(indicators, int(year))
            wide = ind.pivot_table(index="city", columns="indicator", values="score", aggfunc="first")
            computed = category_scores(wide, meta["weight"], meta["category"])
            long = computed.stack().rename("score").reset_index()
            long.columns = ["city", "category", "score"]
            given_by_key = cat_given.stack().to_dict()  # (city, category) -> given score
            for city, category, score in zip(long["city"], long["category"], long["score"].to_numpy(dtype=float)):
                if (city, category) in given_by_key:
                    given = float(given_by_key[(city, category)])
                    if abs(given - score) > DISAGREEMENT_TOLERANCE:
                        disagreements.append(Disagreement(int(year), city, "category", category, given, float(score)))
                else:
                    added.append((int(year), city, "category", category, "", float(score)))
        # Overall from categories (given + newly computed)
        cats = ydf[ydf["level"] == "category"][["city", "category", "score"]]
        new_cats = pd.DataFrame(
            [(a[1], a[3], a[5]) for a in added if a[0] == int(year) and a[2] == "category"],
            columns=["city", "category", "score"],
        )
        all_cats = pd.concat([cats, new_cats], ignore_index=True)
        if not all_cats.empty:
            table = all_cats.pivot_table(index="city", columns="category", values="score", aggfunc="first")
            overall = overall_scores(table).dropna()
            given_overall = ydf[ydf["level"] == "overall"].set_index("city")["score"]
            for city, value in overall.items():
                if city in given_overall.index:
                    given = float(given_overall[city])
                    if abs(given - value) > DISAGREEMENT_TOLERANCE:
                        disagreements.append(Disagreement(int(year), city, "overall", "", given, float(value)))
                else:
                    added.append((int(year), city, "overall", "", "", float(value)))
    if added:
        extra = pd.DataFrame(added, columns=["year", "city", "level", "category", "indicator", "score"])
        extra["rank"] = pd.NA
        extra["rank_change"] = pd.NA
        extra["provenance"] = "computed"
        extra["source_url"] = ""
        frame = pd.concat([frame, extra[frame.columns.intersection(extra.columns)]], ignore_index=True)
    frame = add_ranks(frame)
    frame = frame.sort_values(["year", "level", "category", "indicator", "rank", "city"], kind="stable")
    return frame.reset_index(drop=True)[
        SCORE_COLUMNS + [c for c in frame.columns if c not in SCORE_COLUMNS]
    ], disagreements


def add_ranks(frame: pd.DataFrame) -> pd.DataFrame:
    """Fill missing ranks (competition ranks per group) and missing rank changes."""
    frame = frame.copy()
    rank = pd.array(frame["rank"], dtype="Int64")
    if rank.isna().any():
        computed = frame.groupby(GROUP_KEYS, sort=False)["score"].rank(method="min", ascending=False)
        frame["rank"] = pd.Series(rank, index=frame.index).fillna(
            pd.Series(computed, index=frame.index).round().astype("Int64")
        )
    else:  # complete data (e.g. the bundled sample): nothing to compute
        frame["rank"] = pd.Series(rank, index=frame.index)
    years = sorted(frame["year"].unique())
    previous = {y: p for p, y in zip(years, years[1:])}
    prev = frame[["year", "city", "level", "category", "indicator", "rank"]].copy()
    prev["year"] = prev["year"].map({p: y for y, p in previous.items()})
    prev = prev.dropna(subset=["year"]).rename(columns={"rank": "previous_rank"})
    prev["year"] = prev["year"].astype(frame["year"].dtype)
    merged = frame.merge(prev, on=["year", "city", "level", "category", "indicator"], how="left")
    change = pd.array(merged["previous_rank"], dtype="Int64") - pd.array(merged["rank"], dtype="Int64")
    given = pd.array(merged["rank_change"], dtype="Int64")
    merged["rank_change"] = pd.Series(given).fillna(pd.Series(change)).astype("Int64")
    merged.index = frame.index
    return merged.drop(columns=["previous_rank"])


def what_if(
    scores: pd.DataFrame, indicators: pd.DataFrame | None, year: int, city: str, indicator: str, new_score: float
) -> tuple[float, int]:
    """Overall score and rank of `city` if one indicator score were `new_score`, all else fixed.

    The city's category score moves by the indicator's weighted share of the change (weights
    renormalised over the indicators the city has); the overall score is the mean of the five
    category scores; the rank is its competition rank against every other city's unchanged
    overall score.
    """
    ydf = scores[scores["year"] == year]
    meta = _indicator_meta(indicators, year)
    mine = ydf[(ydf["city"] == city) & (ydf["level"] == "indicator")].set_index("indicator")["score"]
    if indicator not in mine.index:
        raise KeyError(f"{city} has no score for indicator '{indicator}' in {year}")
    category = meta.at[indicator, "category"]
    members = meta.index[meta["category"] == category]
    present = [m for m in members if m in mine.index and pd.notna(mine[m])]
    weight_share = meta.loc[indicator, "weight"] / meta.loc[present, "weight"].sum()
    cats = ydf[(ydf["city"] == city) & (ydf["level"] == "category")].set_index("category")["score"]
    new_cat = cats.copy()
    moved = cats[category] + weight_share * (new_score - mine[indicator])
    new_cat[category] = float(round1(min(100.0, max(0.0, moved))))
    new_overall = float(round1(new_cat.mean()))
    others = ydf[(ydf["level"] == "overall") & (ydf["city"] != city)]["score"]
    return new_overall, int((others > new_overall).sum()) + 1
