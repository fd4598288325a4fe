"""Every free-text input of Ulinzi given a marker, as its users give them, against a fresh
database and data directory (run by tests/test_at_rest.py in a process of its own).

``ULINZI_MARKER`` goes into every text that can hold a person's story; ``ULINZI_EXPORTED``
into a province name, which partner-level exports carry. Each input is read back through
the application (so the marker was really taken), then the process prints ``READY`` and
waits for a line on stdin: the test scans the database files and the data directory
while the connection is still open (SQLite's ``-wal`` file exists only then).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

MARKER = os.environ["ULINZI_MARKER"]
EXPORTED = os.environ["ULINZI_EXPORTED"]
OUTSIDE = Path(os.environ["ULINZI_OUTSIDE"])  # the operator's own files, not Ulinzi's


class _NoMigrations(dict[str, None]):
    """The schema straight from the models, as the test suite's ``--nomigrations`` does."""

    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django
    from django.conf import settings

    settings.MIGRATION_MODULES = _NoMigrations()
    settings.PASSWORD_HASHERS = ["ulinzi.common.testing.FastArgon2Hasher"]
    settings.ULINZI_RECEIPT_ARGON2 = {"time_cost": 1, "memory_cost": 256, "parallelism": 1}
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # uploads go through the disk path
    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def text(what: str) -> str:
    return f"{what}: {MARKER} told us what happened"


class Api:
    """JSON over Django's test client with a bearer token (or none)."""

    def __init__(self, username: str | None) -> None:
        from django.test import Client

        self.client = Client()
        self.headers: dict[str, str] = {}
        if username:
            from ulinzi.accounts.models import User
            from ulinzi.accounts.services import create_token

            token = create_token(user=User.objects.get(username=username), two_factor=True)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def send(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        kwargs: dict[str, Any] = dict(self.headers)
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        response = getattr(self.client, method)(path, **kwargs)
        if response.status_code != expect:
            raise AssertionError(
                f"{method.upper()} {path}: {response.status_code} {response.content!r}"
            )
        return response.json() if response.content else None

    def get(self, path: str) -> Any:
        return self.send("get", path)

    def post(self, path: str, body: Any, expect: int = 200) -> Any:
        return self.send("post", path, body, expect)

    def patch(self, path: str, body: Any) -> Any:
        return self.send("patch", path, body)


def web(username: str) -> Any:
    from django.test import Client

    from ulinzi.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(f"not read back: {what}")


def incidents() -> None:
    monitor, coordinator = Api("monitor"), Api("coordinator")
    base = {"domain": "protection", "occurred_on": "2025-01-15", "country": "UKR"}
    made = monitor.post(
        "/api/v1/incidents",
        {**base, "narrative": text("narrative"), "admin1_name": EXPORTED},
        expect=201,
    )
    iid = made["id"]
    monitor.patch(f"/api/v1/incidents/{iid}", {"narrative": text("changed narrative")})
    other = monitor.post("/api/v1/incidents", {**base, "source_id": "r-1"}, expect=201)["id"]
    coordinator.post(f"/api/v1/incidents/{other}/verify", {"note": text("verification note")})
    coordinator.post(f"/api/v1/incidents/{other}/reject", {"reason": text("rejection reason")})
    got = coordinator.get(f"/api/v1/incidents/{other}")
    check(MARKER in got["status_reason"], "rejection reason")
    check(MARKER in coordinator.get(f"/api/v1/incidents/{iid}")["narrative"], "narrative")
    form = {
        "domain": "protection", "types": ["forced_displacement"], "occurred_on": "2025-02-03",
        "occurred_precision": "day", "country": "UKR", "cause": "armed_conflict",
        "narrative": text("web form narrative"),
    }  # fmt: skip
    page = web("monitor").post("/incidents/new/", form)
    check(page.status_code == 302, f"web form: {page.status_code}")


def _workbook() -> bytes:
    """Two rows in the layout of Insecurity Insight's workbook (header, HXL tag row),
    with the marker in "Event Description" and in the perpetrator's name."""
    import openpyxl

    source = Path(__file__).resolve().parents[1] / "src/ulinzi/demo/fixtures"
    book = openpyxl.load_workbook(
        source / "insecurity_insight_attacks_on_health_care_2016_2023.xlsx", read_only=True
    )
    rows = [list(r) for _, r in zip(range(4), book.worksheets[0].iter_rows(values_only=True))]
    book.close()
    header = rows[0]
    for n, row in enumerate(rows[2:]):
        row[header.index("Event Description")] = text(f"event description {n}")
        row[header.index("Reported Perpetrator Name")] = text("perpetrator name")
        row[header.index("SiND Event ID")] = 900_000 + n
    out = openpyxl.Workbook()
    sheet = out.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _hxl(first: int) -> bytes:
    rows = [
        ["Event ID", "Date", "Country ISO", "Admin 1", "Type", "Killed", "Description"],
        ["#meta+id", "#date+occurred", "#country+code", "#adm1+name", "#event+type",
         "#affected+killed", "#description"],
        [f"EV-{first}", "2023-03-04", "UKR", "Kharkivska", "heavy_weapons", 1,
         text("csv narrative")],
        # rejected: the partner's value is kept with the reject (database and CSV)
        [f"EV-{first + 1}", "2023-03-05", text("bad country"), "x", "heavy_weapons", 0, "y"],
    ]  # fmt: skip
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def _upload(client: Any, name: str, content: bytes) -> str:
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        "/imports/",
        {
            "file": SimpleUploadedFile(name, content),
            "format": "auto",
            "domain": "health_care_attack",
        },
    )
    html = page.content.decode()
    check(page.status_code == 200 and 'name="token" value="' in html, f"preview of {name}")
    start = html.index('name="token" value="') + len('name="token" value="')
    return html[start : html.index('"', start)]


