"""Documented vs estimated incidents for one stratum, for the API and the panel."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.analysis.estimation import estimate, linked
from ulinzi.analysis.linkage import policies
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.vocab import registry


def for_stratum(
    actor: Actor, *, country: str, period: str, domain: str = "", admin1: str = ""
) -> dict[str, Any]:
    """The estimate over the linked incidents the actor may see (never a bare number:
    the interval and the caveats always come with it)."""
    if not policies.can_estimate(actor):
        raise NotAllowed("coordinators and analysts read estimates")
    problems = []
    country = (country or "").strip().upper()
    if len(country) != 3 or not country.isalpha():
        problems.append(FieldProblem("country", "is required: an ISO3 code", country or None))
    if not (period or "").strip():
        problems.append(FieldProblem("period", "is required, e.g. 2024 or 2024-Q2"))
    if domain and domain not in registry.get("domain").codes():
        problems.append(FieldProblem("domain", "is not a domain", domain))
    if problems:
        raise InvalidInput(problems)
    start, end = linked.period(period)
    stratum = linked.Stratum(country, start, end, domain, admin1)
    table = linked.table_for(actor, stratum)
    base: dict[str, Any] = {
        "stratum": {
            "country": country,
            "period": period,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "domain": domain or None,
            "admin1": admin1 or None,
        },
        "documented": table.observed,
        "sources": table.k,
    }
    if table.k < estimate.MIN_LISTS:
        return {
            **base,
            "estimate": None,
            "interval": None,
            "caveats": [
                _(
                    "Fewer than three sources recorded incidents here: no estimate of what "
                    "went unrecorded can be made."
                )
            ],
        }
    return {**base, **estimate.estimate(table)}
