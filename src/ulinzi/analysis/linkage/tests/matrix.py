"""Objects behind the linkage placeholders of tests/test_access_matrix.py.

{review_pair}: a pending pair of two GBV reports of "cluster" (the matrix incident and a
second one). GBV is shared with nobody, so only cluster's coordinator may decide it.
"""

from __future__ import annotations

from typing import Any


def placeholders(template: str) -> dict[str, Any]:
    if "{review_pair}" not in template:
        return {}
    from ulinzi.analysis.linkage.models import ReviewPair
    from ulinzi.incidents.models import Incident

    first = Incident.objects.filter(organisation__code="cluster", domain="gbv").first()
    assert first is not None
    second = Incident.objects.create(
        organisation=first.organisation,
        domain="gbv",
        occurred_on=first.occurred_on,
        country=first.country,
    )
    left, right = sorted([first, second], key=lambda i: str(i.pk))
    pair = ReviewPair.objects.create(
        left=left,
        right=right,
        match_probability=0.7,
        match_weight=1.2,
        evidence=[{"comparison": "occurred", "level": "same day", "weight": 7.1}],
    )
    return {"review_pair": pair.pk}
