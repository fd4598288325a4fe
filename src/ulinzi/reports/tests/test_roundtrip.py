"""A partners HXL export imports back through the intake importer without loss."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from ulinzi.accounts.models import Organisation
from ulinzi.incidents.models import COUNT_FIELDS, Incident
from ulinzi.reports import services
from ulinzi.reports.release.model import date_label
from ulinzi.reports.tests.factories import bulk, random_rows

COMPARED = (
    "domain",
    "occurred_precision",
    "country",
    "admin1_pcode",
    "admin1_name",
    "cause",
    "certainty",
    "perpetrator",
    "facility_type",
    *COUNT_FIELDS,
)


def _facts(incident: Incident) -> dict[str, Any]:
    out: dict[str, Any] = {name: getattr(incident, name) for name in COMPARED}
    # A date is what it says at its precision: 2023-08-13 known to the year is "2023".
    out["occurred"] = date_label(incident.occurred_on, incident.occurred_precision)
    out["types"] = sorted(incident.types)
    out["resources"] = sorted(incident.resources)
    return out


def test_partners_hxl_round_trips_through_the_importer(demo_orgs: Any, tmp_path: Path) -> None:
    from ulinzi.intake.services import run_import

    cluster = Organisation.objects.get(code="cluster")
    rows = [
        r for r in random_rows(random.Random(11), 160) if r["status"] in ("submitted", "verified")
    ]
    originals = bulk(cluster, rows)
    path = tmp_path / "partners.csv"
    request = services.parse_request(fmt="hxl", level="partners")
    report = services.export_to_path(actor=None, request=request, path=path, via="test")
    assert report["records_out"] == len(originals)
    assert services.sidecar_path(path).exists()

    fresh = Organisation.objects.create(code="fresh", name="Fresh partner")
    result = run_import(organisation=fresh, path=path, fmt="hxl", progress=False)
    assert (result.created, result.rejected) == (len(originals), 0), result.rejects_sample

    imported = {i.source_id: i for i in Incident.objects.filter(organisation__code="fresh")}
    assert set(imported) == {str(o.pk) for o in originals}
    for original in originals:
        assert _facts(imported[str(original.pk)]) == _facts(original), original.pk
    for kind in ("killed", "injured"):
        before = sum(getattr(o, kind) or 0 for o in originals)
        after = sum(getattr(i, kind) or 0 for i in imported.values())
        assert before == after

    again = run_import(organisation=fresh, path=path, fmt="hxl", progress=False)
    assert (again.created, again.unchanged, again.rejected) == (0, len(originals), 0)
