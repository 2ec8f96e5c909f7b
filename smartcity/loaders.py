"""Reading user score data into the long score frame.

Three input formats are detected automatically (see ``docs/data-formats.md``):

- **long**: one row per (year, city, level, category, indicator) with a score;
- **wide**: one row per city, one column per category/indicator (plus "Gesamt" for the overall index);
- **Bitkom ranking tables**: the tables published on bitkom.org (``Platz | Tendenz | Stadt | Index``),
  one per category plus the overall ranking, as XLSX sheets or as CSV blocks one after another.

Files may be CSV (``;``, ``,`` or tab separated; UTF-8 with or without BOM, UTF-16 or Windows-1252;
decimal commas) or XLSX. Header names are matched case-insensitively in German or English.

``read_scores`` resolves city, category and indicator names through the catalogue where it can and
keeps unresolved names as they were written; ``smartcity.validation.validate_scores`` reports them
(with suggestions) together with every other problem of the file. Problems found while reading
(unparseable numbers, unknown columns, empty tables ...) travel with the frame in
``frame.attrs["problems"]``; fatal problems (unreadable file, no table found, missing required
columns, no year) raise ``DataValidationError`` right away.

The returned frame has the columns of the long score frame (``docs/architecture.md``) plus
``source_sheet`` (sheet name, ``""`` for CSV) and ``source_row`` (1-based line number in the CSV file
or row number in the sheet), which ``validate_scores`` uses for its messages and then drops.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from smartcity import catalogue
from smartcity import parsing as _p
from smartcity.parsing import clean_text as _text
from smartcity.parsing import is_blank as _is_blank
from smartcity.parsing import parse_number, parse_rank, parse_tendency
from smartcity.validation import LEVELS, SCORE_COLUMNS, SOURCE_COLUMNS, DataValidationError, Problem

__all__ = ["read_scores", "coverage", "parse_number", "parse_rank", "parse_tendency", "detect_encoding"]


# --------------------------------------------------------------------------- text helpers


def _fold(text: object) -> str:
    """Lower-case, umlauts folded, punctuation as single spaces (for header matching)."""
    return _p.norm("" if _is_blank(text) else str(text))


# --------------------------------------------------------------------------- header vocabulary

_ROLE_ALIASES: dict[str, set[str]] = {
    "year": {"jahr", "year", "edition", "ausgabe", "jahrgang"},
    "city": {"stadt", "city", "kommune", "gemeinde", "staedte", "town", "stadtname", "city name"},
    "level": {"ebene", "level"},
    "category": {"kategorie", "category", "bereich", "themenbereich", "themenfeld"},
    "indicator": {"indikator", "indicator", "kennzahl"},
    "score": {"punkte", "punktzahl", "wert", "index", "score", "value", "points", "indexwert", "index wert"},
    "rank": {"rang", "platz", "rank", "platzierung", "position", "ranking"},
    "rank_change": {"tendenz", "trend", "veraenderung", "aenderung", "rank change", "change", "tendency"},
    "provenance": {"provenance", "herkunft"},
    "source_url": {"source url", "quelle", "source", "url", "link", "quelle url"},
}
_ALIAS_TO_ROLE = {alias: role for role, aliases in _ROLE_ALIASES.items() for alias in aliases}

# Column names of the wide format that mean the overall index.
_OVERALL_NAMES = {
    "gesamt",
    "gesamtindex",
    "gesamtwert",
    "gesamtwertung",
    "gesamtranking",
    "gesamtpunkte",
    "gesamtergebnis",
    "gesamtpunktzahl",
    "overall",
    "total",
    "overall score",
    "index",
    "smart city index",
    "gesamt index",
    "gesamt punkte",
}
# Columns of a wide table that are not scores and are ignored.
_IGNORED_COLUMNS = {
    "bundesland",
    "land",
    "state",
    "einwohner",
    "einwohnerzahl",
    "population",
    "slug",
    "nr",
    "no",
    "lfd nr",
    "id",
    "groessenklasse",
    "size class",
    "region",
    "kreis",
    "anmerkung",
    "bemerkung",
    "anmerkungen",
    "notes",
    "note",
    "kommentar",
    "comment",
    "comments",
}

_RANK_WORDS = r"(?:rang|platz|rank|platzierung|position)"
_RANK_PREFIX = re.compile(rf"^{_RANK_WORDS}\s+(.+)$")
_RANK_SUFFIX = re.compile(rf"^(.+?)\s+{_RANK_WORDS}$")

_YEAR_RE = re.compile(r"(?<!\d)(20[1-3]\d)(?!\d)")

# Words that name a category in titles, sheet names and file names (folded).
_CATEGORY_WORDS: list[tuple[str, str]] = [
    ("it und kommunikation", "IT und Kommunikation"),
    ("kommunikation", "IT und Kommunikation"),
    ("communication", "IT und Kommunikation"),
    ("it infrastruktur", "IT und Kommunikation"),
    ("energie und umwelt", "Energie und Umwelt"),
    ("energie", "Energie und Umwelt"),
    ("energy", "Energie und Umwelt"),
    ("umwelt", "Energie und Umwelt"),
    ("verwaltung", "Verwaltung"),
    ("administration", "Verwaltung"),
    ("mobilitaet", "Mobilität"),
    ("mobilitat", "Mobilität"),
    ("mobility", "Mobilität"),
    ("gesellschaft", "Gesellschaft und Bildung"),
    ("society", "Gesellschaft und Bildung"),
    ("bildung", "Gesellschaft und Bildung"),
]
_OVERALL_WORDS = ("gesamtranking", "gesamtindex", "gesamtwertung", "gesamt", "overall", "total")


def _category_in_text(text: str) -> str | None:
    """Category named in a title, sheet name or file name; ``""`` for the overall ranking; None if neither."""
    folded = " " + _fold(text) + " "
    if not folded.strip():
        return None
    resolved = _p.resolve_category(text)
    if resolved:
        return resolved
    for word, name in _CATEGORY_WORDS:
        if f" {word} " in folded:
            return name
    for word in _OVERALL_WORDS:
        if f" {word}" in folded:
            return ""
    return None


def _year_in_text(text: str) -> int | None:
    found = _YEAR_RE.findall(text or "")
    return int(found[-1]) if found else None


# --------------------------------------------------------------------------- reading raw rows


@dataclass
class _Row:
    number: int  # 1-based line (CSV) or row (XLSX)
    cells: list[Any]

    @property
    def filled(self) -> list[tuple[int, Any]]:
        return [(i, c) for i, c in enumerate(self.cells) if not _is_blank(c)]


@dataclass
class _Sheet:
    name: str  # "" for CSV
    rows: list[_Row]


def detect_encoding(data: bytes) -> str:
    """``utf-8-sig`` (with or without BOM), ``utf-16`` (with BOM), else ``cp1252``; raises UnicodeError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8-sig")
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnicodeError("unknown text encoding")
    return best.encoding


