"""Run in ``ulinzi manage shell`` by test_backup.py: make records whose stories are
encrypted, and report what an instance holds (decrypted) for comparison."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings

UPLOAD = Path("imports") / "uploads" / "backup-test" / "reports.csv"


def prepare() -> None:
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.cases.models import Case
    from ulinzi.common import encrypted_files
    from ulinzi.demo.organisations import load_organisations
    from ulinzi.incidents import services

    orgs = load_organisations()
    monitor = actor_for(User.objects.get(username="monitor"))
    for n in range(5):
        services.create(
            actor=monitor,
            data={
                "domain": "protection",
                "occurred_on": "2025-01-15",
                "country": "UKR",
                "narrative": f"story {n}: the nurse was stopped at the checkpoint",
            },
        )
    Case.objects.create(
        organisation=orgs["cluster"],
        opened_by=User.objects.get(username="case_worker"),
        country="UKR",
        survivor_name="Survivor name kept encrypted",
        survivor_details="details of what happened to her",
        summary="case summary",
    )
    folder = Path(settings.DATA_DIR) / UPLOAD.parent
    folder.mkdir(parents=True, exist_ok=True)
    encrypted_files.write(folder / UPLOAD.name, b"id,narrative\n1,an uploaded story\n")
    print(json.dumps({"ok": True}))


def report() -> None:
    from django.apps import apps
    from django.db import connection

    from ulinzi.cases.models import Case
    from ulinzi.common import encrypted_files
    from ulinzi.incidents.models import Incident

    counts = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label not in ("sessions", "contenttypes")
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM incidents_incident")
        raw = [row[0] for row in cursor.fetchall()]
    print(
        json.dumps(
            {
                "counts": counts,
                "stored_encrypted": bool(raw) and all(v.startswith("enc:v1:") for v in raw),
                "narratives": sorted(i.narrative for i in Incident.objects.all()),
                "cases": sorted(
                    [c.reference, c.survivor_name, c.survivor_details] for c in Case.objects.all()
                ),
                "upload": encrypted_files.read_bytes(Path(settings.DATA_DIR) / UPLOAD).decode(),
            }
        )
    )