def imports() -> None:
    from django_tasks_db.models import DBTaskResult

    from ulinzi.accounts.models import Organisation
    from ulinzi.intake.models import ImportRun
    from ulinzi.intake.services import dry_run_csv, run_import

    client = web("monitor")
    for name, content in (("partner.xlsx", _workbook()), ("partner.csv", _hxl(1))):
        client.post("/imports/confirm/", {"token": _upload(client, name, content)})
    for row in DBTaskResult.objects.ready().filter(task_path__endswith="import_upload"):
        row.claim("scenario")
        task, result = row.task, row.task_result
        row.set_successful(task.call(*result.args, **result.kwargs))
    runs = list(ImportRun.objects.order_by("pk"))
    check([r.status for r in runs] == ["done", "done"], f"imports: {[r.message for r in runs]}")
    rejects = client.get(f"/imports/{runs[1].pk}/rejects.csv")
    check(MARKER in b"".join(rejects.streaming_content).decode(), "rejected value")
    _upload(client, "waiting.csv", _hxl(10))  # previewed, left waiting for confirmation
    # The command line's dry run writes its rejects under the data directory too.
    outside = OUTSIDE / "dry.csv"
    outside.write_bytes(_hxl(20))
    run_import(
        organisation=Organisation.objects.get(code="cluster"),
        path=outside,
        domain="health_care_attack",
        dry_run=True,
        sink=dry_run_csv(outside),
        progress=False,
    )


