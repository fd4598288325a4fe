"""The migrations that made notes, reasons, alert headlines, notified content, rejects and
kept files encrypted: migrating back leaves them as older versions stored them (in clear),
and migrating forward again encrypts what it finds, rows and files, on both databases."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ulinzi.common import crypto, encrypted_files

BEFORE = [
    ("alerts", "0003_versions"),
    ("cases", "0004_timeline_params"),
    ("deconfliction", "0002_versions"),
    ("intake", "0002_web_upload"),
    ("linkage", "0001_initial"),
    ("reports", "0001_initial"),
]
NOTE = "she asked us not to call her husband"
# (table, column) → the text each holds in this test
COLUMNS = {
    ("alerts_alert", "title"): NOTE,
    ("cases_consent", "note"): NOTE,
    ("cases_consent", "withdrawal_note"): NOTE,
    ("deconfliction_site", "removal_reason"): NOTE,
    ("deconfliction_movement", "override_reason"): NOTE,
    ("deconfliction_notification", "content"): NOTE,
    ("deconfliction_event", "detail"): NOTE,
    ("linkage_reviewpair", "note"): NOTE,
    ("intake_importreject", "value"): NOTE,
    ("intake_importreject", "reason"): NOTE,
}


def _make_rows(demo_orgs: dict[str, Any], user: Any, make_incident: Any) -> None:
    """One row of every kind, each text holding :data:`NOTE` (written encrypted)."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.alerts.deconfliction.models import Batch, Event, Movement, Notification, Site
    from ulinzi.alerts.models import Alert
    from ulinzi.analysis.linkage.models import ReviewPair
    from ulinzi.cases.models import Consent
    from ulinzi.cases.services import casefile
    from ulinzi.intake.models import ImportReject, ImportRun

    now = timezone.now()
    cluster, amani = demo_orgs["cluster"], demo_orgs["amani"]
    Alert.objects.create(
        organisation=cluster, title=NOTE, severity="urgent", severity_rank=3,
        domains=["protection"], domain_mask=1, expires_at=now + timedelta(hours=1),
    )  # fmt: skip
    case = casefile.open_case(actor=actor_for(user("case_worker")), data={"country": "UKR"})
    Consent.objects.create(
        case=case, purpose="referral", recipient=amani, given_at=now, note=NOTE,
        withdrawal_note=NOTE,
    )  # fmt: skip
    site = Site.objects.create(
        organisation=amani, coordinated_by=amani, name="Clinic", site_type="health_facility",
        lat=48.1, lon=37.7, valid_from=date(2025, 1, 1), removal_reason=NOTE,
    )  # fmt: skip
    Movement.objects.create(
        organisation=amani, coordinated_by=amani, purpose="Evacuation", route=[[1, 2], [3, 4]],
        departure_from=now, departure_until=now, arrival_from=now, arrival_until=now,
        override_reason=NOTE,
    )  # fmt: skip
    batch = Batch.objects.create(party=cluster, coordinated_by=amani, sent_at=now)
    notification = Notification.objects.create(
        batch=batch, party=cluster, coordinated_by=amani, kind="site_removal", site=site,
        content={"removal_reason": NOTE}, sent_at=now, ack_deadline=now,
    )  # fmt: skip
    Event.objects.create(notification=notification, at=now, type="sent", detail={"reason": NOTE})
    left, right = make_incident(), make_incident()
    ReviewPair.objects.create(
        left=left, right=right, match_probability=0.5, match_weight=0.0, note=NOTE
    )
    run = ImportRun.objects.create(organisation=cluster, fmt="csv", file_name="a.csv")
    ImportReject.objects.create(run=run, row=3, column="Country", value=NOTE, reason=NOTE)


def _stored() -> dict[tuple[str, str], str]:
    out = {}
    with connection.cursor() as cursor:
        for table, column in COLUMNS:
            cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table}")
            (value,) = cursor.fetchone()
            out[(table, column)] = str(value)
    return out


@pytest.mark.django_db(transaction=True)
def test_migrating_back_and_forth_decrypts_then_encrypts_rows_and_files(
    demo_orgs: dict[str, Any], user: Any, make_incident: Any, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    _make_rows(demo_orgs, user, make_incident)
    kept = [tmp_path / "imports" / "7-partner-rejects.csv", tmp_path / "exports" / "e.csv"]
    for path in kept:
        path.parent.mkdir(mode=0o700)
        encrypted_files.write(path, NOTE.encode())
    assert all(crypto.is_ciphertext(v) for v in _stored().values())

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        clear = _stored()
        assert all(NOTE in value for value in clear.values()), clear
        assert [p.read_bytes() for p in kept] == [NOTE.encode()] * 2
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(
            [node for app, _ in BEFORE for node in executor.loader.graph.leaf_nodes(app)]
        )
    sealed = _stored()
    assert all(crypto.is_ciphertext(v) and NOTE not in v for v in sealed.values()), sealed
    assert all(NOTE.encode() not in p.read_bytes() for p in kept)
    assert [encrypted_files.read_bytes(p) for p in kept] == [NOTE.encode()] * 2

    from ulinzi.alerts.deconfliction.models import Notification
    from ulinzi.intake.models import ImportReject

    assert Notification.objects.get().content == {"removal_reason": NOTE}
    assert ImportReject.objects.get().value == NOTE
