"""The migration to source ids per dataset: records imported before get the dataset their
source row's columns identify (and Insecurity Insight's its event id); the others stay in
the default dataset; ids that now live in two datasets no longer collide."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("incidents", "0005_incident_version")]
AFTER = [("incidents", "0006_dataset_identity")]


@pytest.mark.django_db(transaction=True)
def test_existing_records_get_their_dataset_and_event_id() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Organisation = apps.get_model("accounts", "Organisation")
    Incident = apps.get_model("incidents", "Incident")
    org = Organisation.objects.create(code="ii", name="II", kind="ingo")
    base: dict[str, Any] = {
        "organisation_id": org.pk, "domain": "health_care_attack", "occurred_on": date(2023, 1, 2),
        "country": "UKR",
    }  # fmt: skip
    Incident.objects.create(
        **base, source_id="101",
        raw_source={"SiND Event ID": 101, "Health Workers Threatened": 0},
    )  # fmt: skip
    Incident.objects.create(
        **base, source_id="102", raw_source={"SiND Event ID": 102, "Explosive Weapon Type": "x"}
    )
    Incident.objects.create(**base, source_id="oPt1", raw_source={"Attack ID": "oPt1"})
    Incident.objects.create(**base, source_id="api-7")  # from the API: no source row
    Incident.objects.create(**base, source_id="csv-1", raw_source={"Date": "2023-01-02"})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    Incident = apps.get_model("incidents", "Incident")
    got = {i.source_id: (i.dataset, i.event_id) for i in Incident.objects.all()}
    assert got == {
        "101": ("insecurity-insight-healthcare-incidents", "101"),
        "102": ("insecurity-insight-explosive-incidents", "102"),
        "oPt1": ("who-ssa", ""),
        "api-7": ("", ""),
        "csv-1": ("", ""),
    }
    # The same id in another dataset is another record; in the same one it is refused.
    Incident.objects.create(**base, source_id="101", dataset="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.create(**base, source_id="101", dataset="")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