_MOJIBAKE = re.compile(r"Ã[\x80-\xbf¤¶¼Ÿ–—„“”‘’šœžŸ]")


def _decode(data: bytes) -> str:
    text = data.decode(detect_encoding(data))
    if _MOJIBAKE.search(text):  # UTF-8 that was once read as Windows-1252 and saved again
        try:
            text = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            pass
    return text


def _sniff_separator(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.strip()][:60]
    best, best_score = ";", -1.0
    for sep in ("\t", ";", ",", "|"):
        rows = list(csv.reader(lines, delimiter=sep))
        multi = [len(r) for r in rows if len(r) > 1]
        if not multi:
            continue
        # share of lines split into several fields; the most common field count breaks ties
        common = max(set(multi), key=multi.count)
        score = len(multi) / len(rows) + multi.count(common) / (10 * len(rows))
        if score > best_score + 1e-9:
            best, best_score = sep, score
    return best


def _read_csv_rows(text: str) -> list[_Row]:
    sep = _sniff_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    rows: list[_Row] = []
    last = 0
    for cells in reader:
        rows.append(_Row(last + 1, [c.strip() for c in cells]))
        last = reader.line_num
    return rows


def _file_error(file: str, message: str, hint: str) -> DataValidationError:
    """The error for a file that cannot be read at all: one problem, about the whole file. Returned, not
    raised, so that each caller's ``raise`` shows where reading stops and can chain the cause (``from exc``)."""
    return DataValidationError([Problem(file, None, None, None, message, hint)], file)


