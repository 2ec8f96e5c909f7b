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
  ``in_bundesland("Saarland")`` -> ``"im Saarland"``).
"""
from __future__ import annotations

from collections.abc import Iterable

from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

LOCALES = {"de": "de_DE", "en": "en_GB"}

__all__ = [
    "LOCALES", "check_lang", "number", "signed", "points", "signed_points", "rank", "places",
    "by_places", "in_categories", "join_categories", "percent", "percentile", "ordinal", "join", "category", "in_category",
    "in_area", "bundesland", "in_bundesland", "cities",
]


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is ``"de"`` or ``"en"``; raise ``ValueError`` otherwise."""
    if lang not in LOCALES:
        raise ValueError(f"unsupported language {lang!r}; use 'de' or 'en'")
    return lang


def _loc(lang: str) -> str:
    return LOCALES[check_lang(lang)]


def number(x: float, lang: str = "de", decimals: int = 1) -> str:
    """Number with a fixed number of decimals and the locale's separators (``71,4`` / ``71.4``)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round(float(x), decimals), format=pattern, locale=_loc(lang))


def signed(x: float, lang: str = "de", decimals: int = 1) -> str:
    """Number with explicit sign: ``+2,6``, ``-1,2``, and ``±0,0`` for zero (after rounding)."""
    x = round(float(x), decimals)
    body = number(abs(x), lang, decimals)
    if x > 0:
        return "+" + body
    if x < 0:
        return "-" + body
    return "±" + body


def points(x: float, lang: str = "de", case: str = "nom") -> str:
    """Score with unit: ``71,4 Punkte`` (``case="dat"``: ``71,4 Punkten``) / ``71.4 points``."""
    unit = {"de": "Punkten" if case == "dat" else "Punkte", "en": "points"}[check_lang(lang)]
    return f"{number(x, lang)} {unit}"


def signed_points(x: float, lang: str = "de", case: str = "nom") -> str:
    """Signed score change with unit: ``+2,6 Punkte`` / ``-0.4 points``."""
    unit = {"de": "Punkten" if case == "dat" else "Punkte", "en": "points"}[check_lang(lang)]
    return f"{signed(x, lang)} {unit}"


def rank(n: int, lang: str = "de") -> str:
    """``Platz 41`` / ``rank 41``."""
    return {"de": f"Platz {int(n)}", "en": f"rank {int(n)}"}[check_lang(lang)]


def places(n: int, lang: str = "de", case: str = "acc") -> str:
    """Count of places with the right plural: ``1 Platz``, ``2 Plätze`` (dative ``2 Plätzen``)."""
    n = abs(int(n))
    if check_lang(lang) == "en":
        return f"{n} place" if n == 1 else f"{n} places"
    if n == 1:
        return "1 Platz"
    return f"{n} Plätzen" if case == "dat" else f"{n} Plätze"


def by_places(n: int, lang: str = "de") -> str:
    """``um 1 Platz`` / ``um 2 Plätze`` / ``by 1 place`` / ``by 2 places`` (sign ignored)."""
    return ("um " if check_lang(lang) == "de" else "by ") + places(n, lang)


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
    return f"{ordinal(n, lang)} " + ("Perzentil" if lang == "de" else "percentile")


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
    label = category(name, year, lang)
    return f"in der Kategorie {label}" if lang == "de" else f"in the {label} category"


def join_categories(labels: list[str], lang: str = "de") -> str:
    """Join category labels unambiguously: names that contain "und"/"and" themselves are joined
    with "sowie"/"as well as" (``IT und Kommunikation sowie Mobilität``)."""
    labels = list(labels)
    word = " und " if lang == "de" else " and "
    if len(labels) < 2 or not any(word in lbl for lbl in labels):
        return join(labels, lang)
    last = " sowie " if lang == "de" else " as well as "
    return ", ".join(labels[:-1]) + last + labels[-1]


def in_categories(names: list[str], year: int | None = None, lang: str = "de") -> str:
    """``in der Kategorie Verwaltung`` or ``in den Kategorien Verwaltung und Mobilität``
    (English: ``in the Administration category`` / ``in the Administration and Mobility categories``)."""
    labels = [category(n, year, lang) for n in names]
    if len(labels) == 1:
        return in_category(names[0], year, lang)
    if lang == "de":
        return f"in den Kategorien {join_categories(labels, lang)}"
    return f"in the {join_categories(labels, lang)} categories"


def in_area(name: str, year: int | None = None, lang: str = "de") -> str:
    """``im Bereich Mobilität`` / ``in Mobility``."""
    label = category(name, year, lang)
    return f"im Bereich {label}" if lang == "de" else f"in {label}"


# --- Bundesländer --------------------------------------------------------------------------------

_LAND_EN = {
    "Baden-Württemberg": "Baden-Württemberg",
    "Bayern": "Bavaria",
    "Berlin": "Berlin",
    "Brandenburg": "Brandenburg",
    "Bremen": "Bremen",
    "Hamburg": "Hamburg",
    "Hessen": "Hesse",
    "Mecklenburg-Vorpommern": "Mecklenburg-Western Pomerania",
    "Niedersachsen": "Lower Saxony",
    "Nordrhein-Westfalen": "North Rhine-Westphalia",
    "Rheinland-Pfalz": "Rhineland-Palatinate",
    "Saarland": "Saarland",
    "Sachsen": "Saxony",
    "Sachsen-Anhalt": "Saxony-Anhalt",
    "Schleswig-Holstein": "Schleswig-Holstein",
    "Thüringen": "Thuringia",
}
# Bundesländer that take the article in German ("das Saarland" -> "im Saarland").
_LAND_WITH_ARTICLE = {"Saarland"}


def bundesland(name: str, lang: str = "de") -> str:
    """Bundesland name in the report language (``Nordrhein-Westfalen`` / ``North Rhine-Westphalia``)."""
    return name if check_lang(lang) == "de" else _LAND_EN.get(name, name)


def in_bundesland(name: str, lang: str = "de") -> str:
    """``in Nordrhein-Westfalen``, ``im Saarland`` / ``in North Rhine-Westphalia``."""
    if check_lang(lang) == "de":
        return f"im {name}" if name in _LAND_WITH_ARTICLE else f"in {name}"
    return f"in {bundesland(name, lang)}"


def cities(n: int, lang: str = "de") -> str:
    """``83 Städte`` / ``83 cities`` (``1 Stadt`` / ``1 city``)."""
    n = int(n)
    if check_lang(lang) == "de":
        return "1 Stadt" if n == 1 else f"{n} Städte"
    return "1 city" if n == 1 else f"{n} cities"
