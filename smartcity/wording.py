"""The phrase tables: every report wording per language (``smartcity/phrases/{de,en}.toml``).

Standard library only, so that the batch runner's planner can name cities in the report language
on a no-change rerun without loading pandas or Babel.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path

LANGS = ("de", "en")
PHRASE_DIR = Path(__file__).resolve().parent / "phrases"


@functools.lru_cache(maxsize=None)
def phrasebook(lang: str = "de") -> dict:
    """The phrase table of ``lang`` (parsed TOML, cached; call ``phrasebook.cache_clear()`` after edits)."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language {lang!r}; use 'de' or 'en'")
    with open(PHRASE_DIR / f"{lang}.toml", "rb") as fh:
        return tomllib.load(fh)


def names(lang: str) -> dict:
    """``[names]`` of the phrase table: ``cities`` and ``laender`` as the reports write them."""
    return phrasebook(lang).get("names", {"cities": {}, "laender": {}})


def city(name: str, lang: str = "de") -> str:
    """City name in the report language: the official German name, or in English the English
    name where one is in common use (``München`` -> ``Munich``)."""
    return names(lang)["cities"].get(name, name)
