"""Patterns of harm as heatmap tables: perpetrator × type × resource hit for attacks on
health care, perpetrator × type × people harmed per victim group for the other domains."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ulinzi.analysis.aggregates import HEALTH, VICTIM_GROUPS
from ulinzi.analysis.shaping import Link, cell, heat, type_label, vocab_label
from ulinzi.incidents.filters import NOT_RECORDED
from ulinzi.vocab import registry

PATTERN_ROWS = 25


def health_table(
    by_type: list[dict[str, Any]], cells_rows: list[dict[str, Any]], link: Link
) -> dict[str, Any]:
    totals: dict[tuple[str, str], int] = {}
    untyped = 0
    for r in by_type:
        if r["domain"] != HEALTH:
            continue
        if r["type"] is None:
            untyped += r["n"]
        else:
            key = (r["perpetrator"] or "", r["type"])
            totals[key] = totals.get(key, 0) + r["n"]
    cells = {(r["perpetrator"] or "", r["type"], r["resource"]): r["n"] for r in cells_rows}
    used = [c for c in registry.get("resource").codes() if any(k[2] == c for k in cells)]
    ranked = sorted(totals, key=lambda k: (-totals[k], k))
    top = max(cells.values(), default=0)
    rows = []
    for perp, typ in ranked[:PATTERN_ROWS]:
        base = {"domain": HEALTH, "perpetrator": perp or NOT_RECORDED, "type": typ}
        rows.append(
            {
                "codes": {"perpetrator": perp, "type": typ},
                "perpetrator": vocab_label("perpetrator", perp),
                "type": type_label(typ, HEALTH),
                "total": cell(totals[(perp, typ)], link(**base)),
                "cells": [
                    {
                        **cell(
                            cells.get((perp, typ, c), 0),
                            link(**base, resource=c),
                        ),
                        "heat": heat(cells.get((perp, typ, c), 0), top),
                    }
                    for c in used
                ],
            }
        )
    return {
        "columns": [{"key": c, "label": vocab_label("resource", c)} for c in used],
        "rows": rows,
        "hidden_rows": max(0, len(ranked) - PATTERN_ROWS),
        "untyped": untyped,
        "untyped_href": link(domain=HEALTH, type=NOT_RECORDED),
    }


def other_table(
    by_type: list[dict[str, Any]], groups_rows: list[dict[str, Any]], link: Link
) -> dict[str, Any]:
    ranked = sorted(groups_rows, key=lambda r: (-r["n"], r["domain"], r["perpetrator"], r["type"]))
    groups = ("all", *VICTIM_GROUPS)
    top = max((r[g] or 0 for r in ranked for g in groups), default=0)
    rows = []
    for r in ranked[:PATTERN_ROWS]:
        perp = r["perpetrator"] or ""
        href = link(domain=r["domain"], perpetrator=perp or NOT_RECORDED, type=r["type"])
        rows.append(
            {
                "codes": {"domain": r["domain"], "perpetrator": perp, "type": r["type"]},
                "domain": vocab_label("domain", r["domain"]),
                "perpetrator": vocab_label("perpetrator", perp),
                "type": type_label(r["type"], r["domain"]),
                "total": cell(r["n"], href),
                "cells": [{**cell(r[g], href), "heat": heat(r[g], top)} for g in groups],
            }
        )
    labels = {
        "all": _("All people"),
        "children": _("Children"),
        "health_workers": _("Health workers"),
        "patients": _("Patients"),
    }
    return {
        "columns": [{"key": g, "label": labels[g]} for g in groups],
        "rows": rows,
        "hidden_rows": max(0, len(ranked) - PATTERN_ROWS),
        "untyped": sum(r["n"] for r in by_type if r["domain"] != HEALTH and r["type"] is None),
    }
