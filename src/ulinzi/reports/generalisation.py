"""What a release may generalise, and the scheme chosen for each country and domain."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ulinzi.reports import disclosure as dc

# Public quasi-identifiers (place, time, casualty figures, and the domain), in the order
# of the fine key; country and domain are never coarsened. What happened (types,
# resources, facility type) is published per incident as the SSA does, with cause and
# certainty; those are not generalised (see docs/disclosure-control.md).
PUBLIC_HIERARCHIES: tuple[dc.Hierarchy, ...] = (
    dc.Hierarchy("country", ("country",), 0, dc.drop),
    dc.Hierarchy("domain", ("domain",), 0, dc.drop),
    dc.Hierarchy(
        "period",
        ("month", "quarter", "year"),
        1.0,
        lambda v, lvl: dc.coarsen_period(str(v), lvl),
    ),
    dc.Hierarchy("casualties", dc.CASUALTY_LEVELS, 2.0, dc.coarsen_bands),
)
PARTNER_HIERARCHIES: tuple[dc.Hierarchy, ...] = (
    dc.Hierarchy("country", ("country",), 0, dc.drop),
    dc.Hierarchy("domain", ("domain",), 0, dc.drop),
    dc.Hierarchy("types", ("types",), 0, dc.drop),
    dc.Hierarchy("date", ("day", "month", "year"), 1.0, lambda v, lvl: dc.coarsen_day(str(v), lvl)),
    dc.Hierarchy("place", ("admin1", "country"), 2.0, dc.drop),
    dc.Hierarchy(
        "casualties",
        ("exact", "bands 0/1/2-4/5-9/10+", "bands 0/1-4/5+"),
        1.0,
        lambda v, lvl: (
            v
            if lvl == 0
            else tuple(  # type: ignore[union-attr]
                dc.coarsen_band(dc.band(n), lvl - 1) if n is not None else "" for n in v
            )
        ),
    ),
)


@dataclass
class Plan:
    """The generalisation chosen for one country and domain."""

    scheme: dc.Scheme
    project: dc.Projector


def plan_partitions(
    partitions: dict[tuple[str, str], Counter[dc.Key]], k: int, max_share: float
) -> dict[tuple[str, str], Plan]:
    """A scheme per country and domain (groups never span two of them, so each may be
    generalised only as much as its own records need); none where fewer than ``k``."""
    plans: dict[tuple[str, str], Plan] = {}
    for part, groups in partitions.items():
        total = sum(groups.values())
        if total < k:
            continue
        scheme = dc.choose_scheme(
            groups, PUBLIC_HIERARCHIES, k=k, max_suppressed=int(total * max_share)
        )
        plans[part] = Plan(scheme, dc.Projector(PUBLIC_HIERARCHIES, scheme.levels))
    return plans
