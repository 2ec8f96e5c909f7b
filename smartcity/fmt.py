"""German/English formatting of numbers, points, ranks and plurals (Babel).

All report text goes through these helpers so that every number is formatted the
same way everywhere:

* one decimal for scores, German decimal comma: ``points(71.4)`` -> ``"71,4 Punkte"``;
  English on request: ``points(71.4, "en")`` -> ``"71.4 points"``.
* Decimal numbers always take the plural, also for exactly one point:
  ``"1,0 Punkte"`` / ``"1.0 points"`` (standard in German and English for decimals;
  "1 Punkt" only exists for the integer 1, which scores never are because they always
  carry one decimal).
* The German dative plural ("mit 71,4 Punkten", "mit 2 Plätzen Vorsprung") is chosen
  with ``case="dat"``.
* Ranks: ``rank(41)`` -> ``"Platz 41"`` / ``"rank 41"``; rank moves:
  ``by_places(1)`` -> ``"um 1 Platz"``, ``by_places(2)`` -> ``"um 2 Plätze"``,
  English ``"by 1 place"`` / ``"by 2 places"``.
* Signed changes: ``signed_points(2.6)`` -> ``"+2,6 Punkte"``, zero -> ``"±0,0 Punkte"``;
  the minus sign is the locale's (ASCII hyphen-minus for de and en in Babel).
* Category and Bundesland names with the articles German needs
  (``in_category("Verwaltung")`` -> ``"in der Kategorie Verwaltung"``,
  ``in_bundesland("Saarland")`` -> ``"im Saarland"``, ``in_bundesland("Bremen")`` -> ``"im Land Bremen"``).
* One rounding rule for every number shown: :func:`round_half_up` (54.25 -> 54,3).

The words themselves ("Punkte", "Platz", "in der Kategorie", English names of Länder and cities)
live in ``[units]`` and ``[names]`` of ``smartcity/phrases/{de,en}.toml``; this module holds the
grammar (which form when), not the wording.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from smartcity import wording

LOCALES = {"de": "de_DE", "en": "en_GB"}

__all__ = [
    "LOCALES",
    "check_lang",
    "round_half_up",
    "number",
    "signed",
    "points",
    "signed_points",
    "rank",
    "places",
    "by_places",
    "in_categories",
    "join_categories",
    "percent",
    "percentile",
    "ordinal",
    "join",
    "category",
    "in_category",
    "in_area",
    "bundesland",
    "in_bundesland",
    "cities",
    "city",
    "english_names_in",
]


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"de"`` or ``"en"``; raise ``ValueError`` otherwise."""
    if lang not in LOCALES:
        raise ValueError(f"unsupported language {lang!r}; use 'de' or 'en'")
    return lang


def _loc(lang: str) -> str:
    return LOCALES[check_lang(lang)]