def _read_xlsx(path: Path, file: str) -> list[_Sheet]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _file_error(
            file,
            f"The Excel file cannot be read ({exc}).",
            "Open it in Excel/LibreOffice and save it again as .xlsx (Excel workbook), or export a CSV.",
        )
    sheets = []
    for ws in wb.worksheets:
        if getattr(ws, "sheet_state", "visible") != "visible":
            continue
        rows = [_Row(i, list(values)) for i, values in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)]
        sheets.append(_Sheet(ws.title, rows))
    return sheets


def _read_sheets(path: Path, file: str) -> list[_Sheet]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _file_error(
            file, f"The file cannot be opened ({exc.strerror}).", "Check the path and the file permissions."
        ) from exc
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, file)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _file_error(
            file,
            "This is an old Excel file (.xls), which cannot be read.",
            "Save it as .xlsx (Excel workbook) or as CSV (UTF-8) and load that file.",
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise _file_error(
            file,
            "The file is named .xlsx but is not an Excel workbook.",
            "Save it again from Excel/LibreOffice as .xlsx, or rename it to .csv if it is a text file.",
        )
    if path.suffix.lower() == ".ods":
        raise _file_error(
            file, "OpenDocument spreadsheets (.ods) are not supported.", "Save the file as .xlsx or as CSV (UTF-8)."
        )
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _file_error(
            file,
            "The file is binary, not a CSV text file or an Excel workbook.",
            "Export the data as CSV (UTF-8) or .xlsx.",
        )
    try:
        text = _decode(data)
    except (UnicodeError, LookupError) as exc:
        raise _file_error(
            file,
            f"The text encoding of the file cannot be recognised ({exc}).",
            "Save the file as 'CSV UTF-8' (Excel: Save as > CSV UTF-8).",
        ) from exc
    try:
        rows = _read_csv_rows(text)
    except csv.Error as exc:
        raise _file_error(
            file,
            f"The CSV file cannot be parsed ({exc}).",
            "Check for unbalanced quotation marks; save the file again as CSV from a spreadsheet program.",
        ) from exc
    return [_Sheet("", rows)]


# --------------------------------------------------------------------------- tables


@dataclass
class _Column:
    index: int
    header: str
    role: str  # year, city, ..., "value", "vrank", "ignore", "unknown"
    level: str = ""  # for value/vrank columns
    category: str = ""
    indicator: str = ""


@dataclass
class _Table:
    sheet: str
    header: _Row
    titles: list[_Row] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)
    columns: list[_Column] = field(default_factory=list)


def _header_role(text: str) -> str | None:
    return _ALIAS_TO_ROLE.get(_fold(text))


def _is_number_like(value: object) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    try:
        return parse_number(value) is not None
    except ValueError:
        return False


def _looks_like_header(row: _Row) -> bool:
    filled = row.filled
    if len(filled) < 2 or any(_is_number_like(c) for _, c in filled):
        return False
    roles = [_header_role(_text(c)) for _, c in filled]
    if "city" in roles:
        return True
    known = sum(r is not None for r in roles)
    known += sum(1 for _, c in filled if _p.resolve_category(_text(c)) or _fold(c) in _OVERALL_NAMES)
    return known >= 3


def _split_tables(sheet: _Sheet) -> tuple[list[_Table], list[_Row]]:
    """Cut a sheet into tables: a header row, the title lines above it and the data rows below."""
    tables: list[_Table] = []
    titles: list[_Row] = []
    current: _Table | None = None
    for row in sheet.rows:
        filled = row.filled
        if not filled:
            continue
        if _looks_like_header(row):
            current = _Table(sheet.name, row, titles)
            tables.append(current)
            titles = []
            continue
        if current is None:
            titles.append(row)
            continue
        if len(filled) == 1 and len(current.header.filled) > 1 and not _is_number_like(filled[0][1]):
            text = _text(filled[0][1])
            if _p.resolve_city(text) is None and (
                _category_in_text(text) is not None
                or _year_in_text(text)
                or "index" in _fold(text)
                or "ranking" in _fold(text)
            ):
                # a title line: the next table starts below it
                current = None
                titles = [row]
                continue
        current.rows.append(row)
    return tables, titles


