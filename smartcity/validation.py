"""Validation of score data: pandera schemas plus the checks that need the catalogue.

``validate_scores(frame, source)`` collects *every* problem of a file and raises one
``DataValidationError`` listing them (one line per ``Problem``: file, line or sheet/row, column,
value, what is wrong and how to fix it). It returns the clean long score frame (columns of
``docs/architecture.md``; city, category and indicator names in catalogue spelling).
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from smartcity import catalogue
from smartcity.method import LEVELS, SCORE_COLUMNS
from smartcity.parsing import LEVEL_NAMES as _LEVEL_NAMES
from smartcity.parsing import clear_lookup_cache, norm, parse_number, resolve_category, resolve_city, resolve_indicator
from smartcity.parsing import indicator_table as _indicator_table
from smartcity.parsing import or_list as _or_list

__all__ = [
    "Problem",
    "DataValidationError",
    "SCORE_COLUMNS",
    "SOURCE_COLUMNS",
    "LEVELS",
    "PROVENANCES",
    "SCORES_SCHEMA",
    "scores_schema",
    "validate_scores",
]

#: Helper columns the loaders add so that problems can name the place in the original file.
SOURCE_COLUMNS = ["source_sheet", "source_row", "source_column"]
PROVENANCES = ("published", "modelled", "official", "computed")
_KEY = ["year", "city", "level", "category", "indicator"]
MAX_LISTED = 50


# --------------------------------------------------------------------------- problems


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Problem:
    """One finding in a data file.

    ``row`` is the 1-based line number in a CSV file, or the row number within ``sheet`` for XLSX;
    ``None`` when the problem concerns the whole file or table.
    """

    file: str
    row: int | None
    column: str | None
    value: Any
    message: str
    hint: str
    sheet: str | None = None

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}" if self.sheet else f"line {self.row}")
        if self.column:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def __str__(self) -> str:
        value = ""
        if (
            self.value is not None
            and not (isinstance(self.value, float) and pd.isna(self.value))
            and _show(self.value) != ""
        ):
            value = f" [value: '{_show(self.value)}']"
        return f"{self.location}{value}: {self.message} Fix: {self.hint}"


class DataValidationError(ValueError):
    """Raised with every problem found in a data file (``.problems``); ``str()`` lists them."""

    def __init__(self, problems: Iterable[Problem], source: str, max_listed: int = MAX_LISTED):
        self.problems: list[Problem] = list(problems)
        self.source = str(source)
        self.max_listed = max_listed
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in {self.source}:"
        lines = [head] + [f"  - {p}" for p in self.problems[: self.max_listed]]
        rest = n - self.max_listed
        if rest > 0:
            lines.append(
                f"  ... and {rest} more problem{'s' if rest != 1 else ''} not listed "
                "(fix the ones above and load the file again)."
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- schema


def scores_schema(years: Iterable[int] | None = None) -> pa.DataFrameSchema:
    """The pandera schema of the long score frame; ``years`` restricts ``year`` to known editions."""
    year_checks = [pa.Check.isin(sorted(int(y) for y in years))] if years is not None else []
    categories = [""] + [c.name_de for c in catalogue.CATEGORIES]
    return pa.DataFrameSchema(
        {
            "year": pa.Column("int64", year_checks, coerce=True),
            "city": pa.Column(str, pa.Check.str_length(min_value=1), coerce=True),
            "level": pa.Column(str, pa.Check.isin(list(LEVELS)), coerce=True),
            "category": pa.Column(str, pa.Check.isin(categories), coerce=True),
            "indicator": pa.Column(str, coerce=True),
            "score": pa.Column(float, pa.Check.in_range(0, 100), nullable=False, coerce=True),
            "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True, coerce=True),
            "rank_change": pa.Column("Int64", nullable=True, coerce=True, required=False),
            "provenance": pa.Column(str, pa.Check.isin(list(PROVENANCES)), coerce=True),
            "source_url": pa.Column(str, coerce=True),
        },
        checks=[
            pa.Check(
                lambda df: (df["level"] != "overall") | ((df["category"] == "") & (df["indicator"] == "")),
                element_wise=False,
                error="overall rows have no category and no indicator",
            ),
            pa.Check(
                lambda df: (df["level"] == "overall") | (df["category"] != ""),
                element_wise=False,
                error="category and indicator rows name a category",
            ),
            pa.Check(
                lambda df: (df["level"] != "indicator") | (df["indicator"] != ""),
                element_wise=False,
                error="indicator rows name an indicator",
            ),
        ],
        unique=_KEY,
        report_duplicates="exclude_first",
        strict=False,
        name="long score frame",
    )


#: Schema without the catalogue's list of editions.
SCORES_SCHEMA = scores_schema()


# --------------------------------------------------------------------------- suggestions


def _suggest(name: str, choices: dict[str, str], n: int = 3) -> list[str]:
    """Closest display names; ``choices`` maps normalised key -> display name."""
    key = catalogue._norm(name)
    out: list[str] = []
    for m in difflib.get_close_matches(key, list(choices), n=n * 4, cutoff=0.55):
        if choices[m] not in out:
            out.append(choices[m])
    return out[:n]


def _category_choices() -> dict[str, str]:
    out = {}
    for c in catalogue.CATEGORIES:
        for text in (c.name_de, c.name_en, c.slug):
            out[catalogue._norm(text)] = c.name_de
    return out


def _indicator_choices(year: int | None) -> dict[str, str]:
    ind = catalogue.indicators_for(year) if year is not None else catalogue.load_indicators()
    out: dict[str, str] = {}
    for row in ind.itertuples():
        label = f"{row.name_de} ({row.id})"
        for text in [row.id, row.name_de, row.name_en, *str(row.aliases or "").split("|")]:
            if text:
                out.setdefault(catalogue._norm(text), label)
    return out


def _years_text(years: list[int]) -> str:
    years = sorted(years)
    if years and years == list(range(years[0], years[-1] + 1)) and len(years) > 2:
        return f"{years[0]}-{years[-1]}"
    return ", ".join(str(y) for y in years)


# --------------------------------------------------------------------------- validation


def _is_missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _to_float(value: Any) -> float | None:
    """Score as float; None if missing; raises ValueError for text that is not a number."""
    if _is_missing(value):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    return parse_number(value)


def _to_int(value: Any) -> int | None:
    if _is_missing(value):
        return None
    number = _to_float(value)
    if number is None or not float(number).is_integer():
        raise ValueError(str(value))
    return int(number)


class _Checker:
    def __init__(self, frame: pd.DataFrame, source: str):
        self.frame = frame
        self.source = source
        self.problems: list[Problem] = []
        self.names: dict[str, str] = dict(frame.attrs.get("column_names", {}) or {})
        self.has_rows = "source_row" in frame.columns
        self.has_sheets = "source_sheet" in frame.columns
        self.has_scorecol = "source_column" in frame.columns

    def where(self, idx: Any) -> tuple[int | None, str | None]:
        row = self.frame.at[idx, "source_row"] if self.has_rows else None
        sheet = self.frame.at[idx, "source_sheet"] if self.has_sheets else None
        row = None if _is_missing(row) else int(row)
        sheet = None if _is_missing(sheet) else str(sheet)
        return row, sheet

    def column(self, idx: Any, role: str) -> str:
        if role == "score" and self.has_scorecol:
            name = self.frame.at[idx, "source_column"]
            if not _is_missing(name):
                return str(name)
        return self.names.get(role, role)

    def add(self, idx: Any, role: str | None, value: Any, message: str, hint: str) -> None:
        row, sheet = self.where(idx) if idx is not None else (None, None)
        column = (
            self.column(idx, role) if (role and idx is not None) else (self.names.get(role, role) if role else None)
        )
        self.problems.append(Problem(self.source, row, column, value, message, hint, sheet=sheet))

    def line_label(self, idx: Any) -> str:
        row, sheet = self.where(idx)
        if row is None:
            return f"record {idx}"
        return f"sheet '{sheet}' row {row}" if sheet else f"line {row}"


def validate_scores(
    frame: pd.DataFrame, source: str, *, years: Iterable[int] | None = None, max_listed: int = MAX_LISTED
) -> pd.DataFrame:
    """Check a long score frame and return it clean, or raise ``DataValidationError``.

    ``source`` names the file in the messages. ``years`` are editions that must have rows (e.g. a
    ``--year`` from the command line); ``read_scores(..., year=)`` records its year in the frame so
    it is checked without repeating it here. Problems collected while reading the file
    (``frame.attrs["problems"]``) are reported first.
    """
    source = str(source)
    clear_lookup_cache()
    chk = _Checker(frame, source)
    # problems found while reading: name the file the way the caller does
    chk.problems.extend(dataclasses.replace(p, file=source) for p in (frame.attrs.get("problems", []) or []))
    requested = sorted({int(y) for y in (list(years or []) + list(frame.attrs.get("requested_years", []) or []))})

    required = ["year", "city", "level", "category", "indicator", "score"]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        chk.add(
            None,
            None,
            ", ".join(map(str, frame.columns)),
            f"Missing required column(s): {', '.join(missing)}. Columns found: "
            f"{', '.join(map(str, frame.columns)) or 'none'}.",
            "Add the missing columns (see docs/data-formats.md for the long format).",
        )
        raise DataValidationError(chk.problems, source, max_listed)
    if not len(frame):
        if not chk.problems:
            chk.add(
                None,
                None,
                None,
                "The file contains no data rows.",
                "Fill in at least one row of scores below the header row, or check that you picked the right file.",
            )
        raise DataValidationError(chk.problems, source, max_listed)

    editions = [int(y) for y in catalogue.load_editions()["year"]]
    cities = set(catalogue.load_cities()["name"])
    cat_choices = _category_choices()
    table = _indicator_table()
    indicators = {
        i: (str(r["category"]), str(r["editions"]), set(catalogue.edition_years(r["editions"])))
        for i, r in table.iterrows()
    }
    ind_choices: dict[int | None, dict[str, str]] = {}

    records: dict[Any, dict[str, Any]] = {}
    all_years: set[int] = set()  # every parsable year, also of rows with other problems
    for idx, raw in zip(frame.index, frame.to_dict("records")):
        ok = True
        rec = {c: raw.get(c) for c in SCORE_COLUMNS}

        # year
        try:
            year = _to_int(rec["year"])
        except ValueError:
            year = None
        if year is not None:
            all_years.add(year)
        if year is None:
            chk.add(
                idx,
                "year",
                rec["year"],
                "The year is missing or not a whole number.",
                "Write the edition year as four digits, e.g. 2025.",
            )
            ok = False
        elif year not in editions:
            chk.add(
                idx,
                "year",
                year,
                f"{year} is not an edition of the Smart City Index (editions: {_years_text(editions)}).",
                "Correct the year, or remove the rows of that year.",
            )
            ok = False
        rec["year"] = year

        # city
        city_raw = "" if _is_missing(rec["city"]) else str(rec["city"]).strip()
        city = city_raw if city_raw in cities else resolve_city(city_raw)
        if not city:
            if not city_raw:
                chk.add(idx, "city", None, "The city name is missing.", "Fill in the city name or delete the row.")
            else:
                suggestions = catalogue.suggest_cities(city_raw, 3)
                mean = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
                chk.add(
                    idx,
                    "city",
                    city_raw,
                    f"Unknown city '{city_raw}'.{mean}",
                    "Use the official name of one of the 83 cities of the index (data/cities.csv, column "
                    "'name'); other spellings work only if listed as an alias there.",
                )
            ok = False
        rec["city"] = city or city_raw

        # level, category, indicator
        level_raw = "" if _is_missing(rec["level"]) else str(rec["level"]).strip()
        category_raw = "" if _is_missing(rec["category"]) else str(rec["category"]).strip()
        indicator_raw = "" if _is_missing(rec["indicator"]) else str(rec["indicator"]).strip()
        level = (
            _LEVEL_NAMES.get(norm(level_raw), "")
            if level_raw
            else ("indicator" if indicator_raw else ("category" if category_raw else "overall"))
        )
        if not level:
            chk.add(
                idx,
                "level",
                level_raw,
                f"Unknown level '{level_raw}'.",
                "Use overall (Gesamt), category (Kategorie) or indicator (Indikator).",
            )
            ok = False
        category = ""
        if level == "overall":
            if category_raw and norm(category_raw) not in {"gesamt", "overall", "index", "total"}:
                chk.add(
                    idx,
                    "category",
                    category_raw,
                    f"Overall rows have no category, but '{category_raw}' is given.",
                    "Leave the category empty for overall rows, or set the level to 'category'.",
                )
                ok = False
            if indicator_raw:
                chk.add(
                    idx,
                    "indicator",
                    indicator_raw,
                    f"Overall rows have no indicator, but '{indicator_raw}' is given.",
                    "Leave the indicator empty for overall rows, or set the level to 'indicator'.",
                )
                ok = False
        elif level in ("category", "indicator"):
            if category_raw:
                category = resolve_category(category_raw) or ""
                if not category:
                    suggestions = _suggest(category_raw, cat_choices)
                    mean = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
                    chk.add(
                        idx,
                        "category",
                        category_raw,
                        f"Unknown category '{category_raw}'.{mean}",
                        "Use one of Verwaltung, IT und Kommunikation, Energie und Umwelt, Mobilität, "
                        "Gesellschaft und Bildung (English names and slugs work too).",
                    )
                    ok = False
            elif level == "category":
                chk.add(
                    idx,
                    "category",
                    None,
                    "The category is missing for a category row.",
                    "Fill in the category (e.g. Verwaltung), or set the level to 'overall'.",
                )
                ok = False
            if level == "category" and indicator_raw:
                chk.add(
                    idx,
                    "indicator",
                    indicator_raw,
                    f"Category rows have no indicator, but '{indicator_raw}' is given.",
                    "Leave the indicator empty for category rows, or set the level to 'indicator'.",
                )
                ok = False
        indicator = ""
        if level == "indicator":
            if not indicator_raw:
                chk.add(
                    idx,
                    "indicator",
                    None,
                    "The indicator is missing for an indicator row.",
                    "Fill in the indicator name or id (data/indicators.csv), or change the level.",
                )
                ok = False
            elif year is not None:
                indicator = _resolve_indicator(indicator_raw, year, category, indicators)
                if not indicator:
                    ok = False
                    other = resolve_indicator(indicator_raw)
                    if other:
                        eds = indicators[other][1]
                        chk.add(
                            idx,
                            "indicator",
                            indicator_raw,
                            f"Indicator '{indicator_raw}' is not part of the {year} edition "
                            f"(it belongs to the editions {eds}).",
                            f"Use an indicator of the {year} edition (catalogue.indicators_for({year}) / "
                            "data/indicators.csv), or check the year.",
                        )
                    else:
                        choices = ind_choices.setdefault(year, _indicator_choices(year))
                        suggestions = _suggest(indicator_raw, choices)
                        mean = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
                        chk.add(
                            idx,
                            "indicator",
                            indicator_raw,
                            f"Unknown indicator '{indicator_raw}'.{mean}",
                            "Use an indicator id or its German/English name as listed in "
                            "data/indicators.csv for that edition.",
                        )
                else:
                    ind_category = indicators[indicator][0]
                    if category and category != ind_category:
                        chk.add(
                            idx,
                            "category",
                            category_raw,
                            f"Indicator '{indicator_raw}' belongs to the category '{ind_category}', not '{category}'.",
                            f"Set the category to '{ind_category}' or leave it empty.",
                        )
                        ok = False
                    category = ind_category
        rec.update(level=level or level_raw, category=category, indicator=indicator)

        # score
        try:
            score = _to_float(rec["score"])
        except ValueError:
            chk.add(
                idx,
                "score",
                rec["score"],
                f"The score '{_show(rec['score'])}' is not a number.",
                "Write scores as numbers between 0 and 100, e.g. 71,4 or 71.4.",
            )
            score, ok = None, False
        else:
            if score is None:
                chk.add(idx, "score", None, "The score is missing.", "Fill in the score (0-100) or delete the row.")
                ok = False
            elif not 0 <= score <= 100:
                chk.add(
                    idx,
                    "score",
                    score,
                    _SCHEMA_MESSAGES["score"][0].format(v=_show(score)),
                    _SCHEMA_MESSAGES["score"][1],
                )
                ok = False
        rec["score"] = score

        # rank and rank change
        for name in ("rank", "rank_change"):
            try:
                rec[name] = _to_int(rec[name])
            except ValueError:
                chk.add(
                    idx,
                    name,
                    rec[name],
                    f"The {name.replace('_', ' ')} '{_show(rec[name])}' is not a whole number.",
                    "Write whole numbers or leave the cell empty.",
                )
                rec[name], ok = None, False

        prov = "" if _is_missing(rec["provenance"]) else str(rec["provenance"]).strip().lower()
        rec["provenance"] = prov or "official"
        rec["source_url"] = "" if _is_missing(rec["source_url"]) else str(rec["source_url"]).strip()
        if ok:
            records[idx] = rec

    clean = pd.DataFrame.from_dict(records, orient="index", columns=SCORE_COLUMNS)
    if len(clean):
        clean = _schema_checks(chk, clean, editions)
        _duplicate_checks(chk, clean)
        _rank_checks(chk, clean)

    for y in requested:
        if y not in all_years:
            have = _years_text(sorted(all_years)) or "none"
            chk.add(
                None,
                "year",
                y,
                f"No data for the year {y}: the file has rows for {have}.",
                f"Check the year given (--year/year=), or add the rows for {y} to the file.",
            )

    if chk.problems:
        # in file order: by sheet and row; problems of the whole file last
        order = sorted(chk.problems, key=lambda p: (p.sheet or "", p.row is None, p.row or 0))
        raise DataValidationError(order, source, max_listed)

    clean = clean.reset_index(drop=True)
    clean["year"] = clean["year"].astype("int64")
    clean["score"] = clean["score"].astype(float)
    clean["rank"] = clean["rank"].astype("Int64")
    clean["rank_change"] = clean["rank_change"].astype("Int64")
    for col in ("city", "level", "category", "indicator", "provenance", "source_url"):
        clean[col] = clean[col].astype(str)
    return clean[SCORE_COLUMNS]


def _resolve_indicator(raw: str, year: int, category: str, indicators: dict[str, tuple]) -> str:
    if raw in indicators and year in indicators[raw][2]:
        return raw
    if category:
        found = resolve_indicator(raw, year, category)
        if found:
            return found
    return resolve_indicator(raw, year) or ""


_SCHEMA_MESSAGES = {
    "score": (
        "The score {v} is outside the range 0-100.",
        "Index scores are points from 0 to 100: check for a misplaced decimal separator (e.g. 714 instead "
        "of 71,4) or a raw value that is not an index score.",
    ),
    "rank": ("The rank {v} is not 1 or more.", "Ranks start at 1; leave the cell empty to have ranks computed."),
    "provenance": (
        "Unknown provenance '{v}'.",
        "Use one of " + ", ".join(PROVENANCES) + ", or leave the column out (user data counts as 'official').",
    ),
}


def _schema_checks(chk: _Checker, clean: pd.DataFrame, editions: list[int]) -> pd.DataFrame:
    """Run the pandera schema (lazy); every failure becomes a Problem; the failing rows are dropped."""
    schema = scores_schema(editions)
    no_unique = pa.DataFrameSchema(schema.columns, checks=schema.checks, strict=False, name=schema.name)
    try:
        return no_unique.validate(clean, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        bad = set()
        for case in cases.itertuples():
            idx = case.index
            column = case.column if isinstance(case.column, str) and case.column in clean.columns else None
            value = case.failure_case
            msg, hint = _SCHEMA_MESSAGES.get(
                column or "",
                (
                    f"Check failed: {case.check} (value {{v}}).",
                    "Correct the value; see docs/data-formats.md for the allowed values.",
                ),
            )
            if idx is None or (isinstance(idx, float) and np.isnan(idx)):
                chk.add(None, column, value, msg.format(v=_show(value)), hint)
                continue
            bad.add(idx)
            chk.add(idx, column, value, msg.format(v=_show(value)), hint)
        return clean.drop(index=[i for i in bad if i in clean.index])


def _duplicate_checks(chk: _Checker, clean: pd.DataFrame) -> None:
    dup = clean.duplicated(_KEY, keep=False)
    if not dup.any():
        return
    first: dict[tuple, Any] = {}
    for idx, row in clean[dup].iterrows():
        key = tuple(row[c] for c in _KEY)
        if key not in first:
            first[key] = idx
            continue
        what = f"{key[0]}, {key[1]}, {key[2]}" + (f", {key[3]}" if key[3] else "") + (f", {key[4]}" if key[4] else "")
        chk.add(
            idx,
            None,
            None,
            f"Duplicate row: same year, city, level, category and indicator ({what}) as {chk.line_label(first[key])}.",
            "Delete one of the two rows (if their scores differ, keep the correct one).",
        )


def _rank_checks(chk: _Checker, clean: pd.DataFrame) -> None:
    ranked = clean[clean["rank"].notna()]
    for key, group in ranked.groupby(["year", "level", "category", "indicator"], sort=False):
        if len(group) < 2:
            continue
        scores = group["score"].to_numpy(dtype=float)
        ranks = group["rank"].to_numpy(dtype=float)
        # pair (i, j): i has the higher score but the worse (larger) rank
        bad = (scores[:, None] > scores[None, :]) & (ranks[:, None] > ranks[None, :])
        year, level, category, indicator = key
        ranking = (
            f"{year} {level}"
            + (f" '{category}'" if category and level == "category" else "")
            + (f" '{indicator}'" if indicator else "")
        )
        for i in np.flatnonzero(bad.any(axis=1)):
            js = np.flatnonzero(bad[i])
            j = js[np.argmin(ranks[js])]
            idx, jdx = group.index[i], group.index[j]
            chk.add(
                idx,
                "rank",
                int(ranks[i]),
                f"Rank {int(ranks[i])} of {group.at[idx, 'city']} (score {_show(scores[i])}) does not fit the "
                f"scores: {group.at[jdx, 'city']} has a lower score ({_show(scores[j])}) but a better rank "
                f"({int(ranks[j])}) in the {ranking} ranking ({chk.line_label(jdx)}).",
                "A higher score must have the same or a better rank within one year and ranking: correct the "
                "score or rank of one of the two rows (e.g. a row shifted while copying), or leave the rank "
                "column empty to have ranks computed.",
            )
