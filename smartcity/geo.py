"""Offline outline of Germany and its 16 Länder for the overview map.

The boundaries come from ``smartcity/assets/germany_laender.geojson`` (BKG VG250, simplified
by ``scripts/build_germany_outline.py``; source and licence in ``smartcity/assets/README.md``).
Nothing is downloaded. No geopandas/shapely: polygons become plain matplotlib ``Path`` objects.

Projection: a simple equirectangular projection with the x axis scaled by cos(51°), the
latitude of the middle of Germany, so that shapes are not stretched east-west::

    x = longitude * cos(51°),  y = latitude
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from matplotlib.path import Path as MplPath

ASSET = Path(__file__).resolve().parent / "assets" / "germany_laender.geojson"
REF_LATITUDE = 51.0
X_SCALE = math.cos(math.radians(REF_LATITUDE))
#: attribution required by the data licence; show it with every map
ATTRIBUTION = "Grenzen: © GeoBasis-DE / BKG 2017 (vereinfacht)"
ATTRIBUTION_EN = "Boundaries: © GeoBasis-DE / BKG 2017 (simplified)"


@dataclass(frozen=True)
class Land:
    """One Bundesland: ``polygons`` is a list of polygons, each a list of rings
    (first the exterior, then holes) as ``(n, 2)`` arrays of longitude/latitude."""

    name: str
    code: str  # ISO 3166-2, e.g. "DE-BY"
    ags: str  # two-digit Land key, e.g. "09"
    polygons: tuple[tuple[np.ndarray, ...], ...]

    @functools.cached_property
    def path(self) -> MplPath:
        """Compound path in longitude/latitude (holes included, drawn with opposite orientation)."""
        return _compound_path(self.polygons, projected=False)

    @functools.cached_property
    def projected_path(self) -> MplPath:
        """Compound path in map coordinates (see :func:`project`)."""
        return _compound_path(self.polygons, projected=True)

    @functools.cached_property
    def _ring_paths(self) -> tuple[tuple[MplPath, tuple[MplPath, ...]], ...]:
        return tuple((MplPath(poly[0]), tuple(MplPath(h) for h in poly[1:])) for poly in self.polygons)

    def contains(self, longitude: float, latitude: float) -> bool:
        """Point-in-polygon test in longitude/latitude, holes respected.

        (matplotlib's ``Path.contains_point`` ORs the subpaths of a compound path, so a
        point inside a hole, e.g. Bremen inside Niedersachsen, would count as inside.)
        """
        pt = (longitude, latitude)
        return any(
            ext.contains_point(pt) and not any(h.contains_point(pt) for h in holes) for ext, holes in self._ring_paths
        )


def project(longitude, latitude):
    """Equirectangular projection with cos(51°) aspect correction; works on scalars and arrays."""
    return np.asarray(longitude, dtype=float) * X_SCALE, np.asarray(latitude, dtype=float)


def _compound_path(polygons, projected: bool) -> MplPath:
    vertices, codes = [], []
    for poly in polygons:
        for ring in poly:
            pts = np.column_stack(project(ring[:, 0], ring[:, 1])) if projected else ring.copy()
            vertices.append(pts)
            vertices.append(pts[:1])
            c = np.full(len(pts) + 1, MplPath.LINETO, dtype=MplPath.code_type)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            codes.append(c)
    return MplPath(np.vstack(vertices), np.concatenate(codes))


@functools.lru_cache(maxsize=1)
def load_laender() -> tuple[Land, ...]:
    """The 16 Länder, sorted by their key (01 Schleswig-Holstein ... 16 Thüringen). Cached."""
    data = json.loads(ASSET.read_text(encoding="utf-8"))
    out = []
    for feat in data["features"]:
        props, geom = feat["properties"], feat["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        polygons = tuple(tuple(np.asarray(ring, dtype=float)[:-1] for ring in poly) for poly in polys)
        out.append(Land(props["name"], props["code"], props["ags"], polygons))
    return tuple(sorted(out, key=lambda land: land.ags))


def land_at(longitude: float, latitude: float) -> str | None:
    """Name of the Land containing the point, or None if it lies outside Germany."""
    for land in load_laender():
        if land.contains(longitude, latitude):
            return land.name
    return None


def in_germany(longitude: float, latitude: float) -> bool:
    return land_at(longitude, latitude) is not None


@functools.lru_cache(maxsize=1)
def bounds() -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat) of Germany."""
    pts = np.vstack([ring for land in load_laender() for poly in land.polygons for ring in poly])
    return (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))


def draw_germany(
    ax,
    *,
    facecolor: str = "#f2f2f2",
    border_color: str = "#bdbdbd",
    outline_color: str = "#7a7a7a",
    border_width: float = 0.5,
    outline_width: float = 0.9,
    zorder: float = 0,
) -> None:
    """Draw the Länder (light fill, light grey borders) and the national outline on ``ax``
    in projected coordinates, set equal aspect and sensible limits, and hide the axes.

    The outline is drawn as a wider stroke underneath the filled Länder: inside Germany the
    fill covers it, so only the outer border remains visible (no separate outline data needed).
    One patch per Land and pass (the ``Path`` objects are built once per process).
    """
    from matplotlib.patches import PathPatch

    paths = [land.projected_path for land in load_laender()]  # built once per process
    # add_artist, not add_patch: the limits are set below, and add_patch would walk every
    # vertex in Python to update the data limits (~0.2 s per map, 2/3 of the map's cost)
    for path in paths:
        ax.add_artist(
            PathPatch(
                path,
                facecolor="none",
                edgecolor=outline_color,
                linewidth=outline_width * 2,
                zorder=zorder,
                joinstyle="round",
            )
        )
    for path in paths:
        ax.add_artist(
            PathPatch(
                path,
                facecolor=facecolor,
                edgecolor=border_color,
                linewidth=border_width,
                zorder=zorder + 0.1,
                joinstyle="round",
            )
        )
    x0, y0, x1, y1 = bounds()
    pad = 0.15
    ax.set_xlim((x0 - pad) * X_SCALE, (x1 + pad) * X_SCALE)
    ax.set_ylim(y0 - pad, y1 + pad)
    ax.set_aspect("equal")
    ax.set_axis_off()