def _classify_columns(table: _Table, year_hint: int | None) -> None:
    cols: list[_Column] = []
    for i, cell in enumerate(table.header.cells):
        header = _text(cell)
        if not header:
            continue
        folded = _fold(header)
        role = _header_role(header)
        if role is not None:
            cols.append(_Column(i, header, role))
            continue
        if folded in _IGNORED_COLUMNS:
            cols.append(_Column(i, header, "ignore"))
            continue
        target = _value_target(header, year_hint)
        if target is not None:
            cols.append(_Column(i, header, "value", *target))
            continue
        m = _RANK_PREFIX.match(folded) or _RANK_SUFFIX.match(folded)
        if m:
            inner = re.sub(r"^\((.*)\)$", r"\1", header.strip())
            inner_text = re.sub(rf"(?i)^\s*{_RANK_WORDS}\s*[-_:(]*\s*|\s*[-_:(]*\s*{_RANK_WORDS}\s*\)?\s*$", "", inner)
            inner_text = inner_text.strip(" ()")
            target = _value_target(inner_text, year_hint) if inner_text else None
            if target is not None:
                cols.append(_Column(i, header, "vrank", *target))
                continue
        cols.append(_Column(i, header, "unknown"))
    table.columns = cols


def _value_target(header: str, year_hint: int | None) -> tuple[str, str, str] | None:
    """(level, category, indicator) a wide-format column stands for, or None."""
    folded = _fold(header)
    if folded in _OVERALL_NAMES:
        return ("overall", "", "")
    category = _p.resolve_category(header)
    if category:
        return ("category", category, "")
    indicator = _p.resolve_indicator(header, year_hint) or _p.resolve_indicator(header)
    if indicator:
        return ("indicator", _indicator_category(indicator), indicator)
    return None


def _indicator_category(indicator_id: str) -> str:
    ind = _p.indicator_table()
    return str(ind.at[indicator_id, "category"]) if indicator_id in ind.index else ""


def _column_suggestions(header: str) -> list[str]:
    import difflib

    names = [c.name_de for c in catalogue.CATEGORIES] + ["Gesamt"]
    ind = catalogue.load_indicators()
    names += [n for n in ind["name_de"].tolist() + ind["name_en"].tolist() if n]
    roles = ["Jahr", "Stadt", "Ebene", "Kategorie", "Indikator", "Punkte", "Rang", "Tendenz"]
    return difflib.get_close_matches(header, roles + names, n=3, cutoff=0.6)


# --------------------------------------------------------------------------- the loader


class _Context:
    def __init__(self, path: Path, file: str, year: int | None):
        self.path = path
        self.file = file
        self.year = year
        self.problems: list[Problem] = []
        self.records: list[dict[str, Any]] = []
        self.column_names: dict[str, str] = {}

    def problem(self, sheet: str, row: int | None, column: str | None, value: object, message: str, hint: str) -> None:
        self.problems.append(Problem(self.file, row, column, value, message, hint, sheet=sheet or None))


# no level column: the level follows from the filled columns (indicator, else category, else overall)
_REQUIRED_LONG = ["year", "city", "category", "indicator", "score"]
_ROLE_LABELS = {
    "year": "year (Jahr)",
    "city": "city (Stadt)",
    "level": "level (Ebene)",
    "category": "category (Kategorie)",
    "indicator": "indicator (Indikator)",
    "score": "score (Punkte/Wert/Index)",
    "rank": "rank (Rang/Platz)",
}


