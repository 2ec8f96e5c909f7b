"""A user's data as they have it: several files and folders merged into one validated long frame.

Bitkom publishes one table per category and one overall ranking per edition, and a city receives its
own indicator results separately; :func:`read_inputs` reads any number of such files (each in any
format :func:`smartcity.loaders.read_scores` accepts), validates each one, and merges them. The same
figure given twice with the same value is kept once; with different values it is an error that names
both files, rows, columns and values.

:func:`published_history` supplies the bundled *published* figures (``data/published_facts.csv``,
each with its source URL; never the modelled sample values) for tables the user's files lack.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import pandas as pd

from smartcity import catalogue
from smartcity.datafiles import DATA_SUFFIXES, data_files
from smartcity.loaders import read_scores
from smartcity.method import GROUP_KEYS, SCORE_COLUMNS
from smartcity.validation import MAX_LISTED, DataValidationError, Problem, validate_scores

__all__ = ["DATA_SUFFIXES", "HISTORY_CHOICES", "data_files", "read_inputs", "published_history", "add_history"]

#: values of ``history=`` / ``--history``
HISTORY_CHOICES = ("none", "published")
_KEY = ["year", "city", "level", "category", "indicator"]
_TRACE = ["source_file", "source_sheet", "source_row", "source_column"]


def sources_label(files: list[Path]) -> str:
    """How a set of files is named in messages: one path, or ``3 files (a.csv, b.csv, c.csv)``."""
    if len(files) == 1:
        return str(files[0])
    return f"{len(files)} files ({', '.join(p.name for p in files)})"


def _read_one(path: Path, year: int | None, check_year: bool) -> pd.DataFrame:
    """One file, validated, with the columns that point back into it (``source_file``, ``source_row`` ...)."""
    raw = read_scores(path, year=year)
    if not check_year:
        raw.attrs["requested_years"] = []  # a year absent from one file of several is checked on the merge
    clean = validate_scores(raw, str(path))
    # validate_scores keeps every row of a file without problems, in file order
    clean["source_file"] = str(path)
    for col in _TRACE[1:]:
        clean[col] = raw[col].to_numpy() if col in raw.columns else ""
    names = raw.attrs.get("column_names", {}) or {}
    clean["source_rank_column"] = names.get("rank", "rank")
    clean["source_rank_change_column"] = names.get("rank_change", "rank change")
    return clean


def read_inputs(paths: str | Path | Iterable[str | Path], year: int | None = None) -> tuple[pd.DataFrame, list[Path]]:
    """Read, validate and merge the user's files; returns (long score frame, the files read).

    ``year`` is the edition of every table that names none (no year column, title, sheet or file
    name year). Every problem of every file is reported at once.
    """
    files = data_files(paths)
    single = len(files) == 1
    frames, problems = [], []
    for path in files:
        try:
            frames.append(_read_one(path, year, check_year=single))
        except DataValidationError as err:
            if single:
                raise
            problems.extend(err.problems)
    label = sources_label(files)
    if problems:
        raise DataValidationError(problems, label)
    merged = pd.concat(frames, ignore_index=True)
    problems = _conflicts(merged)
    if year is not None and not single and int(year) not in set(merged["year"]):
        have = ", ".join(str(y) for y in sorted(set(merged["year"])))
        problems.append(
            Problem(
                label,
                None,
                "year",
                int(year),
                f"No data for the year {year}: the files have rows for {have}.",
                f"Check the year given (--year/year=), or add the tables of {year}.",
            )
        )
    if problems:
        raise DataValidationError(problems, label, MAX_LISTED)
    merged = _merge_duplicates(merged)
    return merged[SCORE_COLUMNS].reset_index(drop=True), files


def _place(row: pd.Series, column: str) -> str:
    """Where a row came from, written as every problem names its place (file, sheet, line/row, column)."""
    line = None if pd.isna(row["source_row"]) or str(row["source_row"]) == "" else int(row["source_row"])
    return Problem(str(row["source_file"]), line, column, None, "", "", sheet=str(row["source_sheet"]) or None).location


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _conflicts(merged: pd.DataFrame) -> list[Problem]:
    """The same figure given in several places with different values."""
    dup = merged[merged.duplicated(_KEY, keep=False)]
    problems: list[Problem] = []
    for key, group in dup.groupby(_KEY, sort=False):
        first = group.iloc[0]
        for _, other in group.iloc[1:].iterrows():
            for col, label in (("score", "score"), ("rank", "rank"), ("rank_change", "rank change")):
                a, b = first[col], other[col]
                if pd.isna(a) or pd.isna(b) or a == b:
                    continue
                year, city, level, category, indicator = key
                what = (
                    f"{year}, {city}, {level}"
                    + (f", {category}" if category else "")
                    + (f", {indicator}" if indicator else "")
                )
                trace = "source_column" if col == "score" else f"source_{col}_column"
                column, first_column = other[trace] or label, first[trace] or label
                problems.append(
                    Problem(
                        str(other["source_file"]),
                        None if pd.isna(other["source_row"]) else int(other["source_row"]),
                        column,
                        b,
                        f"Conflicting {label} for the same figure ({what}): {_show(b)} here, but {_show(a)} in "
                        f"{_place(first, first_column)}.",
                        "The two files disagree: correct the wrong one, or load only one of them.",
                        sheet=str(other["source_sheet"]) or None,
                    )
                )
    return problems


def _merge_duplicates(merged: pd.DataFrame) -> pd.DataFrame:
    """One row per figure: the first place that gives it, completed by rank/rank change given elsewhere."""
    if not merged.duplicated(_KEY).any():
        return merged
    filled = merged.groupby(_KEY, sort=False)[["rank", "rank_change"]].transform("first")
    merged = merged.assign(rank=filled["rank"].astype("Int64"), rank_change=filled["rank_change"].astype("Int64"))
    return merged.drop_duplicates(_KEY, keep="first")


# --------------------------------------------------------------------------- published history


def published_history() -> pd.DataFrame:
    """The bundled published figures as a long score frame (provenance ``published``, with source URLs).

    A figure is taken where both its score and its rank are published: a score without its rank
    could only be ranked among the few published figures, which would state a wrong place.
    The rank change (Tendenz) is kept where it is published.
    """
    facts = catalogue.load_facts()
    facts = facts[
        (facts["origin"] == "published")
        & (facts["status"] == "chosen")
        & facts["metric"].isin(["score", "rank", "rank_change"])
        & (facts["city"] != "Alle")
    ]
    wide = facts.pivot_table(index=_KEY, columns="metric", values="value", aggfunc="first").reset_index()
    urls = facts[facts["metric"] == "score"].drop_duplicates(_KEY).set_index(_KEY)["source_url"]
    for col in ("score", "rank", "rank_change"):
        if col not in wide.columns:
            wide[col] = pd.NA
    wide = wide[wide["score"].notna() & wide["rank"].notna()].copy()
    wide["source_url"] = [urls.get(tuple(k), "") for k in wide[_KEY].itertuples(index=False)]
    wide["provenance"] = "published"
    wide["year"] = wide["year"].astype("int64")
    wide["rank"] = wide["rank"].round().astype("Int64")
    wide["rank_change"] = pd.array(wide["rank_change"], dtype="Float64").round().astype("Int64")
    for col in ("city", "level", "category", "indicator", "provenance", "source_url"):
        wide[col] = wide[col].fillna("").astype(str)
    return wide[SCORE_COLUMNS].reset_index(drop=True)


def add_history(frame: pd.DataFrame, history: str | None) -> tuple[pd.DataFrame, dict[int, int]]:
    """The user's frame plus, for ``history="published"``, the published figures of every table
    (edition, level, category, indicator) that the user's files do not contain at all.

    A table the user gives, even as an excerpt, is used as given and never mixed with published figures.
    Returns the frame and the number of published figures added per edition.
    """
    choice = "none" if history in (None, "", "none") else str(history)
    if choice not in HISTORY_CHOICES:
        raise ValueError(f"history must be one of {', '.join(HISTORY_CHOICES)}, not {history!r}")
    if choice == "none":
        return frame, {}
    published = published_history()
    have = set(frame[GROUP_KEYS].itertuples(index=False, name=None))
    keep = [tuple(k) not in have for k in published[GROUP_KEYS].itertuples(index=False, name=None)]
    extra = published[keep]
    counts = {int(y): int(n) for y, n in extra.groupby("year").size().items()}
    if extra.empty:
        return frame, counts
    return pd.concat([frame, extra], ignore_index=True)[SCORE_COLUMNS], counts


# --------------------------------------------------------------------------- ranks on partial data


def keep_true_ranks(given: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Ranks and rank changes the method computed (``method.complete``) are kept only where they are true.

    A rank computed within a ranking that lacks cities of the edition (an excerpt, one city's own
    indicator sheet, a computed overall score next to an excerpt) would state a place the data does
    not hold: "Platz 1" for the only city present. Such ranks become unknown (``<NA>``); ranks given
    in a table are never touched. A computed rank change needs both ranks, of this and of the
    directly preceding edition (``year - 1``), and is unknown otherwise; a given Tendenz is kept.
    """
    field = catalogue.load_editions().set_index("year")["n_cities"].astype(int).to_dict()
    keys = pd.MultiIndex.from_frame(scores[_KEY])
    given_rank = keys.isin(pd.MultiIndex.from_frame(given.loc[given["rank"].notna(), _KEY]))
    given_change = keys.isin(pd.MultiIndex.from_frame(given.loc[given["rank_change"].notna(), _KEY]))
    present = scores["score"].notna()
    size = scores[present].groupby(GROUP_KEYS)["city"].transform("nunique").reindex(scores.index).fillna(0)
    full = size >= scores["year"].map(field).fillna(float("inf"))
    out = scores.copy()
    out["rank"] = out["rank"].astype("Int64").mask(~given_rank & ~full.to_numpy())
    previous = out[["year", "city", "level", "category", "indicator", "rank"]].copy()
    previous["year"] = previous["year"] + 1
    previous = previous.rename(columns={"rank": "_previous_rank"})
    merged = out[_KEY].merge(previous, on=_KEY, how="left")
    computed = pd.array(merged["_previous_rank"], dtype="Int64") - pd.array(out["rank"], dtype="Int64")
    out["rank_change"] = pd.Series(pd.array(out["rank_change"], dtype="Int64"), index=out.index).where(
        given_change, pd.Series(computed, index=out.index)
    )
    return out
