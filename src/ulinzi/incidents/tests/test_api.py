"""The incidents API: creation, idempotency, history, verification, filters, errors."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from ulinzi.audit.models import AuditEvent
from ulinzi.incidents.models import Incident, IncidentChange

pytestmark = pytest.mark.django_db

BASE = {"domain": "health_care_attack", "occurred_on": "2024-05-02", "country": "UKR"}


def test_create_read_back_and_history(api: Any) -> None:
    client = api("monitor")
    body = {
        **BASE,
        "source_id": "mon-1",
        "types": ["heavy_weapons", "setting_fire"],
        "resources": ["facility"],
        "facility_type": "secondary",
        "killed": 2,
        "injured": 5,
        "certainty": "probable",
        "cause": "armed_conflict",
        "admin1_pcode": "UA63",
        "admin1_name": "Kharkivska",
        "lat": 49.99,
        "lon": 36.23,
        "narrative": "Shelling hit the surgical ward.",
    }
    created = client.post("/api/v1/incidents", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["organisation"] == "cluster"
    assert data["types"] == ["heavy_weapons", "setting_fire"]
    assert data["narrative"] == "Shelling hit the surgical ward."
    got = client.get(f"/api/v1/incidents/{data['id']}").json()
    assert got["killed"] == 2 and got["admin1_name"] == "Kharkivska"
    history = client.get(f"/api/v1/incidents/{data['id']}/history").json()
    assert history[0]["action"] == "created"
    assert history[0]["changes"]["narrative"] == [None, "(set)"]


def test_creation_is_idempotent_on_source_id(api: Any) -> None:
    client = api("monitor")
    first = client.post("/api/v1/incidents", {**BASE, "source_id": "dup-1"})
    second = client.post("/api/v1/incidents", {**BASE, "source_id": "dup-1", "killed": 9})
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Incident.objects.filter(source_id="dup-1").count() == 1


def test_same_source_id_in_two_organisations_is_two_incidents(api: Any) -> None:
    a = api("monitor").post("/api/v1/incidents", {**BASE, "source_id": "x"})
    b = api("monitor2").post("/api/v1/incidents", {**BASE, "source_id": "x"})
    assert a.json()["id"] != b.json()["id"]


def test_patch_records_old_and_new_values(api: Any) -> None:
    client = api("monitor")
    iid = client.post("/api/v1/incidents", {**BASE, "killed": 1}).json()["id"]
    patched = client.patch(f"/api/v1/incidents/{iid}", {"killed": 3, "certainty": "confirmed"})
    assert patched.status_code == 200
    change = IncidentChange.objects.filter(incident_id=iid, action="updated").get()
    assert change.changes == {"killed": [1, 3], "certainty": ["", "confirmed"]}
    assert change.username == "monitor"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BASE, "types": ["not-a-type"]}, "types[0]"),
        ({**BASE, "country": "XXX"}, "country"),
        ({**BASE, "occurred_on": (date.today() + timedelta(days=2)).isoformat()}, "occurred_on"),
        ({**BASE, "killed": -1}, "killed"),
        ({**BASE, "killed": 1, "killed_children": 4}, "killed_children"),
        ({**BASE, "lat": 123.0, "lon": 10.0}, "lat"),
        ({**BASE, "certainty": "sure"}, "certainty"),
        ({**BASE, "domain": "weather"}, "domain"),
        ({**BASE, "occurred_on": "2024-13-45"}, "occurred_on"),
        ({"domain": "gbv", "country": "UKR"}, "occurred_on"),
        ({**BASE, "colour": "red"}, "colour"),
        ({**BASE, "killed": "many"}, "killed"),
    ],
)
def test_bad_input_is_a_problem_naming_the_field(
    api: Any, body: dict[str, Any], field: str
) -> None:
    response = api("monitor").post("/api/v1/incidents", body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert field in [e["field"] for e in problem["errors"]], problem
    assert all(e["message"] for e in problem["errors"])
    assert Incident.objects.count() == 0


def test_malformed_json_is_a_400_problem(api: Any) -> None:
    client = api("monitor")
    response = client.client.post(
        "/api/v1/incidents", "{not json", content_type="application/json", **client.headers
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"


def test_verify_and_reject_need_a_reason(api: Any) -> None:
    iid = api("monitor").post("/api/v1/incidents", BASE).json()["id"]
    coordinator = api("coordinator")
    empty = coordinator.post(f"/api/v1/incidents/{iid}/reject", {"reason": " "})
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "reason"
    verified = coordinator.post(f"/api/v1/incidents/{iid}/verify", {"certainty": "confirmed"})
    assert verified.json()["status"] == "verified"
    assert verified.json()["certainty"] == "confirmed"
    rejected = coordinator.post(f"/api/v1/incidents/{iid}/reject", {"reason": "double entry"})
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["status_reason"] == "double entry"
    actions = [c["action"] for c in coordinator.get(f"/api/v1/incidents/{iid}/history").json()]
    assert actions == ["created", "verified", "rejected"]


def test_list_filters_and_cursor_pagination(api: Any, make_incident: Any) -> None:
    for n in range(7):
        make_incident(domain="gbv", types=["rape"], country="SDN", source_id=f"g{n}")
    make_incident(domain="protection", types=["killing"], country="UKR", cause="armed_conflict")
    client = api("coordinator")
    seen: list[str] = []
    cursor = None
    while True:
        url = "/api/v1/incidents?domain=gbv&country=SDN&limit=3" + (
            f"&cursor={cursor}" if cursor else ""
        )
        page = client.get(url).json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 7
    assert len(client.get("/api/v1/incidents?type=killing").json()["items"]) == 1
    assert len(client.get("/api/v1/incidents?cause=armed_conflict").json()["items"]) == 1
    bad = client.get("/api/v1/incidents?date_from=yesterday")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "date_from"


def test_list_filters_select_what_was_not_recorded(api: Any, make_incident: Any) -> None:
    graded = make_incident(
        domain="health_care_attack",
        types=["setting_fire"],
        resources=["facility"],
        perpetrator="police",
        certainty="confirmed",
    )
    bare = make_incident(domain="health_care_attack")
    client = api("coordinator")

    def ids(query: str) -> set[str]:
        return {i["id"] for i in client.get(f"/api/v1/incidents?{query}").json()["items"]}

    for field in ("perpetrator", "certainty", "type", "resource"):
        assert ids(f"{field}=none") == {str(bare.pk)}, field
    assert ids("perpetrator=police&type=setting_fire") == {str(graded.pk)}


def test_reporter_sees_only_own_reports(api: Any, make_incident: Any) -> None:
    make_incident("monitor")
    mine = api("reporter").post("/api/v1/incidents", BASE).json()["id"]
    listed = [i["id"] for i in api("reporter").get("/api/v1/incidents").json()["items"]]
    assert listed == [mine]


def test_sharing_agreement_shows_domain_but_never_narrative(api: Any, make_incident: Any) -> None:
    shared = make_incident("monitor2", domain="protection", narrative="names inside")
    private = make_incident("monitor2", domain="gbv", types=["rape"])
    client = api("coordinator")
    ids = {i["id"]: i for i in client.get("/api/v1/incidents").json()["items"]}
    assert str(shared.pk) in ids and str(private.pk) not in ids
    assert ids[str(shared.pk)]["narrative"] is None
    assert client.get(f"/api/v1/incidents/{private.pk}").status_code == 404


def test_narrative_reads_are_audited_and_hidden_from_analysts(api: Any, make_incident: Any) -> None:
    incident = make_incident("monitor", narrative="what the witness said")
    assert api("analyst").get(f"/api/v1/incidents/{incident.pk}").json()["narrative"] is None
    assert not AuditEvent.objects.filter(object_id=str(incident.pk)).exists()
    assert api("coordinator").get(f"/api/v1/incidents/{incident.pk}").json()["narrative"]
    event = AuditEvent.objects.get(object_id=str(incident.pk))
    assert (event.username, event.action, event.fields) == ("coordinator", "read", ["narrative"])
    assert event.organisations == ["cluster"]
    log = api("admin").get(f"/api/v1/audit?object_id={incident.pk}").json()
    assert [e["username"] for e in log] == ["coordinator"]


def test_narrative_is_encrypted_at_rest(make_incident: Any) -> None:
    from django.db import connection

    incident = make_incident("monitor", narrative="the nurse was threatened")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT narrative FROM incidents_incident WHERE id = %s",
            [incident.pk.hex if connection.vendor == "sqlite" else incident.pk],
        )
        stored = cursor.fetchone()[0]
    assert "nurse" not in stored and stored.startswith("enc:v1:")
    assert Incident.objects.get(pk=incident.pk).narrative == "the nurse was threatened"


def test_health_reports_database(api: Any) -> None:
    body = api(None).get("/api/v1/health").json()
    assert body["database"]["reachable"] is True


def test_vocabularies_have_four_languages(api: Any) -> None:
    vocabularies = api(None).get("/api/v1/vocabularies").json()
    names = {v["name"] for v in vocabularies}
    assert {
        "ssa_attack_type",
        "mrm_violation",
        "gbv_type",
        "seah_type",
        "protection_type",
        "certainty",
        "cause",
        "perpetrator",
        "geo_precision",
        "facility_type",
        "resource",
    } <= names
    for vocabulary in vocabularies:
        for term in vocabulary["terms"]:
            assert all(term["labels"].get(lang) for lang in ("en", "fr", "es", "ar")), term


def test_a_problem_has_a_code_and_is_worded_in_the_language_of_the_request(api: Any) -> None:
    from django.utils import timezone

    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    body = {**BASE, "occurred_on": tomorrow, "killed": 1, "killed_children": 4}
    client = api("monitor")
    english = client.post("/api/v1/incidents", body)
    assert english.status_code == 422
    errors = {e["field"]: e for e in english.json()["errors"]}
    assert errors["occurred_on"] == {
        "field": "occurred_on",
        "code": "future_date",
        "message": "is in the future",
        "value": tomorrow,
    }
    assert errors["killed_children"] == {
        "field": "killed_children",
        "code": "more_than_total",
        "params": {"kind": "killed", "total": 1},
        "message": "is more than the total killed (1)",
        "value": 4,
    }
    client.headers["HTTP_ACCEPT_LANGUAGE"] = "fr"
    french = {e["field"]: e for e in client.post("/api/v1/incidents", body).json()["errors"]}
    assert french["occurred_on"]["code"] == "future_date"
    assert french["occurred_on"]["message"] == "est dans le futur"
    assert french["killed_children"]["message"] == "dépasse le total killed (1)"
    assert not Incident.objects.exists()


def test_one_coordinate_alone_is_refused_on_creation_and_on_a_change(api: Any) -> None:
    client = api("monitor")
    alone = client.post("/api/v1/incidents", {**BASE, "lat": 49.9, "lon": None})
    assert alone.status_code == 422
    assert [(e["field"], e["code"]) for e in alone.json()["errors"]] == [
        ("lon", "coordinate_alone")
    ]
    iid = client.post("/api/v1/incidents", BASE).json()["id"]
    changed = client.patch(f"/api/v1/incidents/{iid}", {"lat": 49.9})
    assert changed.status_code == 422
    assert [(e["field"], e["code"]) for e in changed.json()["errors"]] == [
        ("lon", "coordinate_alone")
    ]
    both = client.patch(f"/api/v1/incidents/{iid}", {"lat": 49.9, "lon": 36.2})
    assert both.status_code == 200, both.content
    assert client.patch(f"/api/v1/incidents/{iid}", {"lon": 30.1}).status_code == 200
    cleared = client.patch(f"/api/v1/incidents/{iid}", {"lat": None})
    assert [(e["field"], e["code"]) for e in cleared.json()["errors"]] == [
        ("lat", "coordinate_alone")
    ]
    assert Incident.objects.get(pk=iid).lat == 49.9