def read_scores(path: str | Path, *, year: int | None = None) -> pd.DataFrame:
    """Read a score file in any supported format into the long score frame.

    ``year`` is used for tables without a year column, title or year in the file name; it is also
    remembered as a requested edition: ``validate_scores`` reports an error if the file has no rows
    for it. Raises ``DataValidationError`` if the file cannot be read at all; all other problems are
    collected in ``frame.attrs["problems"]`` for ``validate_scores``.
    """
    path = Path(path)
    file = str(path)
    _p.clear_lookup_cache()
    ctx = _Context(path, file, int(year) if year is not None else None)
    sheets = _read_sheets(path, file)

    for sheet in sheets:
        tables, _ = _split_tables(sheet)
        if not tables:
            rows = [r for r in sheet.rows if r.filled]
            if rows and len(sheets) == 1:
                first = rows[0]
                found = ", ".join(_text(c) for _, c in first.filled)
                ctx.problem(
                    sheet.name,
                    first.number,
                    None,
                    found,
                    "No header row found: no row names a city column (Stadt/city) and score columns.",
                    "Put a header row above the data, e.g. 'Jahr;Stadt;Ebene;Kategorie;Indikator;Punkte;Rang' "
                    "(long format), 'Stadt;Jahr;Gesamt;Verwaltung;...' (wide) or 'Platz;Tendenz;Stadt;Index' "
                    "(Bitkom ranking table). See docs/data-formats.md.",
                )
            continue
        for table in tables:
            _read_table(ctx, table)

    if not ctx.records and not ctx.problems:
        ctx.problem(
            "",
            None,
            None,
            None,
            "The file contains no data rows.",
            "Fill in at least one row of scores below the header row, or check that you picked the right file.",
        )
    frame = _to_frame(ctx.records)
    frame.attrs["problems"] = ctx.problems
    frame.attrs["source"] = file
    frame.attrs["column_names"] = ctx.column_names
    frame.attrs["requested_years"] = [ctx.year] if ctx.year is not None else []
    if not len(frame) and ctx.problems:
        raise DataValidationError(ctx.problems, file)
    return frame


def _to_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    columns = SCORE_COLUMNS + SOURCE_COLUMNS
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["year"] = frame["year"].astype("Int64")
    frame["score"] = frame["score"].astype(float)
    for col in ("rank", "rank_change", "source_row"):
        frame[col] = frame[col].astype("Int64")
    for col in ("city", "level", "category", "indicator", "provenance", "source_url", "source_sheet"):
        frame[col] = frame[col].fillna("").astype(str)
    return frame


def _table_year(ctx: _Context, table: _Table) -> tuple[int | None, str]:
    """Year of a table without a year column, and where it came from."""
    for title in table.titles:
        for _, cell in title.filled:
            y = _year_in_text(_text(cell))
            if y:
                return y, "title"
    y = _year_in_text(table.sheet)
    if y:
        return y, "sheet name"
    y = _year_in_text(ctx.path.stem)
    if y:
        return y, "file name"
    if ctx.year is not None:
        return ctx.year, "year argument"
    return None, ""


def _table_category(ctx: _Context, table: _Table) -> str:
    """Category ('' = overall) of a Bitkom ranking table: title, sheet name, file name; default overall."""
    for title in reversed(table.titles):
        text = " ".join(_text(c) for _, c in title.filled)
        found = _category_in_text(text)
        if found is not None:
            return found
    if table.sheet:
        found = _category_in_text(table.sheet)
        if found is not None:
            return found
    found = _category_in_text(ctx.path.stem.replace("_", " "))
    return found if found is not None else ""


