"""The catalogue of the Smart City Index: cities, categories, indicators and editions.

Everything here is read from the bundled CSV files in ``DATA_DIR`` (see ``data/README.md``):

- ``cities.csv``: the 83 cities of the 2025 edition,
- ``indicators.csv``: the indicator catalogue (one row per indicator id; every id belongs to
  exactly one edition range, ``2019-2022`` or ``2023-2025``),
- ``editions.csv``: key figures of each edition,
- ``published_facts.csv`` / ``seed_facts.csv``: published figures (see ``load_facts``),
- ``aggregate_facts.csv``: edition-wide published figures (see ``load_aggregates``).

The loaders are cached; they return copies, so callers may modify the frames freely.
Name resolution is tolerant of case, surrounding/double whitespace, hyphens, brackets and
the "ae/oe/ue/ss" spellings of umlauts and "ß".
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from smartcity.paths import DATA_DIR

__all__ = [
    "Category",
    "CATEGORIES",
    "CATEGORY_NAMES",
    "RENAME_YEAR",
    "category_label",
    "load_cities",
    "load_indicators",
    "load_editions",
    "load_facts",
    "load_aggregates",
    "resolve_city",
    "suggest_cities",
    "resolve_category",
    "resolve_indicator",
    "indicators_for",
    "edition_years",
    "city_slug",
    "category_slug",
    "slugify",
]


@dataclass(frozen=True)
class Category:
    """One of the five categories ("Themenbereiche") of the index."""

    name_de: str
    name_en: str
    slug: str


CATEGORIES: list[Category] = [
    Category("Verwaltung", "Administration", "verwaltung"),
    Category("IT und Kommunikation", "IT and Communication", "it-und-kommunikation"),
    Category("Energie und Umwelt", "Energy and Environment", "energie-und-umwelt"),
    Category("Mobilität", "Mobility", "mobilitaet"),
    Category("Gesellschaft und Bildung", "Society and Education", "gesellschaft-und-bildung"),
]
#: German category names in catalogue order.
CATEGORY_NAMES: list[str] = [c.name_de for c in CATEGORIES]

#: First edition in which "Gesellschaft" was published as "Gesellschaft und Bildung", with new
#: education indicators (the method change that also reshaped the parameter set).
RENAME_YEAR = 2023

_SOCIETY = "Gesellschaft und Bildung"

# Further spellings of category names seen in sources (normalised with _norm on use).
_CATEGORY_ALIASES: dict[str, str] = {
    "Gesellschaft": _SOCIETY,
    "Society": _SOCIETY,
    "Gesellschaft & Bildung": _SOCIETY,
    "Bildung und Gesellschaft": _SOCIETY,
    "IT-Infrastruktur": "IT und Kommunikation",
    "IT Infrastruktur": "IT und Kommunikation",
    "Digitale Infrastruktur": "IT und Kommunikation",
    "IT & Kommunikation": "IT und Kommunikation",
    "IT and Communications": "IT und Kommunikation",
    "IT": "IT und Kommunikation",
    "Energie & Umwelt": "Energie und Umwelt",
    "Energy & Environment": "Energie und Umwelt",
    "Energy and the Environment": "Energie und Umwelt",
    "Mobility": "Mobilität",
    "Administration": "Verwaltung",
    "Public Administration": "Verwaltung",
}


# --------------------------------------------------------------------------- helpers

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "é": "e", "è": "e"})


def _norm(text: object) -> str:
    """Normalise a name for matching: casefold, umlauts -> ae/oe/ue/ss, punctuation -> space."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    s = unicodedata.normalize("NFC", str(text)).strip().lower().translate(_UMLAUTS)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("&", " und ")
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


def slugify(text: str) -> str:
    """ASCII slug: lowercase, umlauts as ae/oe/ue/ss, words joined by hyphens."""
    return _norm(text).replace(" ", "-")


def _split_aliases(value: object) -> list[str]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    return [a.strip() for a in str(value).split("|") if a.strip()]


def edition_years(editions: str) -> list[int]:
    """Years covered by an ``editions`` value: ``"2019-2022"``, ``"2024"`` or ``"2019-2020|2023"``."""
    years: set[int] = set()
    for part in str(editions).replace(",", "|").split("|"):
        part = part.strip()
        if "-" in part:
            start, end = (int(p) for p in part.split("-", 1))
            years.update(range(start, end + 1))
        elif part:
            years.add(int(part))
    return sorted(years)


def _read_csv(name: str, **kwargs) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, encoding="utf-8", keep_default_na=False, na_values=[""], **kwargs)


