"""Tests of the bundled catalogue (data/*.csv) and smartcity.catalogue."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from smartcity import catalogue as cat
from smartcity.catalogue import CATEGORIES, Category

YEARS = range(2019, 2026)


# ---------------------------------------------------------------- cities


def test_83_cities_with_unique_names_and_slugs():
    cities = cat.load_cities()
    assert len(cities) == 83
    assert cities["name"].is_unique
    assert cities["slug"].is_unique
    assert cities["slug"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()


def test_city_columns_and_values():
    cities = cat.load_cities()
    assert list(cities.columns) == [
        "name",
        "slug",
        "bundesland",
        "population",
        "population_date",
        "latitude",
        "longitude",
        "size_class",
        "first_edition",
        "aliases",
    ]
    assert set(cities["size_class"]) <= {"100-200k", "200-500k", ">500k"}
    assert cities["bundesland"].nunique() == 16
    assert cities["latitude"].between(47, 55.1).all()
    assert cities["longitude"].between(5.8, 15.1).all()
    by_name = cities.set_index("name")
    assert by_name.loc["Halle (Saale)", "bundesland"] == "Sachsen-Anhalt"
    assert by_name.loc["Oldenburg", "bundesland"] == "Niedersachsen"
    assert by_name.loc["Frankfurt am Main", "bundesland"] == "Hessen"
    assert by_name.loc["Mülheim an der Ruhr", "bundesland"] == "Nordrhein-Westfalen"
    assert by_name.loc["München", "slug"] == "muenchen"
    assert by_name.loc["Frankfurt am Main", "slug"] == "frankfurt-am-main"
    assert by_name.loc["Halle (Saale)", "slug"] == "halle-saale"
    assert by_name.loc["Berlin", "size_class"] == ">500k"


@pytest.mark.parametrize("year, expected", [(2019, 81), (2022, 81), (2023, 81), (2024, 82), (2025, 83)])
def test_cities_per_edition(year, expected):
    cities = cat.load_cities()
    assert (cities["first_edition"] <= year).sum() == expected
    editions = cat.load_editions().set_index("year")
    assert editions.loc[year, "n_cities"] == expected


def test_new_cities():
    by_name = cat.load_cities().set_index("name")
    assert by_name.loc["Hanau", "first_edition"] == 2024
    assert by_name.loc["Cottbus", "first_edition"] == 2025
    assert (by_name.drop(["Hanau", "Cottbus"])["first_edition"] == 2019).all()


@pytest.mark.parametrize(
    "alias, official",
    [
        ("Frankfurt", "Frankfurt am Main"),
        ("Halle", "Halle (Saale)"),
        ("Freiburg", "Freiburg im Breisgau"),
        ("Mülheim", "Mülheim an der Ruhr"),
        ("Muelheim", "Mülheim an der Ruhr"),
        ("Ludwigshafen", "Ludwigshafen am Rhein"),
        ("Offenbach", "Offenbach am Main"),
        ("Oldenburg (Oldb)", "Oldenburg"),
        ("Muenchen", "München"),
        ("munich", "München"),
        ("Koeln", "Köln"),
        ("Cologne", "Köln"),
        ("  düsseldorf ", "Düsseldorf"),
        ("DUESSELDORF", "Düsseldorf"),
        ("frankfurt-am-main", "Frankfurt am Main"),
        ("halle-saale", "Halle (Saale)"),
        ("Halle (Saale)", "Halle (Saale)"),
    ],
)
def test_resolve_city(alias, official):
    assert cat.resolve_city(alias) == official


def test_resolve_city_unknown():
    assert cat.resolve_city("Atlantis") is None
    assert cat.resolve_city("") is None
    assert cat.resolve_city(None) is None


def test_suggest_cities():
    assert cat.suggest_cities("Krefelt")[0] == "Krefeld"
    assert len(cat.suggest_cities("Krefelt", n=3)) <= 3
    assert "Mönchengladbach" in cat.suggest_cities("Mönchengladbch")
    assert cat.suggest_cities("") == []


def test_city_slug():
    assert cat.city_slug("Mülheim") == "muelheim-an-der-ruhr"
    assert cat.city_slug("Köln") == "koeln"
    assert cat.city_slug("Nowhere Town") == "nowhere-town"


# ---------------------------------------------------------------- categories


def test_categories():
    assert [c.name_de for c in CATEGORIES] == [
        "Verwaltung",
        "IT und Kommunikation",
        "Energie und Umwelt",
        "Mobilität",
        "Gesellschaft und Bildung",
    ]
    assert [c.slug for c in CATEGORIES] == [
        "verwaltung",
        "it-und-kommunikation",
        "energie-und-umwelt",
        "mobilitaet",
        "gesellschaft-und-bildung",
    ]
    assert isinstance(CATEGORIES[0], Category)
    with pytest.raises(dataclasses.FrozenInstanceError):
        CATEGORIES[0].name_de = "x"  # frozen


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Gesellschaft", "Gesellschaft und Bildung"),
        ("gesellschaft und bildung", "Gesellschaft und Bildung"),
        ("Society and Education", "Gesellschaft und Bildung"),
        ("mobilitaet", "Mobilität"),
        ("Mobility", "Mobilität"),
        ("IT-Infrastruktur", "IT und Kommunikation"),
        ("energie-und-umwelt", "Energie und Umwelt"),
        ("Administration", "Verwaltung"),
        ("Unsinn", None),
    ],
)
def test_resolve_category(name, expected):
    assert cat.resolve_category(name) == expected


def test_category_label():
    assert cat.category_label("Gesellschaft und Bildung", 2022) == "Gesellschaft"
    assert cat.category_label("Gesellschaft und Bildung", 2022, "en") == "Society"
    assert cat.category_label("Gesellschaft", 2023) == "Gesellschaft und Bildung"
    assert cat.category_label("Gesellschaft", 2023, "en") == "Society and Education"
    assert cat.category_label("mobilitaet", 2019, "en") == "Mobility"
    assert cat.category_label("Verwaltung", 2020) == "Verwaltung"
    assert cat.category_slug("Gesellschaft") == "gesellschaft-und-bildung"


# ---------------------------------------------------------------- indicators


def test_indicator_ids_unique_and_slugs():
    ind = cat.load_indicators()
    assert ind["id"].is_unique
    assert ind["id"].str.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*").all()
    assert set(ind["category"]) == {c.name_de for c in CATEGORIES}
    assert set(ind["editions"]) == {"2019-2022", "2023-2025"}
    assert set(ind["name_status"]) == {"published", "assumed"}
    # names are unique within a category and edition range
    assert not ind.duplicated(["editions", "category", "name_de"]).any()


@pytest.mark.parametrize("year", YEARS)
def test_indicator_counts_and_weights(year):
    ind = cat.indicators_for(year)
    assert len(ind) == (37 if year >= 2023 else 36)
    sums = ind.groupby("category")["weight"].sum()
    assert set(sums.index) == {c.name_de for c in CATEGORIES}
    assert ((sums - 1).abs() <= 1e-4).all(), sums
    # one "Sonstige Projekte" indicator of weight 0.05 in each category
    other = ind[ind["name_de"].str.startswith("Sonstige Projekte")]
    assert len(other) == 5 and (other["weight"] == 0.05).all()


def test_verwaltung_weights():
    ind = cat.indicators_for(2025).set_index("name_de")
    for name in ["Interne Prozesse", "Payment", "Online-Terminvergabe", "OZG-Leistungen", "Website und Social Media"]:
        assert round(ind.loc[name, "weight"], 4) == 0.1676
    for name in ["Serviceportal", "Bevölkerungsanliegen"]:
        assert round(ind.loc[name, "weight"], 4) == 0.0559
    assert ind.loc["Sonstige Projekte Verwaltung", "weight"] == 0.05


def test_krefeld_2025_verwaltung_reproduced():
    facts = cat.load_facts()
    k = facts[(facts["year"] == 2025) & (facts["city"] == "Krefeld") & (facts["level"] == "indicator")]
    w = cat.indicators_for(2025).set_index("id")["weight"]
    score = sum(w[r.indicator] * r.value for r in k.itertuples())
    assert len(k) == 8
    assert round(score, 1) == 93.5


def test_open_data_moves_category():
    assert cat.resolve_indicator("Open Data", 2022) == "open-data-2019"
    assert cat.resolve_indicator("Open Data", 2024) == "open-data"
    ind = cat.load_indicators().set_index("id")
    assert ind.loc["open-data-2019", "category"] == "Gesellschaft und Bildung"
    assert ind.loc["open-data", "category"] == "IT und Kommunikation"
    assert cat.resolve_indicator("Geo-Datenportal", 2022) == "geodatenportal-2019"
    assert cat.resolve_indicator("Geoportal", 2024) == "geoportal"
    # education indicators exist from 2023 only
    assert cat.resolve_indicator("Digitalkompetenz", 2022) is None
    assert cat.resolve_indicator("Digitalkompetenz", 2023) == "digitalkompetenz"


@pytest.mark.parametrize(
    "name, year, expected",
    [
        ("Digitale Kompetenz", 2023, "digitalkompetenz"),
        ("Digitalisierungskonzepte für Schulen", 2023, "digitalisierung-schulen"),
        ("Digitalisierungskonzept Schulen", 2023, "digitalisierung-schulen"),
        ("Digitalisierung Schulen", 2024, "digitalisierung-schulen"),
        ("Umweltsensorik", 2022, "umweltmonitoring-2019"),
        ("Smart Parking", 2024, "parken"),
        ("Pilotprojekte (Verwaltung)", 2021, "sonstige-verwaltung-2019"),
        ("Pilotprojekte (IT-Infrastruktur)", 2021, "sonstige-it-2019"),
        ("smart metering", 2024, "smart-metering"),
        ("Intelligente Strassenbeleuchtung", 2024, "strassenbeleuchtung"),
        ("breitband", None, "breitband"),
        ("parken-2019", None, "parken-2019"),
        ("Sonstige Projekte", 2024, None),
    ],
)
def test_resolve_indicator(name, year, expected):
    assert cat.resolve_indicator(name, year) == expected


def test_resolve_indicator_with_category():
    assert cat.resolve_indicator("Sonstige Projekte", 2024, category="Mobilität") == "sonstige-mobilitaet"
    assert cat.resolve_indicator("Pilotprojekte", 2020, category="Gesellschaft") == "sonstige-gesellschaft-2019"


# ---------------------------------------------------------------- facts


def _reference_rows() -> pd.DataFrame:
    facts = cat.load_facts()
    return facts[facts["level"] == "indicator"]


def test_every_fact_indicator_exists_in_its_year_and_category():
    ind = cat.load_indicators().set_index("id")
    rows = _reference_rows()
    assert len(rows) > 0
    for r in rows.itertuples():
        assert r.indicator in ind.index, r
        assert r.year in cat.edition_years(ind.loc[r.indicator, "editions"]), r
        assert ind.loc[r.indicator, "category"] == r.category, r


def test_reference_indicator_names_resolve():
    """Every indicator name printed in the reference tables resolves for its year."""
    from pathlib import Path

    ref = Path("/work/shared/reference")
    if not ref.exists():
        pytest.skip("reference tables not available")
    ind = cat.load_indicators().set_index("id")
    for file in ["published_facts.csv", "seed_facts.csv"]:
        df = pd.read_csv(ref / file)
        for r in df[df["level"] == "indicator"].itertuples():
            found = cat.resolve_indicator(r.name, r.year)
            assert found is not None, (file, r.year, r.name)
            assert r.year in cat.edition_years(ind.loc[found, "editions"])


def test_facts_columns_and_values():
    facts = cat.load_facts()
    assert list(facts.columns) == [
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
        "origin",
    ]
    assert set(facts["origin"]) == {"published", "seed"}
    assert set(facts["status"]) == {"chosen", "rejected_conflict"}
    assert set(facts["metric"]) <= {"score", "rank", "rank_change", "n_cities", "improvement_streak"}
    assert set(facts["level"]) == {"overall", "category", "indicator"}
    cities = set(cat.load_cities()["name"]) | {"Alle"}
    assert set(facts["city"]) <= cities
    assert set(facts.loc[facts["level"] == "category", "category"]) <= {c.name_de for c in CATEGORIES}
    assert (facts.loc[facts["level"] == "overall", "category"] == "").all()
    # exactly one chosen value per key and origin
    key = ["origin", "year", "city", "level", "category", "indicator", "metric"]
    chosen = facts[facts["status"] == "chosen"]
    assert not chosen.duplicated(key).any()
    # no city appears before its first edition
    first = cat.load_cities().set_index("name")["first_edition"]
    real = facts[facts["city"] != "Alle"]
    assert (real["year"] >= real["city"].map(first)).all()


def test_documented_conflicts():
    facts = cat.load_facts()
    pub = facts[facts["origin"] == "published"]

    def chosen(year, city, metric):
        rows = pub[
            (pub["year"] == year)
            & (pub["city"] == city)
            & (pub["level"] == "overall")
            & (pub["metric"] == metric)
            & (pub["status"] == "chosen")
        ]
        return rows["value"].tolist()

    assert chosen(2019, "Bochum", "rank") == [32]
    assert chosen(2024, "Dortmund", "rank") == [22]
    assert chosen(2022, "Darmstadt", "score") == [75.3]
    assert chosen(2021, "Hamburg", "score") == [88.1]  # 88.13 is rounding, not a conflict
    assert (pub["status"] == "rejected_conflict").sum() == 6


def test_aggregates_and_editions():
    agg = cat.load_aggregates()
    assert list(agg.columns) == ["year", "scope", "metric", "value", "source_url"]
    assert len(agg) == 9
    ed = cat.load_editions()
    assert list(ed["year"]) == list(YEARS)
    assert list(ed.columns) == [
        "year",
        "n_cities",
        "n_indicators",
        "n_parameters",
        "n_datapoints",
        "collection_period",
        "method_changes",
        "source_url",
    ]
    assert ed.set_index("year").loc[2023, "n_parameters"] == 157


def test_loaders_return_copies():
    a = cat.load_cities()
    a.loc[0, "name"] = "changed"
    assert cat.load_cities().loc[0, "name"] != "changed"
    b = cat.indicators_for(2025)
    b["weight"] = 0
    assert cat.indicators_for(2025)["weight"].sum() > 4.9