def _read_table(ctx: _Context, table: _Table) -> None:
    year_hint, _ = _table_year(ctx, table)
    _classify_columns(table, year_hint)
    roles = {c.role for c in table.columns}
    where = (table.sheet, table.header.number)
    if roles & {"level", "category", "indicator"}:
        kind = "long"
    elif "value" in roles:
        kind = "wide"
    elif "score" in roles:
        kind = "bitkom"
    else:
        found = ", ".join(c.header for c in table.columns)
        ctx.problem(
            *where,
            None,
            found,
            "The table has no score column: no column is named Punkte/Wert/Index/score, "
            "a category (e.g. Verwaltung) or an indicator.",
            "Name the score column 'Punkte' (long format), 'Index' (Bitkom table) or after its "
            f"category/indicator (wide format). Columns found: {found}.",
        )
        return
    scores = [c for c in table.columns if c.role == "score"]
    if kind == "wide" and scores:
        # a generic score column next to category/indicator columns is the overall index
        for c in scores:
            c.role, c.level = "value", "overall"
    for c in table.columns:
        if c.role == "unknown" and kind != "long":
            suggestions = _column_suggestions(c.header)
            did_you_mean = f" Did you mean {_p.or_list(suggestions)}?" if suggestions else ""
            ctx.problem(
                table.sheet,
                table.header.number,
                c.header,
                c.header,
                f"Unknown column '{c.header}': not a category, an indicator or a known column.{did_you_mean}",
                "Rename the column to a category (Verwaltung, IT und Kommunikation, Energie und Umwelt, "
                "Mobilität, Gesellschaft und Bildung), 'Gesamt' or an indicator name/id from "
                "data/indicators.csv, or delete the column.",
            )
    dup_roles = [
        r
        for r in ("year", "city", "level", "category", "indicator", "score", "rank")
        if sum(c.role == r for c in table.columns) > 1
    ]
    for r in dup_roles:
        headers = [c.header for c in table.columns if c.role == r]
        ctx.problem(
            *where,
            headers[1],
            ", ".join(headers),
            f"Several columns mean {_ROLE_LABELS[r]}: {', '.join(repr(h) for h in headers)}.",
            "Keep one of them and delete or rename the others.",
        )
    if dup_roles:
        return

    col = {c.role: c for c in table.columns if c.role not in {"value", "vrank", "ignore", "unknown"}}
    for role, c in col.items():
        ctx.column_names.setdefault(role, c.header)
    required = _REQUIRED_LONG if kind == "long" else ["city"]
    missing = [r for r in required if r not in col and not (r == "year" and year_hint is not None)]
    if missing:
        found = ", ".join(c.header for c in table.columns)
        ctx.problem(
            *where,
            None,
            found,
            f"Missing required column(s): {', '.join(_ROLE_LABELS[m] for m in missing)}. Columns found: {found}.",
            "Add the missing column(s) to the header row (German or English names are accepted; "
            "see docs/data-formats.md)."
            + (
                " A missing year can also come from the file name (e.g. scores_2025.csv) or from year=/--year."
                if missing == ["year"]
                else ""
            ),
        )
        return
    if "year" not in col and year_hint is None:
        title = _text(table.titles[-1].filled[0][1]) if table.titles else ""
        ctx.problem(
            *where,
            None,
            title or None,
            "No year found for this table: it has no year column (Jahr/year), no year in its title, "
            "sheet name or file name, and none was given.",
            "Add a 'Jahr' column, put the year into the title line (e.g. 'Smart City Index 2025 - "
            "Verwaltung') or the file name (e.g. bitkom_2025.xlsx), or pass year=2025 (--year 2025).",
        )
        return
    if not table.rows:
        title = " ".join(_text(c) for _, c in table.titles[-1].filled) if table.titles else ""
        label = f"'{title}' " if title else ""
        ctx.problem(
            *where,
            None,
            title or None,
            f"The table {label}has a header row but no data rows.",
            "Fill in the rows of the table or delete the header (and title) of the empty table.",
        )
        return

    if kind == "long":
        _read_long(ctx, table, col, year_hint)
    elif kind == "wide":
        _read_wide(ctx, table, col, year_hint)
    else:
        _read_bitkom(ctx, table, col, year_hint)


def _cell(row: _Row, column: _Column | None) -> Any:
    if column is None or column.index >= len(row.cells):
        return None
    return row.cells[column.index]


def _base(table: _Table, row: _Row) -> dict[str, Any]:
    return {
        "source_sheet": table.sheet,
        "source_row": row.number,
        "provenance": "official",
        "source_url": "",
        "rank": None,
        "rank_change": None,
    }


