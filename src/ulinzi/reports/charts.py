"""Small server-side SVG charts for reports: they print in a PDF with no script."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ACCENT = "#0b6e4f"
MUTED = "#5b6470"


def bar_chart(
    series: Sequence[tuple[str, int]],
    *,
    title: str,
    width: int = 640,
    height: int = 200,
) -> SafeString:
    """Vertical bars, one per (label, value), with the value above each bar."""
    if not series:
        return mark_safe("")
    top = max(v for _, v in series) or 1
    left, bottom, head = 8, 28, 18
    inner_w, inner_h = width - 2 * left, height - bottom - head
    step = inner_w / len(series)
    bar = max(step * 0.7, 1.0)
    every = max(1, round(len(series) / 12))
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
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{height - 10}" font-size="9" '
                f'text-anchor="middle" fill="{MUTED}">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above


def bubble_map(
    points: Sequence[tuple[float, float, int, str]],
    *,
    title: str,
    width: int = 640,
    height: int = 360,
) -> SafeString:
    """Areas as circles placed by longitude/latitude, sized by count, labelled.

    A schematic map (no background shapes): it shows where incidents cluster, and it
    renders anywhere, in a PDF included."""
    if not points:
        return mark_safe("")
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    pad = 0.5
    x0, x1 = min(lons) - pad, max(lons) + pad
    y0, y1 = min(lats) - pad, max(lats) + pad
    scale = min((width - 40) / (x1 - x0), (height - 40) / (y1 - y0))
    top = max(p[2] for p in points) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart map">',
        f"<title>{escape(title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#f4f7f9" stroke="#d0d7de"/>',
    ]
    labelled: list[tuple[float, float]] = []
    for lon, lat, value, label in sorted(points, key=lambda p: -p[2]):
        cx = 20 + (lon - x0) * scale
        cy = 20 + (y1 - lat) * scale
        r = 4 + 22 * (value / top) ** 0.5
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}" fill="{ACCENT}" '
            f'fill-opacity="0.45" stroke="{ACCENT}"><title>{escape(label)}: {value}</title>'
            "</circle>"
        )
        ty = cy + r + 10
        if any(abs(ty - y) < 11 and abs(cx - x) < 90 for x, y in labelled):
            continue  # the circle's tooltip names it; labels must not pile up
        labelled.append((cx, ty))
        anchor = "end" if cx > width * 0.8 else "start" if cx < width * 0.2 else "middle"
        parts.append(
            f'<text x="{cx:.1f}" y="{ty:.1f}" font-size="9" text-anchor="{anchor}" '
            f'fill="#1f2328">{escape(label)} ({value})</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every label is escaped above
