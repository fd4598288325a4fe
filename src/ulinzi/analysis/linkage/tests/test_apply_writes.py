"""Applying clusters writes status and certainty only: no narrative is read."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ulinzi.accounts import services as accounts
from ulinzi.analysis.linkage import services
from ulinzi.incidents import facts, writes
from ulinzi.incidents.models import Incident, IncidentChange

pytestmark = pytest.mark.django_db


def _reports(count: int) -> list[Incident]:
    orgs = [
        accounts.ensure_organisation(code=f"src{i}", name=f"Source {i}", kind="ingo")
        for i in range(count)
    ]
    reports = [
        Incident(
            id=uuid.uuid4(),
            organisation=org,
            domain="health_care_attack",
            types=["heavy_weapons"],
            occurred_on=date(2024, 3, 1),
            country="UKR",
            certainty="possible",
            narrative=f"The story as source {i} told it.",
        )
        for i, org in enumerate(orgs)
    ]
    writes.insert(reports)
    return reports


def test_linking_reads_no_narrative_and_keeps_the_copy_in_step() -> None:
    reports = _reports(3)
    ids = [str(r.pk) for r in reports]
    with CaptureQueriesContext(connection) as seen:
        linked, unlinked = services.apply_clusters(None, ids, [ids])
    assert (linked, unlinked) == (3, 0)
    narrative = connection.ops.quote_name("narrative")
    reads = [
        q["sql"] for q in seen.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert reads and not [sql for sql in reads if narrative in sql]
    after = {str(i.pk): i for i in Incident.objects.filter(pk__in=ids)}
    assert sorted(i.status for i in after.values()) == ["duplicate", "duplicate", "submitted"]
    assert all(i.version == 2 for i in after.values())
    assert all(i.narrative.startswith("The story") for i in after.values())
    assert IncidentChange.objects.filter(incident_id__in=ids, action="linked").count() == 3
    assert facts.differences() == []
