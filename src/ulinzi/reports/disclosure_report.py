"""The disclosure report of a release: what was removed, suppressed and generalised."""

from __future__ import annotations

from collections import Counter
from typing import Any

from ulinzi.reports import disclosure as dc
from ulinzi.reports.cells import Table
from ulinzi.reports.columns import NEVER_EXPORTED, PUBLIC, PUBLIC_REMOVED
from ulinzi.reports.generalisation import PUBLIC_HIERARCHIES, Plan


def base_report(level: str, k: int, records_in: int, max_share: float) -> dict[str, Any]:
    removed = list(NEVER_EXPORTED) + (list(PUBLIC_REMOVED) if level == PUBLIC else [])
    return {
        "level": level,
        "k_requested": k,
        "records_in": records_in,
        "suppression_limit": max_share,
        "fields_removed": removed,
    }


def public_report(
    *,
    k: int,
    max_share: float,
    records_in: int,
    records_out: int,
    plans: dict[tuple[str, str], Plan],
    partitions: dict[tuple[str, str], Counter[dc.Key]],
    tables: list[Table],
) -> dict[str, Any]:
    """The report of a public release: records kept, k reached, generalisation, cells."""
    report = base_report(PUBLIC, k, records_in, max_share)
    sizes = [n for plan in plans.values() for n in plan.scheme.group_sizes.values()]
    report.update(
        records_out=records_out,
        records_suppressed=records_in - records_out,
        k_achieved=dc.k_achieved(sizes, k),
        **generalisation_report(plans, partitions),
        quasi_identifiers=[h.name for h in PUBLIC_HIERARCHIES],
        cells_suppressed={t.name: len(t.hidden) for t in tables},
        cells_primary={t.name: t.primary for t in tables},
    )
    return report


def generalisation_report(
    plans: dict[tuple[str, str], Plan], partitions: dict[tuple[str, str], Counter[dc.Key]]
) -> dict[str, Any]:
    """Records released at each level of each attribute, the records-weighted loss, and
    the scheme of every country and domain."""
    levels: dict[str, Counter[str]] = {h.name: Counter() for h in PUBLIC_HIERARCHIES}
    detail = []
    loss = 0.0
    out_total = 0
    for (country, domain), groups in sorted(partitions.items()):
        records = sum(groups.values())
        plan = plans.get((country, domain))
        if plan is None:
            detail.append(
                {
                    "country": country,
                    "domain": domain,
                    "records_in": records,
                    "records_out": 0,
                    "levels": None,
                }
            )
            continue
        described = plan.scheme.describe(PUBLIC_HIERARCHIES)
        kept = records - plan.scheme.suppressed
        for name, level in described.items():
            levels[name][level] += kept
        loss += plan.scheme.loss * kept
        out_total += kept
        detail.append(
            {
                "country": country,
                "domain": domain,
                "records_in": records,
                "records_out": kept,
                "levels": described,
            }
        )
    return {
        "generalisation": {
            name: dict(counts)
            for name, counts in levels.items()
            if name not in ("country", "domain")
        },
        "information_loss": round(loss / out_total, 3) if out_total else 0.0,
        "partitions": detail,
    }