def _text_columns(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    for col in columns:
        if col in df.columns:
            df[col] = df[col].astype(object).fillna("").astype(str)
    return df


# --------------------------------------------------------------------------- loaders


@functools.lru_cache(maxsize=None)
def _cities() -> pd.DataFrame:
    df = _read_csv("cities.csv")
    df = _text_columns(df, ["name", "slug", "bundesland", "population_date", "size_class", "aliases"])
    df["population"] = df["population"].astype("Int64")
    df["first_edition"] = df["first_edition"].astype(int)
    df["latitude"] = df["latitude"].astype(float)
    df["longitude"] = df["longitude"].astype(float)
    return df


@functools.lru_cache(maxsize=None)
def _indicators() -> pd.DataFrame:
    df = _read_csv("indicators.csv")
    df = _text_columns(df, ["id", "category", "name_de", "name_en", "editions", "name_status", "aliases", "source_url"])
    df["weight"] = df["weight"].astype(float)
    return df


@functools.lru_cache(maxsize=None)
def _editions() -> pd.DataFrame:
    df = _read_csv("editions.csv")
    df = _text_columns(df, ["collection_period", "method_changes", "source_url"])
    for col in ["year", "n_cities", "n_indicators", "n_parameters", "n_datapoints"]:
        df[col] = df[col].astype(int)
    return df


_FACT_COLUMNS = [
    "year",
    "city",
    "level",
    "category",
    "indicator",
    "metric",
    "value",
    "source_url",
    "n_sources",
    "status",
]


@functools.lru_cache(maxsize=None)
def _facts() -> pd.DataFrame:
    frames = []
    for file, origin in (("published_facts.csv", "published"), ("seed_facts.csv", "seed")):
        df = _read_csv(file)
        df = _text_columns(df, ["city", "level", "category", "indicator", "metric", "source_url", "status"])
        df["origin"] = origin
        frames.append(df[_FACT_COLUMNS + ["origin"]])
    out = pd.concat(frames, ignore_index=True)
    out["year"] = out["year"].astype(int)
    out["value"] = out["value"].astype(float)
    out["n_sources"] = out["n_sources"].astype(int)
    return out


@functools.lru_cache(maxsize=None)
def _aggregates() -> pd.DataFrame:
    df = _read_csv("aggregate_facts.csv")
    df = _text_columns(df, ["scope", "metric", "source_url"])
    df["year"] = df["year"].astype(int)
    df["value"] = df["value"].astype(float)
    return df


def load_cities() -> pd.DataFrame:
    """name, slug, bundesland, population, population_date, latitude, longitude, size_class,
    first_edition, aliases ("|"-separated)."""
    return _cities().copy()


def load_indicators() -> pd.DataFrame:
    """id, category, name_de, name_en, weight, editions, name_status, aliases, source_url."""
    return _indicators().copy()


def load_editions() -> pd.DataFrame:
    """year, n_cities, n_indicators, n_parameters, n_datapoints, collection_period,
    method_changes, source_url."""
    return _editions().copy()


def load_facts() -> pd.DataFrame:
    """Published figures (``published_facts.csv``) and seed-article figures (``seed_facts.csv``).

    Columns: year, city, level, category, indicator, metric, value, source_url, n_sources,
    status (``chosen`` | ``rejected_conflict``), origin (``published`` | ``seed``).
    ``city`` is ``"Alle"`` for edition-wide rows (metric ``n_cities``).
    """
    return _facts().copy()


def load_aggregates() -> pd.DataFrame:
    """Edition-wide figures: year, scope, metric, value, source_url."""
    return _aggregates().copy()


def clear_cache() -> None:
    """Forget the loaded CSV files (e.g. after changing ``DATA_DIR`` contents in tests)."""
    for fn in (_cities, _indicators, _editions, _facts, _aggregates, _city_keys, _indicator_keys):
        fn.cache_clear()


# --------------------------------------------------------------------------- categories


def resolve_category(name: object) -> str | None:
    """German catalogue name of a category from its German/English name, slug or an old name."""
    key = _norm(name)
    if not key:
        return None
    for cat in CATEGORIES:
        if key in (_norm(cat.name_de), _norm(cat.name_en), _norm(cat.slug)):
            return cat.name_de
    for alias, target in _CATEGORY_ALIASES.items():
        if key == _norm(alias):
            return target
    return None


def _category(name: object) -> Category:
    resolved = resolve_category(name)
    if resolved is None:
        raise KeyError(f"unknown category: {name!r}")
    return next(c for c in CATEGORIES if c.name_de == resolved)


def category_label(name: object, year: int | None = None, lang: str = "de") -> str:
    """The category name as used in edition ``year`` ("Gesellschaft"/"Society" before 2023)."""
    cat = _category(name)
    old = year is not None and int(year) < RENAME_YEAR and cat.name_de == _SOCIETY
    if lang == "en":
        return "Society" if old else cat.name_en
    return "Gesellschaft" if old else cat.name_de


def category_slug(name: object) -> str:
    """Slug of a category (``mobilitaet``); unknown names are slugified as they are."""
    resolved = resolve_category(name)
    if resolved is None:
        return slugify(str(name))
    return _category(resolved).slug


# --------------------------------------------------------------------------- cities


@functools.lru_cache(maxsize=None)
def _city_keys() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """(normalised key -> official name, ordered (display string, official name) pairs)."""
    keys: dict[str, str] = {}
    pairs: list[tuple[str, str]] = []
    df = _cities()
    # official names and slugs first, so an alias can never shadow an official name
    for row in df.itertuples():
        for text in (row.name, row.slug):
            keys.setdefault(_norm(text), row.name)
        pairs.append((row.name, row.name))
    for row in df.itertuples():
        for alias in _split_aliases(row.aliases):
            keys.setdefault(_norm(alias), row.name)
            pairs.append((alias, row.name))
    return keys, tuple(pairs)


def resolve_city(name: object) -> str | None:
    """Official city name (``cities.csv`` ``name``) from an official name, slug or alias."""
    key = _norm(name)
    if not key:
        return None
    return _city_keys()[0].get(key)


def suggest_cities(name: object, n: int = 3) -> list[str]:
    """Up to ``n`` official names closest to ``name`` (difflib over names and aliases)."""
    key = _norm(name)
    if not key or n <= 0:
        return []
    pairs = _city_keys()[1]
    candidates: dict[str, str] = {}
    for text, official in pairs:
        candidates.setdefault(_norm(text), official)
    matches = difflib.get_close_matches(key, list(candidates), n=max(n * 4, 10), cutoff=0.6)
    out: list[str] = []
    for m in matches:
        official = candidates[m]
        if official not in out:
            out.append(official)
        if len(out) == n:
            break
    return out


def city_slug(name: object) -> str:
    """Slug of a city (``muenchen``); unknown names are slugified as they are."""
    resolved = resolve_city(name)
    if resolved is None:
        return slugify(str(name))
    df = _cities()
    return str(df.loc[df["name"] == resolved, "slug"].iloc[0])


# --------------------------------------------------------------------------- indicators


@functools.lru_cache(maxsize=None)
def _indicator_keys() -> tuple[tuple[str, str, str, frozenset[int], int], ...]:
    """(normalised key, id, category, years, priority) for every id, name and alias."""
    out = []
    for row in _indicators().itertuples():
        years = frozenset(edition_years(row.editions))
        texts = [(row.id, 0), (row.name_de, 1), (row.name_en, 1)]
        texts += [(alias, 2) for alias in _split_aliases(row.aliases)]
        for text, prio in texts:
            key = _norm(text)
            if key:
                out.append((key, row.id, row.category, years, prio))
    return tuple(out)


def resolve_indicator(name: object, year: int | None = None, category: object = None) -> str | None:
    """Indicator id from its id, German/English name or an alias.

    With ``year`` only indicators of that edition are considered (e.g. "Open Data" is a
    Gesellschaft indicator before 2023 and an IT und Kommunikation indicator from 2023).
    Without ``year`` the most recent edition wins. ``category`` (any spelling) narrows the
    search further. Returns ``None`` if nothing or nothing unambiguous matches.
    """
    key = _norm(name)
    if not key:
        return None
    cat = resolve_category(category) if category is not None and str(category) != "" else None
    hits = [h for h in _indicator_keys() if h[0] == key]
    if year is not None:
        hits = [h for h in hits if int(year) in h[3]]
    if cat is not None:
        hits = [h for h in hits if h[2] == cat]
    if not hits:
        return None
    best_prio = min(h[4] for h in hits)
    hits = [h for h in hits if h[4] == best_prio]
    latest = max(max(h[3]) for h in hits)
    ids = sorted({h[1] for h in hits if max(h[3]) == latest})
    return ids[0] if len(ids) == 1 else None


def indicators_for(year: int) -> pd.DataFrame:
    """Catalogue rows valid in edition ``year``; weights sum to 1 within each category."""
    df = _indicators()
    mask = df["editions"].map(lambda e: int(year) in edition_years(e))
    order = {c.name_de: i for i, c in enumerate(CATEGORIES)}
    out = df[mask].copy()
    out["_order"] = out["category"].map(order)
    out = out.sort_values(["_order"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True)
