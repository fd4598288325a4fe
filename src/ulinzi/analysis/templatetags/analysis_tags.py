"""Template helpers for the dashboard: a number with its incident-list link, and panels
turned into table rows."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def num(c: dict[str, Any] | None) -> SafeString:
    """``{{ cell|num }}``: the number, linked to the incidents behind it when a list
    filter can express them."""
    if not c:
        return format_html("{}", "")
    if c["v"] is None:
        return format_html('<span class="n none">{}</span>', _("not recorded"))
    shown = number_format(c["v"], force_grouping=True)
    if not c["v"]:
        return format_html('<span class="n zero">{}</span>', shown)
    if c.get("href"):
        return format_html('<a class="n" href="{}">{}</a>', c["href"], shown)
    return format_html(
        '<span class="n" title="{}">{}</span>',
        _("The incident list has no filter for “not recorded”."),
        shown,
    )


def period_href(href: str | None, bounds: list[str]) -> str | None:
    """The list link of one value of a time series (see ``summary.Builder.series``)."""
    if not href:
        return None
    return f"{href}&{urlencode({'date_from': bounds[0], 'date_to': bounds[1]})}"


@register.filter
def as_rows(panel: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """A time panel as (period, [one cell per series]) rows, newest first; zeros carry
    no link (there is nothing behind them) and periods with nothing at all are left out."""
    series = panel.get("series", [])
    rows = []
    for i, period in enumerate(panel["periods"]):
        cells = []
        for s in series:
            v = s["values"][i]
            cells.append(
                {"v": v, "href": period_href(s["href"], panel["bounds"][i]) if v else None}
            )
        if any(c["v"] for c in cells):
            rows.append((period, cells))
    return rows[::-1]
