"""Write src/ulinzi/reports/data/country_centroids.json from world-atlas 110m countries.

Each country's point is the area-weighted centroid of its largest polygon (so that, for
instance, France is placed in Europe). Run once when the vendored world-atlas changes:
    .venv/bin/python scripts/build-country-centroids.py
"""

from __future__ import annotations

import json
from pathlib import Path

import pycountry

ROOT = Path(__file__).resolve().parent.parent
ATLAS = ROOT / "src/ulinzi/web/static/vendor/world-atlas-2.0.2/countries-110m.json"
OUT = ROOT / "src/ulinzi/reports/data/country_centroids.json"


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for i in indexes:
        points = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        out.extend(points if not out else points[1:])
    return out


def centroid(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        xs, ys = zip(*points, strict=True)
        return sum(xs) / len(xs), sum(ys) / len(ys), 0.0
    return cx / (3 * area), cy / (3 * area), abs(area) / 2


def main() -> None:
    topo = json.loads(ATLAS.read_text())
    arcs = decode_arcs(topo)
    out: dict[str, list[float]] = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        country = pycountry.countries.get(numeric=str(geom.get("id", "")).zfill(3))
        if country is None or geom["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        best = max((centroid(ring(arcs, poly[0])) for poly in polygons), key=lambda c: c[2])
        out[country.alpha_3] = [round(best[0], 3), round(best[1], 3)]
    OUT.write_text(json.dumps(dict(sorted(out.items())), indent=0) + "\n")
    print(f"{len(out)} countries → {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