def _year_of(ctx: _Context, table: _Table, row: _Row, column: _Column | None, hint: int | None) -> int | None:
    if column is None:
        return hint
    value = _cell(row, column)
    try:
        number = parse_number(value)
    except ValueError:
        number = None
    if number is None or not float(number).is_integer():
        if _is_blank(value) and hint is not None:
            return hint
        ctx.problem(
            table.sheet,
            row.number,
            column.header,
            _text(value) or None,
            "The year is missing or not a whole number."
            if _is_blank(value)
            else f"The year '{_text(value)}' is not a whole number.",
            "Write the edition year as four digits, e.g. 2025.",
        )
        return None
    return int(number)


def _score_of(ctx: _Context, table: _Table, row: _Row, column: _Column, *, required: bool) -> float | None | bool:
    """The parsed score; None if empty and not required; False after reporting a problem."""
    value = _cell(row, column)
    try:
        number = parse_number(value)
    except ValueError:
        ctx.problem(
            table.sheet,
            row.number,
            column.header,
            _text(value),
            f"The score '{_text(value)}' is not a number.",
            "Write scores as numbers between 0 and 100, e.g. 71,4 or 71.4; leave the cell empty "
            "(wide format) or delete the row if there is no value.",
        )
        return False
    if number is None and required:
        ctx.problem(
            table.sheet,
            row.number,
            column.header,
            None,
            "The score is missing.",
            "Fill in the score (0-100) or delete the row.",
        )
        return False
    return number


def _rank_of(ctx: _Context, table: _Table, row: _Row, column: _Column | None) -> int | None:
    value = _cell(row, column)
    try:
        return parse_rank(value)
    except ValueError:
        ctx.problem(
            table.sheet,
            row.number,
            column.header,
            _text(value),
            f"The rank '{_text(value)}' is not a whole number of 1 or more.",
            "Write ranks as whole numbers (1, 2, 3 ...; '3.' is fine) or leave the cell empty to have "
            "ranks computed from the scores.",
        )
        return None


def _tendency_of(ctx: _Context, table: _Table, row: _Row, column: _Column | None) -> int | None:
    value = _cell(row, column)
    try:
        return parse_tendency(value)
    except ValueError:
        ctx.problem(
            table.sheet,
            row.number,
            column.header,
            _text(value),
            f"The rank change '{_text(value)}' is not understood.",
            "Write it as +3, -2, ±0, ▲3/▼2, or 'neu' for cities new in this edition; or leave the cell empty.",
        )
        return None


def _read_long(ctx: _Context, table: _Table, col: dict[str, _Column], hint: int | None) -> None:
    for row in table.rows:
        rec = _base(table, row)
        rec["year"] = _year_of(ctx, table, row, col.get("year"), hint)
        city_raw = _text(_cell(row, col["city"]))
        rec["city"] = _p.resolve_city(city_raw) or city_raw
        rec["level"] = _text(_cell(row, col.get("level")))
        rec["category"] = _text(_cell(row, col["category"]))
        rec["indicator"] = _text(_cell(row, col["indicator"]))
        score = _score_of(ctx, table, row, col["score"], required=True)
        rank = _rank_of(ctx, table, row, col.get("rank"))
        rec["rank"] = rank
        rec["rank_change"] = _tendency_of(ctx, table, row, col.get("rank_change"))
        if "provenance" in col:
            rec["provenance"] = _text(_cell(row, col["provenance"])) or "official"
        if "source_url" in col:
            rec["source_url"] = _text(_cell(row, col["source_url"]))
        if score is False or rec["year"] is None:
            continue
        rec["score"] = score
        rec["source_column"] = col["score"].header
        _normalise_names(rec)
        ctx.records.append(rec)


def _normalise_names(rec: dict[str, Any]) -> None:
    """Level, category and indicator of a long-format record to catalogue spelling where possible."""
    level = _p.LEVEL_NAMES.get(_fold(rec["level"]), rec["level"])
    category, indicator = rec["category"], rec["indicator"]
    if level == "":
        level = "indicator" if indicator else ("category" if category else "overall")
    if level == "overall" and _fold(category) in _OVERALL_NAMES:
        category = ""
    if category:
        category = _p.resolve_category(category) or category
    if indicator and level == "indicator":
        year = rec["year"] if isinstance(rec["year"], int) else None
        cat = category if _p.resolve_category(category) else None
        resolved = _p.resolve_indicator(indicator, year, cat) or _p.resolve_indicator(indicator, year)
        if resolved:
            indicator = resolved
            if not category:
                category = _indicator_category(resolved)
    rec["level"], rec["category"], rec["indicator"] = level, category, indicator