def anonymous() -> None:
    from ulinzi.intake.anonymous.models import AnonymousReport
    from ulinzi.intake.anonymous.routing import configure_demo

    configure_demo()
    public, handler = Api(None), Api("investigator")
    made = public.post(
        "/api/v1/reports/anonymous",
        {"category": "seah", "what_happened": text("anonymous report"), "country": "UKR",
         "occurred_on": "2025-03", "contact_preference": text("contact preference")},
        expect=201,
    )  # fmt: skip
    receipt = made["receipt"]
    public.post(
        "/api/v1/reports/anonymous/messages",
        {"receipt": receipt, "body": text("reporter message")},
        expect=201,
    )
    report = AnonymousReport.objects.get()
    base = f"/api/v1/reports/anonymous/queue/{report.pk}"
    handler.post(f"{base}/messages", {"body": text("handler reply")}, expect=201)
    seen = public.post("/api/v1/reports/anonymous/status", {"receipt": receipt})
    check(any(MARKER in m["body"] for m in seen["messages"] if m["author"] == "handler"), "reply")
    handler.post(f"{base}/incident", {}, expect=201)
    complaint = handler.post(
        "/api/v1/complaints",
        {"kind": "sexual_exploitation", "anonymous_report": str(report.pk),
         "subject_identity": text("subject"), "subject_organisation": text("subject org")},
        expect=201,
    )  # fmt: skip
    cid = complaint["id"]
    handler.post(f"/api/v1/complaints/{cid}/notes", {"body": text("complaint note")}, expect=201)
    handler.post(
        f"/api/v1/complaints/{cid}/messages", {"body": text("complaint message")}, expect=201
    )
    handler.post(
        f"/api/v1/complaints/{cid}/assistance",
        {
            "kind": "psychosocial",
            "status": "offered",
            "provider": "Clinic",
            "note": text("assistance"),
        },
        expect=201,
    )
    own = Api("reporter").post(
        "/api/v1/complaints/mine",
        {"organisation": "cluster", "kind": "other", "description": text("own complaint")},
        expect=201,
    )
    Api("reporter").post(
        f"/api/v1/complaints/mine/{own['reference']}/messages",
        {"body": text("complainant message")},
        expect=201,
    )
    Api("investigator").post(
        "/api/v1/complaints",
        {"kind": "sexual_abuse", "country": "UKR", "description": text("complaint"),
         "complainant_name": text("name"),
         "complainant_contact": text("contact"), "subject_identity": text("subject")},
        expect=201,
    )  # fmt: skip


def _ipv_answers() -> dict[str, Any]:
    """Every question of the IPV instrument answered (no for yes/no, the first choice)."""
    instrument = json.loads(
        (Path(__file__).resolve().parents[1] / "src/ulinzi/cases/instruments/ipv.json").read_text()
    )
    return {
        q["id"]: False if q["type"] == "yes_no" else q["options"][0]["value"]
        for q in instrument["questions"]
    }


def cases() -> None:
    from ulinzi.directory import demo
    from ulinzi.directory.models import Service

    demo.load()
    worker, receiver = Api("case_worker"), Api("case_worker2")
    case = worker.post(
        "/api/v1/cases",
        {"country": "UKR", "survivor_name": text("name"), "survivor_contact": text("contact"),
         "survivor_details": text("details"), "summary": text("summary"),
         "needs": ["safety_shelter"]},
        expect=201,
    )  # fmt: skip
    base = f"/api/v1/cases/{case['id']}"
    worker.post(f"{base}/notes", {"body": text("case note")}, expect=201)
    worker.post(
        f"{base}/consents",
        {"purpose": "referral", "recipient": "amani", "scope": ["needs"],
         "given_by": "guardian", "given_by_name": text("guardian"), "note": text("consent note")},
        expect=201,
    )  # fmt: skip
    worker.post(
        f"{base}/consents",
        {"purpose": "protection", "recipient": "amani", "scope": ["area"], "note": text("consent")},
        expect=201,
    )
    spare = worker.post(
        f"{base}/consents",
        {"purpose": "referral", "recipient": "who-ssa", "scope": ["needs"]},
        expect=201,
    )
    worker.post(f"{base}/consents/{spare['id']}/withdraw", {"note": text("withdrawal note")})
    shelter = Service.objects.get(name="Amani safe house")
    referral = worker.post(
        f"{base}/referrals",
        {"service": str(shelter.pk), "note": text("referral reason")},
        expect=201,
    )
    rbase = f"/api/v1/referrals/{referral['id']}"
    receiver.post(f"{rbase}/respond", {"accept": True, "reason": text("response reason")})
    receiver.post(f"{rbase}/deliver", {"services": text("services delivered")})
    check(MARKER in worker.get(rbase)["response_reason"], "referral response")
    worker.post(
        f"{base}/risk-assessments",
        {"instrument": "ipv", "answers": _ipv_answers(), "note": text("risk note")},
        expect=201,
    )
    measure = worker.post(
        f"{base}/measures",
        {"kind": "police_patrol", "owner": "amani", "description": text("measure")},
        expect=201,
    )
    worker.post(
        f"/api/v1/cases/measures/{measure['id']}/violations",
        {"description": text("violation")},
        expect=201,
    )


