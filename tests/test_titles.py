"""English reports carry English titles: city names in English (Munich) and the notebook's title_en."""

from __future__ import annotations

from pathlib import Path

from smartcity.runner.discovery import load_notebook_spec
from smartcity.wording import city as city_name

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def test_city_titles_follow_the_report_language():
    assert city_name("München", "en") == "Munich" and city_name("Köln", "en") == "Cologne"
    assert city_name("München", "de") == "München" and city_name("Krefeld", "en") == "Krefeld"


def test_overview_and_template_have_english_titles():
    overview = load_notebook_spec(NOTEBOOKS / "overview_report.ipynb")
    assert overview.title_in("de") == "Bundesweite Übersicht" and overview.title_in("en") == "National overview"
    template = load_notebook_spec(NOTEBOOKS / "_template.ipynb")
    assert template.title_in("en") == "NRW cities compared"