def _read_wide(ctx: _Context, table: _Table, col: dict[str, _Column], hint: int | None) -> None:
    values = [c for c in table.columns if c.role == "value"]
    ranks = {(c.level, c.category, c.indicator): c for c in table.columns if c.role == "vrank"}
    if "rank" in col and ("overall", "", "") not in ranks:
        ranks[("overall", "", "")] = col["rank"]
    for row in table.rows:
        year = _year_of(ctx, table, row, col.get("year"), hint)
        city_raw = _text(_cell(row, col["city"]))
        if not city_raw:
            if any(not _is_blank(_cell(row, c)) for c in values):
                _missing_city(ctx, table, row, col["city"])
            continue
        if year is None:
            continue
        city = _p.resolve_city(city_raw) or city_raw
        for c in values:
            score = _score_of(ctx, table, row, c, required=False)
            if score is None or score is False:
                continue
            rec = _base(table, row)
            rec.update(year=year, city=city, level=c.level, category=c.category, indicator=c.indicator, score=score)
            if c.level == "indicator" and year != hint:
                resolved = _p.resolve_indicator(c.header, year)
                rec["indicator"] = resolved or c.indicator
            rec["rank"] = _rank_of(ctx, table, row, ranks.get((c.level, c.category, c.indicator)))
            rec["source_column"] = c.header
            ctx.records.append(rec)


def _missing_city(ctx: _Context, table: _Table, row: _Row, column: _Column) -> None:
    ctx.problem(
        table.sheet,
        row.number,
        column.header,
        None,
        "The city name is missing.",
        "Fill in the city name or delete the row.",
    )


def _read_bitkom(ctx: _Context, table: _Table, col: dict[str, _Column], hint: int | None) -> None:
    category = _table_category(ctx, table)
    level = "category" if category else "overall"
    for row in table.rows:
        year = _year_of(ctx, table, row, col.get("year"), hint)
        city_raw = _text(_cell(row, col["city"]))
        score = _score_of(ctx, table, row, col["score"], required=True)
        rec = _base(table, row)
        rec["rank"] = _rank_of(ctx, table, row, col.get("rank"))
        rec["rank_change"] = _tendency_of(ctx, table, row, col.get("rank_change"))
        if not city_raw:
            _missing_city(ctx, table, row, col["city"])
            continue
        if score is False or year is None:
            continue
        rec.update(
            year=year,
            city=_p.resolve_city(city_raw) or city_raw,
            level=level,
            category=category,
            indicator="",
            score=score,
            source_column=col["score"].header,
        )
        if "source_url" in col:
            rec["source_url"] = _text(_cell(row, col["source_url"]))
        ctx.records.append(rec)


# --------------------------------------------------------------------------- coverage


def coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows per (year, level): ``year, level, n_cities, n_values`` (values = non-missing scores)."""
    if frame is None or not len(frame):
        return pd.DataFrame(
            {
                "year": pd.Series(dtype="int64"),
                "level": pd.Series(dtype="str"),
                "n_cities": pd.Series(dtype="int64"),
                "n_values": pd.Series(dtype="int64"),
            }
        )
    grouped = frame.groupby(["year", "level"], sort=False)
    out = pd.DataFrame({"n_cities": grouped["city"].nunique(), "n_values": grouped["score"].count()}).reset_index()
    order = {lvl: i for i, lvl in enumerate(LEVELS)}
    out["_o"] = out["level"].map(order).fillna(len(LEVELS))
    out = out.sort_values(["year", "_o"]).drop(columns="_o").reset_index(drop=True)
    out["year"] = out["year"].astype("int64")
    out["n_cities"] = out["n_cities"].astype("int64")
    out["n_values"] = out["n_values"].astype("int64")
    return out
