"""Small hand-made datasets for the analysis, formatting and narrative tests.

They do not depend on the bundled sample: a :class:`FakeDataset` carries the same attributes
as :class:`smartcity.dataset.Dataset` (``scores``, ``cities``, ``indicators``, ``editions``,
``years``, ``latest_year``, ``has_level``) and its ranks and rank changes are filled in by the
real method (``method.complete``), exactly as ``load_dataset`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from smartcity import method

CATS = ["Verwaltung", "IT und Kommunikation", "Energie und Umwelt", "Mobilität", "Gesellschaft und Bildung"]

# A few real cities with rounded coordinates (enough for the nearest-city tests).
CITIES = pd.DataFrame(
    [
        # name, bundesland, size_class, lat, lon, first_edition, aliases
        ("Krefeld", "Nordrhein-Westfalen", "200-500k", 51.336, 6.554, 2019, ""),
        ("Duisburg", "Nordrhein-Westfalen", ">500k", 51.432, 6.765, 2019, ""),
        ("Düsseldorf", "Nordrhein-Westfalen", ">500k", 51.227, 6.774, 2019, "Duesseldorf"),
        ("Mönchengladbach", "Nordrhein-Westfalen", "200-500k", 51.181, 6.443, 2019, "MG"),
        ("Neuss", "Nordrhein-Westfalen", "100-200k", 51.198, 6.686, 2019, ""),
        ("Köln", "Nordrhein-Westfalen", ">500k", 50.938, 6.957, 2019, "Cologne"),
        ("Bochum", "Nordrhein-Westfalen", "200-500k", 51.482, 7.216, 2019, ""),
        ("Leverkusen", "Nordrhein-Westfalen", "100-200k", 51.031, 6.985, 2019, ""),
        ("München", "Bayern", ">500k", 48.137, 11.575, 2019, "Munich"),
        ("Augsburg", "Bayern", "200-500k", 48.372, 10.899, 2019, ""),
        ("Hamburg", "Hamburg", ">500k", 53.551, 9.994, 2019, ""),
        ("Saarbrücken", "Saarland", "100-200k", 49.233, 7.010, 2019, ""),
        ("Hanau", "Hessen", "100-200k", 50.134, 8.914, 2024, ""),
        ("Cottbus", "Brandenburg", "100-200k", 51.758, 14.329, 2025, ""),
    ],
    columns=["name", "bundesland", "size_class", "latitude", "longitude", "first_edition", "aliases"],
)
CITIES["slug"] = CITIES["name"].str.lower().str.replace("ü", "ue").str.replace("ö", "oe")

# Two indicators per category; weights sum to 1 within each category.
INDICATORS = pd.DataFrame(
    [
        ("v-online", "Verwaltung", "Online-Services", "Online services", 0.6),
        ("v-termin", "Verwaltung", "Online-Terminvergabe", "Online appointments", 0.4),
        ("i-glasfaser", "IT und Kommunikation", "Glasfaser", "Fibre optics", 0.5),
        ("i-mobilfunk", "IT und Kommunikation", "Mobilfunk", "Mobile network", 0.5),
        ("e-energie", "Energie und Umwelt", "Energielösungen", "Energy solutions", 0.5),
        ("e-umwelt", "Energie und Umwelt", "Umweltsensorik", "Environmental sensors", 0.5),
        ("m-sharing", "Mobilität", "Sharing-Angebote", "Sharing services", 0.5),
        ("m-ampeln", "Mobilität", "Intelligente Ampeln", "Smart traffic lights", 0.5),
        ("g-bildung", "Gesellschaft und Bildung", "Digitale Schule", "Digital school", 0.5),
        ("g-beteiligung", "Gesellschaft und Bildung", "Online-Beteiligung", "Online participation", 0.5),
    ],
    columns=["id", "category", "name_de", "name_en", "weight"],
)
INDICATORS["editions"] = "2019-2025"
IND_IDS = list(INDICATORS["id"])
CAT_OF = dict(zip(INDICATORS["id"], INDICATORS["category"]))

EDITIONS = pd.DataFrame(
    {
        "year": [2019, 2020, 2021, 2022, 2023, 2024, 2025],
        "n_cities": [81, 81, 81, 81, 81, 82, 83],
        "n_parameters": [96, 136, 133, 133, 157, 162, 163],
    }
)


@dataclass
class FakeDataset:
    scores: pd.DataFrame
    cities: pd.DataFrame = field(default_factory=lambda: CITIES.copy())
    indicators: pd.DataFrame = field(default_factory=lambda: INDICATORS.copy())
    editions: pd.DataFrame = field(default_factory=lambda: EDITIONS.copy())
    is_sample: bool = False
    source: str = "test"

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.scores["year"].unique())

    @property
    def latest_year(self) -> int:
        return self.years[-1]

    def has_level(self, year: int, level: str) -> bool:
        s = self.scores
        return bool(((s["year"] == year) & (s["level"] == level)).any())


def _finish(rows: list[dict], indicators: pd.DataFrame, cities: pd.DataFrame | None = None) -> FakeDataset:
    frame = pd.DataFrame(rows)
    for col, default in (("category", ""), ("indicator", ""), ("provenance", "modelled"), ("source_url", "")):
        if col not in frame.columns:
            frame[col] = default
    frame["rank"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["rank_change"] = pd.array([pd.NA] * len(frame), dtype="Int64")
    scores, _ = method.complete(frame, indicators)
    # the field of a hand-made edition is the cities it holds (the real editions have 81-83)
    editions = EDITIONS.copy()
    held = scores.groupby("year")["city"].nunique()
    editions["n_cities"] = editions["year"].map(held).fillna(editions["n_cities"]).astype(int)
    ds = FakeDataset(scores=scores, indicators=indicators, editions=editions)
    if cities is not None:
        ds.cities = cities
    return ds


def overall_dataset(
    spec: dict[int, dict[str, float]],
    categories: dict[int, dict[str, dict[str, float]]] | None = None,
    cities: pd.DataFrame | None = None,
) -> FakeDataset:
    """Dataset from overall scores per year (``{2024: {"Krefeld": 68.8, ...}}``) and optionally
    category scores (``{2024: {"Krefeld": {"Verwaltung": 80.0, ...}}}``); no indicator level."""
    rows = []
    for year, scores in spec.items():
        for city, score in scores.items():
            rows.append({"year": year, "city": city, "level": "overall", "score": float(score)})
    for year, per_city in (categories or {}).items():
        for city, cats in per_city.items():
            for cat, score in cats.items():
                rows.append({"year": year, "city": city, "level": "category", "category": cat, "score": float(score)})
    return _finish(rows, INDICATORS.copy(), cities)


def indicator_dataset(
    spec: dict[int, dict[str, dict[str, float]]],
    indicators: pd.DataFrame | None = None,
    cities: pd.DataFrame | None = None,
) -> FakeDataset:
    """Dataset from indicator scores (``{2025: {"Krefeld": {"v-online": 100.0, ...}}}``); category
    and overall scores are computed by the method (weighted mean / plain mean)."""
    indicators = INDICATORS.copy() if indicators is None else indicators
    cat_of = dict(zip(indicators["id"], indicators["category"]))
    rows = []
    for year, per_city in spec.items():
        for city, inds in per_city.items():
            for ind, score in inds.items():
                rows.append(
                    {
                        "year": year,
                        "city": city,
                        "level": "indicator",
                        "category": cat_of[ind],
                        "indicator": ind,
                        "score": float(score),
                    }
                )
    return _finish(rows, indicators, cities)


def uniform(city_scores: dict[str, float]) -> dict[str, dict[str, float]]:
    """Every indicator of a city gets the same score."""
    return {c: {i: s for i in IND_IDS} for c, s in city_scores.items()}


# --- the standard small field used by several tests ---------------------------------------------


# Eight cities in 2024 and 2025; Krefeld improves by 2 places; Cottbus joins in 2025;
# "v-termin" is 100 for everybody (shared top); Krefeld has full marks in v-online.
def small_field() -> FakeDataset:
    base = {
        "München": {
            "v-online": 95,
            "v-termin": 100,
            "i-glasfaser": 90,
            "i-mobilfunk": 95,
            "e-energie": 90,
            "e-umwelt": 85,
            "m-sharing": 95,
            "m-ampeln": 90,
            "g-bildung": 90,
            "g-beteiligung": 85,
        },
        "Köln": {
            "v-online": 90,
            "v-termin": 100,
            "i-glasfaser": 80,
            "i-mobilfunk": 90,
            "e-energie": 70,
            "e-umwelt": 80,
            "m-sharing": 85,
            "m-ampeln": 80,
            "g-bildung": 80,
            "g-beteiligung": 90,
        },
        "Düsseldorf": {
            "v-online": 92,
            "v-termin": 100,
            "i-glasfaser": 60,
            "i-mobilfunk": 70,
            "e-energie": 50,
            "e-umwelt": 60,
            "m-sharing": 80,
            "m-ampeln": 70,
            "g-bildung": 95,
            "g-beteiligung": 80,
        },
        "Krefeld": {
            "v-online": 100,
            "v-termin": 100,
            "i-glasfaser": 30,
            "i-mobilfunk": 75,
            "e-energie": 60,
            "e-umwelt": 55,
            "m-sharing": 40,
            "m-ampeln": 65,
            "g-bildung": 60,
            "g-beteiligung": 70,
        },
        "Duisburg": {
            "v-online": 70,
            "v-termin": 100,
            "i-glasfaser": 50,
            "i-mobilfunk": 60,
            "e-energie": 55,
            "e-umwelt": 50,
            "m-sharing": 60,
            "m-ampeln": 60,
            "g-bildung": 55,
            "g-beteiligung": 60,
        },
        "Mönchengladbach": {
            "v-online": 60,
            "v-termin": 100,
            "i-glasfaser": 40,
            "i-mobilfunk": 50,
            "e-energie": 40,
            "e-umwelt": 45,
            "m-sharing": 50,
            "m-ampeln": 40,
            "g-bildung": 50,
            "g-beteiligung": 50,
        },
        "Neuss": {
            "v-online": 50,
            "v-termin": 100,
            "i-glasfaser": 45,
            "i-mobilfunk": 40,
            "e-energie": 45,
            "e-umwelt": 40,
            "m-sharing": 30,
            "m-ampeln": 50,
            "g-bildung": 40,
            "g-beteiligung": 45,
        },
        "Leverkusen": {
            "v-online": 40,
            "v-termin": 100,
            "i-glasfaser": 20,
            "i-mobilfunk": 30,
            "e-energie": 65,
            "e-umwelt": 30,
            "m-sharing": 20,
            "m-ampeln": 30,
            "g-bildung": 35,
            "g-beteiligung": 40,
        },
    }
    y2024 = {c: dict(v) for c, v in base.items()}
    # In 2024 Krefeld was weaker (behind Duisburg and Mönchengladbach) ...
    y2024["Krefeld"] = {k: max(0, v - 25) for k, v in base["Krefeld"].items()}
    y2025 = {c: dict(v) for c, v in base.items()}
    y2025["Cottbus"] = {i: 35.0 for i in IND_IDS}
    return indicator_dataset({2024: y2024, 2025: y2025})


# Twelve cities, overall scores only (ties: Bochum/Augsburg 70.0, Mönchengladbach/Neuss 60.0).
TWELVE = dict(
    zip(
        [
            "München",
            "Hamburg",
            "Köln",
            "Düsseldorf",
            "Bochum",
            "Augsburg",
            "Duisburg",
            "Krefeld",
            "Mönchengladbach",
            "Neuss",
            "Leverkusen",
            "Saarbrücken",
        ],
        [90.0, 85.0, 80.0, 75.0, 70.0, 70.0, 65.0, 62.0, 60.0, 60.0, 55.0, 50.0],
    )
)


def streak_dataset() -> FakeDataset:
    """Krefeld improves every year from 2021 to 2025 (five in a row) after a drop in 2020."""
    others = {"A": 90.0, "B": 80.0, "C": 70.0, "D": 60.0, "E": 50.0, "F": 40.0, "G": 30.0}
    kre = {2019: 35.0, 2020: 25.0, 2021: 33.0, 2022: 45.0, 2023: 55.0, 2024: 65.0, 2025: 75.0}
    return overall_dataset({y: dict(others, Krefeld=s) for y, s in kre.items()})


def lever_dataset() -> FakeDataset:
    """Krefeld at 50 on every indicator, eleven others with uniform scores above it."""
    spec = uniform(
        {
            "A": 51.0,
            "B": 52.0,
            "C": 53.0,
            "D": 55.5,
            "E": 60.0,
            "F": 70.0,
            "G": 80.0,
            "H": 85.0,
            "I": 90.0,
            "J": 95.0,
            "K": 97.0,
            "Krefeld": 50.0,
        }
    )
    return indicator_dataset({2025: spec})