def round_half_up(x: float, decimals: int = 1) -> float:
    """The one rounding rule of every report: half-up (away from zero) on the shown decimal,
    as readers and Bitkom round: ``54.25 -> 54.3``, ``69.55 -> 69.6``, ``-0.25 -> -0.3``.

    Python's ``round`` rounds the binary value (``round(69.55, 1) == 69.5``, because 69.55 is
    stored as 69.5499...). Here the value is first read as the decimal it stands for (its
    shortest representation, then nine decimals to absorb the noise of float arithmetic such
    as ``67.35 - 67.3 = 0.04999...``), and that decimal is rounded half-up.
    """
    d = Decimal(repr(float(x))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def number(x: float, lang: str = "de", decimals: int = 1) -> str:
    """Number with a fixed number of decimals and the locale's separators (``71,4`` / ``71.4``),
    rounded by :func:`round_half_up`."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round_half_up(x, decimals), format=pattern, locale=_loc(lang))


def signed(x: float, lang: str = "de", decimals: int = 1) -> str:
    """Number with explicit sign: ``+2,6``, ``-1,2``, and ``±0,0`` for zero (after rounding)."""
    x = round_half_up(x, decimals)
    body = number(abs(x), lang, decimals)
    if x > 0:
        return "+" + body
    if x < 0:
        return "-" + body
    return "±" + body


def _units(lang: str) -> dict:
    """The ``[units]`` table of the phrase book of ``lang``: every word these helpers add."""
    return wording.phrasebook(check_lang(lang))["units"]


def points(x: float, lang: str = "de", case: str = "nom") -> str:
    """Score with unit: ``71,4 Punkte`` (``case="dat"``: ``71,4 Punkten``) / ``71.4 points``."""
    return _units(lang)["points_dat" if case == "dat" else "points"].format(x=number(x, lang))


def signed_points(x: float, lang: str = "de", case: str = "nom") -> str:
    """Signed score change with unit: ``+2,6 Punkte`` / ``-0.4 points``."""
    return _units(lang)["points_dat" if case == "dat" else "points"].format(x=signed(x, lang))


def rank(n: int, lang: str = "de") -> str:
    """``Platz 41`` / ``rank 41``."""
    return _units(lang)["rank"].format(n=int(n))


def places(n: int, lang: str = "de", case: str = "acc") -> str:
    """Count of places with the right plural: ``1 Platz``, ``2 Plätze`` (dative ``2 Plätzen``)."""
    n = abs(int(n))
    key = "place_one" if n == 1 else "places_dat" if case == "dat" else "places"
    return _units(lang)[key].format(n=n)


def by_places(n: int, lang: str = "de") -> str:
    """``um 1 Platz`` / ``um 2 Plätze`` / ``by 1 place`` / ``by 2 places`` (sign ignored)."""
    return _units(lang)["by_places"].format(places=places(n, lang))


def percent(x: float, lang: str = "de", decimals: int = 0) -> str:
    """Percentage from a share in percent units: ``percent(25)`` -> ``25 %`` / ``25%``."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + " %"
    if lang == "en":
        pattern = pattern.replace(" %", "%")
    return format_percent(float(x) / 100.0, format=pattern, locale=_loc(lang))


def ordinal(n: int, lang: str = "de") -> str:
    """``41.`` / ``41st``."""
    n = int(n)
    if check_lang(lang) == "de":
        return f"{n}."
    if 10 <= n % 100 <= 20:
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def percentile(p: float, lang: str = "de") -> str:
    """Percentile position: ``85. Perzentil`` / ``85th percentile`` (rounded to an integer)."""
    n = int(round(float(p)))
    return _units(lang)["percentile"].format(ordinal=ordinal(n, lang))


def join(items: Iterable[str], lang: str = "de", style: str = "standard") -> str:
    """Join names: ``A, B und C`` / ``A, B and C`` (``style="or"``: ``oder``/``or``)."""
    items = [str(i) for i in items]
    if not items:
        return ""
    return format_list(items, style=style, locale=_loc(lang))  # type: ignore[arg-type]  # babel: a Literal of styles


# --- categories -------------------------------------------------------------------------------


def category(name: str, year: int | None = None, lang: str = "de") -> str:
    """Category label as the edition used it ("Gesellschaft" before 2023), German or English.

    Delegates to ``catalogue.category_label``.
    """
    check_lang(lang)
    from smartcity import catalogue  # noqa: PLC0415 - the catalogue owns the labels

    return catalogue.category_label(name, year, lang)


def in_category(name: str, year: int | None = None, lang: str = "de") -> str:
    """``in der Kategorie Verwaltung`` / ``in the Administration category``."""
    return _units(lang)["in_category"].format(label=category(name, year, lang))


def join_categories(labels: list[str], lang: str = "de") -> str:
    """Join category labels unambiguously: names that contain "und"/"and" themselves are joined
    with "sowie"/"as well as" (``IT und Kommunikation sowie Mobilität``)."""
    labels = list(labels)
    u = _units(lang)
    if len(labels) < 2 or not any(u["and"] in lbl for lbl in labels):
        return join(labels, lang)
    return ", ".join(labels[:-1]) + u["as_well_as"] + labels[-1]


def in_categories(names: list[str], year: int | None = None, lang: str = "de") -> str:
    """``in der Kategorie Verwaltung`` or ``in den Kategorien Verwaltung und Mobilität``
    (English: ``in the Administration category`` / ``in the Administration and Mobility categories``)."""
    labels = [category(n, year, lang) for n in names]
    if len(labels) == 1:
        return in_category(names[0], year, lang)
    return _units(lang)["in_categories"].format(labels=join_categories(labels, lang))


def in_area(name: str, year: int | None = None, lang: str = "de") -> str:
    """``im Bereich Mobilität`` / ``in Mobility``."""
    return _units(lang)["in_area"].format(label=category(name, year, lang))


# --- Bundesländer --------------------------------------------------------------------------------


def bundesland(name: str, lang: str = "de") -> str:
    """Bundesland name in the report language (``Nordrhein-Westfalen`` / ``North Rhine-Westphalia``)."""
    return wording.names(check_lang(lang))["laender"].get(name, name)


def in_bundesland(name: str, lang: str = "de") -> str:
    """``in Nordrhein-Westfalen``, ``im Saarland``, ``im Land Bremen`` / ``in North Rhine-Westphalia``,
    ``in the state of Bremen``. Länder named like a city take "im Land"/"the state of", so that
    "in Bremen ist Bremen" cannot be written; the lists are in ``[units]``."""
    u = _units(lang)
    key = (
        "in_city_state"
        if name in u["city_states"]
        else "in_land_article"
        if name in u["laender_with_article"]
        else "in_land"
    )
    return u[key].format(land=bundesland(name, lang))


def cities(n: int, lang: str = "de") -> str:
    """``83 Städte`` / ``83 cities`` (``1 Stadt`` / ``1 city``)."""
    n = int(n)
    return _units(lang)["city_one" if n == 1 else "cities"].format(n=n)


# --- city names ----------------------------------------------------------------------------------


def city(name: str, lang: str = "de") -> str:
    """City name in the report language: the official German name, or in English the English
    name where one is in common use (``München`` -> ``Munich``); the list is ``[names.cities]``
    in ``smartcity/phrases/en.toml``."""
    return wording.city(name, check_lang(lang))


def english_names_in(text: str) -> str:
    """``text`` with every German city name that has an English one replaced (whole words only):
    the last step of every English report text, so that no sentence mixes "Köln" and "Saxony"."""
    names = wording.names("en")["cities"]
    if not names:
        return text
    pattern = _names_pattern(tuple(sorted(names, key=len, reverse=True)))
    return pattern.sub(lambda m: names[m.group(0)], text)


@functools.lru_cache(maxsize=4)
def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?![\w-])")
