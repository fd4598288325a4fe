"""Country outlines for the report maps, from the vendored world atlas (Natural Earth
1:110m, TopoJSON): decoded once, kept in memory, drawn under the report's points so a
map shows where it is even offline and in a PDF."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

ATLAS = (
    Path(__file__).resolve().parent.parent
    / "web"
    / "static"
    / "vendor"
    / "world-atlas-2.0.2"
    / "countries-110m.json"
)
Ring = list[tuple[float, float]]  # (lon, lat) points, closed
Box = tuple[float, float, float, float]  # west, south, east, north


@cache
def _countries() -> tuple[tuple[Box, tuple[Ring, ...]], ...]:
    """Each country's bounding box and outline rings (polygons and their holes)."""
    topo = json.loads(ATLAS.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs: list[Ring] = []
    for arc in topo["arcs"]:  # delta-encoded, quantised positions
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> Ring:
        out: Ring = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(points[1:] if out else points)
        return out

    shapes = []
    for geometry in topo["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        rings = tuple(ring(r) for polygon in polygons for r in polygon)
        lons = [p[0] for r in rings for p in r]
        lats = [p[1] for r in rings for p in r]
        shapes.append(((min(lons), min(lats), max(lons), max(lats)), rings))
    return tuple(shapes)


def rings_within(box: Box) -> list[Ring]:
    """The outline rings of every country whose bounding box meets ``box``."""
    west, south, east, north = box
    return [
        r
        for (w, s, e, n), rings in _countries()
        if w <= east and e >= west and s <= north and n >= south
        for r in rings
    ]
