"""Small server-side SVG charts for reports: they print in a PDF with no script."""

from __future__ import annotations

import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ulinzi.reports import shapes

ACCENT = "#0b6e4f"
MUTED = "#5b6470"


CHAR_W = 5.2  # width of one character at font-size 9, near enough to place labels


def _text_w(text: str) -> float:
    return len(text) * CHAR_W


def bar_chart(
    series: Sequence[tuple[str, int]],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """Vertical bars, one per (label, value), with the value above each bar. Axis
    labels are spaced so they never overlap and kept whole inside the chart."""
    if not series:
        return mark_safe("")
    top = max(v for _, v in series) or 1
    left, bottom, head = 8, 28, 18
    inner_w, inner_h = width - 2 * left, height - bottom - head
    step = inner_w / len(series)
    bar = max(step * 0.7, 1.0)
    widest = max(_text_w(label) for label, _ in series) + 8
    every = max(1, math.ceil(widest / step))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{head + inner_h}" x2="{width - left}" y2="{head + inner_h}" '
        f'stroke="{MUTED}" stroke-width="1"/>',
    ]
    for i, (label, value) in enumerate(series):
        h = inner_h * value / top
        x = left + i * step + (step - bar) / 2
        y = head + inner_h - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{ACCENT}">'
            f"<title>{escape(label)}: {value}</title></rect>"
        )
        if value and len(series) <= 36:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" font-size="9" '
                f'text-anchor="middle" fill="{MUTED}">{value}</text>'
            )
        if i % every == 0:
            half = _text_w(label) / 2
            tx = min(max(x + bar / 2, half + 1), width - half - 1)  # whole, never clipped
            parts.append(
                f'<text x="{tx:.1f}" y="{height - 10}" font-size="9" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in the picture


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_box(
    cx: float, cy: float, r: float, text: str, placed: list[Box], width: int, height: int
) -> tuple[float, float, Box] | None:
    """Where a circle's label goes (text start x, baseline y, its box): below, above,
    right or left of the circle, the first place that stays in the picture and clears
    every label already placed; None when there is none."""
    w, h = _text_w(text), 11.0
    for x0, y0 in (
        (cx - w / 2, cy + r + 1),
        (cx - w / 2, cy - r - 1 - h),
        (cx + r + 3, cy - h / 2),
        (cx - r - 3 - w, cy - h / 2),
    ):
        box = (x0, y0, x0 + w, y0 + h)
        inside = box[0] >= 2 and box[1] >= 2 and box[2] <= width - 2 and box[3] <= height - 2
        if inside and not any(_overlaps(box, other) for other in placed):
            return x0, y0 + h - 2, box
    return None


def bubble_map(
    points: Sequence[tuple[float, float, int, str]],
    *,
    title: str,
    width: int = 640,
    height: int = 360,
) -> SafeString:
    """Areas as circles placed by longitude/latitude, sized by count, labelled, over
    the country outlines of the offline world atlas (:mod:`.shapes`). A label that
    would overlap another is left out (the circle's tooltip still names it)."""
    if not points:
        return mark_safe("")
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    pad = 1.0
    x0, x1 = min(lons) - pad, max(lons) + pad
    y0, y1 = min(lats) - pad, max(lats) + pad
    scale = min((width - 40) / (x1 - x0), (height - 40) / (y1 - y0))
    # The view around the points, centred, so outlines fill the picture.
    west = (x0 + x1) / 2 - width / 2 / scale
    north = (y0 + y1) / 2 + height / 2 / scale

    def at(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * scale, (north - lat) * scale

    top = max(p[2] for p in points) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart map">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f7f9" stroke="#d0d7de"/>',
    ]
    view = (west, north - height / scale, west + width / scale, north)
    outline = []
    for ring in shapes.rings_within(view):
        xy = [at(lon, lat) for lon, lat in ring]
        outline.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in xy) + "Z")
    if outline:
        parts.append(
            f'<path d="{"".join(outline)}" fill="#e3e8ed" stroke="#b7c0c9" '
            'stroke-width="0.6" fill-rule="evenodd"/>'
        )
    placed: list[Box] = []
    labels: list[str] = []
    for lon, lat, value, label in sorted(points, key=lambda p: -p[2]):
        cx, cy = at(lon, lat)
        r = 4 + 22 * (value / top) ** 0.5
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{ACCENT}" '
            f'fill-opacity="0.45" stroke="{ACCENT}"><title>{escape(label)}: {value}</title>'
            "</circle>"
        )
        text = f"{label} ({value})"
        where = _label_box(cx, cy, r, text, placed, width, height)
        if where is None:
            continue
        tx, ty, box = where
        placed.append(box)
        labels.append(
            f'<text x="{tx:.1f}" y="{ty:.1f}" font-size="9" fill="#1f2328">{escape(text)}</text>'
        )
    parts.extend(labels)  # above every circle
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above
