"""Every API endpoint × every role (and anonymous): the expected allow or deny.

The table below is the authorization rule of record. A new endpoint without a row here
fails ``test_every_endpoint_is_in_the_matrix``, so no endpoint ships without a rule.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

ROLES = (
    None,
    "admin",
    "coordinator",
    "analyst",
    "case_worker",
    "investigator",
    "monitor",
    "reporter",
    "party_focal_point",
    "coordinator2",
)
ANON = {None: 401}


def row(default: int, **overrides: int) -> dict[str | None, int]:
    out: dict[str | None, int] = {r: default for r in ROLES}
    out[None] = 401
    for name, status in overrides.items():
        out[name] = status
    return out


def public(status: int = 200) -> dict[str | None, int]:
    return {r: status for r in ROLES}


READ_INCIDENT = row(200, reporter=404, party_focal_point=404, coordinator2=404)
EDIT_INCIDENT = row(
    403,
    coordinator=200,
    investigator=200,
    monitor=200,
    reporter=404,
    party_focal_point=404,
    coordinator2=404,
)
VERIFY_INCIDENT = row(
    403,
    coordinator=200,
    investigator=200,
    reporter=404,
    party_focal_point=404,
    coordinator2=404,
)

HANDLE_ANONYMOUS = row(403, coordinator=404, investigator=404, coordinator2=404)

CASE_LIST = row(403, coordinator=200, case_worker=200, coordinator2=200)
CASE_HOLDERS = row(403, coordinator=200, case_worker=200, coordinator2=404)
CASE_HOLDERS_CREATE = row(403, coordinator=201, case_worker=201, coordinator2=404)
COMPLAINT_LIST = row(403, coordinator=200, investigator=200, coordinator2=200)
COMPLAINT_CREATE = row(403, coordinator=201, investigator=201, coordinator2=201)
COMPLAINT_HANDLERS = row(403, coordinator=200, investigator=200, coordinator2=404)
COMPLAINT_HANDLERS_CREATE = row(403, coordinator=201, investigator=201, coordinator2=404)
IPV_ALL_NO = {
    **{
        q: False
        for q in (
            "escalation",
            "weapon",
            "strangled",
            "threat_to_kill",
            "separation",
            "controlling",
            "pregnant",
            "children_harmed",
        )
    },
    "fear": "not",
}

ALERT_EXPIRES = (datetime.now(UTC) + timedelta(days=1)).isoformat()
DEPARTS = datetime.now(UTC) + timedelta(hours=72)
DECONFLICTION_USERS = row(200, case_worker=403, investigator=403, reporter=403)

# (method, path template, body) -> expected status per role.
# {incident} is a GBV incident of organisation "cluster" recorded by "monitor": GBV is
# not in any sharing agreement, so the other organisation must see nothing of it.
MATRIX: list[tuple[str, str, Any, dict[str | None, int]]] = [
    ("get", "/api/v1/health", None, public()),
    ("get", "/api/v1/openapi.json", None, public()),
    ("get", "/api/v1/vocabularies", None, public()),
    ("get", "/api/v1/vocabularies/{vocab}", None, public()),
    ("get", "/api/v1/incidents", None, row(200, party_focal_point=403)),
    (
        "post",
        "/api/v1/incidents",
        {"domain": "protection", "occurred_on": "2025-02-01", "country": "UKR"},
        row(201, admin=403, analyst=403, party_focal_point=403),
    ),
    ("get", "/api/v1/incidents/{incident}", None, READ_INCIDENT),
    ("patch", "/api/v1/incidents/{incident}", {"killed": 1}, EDIT_INCIDENT),
    ("get", "/api/v1/incidents/{incident}/history", None, READ_INCIDENT),
    ("post", "/api/v1/incidents/{incident}/verify", {}, VERIFY_INCIDENT),
    ("post", "/api/v1/incidents/{incident}/reject", {"reason": "test"}, VERIFY_INCIDENT),
    ("get", "/api/v1/accounts/me", None, row(200)),
    ("get", "/api/v1/accounts/tokens", None, row(200)),
    ("post", "/api/v1/accounts/tokens", {"name": "t"}, row(201)),
    ("delete", "/api/v1/accounts/tokens/{other_token}", None, row(404)),
    ("get", "/api/v1/audit", None, row(403, admin=200)),
    # Directory: every member reads; an organisation's admins and coordinators publish.
    # {service} is a service of "cluster".
    ("get", "/api/v1/services", None, row(200)),
    (
        "post",
        "/api/v1/services",
        {"name": "M", "kind": "health", "areas": [{"country": "UKR"}]},
        row(403, admin=201, coordinator=201, coordinator2=201),
    ),
    ("get", "/api/v1/services/{service}", None, row(200)),
    ("patch", "/api/v1/services/{service}", {"hours": "9-5"}, row(403, admin=200, coordinator=200)),
    # Cases ({case}, {consent}, {referral}, ... are described in ulinzi/cases/tests/matrix.py):
    # the case worker who holds a case and its organisation's coordinators see it; other
    # roles are refused (403), another organisation's case roles find nothing (404).
    ("get", "/api/v1/cases", None, CASE_LIST),
    ("post", "/api/v1/cases", {"country": "UKR"}, row(403, case_worker=201)),
    ("get", "/api/v1/cases/protocol", None, CASE_LIST),
    ("get", "/api/v1/cases/risk-instruments", None, CASE_LIST),
    ("get", "/api/v1/cases/notifications", None, row(200)),
    ("post", "/api/v1/cases/notifications/{case_notification}/read", {}, row(404, coordinator=200)),
    ("get", "/api/v1/cases/{case}", None, CASE_HOLDERS),
    ("patch", "/api/v1/cases/{case}", {"needs": ["health"]}, CASE_HOLDERS),
    ("get", "/api/v1/cases/{case}/timeline", None, CASE_HOLDERS),
    ("get", "/api/v1/cases/{case}/notes", None, CASE_HOLDERS),
    ("post", "/api/v1/cases/{case}/notes", {"body": "n"}, CASE_HOLDERS_CREATE),
    ("get", "/api/v1/cases/{case}/consents", None, CASE_HOLDERS),
    (
        "post",
        "/api/v1/cases/{case}/consents",
        {"purpose": "referral", "recipient": "amani", "scope": ["needs"]},
        CASE_HOLDERS_CREATE,
    ),
    # The coordinator withdraws first; the case worker then finds it already withdrawn.
    (
        "post",
        "/api/v1/cases/{case}/consents/{consent}/withdraw",
        {},
        row(403, coordinator=200, case_worker=422, coordinator2=404),
    ),
    ("get", "/api/v1/cases/{case}/access-log", None, CASE_HOLDERS),
    # An unknown service: the holders pass the access check and meet the validation.
    (
        "post",
        "/api/v1/cases/{case}/referrals",
        {"service": "00000000-0000-0000-0000-000000000000"},
        row(403, coordinator=422, case_worker=422, coordinator2=404),
    ),
    (
        "post",
        "/api/v1/cases/{case}/risk-assessments",
        {"instrument": "ipv", "answers": IPV_ALL_NO},
        CASE_HOLDERS_CREATE,
    ),
    ("get", "/api/v1/cases/{case}/measures", None, CASE_HOLDERS),
    ("post", "/api/v1/cases/{case}/measures", {"kind": "safety_plan"}, CASE_HOLDERS_CREATE),
    ("patch", "/api/v1/cases/measures/{measure}", {"status": "active"}, CASE_LIST),
    (
        "post",
        "/api/v1/cases/measures/{measure}/violations",
        {},
        row(403, coordinator=201, case_worker=201, coordinator2=201),
    ),
    # Referrals: cluster sends, amani (coordinator2) receives and acts.
    ("get", "/api/v1/referrals", None, CASE_LIST),
    ("get", "/api/v1/referrals/{referral}", None, CASE_LIST),
    ("post", "/api/v1/referrals/{referral}/respond", {"accept": True}, row(403, coordinator2=200)),
    (
        "post",
        "/api/v1/referrals/{accepted_referral}/deliver",
        {"services": "x"},
        row(403, coordinator2=200),
    ),
    ("post", "/api/v1/referrals/{accepted_referral}/close", {}, row(403, coordinator2=200)),
    # SEAH complaints: the responsible organisation's coordinators and investigators
    # handle them (the subject: investigators only); complainants see their own; the
    # receipt endpoints and the statistics are public.
    ("get", "/api/v1/complaints", None, COMPLAINT_LIST),
    (
        "post",
        "/api/v1/complaints",
        {"kind": "sexual_abuse", "description": "x", "country": "UKR"},
        COMPLAINT_CREATE,
    ),
    ("get", "/api/v1/complaints/overdue", None, COMPLAINT_LIST),
    ("get", "/api/v1/complaints/statistics", None, public()),
    ("get", "/api/v1/complaints/mine", None, row(200)),
    (
        "post",
        "/api/v1/complaints/mine",
        {"organisation": "cluster", "kind": "other", "description": "d"},
        row(201),
    ),
    (
        "post",
        "/api/v1/complaints/mine/{complaint_ref}/messages",
        {"body": "b"},
        row(404, reporter=201),
    ),
    ("post", "/api/v1/complaints/status", {"receipt": "0" * 20}, public(404)),
    ("post", "/api/v1/complaints/status/messages", {"receipt": "0" * 20, "body": "b"}, public(404)),
    ("get", "/api/v1/complaints/{complaint}", None, COMPLAINT_HANDLERS),
    (
        "post",
        "/api/v1/complaints/{complaint}/advance",
        {"owner": "investigator"},
        COMPLAINT_HANDLERS,
    ),
    (
        "post",
        "/api/v1/complaints/{complaint}/subject",
        {"identity": "x"},
        row(403, investigator=204, coordinator2=404),
    ),
    ("post", "/api/v1/complaints/{complaint}/notes", {"body": "b"}, COMPLAINT_HANDLERS_CREATE),
    ("post", "/api/v1/complaints/{complaint}/messages", {"body": "b"}, COMPLAINT_HANDLERS_CREATE),
    (
        "post",
        "/api/v1/complaints/{complaint}/assistance",
        {"kind": "medical"},
        COMPLAINT_HANDLERS_CREATE,
    ),
    (
        "get",
        "/api/v1/analysis/summary",
        None,
        row(403, coordinator=200, analyst=200, coordinator2=200),
    ),
    (
        "get",
        "/api/v1/analysis/areas",
        None,
        row(403, coordinator=200, analyst=200, coordinator2=200),
    ),
    # Exports with disclosure control: coordinators and analysts only.
    (
        "get",
        "/api/v1/exports/hxl",
        None,
        row(403, coordinator=200, analyst=200, coordinator2=200),
    ),
    (
        "get",
        "/api/v1/exports/geojson",
        None,
        row(403, coordinator=200, analyst=200, coordinator2=200),
    ),
    (
        "get",
        "/api/v1/exports/xlsx",
        None,
        row(403, coordinator=200, analyst=200, coordinator2=200),
    ),
    # Anonymous intake: open to anyone (the receipt is the key); {incident} stands for an
    # id that is no anonymous report, so handlers get 404 and everyone else 403.
    (
        "post",
        "/api/v1/reports/anonymous",
        {"category": "seah", "what_happened": "t", "country": "UKR", "occurred_on": "2025-01"},
        public(201),
    ),
    ("post", "/api/v1/reports/anonymous/status", {"receipt": "0" * 20}, public(404)),
    (
        "post",
        "/api/v1/reports/anonymous/messages",
        {"receipt": "0" * 20, "body": "hello"},
        public(404),
    ),
    (
        "get",
        "/api/v1/reports/anonymous/queue",
        None,
        row(403, coordinator=200, investigator=200, coordinator2=200),
    ),
    ("get", "/api/v1/reports/anonymous/queue/{incident}", None, HANDLE_ANONYMOUS),
    (
        "post",
        "/api/v1/reports/anonymous/queue/{incident}/messages",
        {"body": "x"},
        HANDLE_ANONYMOUS,
    ),
    (
        "post",
        "/api/v1/reports/anonymous/queue/{incident}/stage",
        {"stage": "closed"},
        HANDLE_ANONYMOUS,
    ),
    ("post", "/api/v1/reports/anonymous/queue/{incident}/incident", {}, HANDLE_ANONYMOUS),
    # Alerts: {alert} and {subscription} are described in ulinzi/alerts/tests/matrix.py.
    ("get", "/api/v1/alerts", None, row(200, party_focal_point=403)),
    (
        "post",
        "/api/v1/alerts",
        {
            "title": "t",
            "threatened": "t",
            "severity": "info",
            "domains": ["protection"],
            "pcodes": ["UA48"],
            "expires_at": ALERT_EXPIRES,
        },
        row(403, coordinator=201, monitor=201, coordinator2=201),
    ),
    ("get", "/api/v1/alerts/inbox", None, row(200, party_focal_point=403)),
    ("get", "/api/v1/alerts/subscriptions", None, row(200, party_focal_point=403)),
    (
        "post",
        "/api/v1/alerts/subscriptions",
        {"name": "t", "pcodes": ["UA48"]},
        row(201, party_focal_point=403),
    ),
    (
        "get",
        "/api/v1/alerts/subscriptions/{subscription}",
        None,
        row(404, admin=200, coordinator=200),
    ),
    (
        "patch",
        "/api/v1/alerts/subscriptions/{subscription}",
        {"active": True},
        row(404, admin=200, coordinator=200),
    ),
    (
        "delete",
        "/api/v1/alerts/subscriptions/{subscription}",
        None,
        row(404, admin=204, coordinator=204),
    ),
    ("get", "/api/v1/alerts/{alert}", None, row(200, party_focal_point=404, coordinator2=404)),
    (
        "get",
        "/api/v1/alerts/{alert}/deliveries",
        None,
        row(403, admin=200, coordinator=200, monitor=200, party_focal_point=404, coordinator2=404),
    ),
    (
        "post",
        "/api/v1/alerts/{alert}/acknowledge",
        {},
        row(200, party_focal_point=404, coordinator2=404),
    ),
    (
        "post",
        "/api/v1/alerts/{alert}/cancel",
        {},
        row(403, coordinator=200, monitor=200, party_focal_point=404, coordinator2=404),
    ),
    # Deconfliction: {site}, {movement}, {notification}, {batch}, {party} are described in
    # ulinzi/alerts/tests/matrix.py (amani's items, notified to party-a).
    ("get", "/api/v1/deconfliction/sites", None, DECONFLICTION_USERS),
    (
        "post",
        "/api/v1/deconfliction/sites",
        {"name": "t", "site_type": "office", "lat": 1, "lon": 1, "valid_from": "2025-01-01"},
        row(403, admin=201, coordinator=201, monitor=201, coordinator2=201),
    ),
    ("get", "/api/v1/deconfliction/sites/{site}", None, row(404, coordinator2=200)),
    (
        "post",
        "/api/v1/deconfliction/sites/{site}/removal",
        {"reason": "t"},
        row(404, coordinator2=200),
    ),
    ("post", "/api/v1/deconfliction/sites/{site}/removal/send", {}, row(404, coordinator2=201)),
    ("get", "/api/v1/deconfliction/movements", None, DECONFLICTION_USERS),
    (
        "post",
        "/api/v1/deconfliction/movements",
        {
            "purpose": "t",
            "route": [[1, 1], [1, 2]],
            "departure_from": DEPARTS.isoformat(),
            "departure_until": (DEPARTS + timedelta(hours=1)).isoformat(),
            "arrival_from": (DEPARTS + timedelta(hours=2)).isoformat(),
            "arrival_until": (DEPARTS + timedelta(hours=3)).isoformat(),
        },
        row(403, admin=201, coordinator=201, monitor=201, coordinator2=201),
    ),
    ("get", "/api/v1/deconfliction/movements/{movement}", None, row(404, coordinator2=200)),
    (
        "post",
        "/api/v1/deconfliction/notifications",
        {"parties": ["party-a"]},
        row(403, coordinator=422, coordinator2=422),
    ),
    ("get", "/api/v1/deconfliction/notifications", None, DECONFLICTION_USERS),
    (
        "get",
        "/api/v1/deconfliction/notifications/{notification}",
        None,
        row(404, coordinator2=200),
    ),
    (
        "post",
        "/api/v1/deconfliction/notifications/{notification}/acknowledge",
        {},
        row(404, coordinator2=403),
    ),
    ("post", "/api/v1/deconfliction/batches/{batch}/acknowledge", {}, row(404, coordinator2=403)),
    (
        "get",
        "/api/v1/deconfliction/exports/{party}/csv",
        None,
        row(403, coordinator=200, coordinator2=200),
    ),
    (
        "get",
        "/api/v1/deconfliction/exports/{party}/geojson",
        None,
        row(403, coordinator=200, coordinator2=200),
    ),
    # Linkage review: coordinators of an organisation that sees both reports.
    ("get", "/api/v1/linkage/review", None, row(403, coordinator=200, coordinator2=200)),
    (
        "get",
        "/api/v1/linkage/review/{review_pair}",
        None,
        row(403, coordinator=200, coordinator2=404),
    ),
    (
        "post",
        "/api/v1/linkage/review/{review_pair}/decision",
        {"decision": "split"},
        row(403, coordinator=200, coordinator2=404),
    ),
    ("get", "/api/v1/linkage/incidents/{incident}/sources", None, READ_INCIDENT),
    ("get", "/api/v1/linkage/runs", None, row(403, coordinator=200, analyst=200, coordinator2=200)),
    (
        "post",
        "/api/v1/linkage/runs",
        {"country": "UKR"},
        row(403, coordinator=202, coordinator2=202),
    ),
    # Estimates: coordinators and analysts (422 here: country and period are missing).
    ("get", "/api/v1/estimates", None, row(403, coordinator=422, analyst=422, coordinator2=422)),
]


def _api_routes() -> set[tuple[str, str]]:
    """(method, normalised path) of every operation the API serves."""
    from ulinzi.api import api

    routes: set[tuple[str, str]] = set()
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            full = "/api/v1/" + (prefix.strip("/") + "/" + path.strip("/")).strip("/")
            for operation in path_view.operations:
                for method in operation.methods:
                    routes.add((method.lower(), _normalise(full)))
    return routes


def _normalise(path: str) -> str:
    import re

    return re.sub(r"\{[^}]+\}", "{}", path.rstrip("/"))


def test_every_endpoint_is_in_the_matrix() -> None:
    covered = {(m, _normalise(p)) for m, p, _, _ in MATRIX}
    served = _api_routes() | {("get", "/api/v1/openapi.json")}
    missing = served - covered
    assert not missing, f"endpoints without an access rule in the matrix: {sorted(missing)}"
    assert covered <= served | {("get", "/api/v1/openapi.json")}, covered - served


@pytest.mark.parametrize(
    ("method", "template", "body", "expected"), MATRIX, ids=[f"{m} {p}" for m, p, _, _ in MATRIX]
)
def test_access(
    method: str,
    template: str,
    body: Any,
    expected: dict[str | None, int],
    api: Any,
    make_incident: Any,
    user: Any,
) -> None:
    from ulinzi.accounts.services import create_token

    incident = make_incident("monitor", domain="gbv", types=["rape"], narrative="sensitive")
    create_token(user=user("analyst2"))
    other_token = user("analyst2").api_tokens.first()
    from ulinzi.alerts.tests.matrix import placeholders as alert_placeholders
    from ulinzi.analysis.linkage.tests.matrix import placeholders as linkage_placeholders
    from ulinzi.cases.tests.matrix import placeholders

    path = template.format(
        incident=incident.pk,
        other_token=other_token.pk,
        vocab="certainty",
        **placeholders(template),
        **alert_placeholders(template),
        **linkage_placeholders(template),
    )
    outcomes = {}
    for role in ROLES:
        response = (
            getattr(api(role), method)(path, body)
            if body is not None
            else getattr(api(role), method)(path)
        )
        outcomes[role] = response.status_code
        if response.status_code >= 400:
            assert response["Content-Type"].startswith("application/problem+json"), (
                role,
                response.content,
            )
    assert outcomes == expected


def test_web_pages_require_sign_in(db: Any) -> None:
    """Every web page except sign-in redirects an anonymous visitor to sign in."""
    from django.test import Client

    client = Client()
    open_pages = {
        "login",
        "set_language",
        "report_anonymously",
        "follow_report",
        "selfreport_sw",
        "selfreport_manifest",
        "complaint_follow",
        "complaint_statistics",
    }
    checked = 0
    for pattern in _web_patterns(get_resolver()):
        name = pattern[0]
        if name in open_pages or "<" in pattern[1] or pattern[1].startswith("api/"):
            continue
        response = client.get("/" + pattern[1])
        if name == "metrics":  # for the monitoring token, not a session: never open
            assert response.status_code in (401, 404), response.status_code
            continue
        assert response.status_code in (302, 405), (pattern, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"], pattern
        checked += 1
    assert checked >= 4


def _web_patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            out.extend(_web_patterns(p, prefix + str(p.pattern)))
        elif isinstance(p, URLPattern):
            out.append((p.name or "", prefix + str(p.pattern)))
    return out
