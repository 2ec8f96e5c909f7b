"""What the portal pages show, computed once per dataset and cached as JSON (no pandas on a rerun).

Per edition: every ranked city with rank, score, rank change, the five category ranks and scores,
Land and size class (``analysis.field_table``, the same tables the reports use), plus the city's
point on the map. The map itself (the 16 Länder as SVG paths) comes from ``smartcity.geo`` with its
projection, so the portal's map is the overview report's map drawn as SVG.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from smartcity.runner import fingerprint
from smartcity.runner.datainfo import DataInfo, load_dataset_of
from smartcity.runner.fsutil import atomic_write

PORTAL_SCHEMA = 2
MAP_WIDTH = 360.0  # SVG user units; the page scales it
MAP_MIN_STEP = 0.6  # drop outline points closer than this (SVG units): smaller pages, same look


def load_portal_data(info: DataInfo, cache_dir: Path | None) -> dict:
    key = fingerprint.digest([info.checksum, info.catalogue, fingerprint.library_code_version(), PORTAL_SCHEMA])[:32]
    cache_file = Path(cache_dir) / f"portal-{key}.json" if cache_dir else None
    if cache_file and cache_file.is_file():
        try:
            return json.loads(cache_file.read_text(encoding="utf-8"))
        except ValueError:
            pass
    data = compute_portal_data(info)
    if cache_file:
        atomic_write(cache_file, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return data


def compute_portal_data(info: DataInfo) -> dict:
    # start-up: pandas and the analysis stack, not needed by a no-change rerun
    import pandas as pd  # noqa: PLC0415

    from smartcity import analysis as an  # noqa: PLC0415
    from smartcity import catalogue, fmt, geo  # noqa: PLC0415

    ds = load_dataset_of(info)
    cities = catalogue.load_cities().set_index("name")
    laender, project_point = map_outline()
    editions: dict[str, list[dict]] = {}
    for year in ds.years:
        if not an.has_level(ds, year, "overall"):
            continue
        overall = an.field_table(ds, year, "overall")
        cats = {}
        if an.has_level(ds, year, "category"):
            for c in catalogue.CATEGORIES:
                t = an.field_table(ds, year, "category", c.name_de)
                cats[c.slug] = dict(zip(t["city"], zip(t["rank"], t["score"])))
        rows = []
        for r in overall.itertuples(index=False):
            lat = cities.at[r.city, "latitude"] if r.city in cities.index else None
            lon = cities.at[r.city, "longitude"] if r.city in cities.index else None
            point = project_point(float(lon), float(lat)) if lat is not None and pd.notna(lat) else None
            cat_values = []
            for c in catalogue.CATEGORIES:
                rank, score = cats.get(c.slug, {}).get(r.city, (None, None))
                cat_values.append(
                    [
                        None if rank is None or pd.isna(rank) else int(rank),
                        None if score is None or pd.isna(score) else float(score),
                    ]
                )
            rows.append(
                {
                    "city": r.city,
                    "slug": catalogue.city_slug(r.city),
                    "rank": int(r.rank),
                    "score": float(r.score),
                    "change": None if pd.isna(r.rank_change) else int(r.rank_change),
                    "land": r.bundesland if isinstance(r.bundesland, str) else "",
                    "land_en": fmt.bundesland(r.bundesland, "en") if isinstance(r.bundesland, str) else "",
                    "size": r.size_class if isinstance(r.size_class, str) else "",
                    "cats": cat_values,
                    "xy": point,
                }
            )
        editions[str(year)] = rows
    return {
        "schema": PORTAL_SCHEMA,
        "checksum": info.checksum,
        "editions": editions,
        "categories": [[c.name_de, c.name_en, c.slug] for c in catalogue.CATEGORIES],
        "map": {
            "laender": laender,
            "width": MAP_WIDTH,
            "height": _map_height(),
            "attribution": {"de": geo.ATTRIBUTION, "en": geo.ATTRIBUTION_EN},
        },
    }


def _map_height() -> float:
    from smartcity import geo  # noqa: PLC0415 - start-up: numpy and the map, not needed by a no-change rerun

    x0, y0, x1, y1 = geo.bounds()
    (px0, px1), (py0, py1) = geo.project([x0, x1], [y0, y1])
    return round(MAP_WIDTH * (py1 - py0) / (px1 - px0), 1)


def map_outline() -> tuple[list[dict], Callable]:
    """The Länder as SVG path data in a ``MAP_WIDTH`` wide box, and the point projection for cities."""
    from smartcity import geo  # noqa: PLC0415 - start-up: numpy and the map, not needed by a no-change rerun

    x0, y0, x1, y1 = geo.bounds()
    (px0, px1), (py0, py1) = geo.project([x0, x1], [y0, y1])
    scale = MAP_WIDTH / (px1 - px0)

    def to_svg(lon, lat):
        x, y = geo.project(lon, lat)
        return (x - px0) * scale, (py1 - y) * scale  # SVG y grows downwards

    def point(lon: float, lat: float) -> list[float]:
        x, y = to_svg(lon, lat)
        return [round(float(x), 1), round(float(y), 1)]

    laender = []
    for land in geo.load_laender():
        parts = []
        for poly in land.polygons:
            for ring in poly:
                xs, ys = to_svg(ring[:, 0], ring[:, 1])
                pts, last = [], None
                for x, y in zip(xs, ys):
                    if last is None or abs(x - last[0]) + abs(y - last[1]) >= MAP_MIN_STEP:
                        pts.append((x, y))
                        last = (x, y)
                if len(pts) >= 3:
                    parts.append("M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts) + "Z")
        laender.append({"name": land.name, "d": "".join(parts)})
    return laender, point