def alerts_and_deconfliction() -> None:
    from django.utils import timezone

    from ulinzi.alerts.deconfliction.demo import ensure_parties

    now = timezone.now()
    Api("monitor").post(
        "/api/v1/alerts",
        {"title": text("alert"), "threatened": text("threatened"), "details": text("details"),
         "severity": "urgent", "domains": ["health_care_attack"], "lat": 50.45, "lon": 30.52,
         "radius_km": 20, "expires_at": (now + timedelta(hours=3)).isoformat()},
        expect=201,
    )  # fmt: skip
    ensure_parties("scenario-password")
    member, cell = Api("monitor2"), Api("coordinator2")
    site = member.post(
        "/api/v1/deconfliction/sites",
        {"name": "Clinic", "site_type": "health_facility", "lat": 48.1, "lon": 37.7,
         "valid_from": date.today().isoformat()},
        expect=201,
    )  # fmt: skip
    start = now + timedelta(hours=12)  # inside the lead time: the coordinator overrides
    movement = cell.post(
        "/api/v1/deconfliction/movements",
        {"purpose": "Evacuation", "route": [[48.0, 37.8], [48.5, 35.0]],
         "departure_from": start.isoformat(),
         "departure_until": (start + timedelta(hours=1)).isoformat(),
         "arrival_from": (start + timedelta(hours=4)).isoformat(),
         "arrival_until": (start + timedelta(hours=8)).isoformat(),
         "override_lead_time": True, "override_reason": text("override reason")},
        expect=201,
    )  # fmt: skip
    cell.post(
        "/api/v1/deconfliction/notifications",
        {"parties": ["party-a"], "sites": [site["id"]], "movements": [movement["id"]],
         "override_lead_time": True, "override_reason": text("sending late")},
        expect=201,
    )  # fmt: skip
    member.post(f"/api/v1/deconfliction/sites/{site['id']}/removal", {"reason": text("removal")})
    cell.post(f"/api/v1/deconfliction/sites/{site['id']}/removal/send", {}, expect=201)


def linkage() -> None:
    from ulinzi.analysis.linkage.models import ReviewPair
    from ulinzi.incidents.models import Incident

    left, right = sorted(
        Incident.objects.filter(organisation__code="cluster")[:2], key=lambda i: str(i.pk)
    )
    pair = ReviewPair.objects.create(
        left=left, right=right, match_probability=0.7, match_weight=1.0
    )
    Api("coordinator").post(
        f"/api/v1/linkage/review/{pair.pk}/decision",
        {"decision": "split", "note": text("review note")},
    )


def exports() -> None:
    client = web("coordinator")
    for fmt in ("hxl", "xlsx"):
        page = client.post(
            "/reports/export/", {"format": fmt, "level": "partners", "k": 1, "country": "UKR"}
        )
        check(page.status_code == 302, f"{fmt} export: {page.status_code}")
        download = client.get(page["Location"] + "download/")
        content = b"".join(download.streaming_content)
        if fmt == "hxl":
            check(EXPORTED in content.decode(), "the exported province")


def main() -> int:
    setup()
    from ulinzi.demo.organisations import load_organisations

    load_organisations()
    for step in (incidents, imports, anonymous, cases, alerts_and_deconfliction, linkage, exports):
        step()
    from django.db import connection

    connection.ensure_connection()  # kept open: the test reads the files now
    print("READY", flush=True)
    sys.stdin.readline()
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
