"""Cell-level parsing shared by the loaders and the validation: numbers, ranks, rank changes, names.

Both :mod:`smartcity.loaders` (reading files) and :mod:`smartcity.validation` (checking the long
frame) need the same rules for ``71,4``, ``3.``, ``▲3`` and city/category/indicator names; they
live here so that neither module has to import the other's internals.
"""

from __future__ import annotations

import functools
import re

import pandas as pd

from smartcity import catalogue

__all__ = [
    "parse_number",
    "parse_rank",
    "parse_tendency",
    "is_blank",
    "clean_text",
    "norm",
    "resolve_city",
    "resolve_category",
    "resolve_indicator",
    "indicator_table",
    "clear_lookup_cache",
    "or_list",
    "LEVEL_NAMES",
]


# --------------------------------------------------------------------------- cells


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def clean_text(value: object) -> str:
    """A cell as clean text (numbers from XLSX without a trailing .0)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).replace("\ufeff", "").replace("\xa0", " ").split())


# --------------------------------------------------------------------------- numbers

_NA_TOKENS = {
    "",
    "-",
    "–",
    "—",
    "n.v.",
    "n.v",
    "nv",
    "k.a.",
    "k. a.",
    "ka",
    "na",
    "n/a",
    "n.a.",
    "nan",
    "none",
    "null",
    "x",
    "/",
    "?",
}
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class NotANumber(ValueError):
    pass


def parse_number(value: object) -> float | None:
    """Parse a score as written in German or English spreadsheets.

    ``71,4`` and ``71.4`` -> 71.4; ``1.234,5`` and ``1,234.5`` -> 1234.5; ``1.234.567`` -> 1234567.
    A single separator is always the decimal separator (``1.234`` -> 1.234, ``1,5`` -> 1.5).
    Empty cells and placeholders (``-``, ``n.v.``, ``k.A.``) -> ``None``.
    Raises ``ValueError`` for text that is not a number.
    """
    if isinstance(value, bool):
        raise NotANumber(str(value))
    if isinstance(value, (int, float)):
        return None if pd.isna(value) else float(value)
    if value is None:
        return None
    text = str(value).replace("\ufeff", "").replace("\xa0", "").replace("\u202f", "").replace(" ", "").strip()
    text = text.replace("−", "-").replace("–", "-").rstrip("%")
    if text.lower() in _NA_TOKENS:
        return None
    if "." in text and "," in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")  # 1.234,5
        else:
            text = text.replace(",", "")  # 1,234.5
    elif "," in text:
        text = text.replace(",", "") if text.count(",") > 1 else text.replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")  # 1.234.567
    if not _NUMBER_RE.match(text):
        raise NotANumber(str(value))
    return float(text)


def parse_rank(value: object) -> int | None:
    """``3``, ``3.0``, ``"3"``, ``"3."`` -> 3; empty -> None; anything else raises ``ValueError``."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 1:
            return int(value)
        raise ValueError(str(value))
    m = re.fullmatch(r"\s*(\d+)\s*\.?\s*", str(value))
    if not m or int(m.group(1)) < 1:
        raise ValueError(str(value))
    return int(m.group(1))


_TENDENCY_RE = re.compile(r"^([+\-±=▲▼↑↓△▽⬆⬇]?)\s*(\d+)$")


def parse_tendency(value: object) -> int | None:
    """The "Tendenz" column: places moved up since the previous edition (= ``rank_change``).

    ``+3``, ``▲3``, ``↑3`` -> 3; ``-2``, ``–2``, ``▼2`` -> -2; ``±0``, ``0``, ``=`` -> 0;
    ``neu``/``new``/empty/``-`` -> None. Anything else raises ``ValueError``.
    """
    if is_blank(value):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer():
            return int(value)
        raise ValueError(str(value))
    text = str(value).replace("\xa0", " ").strip().replace("−", "-").replace("–", "-").replace("—", "-")
    low = text.lower()
    if low in {"neu", "new", "-", "n.v.", "k.a.", "na", "n/a", "--"}:
        return None
    if low in {"=", "±", "+-", "+/-", "→", "unverändert", "unchanged"}:
        return 0
    low = low.replace("+/-", "±").replace("+-", "±").replace(" ", "")
    m = _TENDENCY_RE.match(low)
    if not m:
        raise ValueError(str(value))
    sign, number = m.group(1), int(m.group(2))
    if sign in {"-", "▼", "↓", "▽", "⬇"}:
        return -number
    return number


# --------------------------------------------------------------------------- names
# The catalogue resolvers normalise every candidate on each call; a file repeats the same few names
# thousands of times, so lookups are memoised for the duration of one read/validation.

#: spellings of the three levels (folded) -> level
LEVEL_NAMES = {
    "overall": "overall",
    "gesamt": "overall",
    "index": "overall",
    "gesamtindex": "overall",
    "total": "overall",
    "category": "category",
    "kategorie": "category",
    "themenbereich": "category",
    "bereich": "category",
    "indicator": "indicator",
    "indikator": "indicator",
}


@functools.lru_cache(maxsize=8192)
def norm(text: str) -> str:
    return catalogue._norm(text)


@functools.lru_cache(maxsize=4096)
def resolve_city(name: str) -> str | None:
    return catalogue.resolve_city(name)


@functools.lru_cache(maxsize=4096)
def resolve_category(name: str) -> str | None:
    return catalogue.resolve_category(name)


@functools.lru_cache(maxsize=8192)
def resolve_indicator(name: str, year: int | None = None, category: str | None = None) -> str | None:
    return catalogue.resolve_indicator(name, year, category)


@functools.lru_cache(maxsize=8)
def indicator_table() -> pd.DataFrame:
    return catalogue.load_indicators().set_index("id")


def clear_lookup_cache() -> None:
    """Forget memoised catalogue lookups (called at the start of every read and validation)."""
    for fn in (norm, resolve_city, resolve_category, resolve_indicator, indicator_table):
        fn.cache_clear()


def or_list(items: list[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]
