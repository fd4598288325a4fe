"""Every response carries the Content-Security-Policy and ``Cache-Control: no-store``, and
no page relies on what the policy forbids (inline script or handlers, style attributes).

The walk visits every URL pattern of the site, API included, as a coordinator with a
verified second factor, an admin, a party focal point and someone not signed in, with
the ids of real records where a pattern takes one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

NONCE_RE = re.compile(r"'nonce-([A-Za-z0-9_\-]+)'")


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def assert_policy(response: Any, where: str) -> str:
    """The response's policy is strict for scripts; returns its nonce."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{where}: no Content-Security-Policy"
    policy = directives(header)
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts is not None, where
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert "'unsafe-inline'" not in policy["style-src"], where
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"], where
    nonces = NONCE_RE.findall(" ".join(scripts))
    assert len(nonces) == 1 and len(nonces[0]) >= 22, where
    return nonces[0]


def assert_no_store(response: Any, where: str) -> None:
    directives_ = {d.strip() for d in response.headers.get("Cache-Control", "").split(",")}
    assert "no-store" in directives_, f"{where}: Cache-Control {directives_}"


class InlineFinder(HTMLParser):
    """What a page holds that the policy would block: inline scripts or styles without
    the nonce, event handler attributes, style attributes, ``javascript:`` links."""

    def __init__(self, nonce: str) -> None:
        super().__init__()
        self.nonce = nonce
        self.blocked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.blocked.append(f"<{tag} {name}=…>")
            if name == "style":
                self.blocked.append(f"<{tag} style=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"<{tag} {name}=javascript:…>")
        if tag == "script" and "src" not in values:
            kind = (values.get("type") or "").lower()
            if kind not in ("application/json", "application/ld+json"):
                if values.get("nonce") != self.nonce:
                    self.blocked.append("<script> without the nonce")
        if tag == "style" and values.get("nonce") != self.nonce:
            self.blocked.append("<style> without the nonce")


def blocked_inline(html: str, nonce: str) -> list[str]:
    finder = InlineFinder(nonce)
    finder.feed(html)
    return finder.blocked


def patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> Iterator[tuple[str, URLPattern]]:
    """Every URL pattern as (route with its prefixes, pattern)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from patterns(entry, route)
        else:
            yield route, entry


PARAM_RE = re.compile(r"<(?:(\w+):)?(\w+)>")


def fill(route: str, known: dict[str, str]) -> str:
    """The route with its parameters: a real record's id where one is known, else a
    well-formed id of nothing (the answer is then a 404 page, still a page)."""

    def value(m: re.Match[str]) -> str:
        kind, name = m.group(1) or "str", m.group(2)
        if name in known:
            return known[name]
        return {"uuid": str(uuid.uuid4()), "int": "999999", "slug": "x"}.get(kind, "x")

    path = PARAM_RE.sub(value, route.replace("^", "").replace("$", ""))
    return "/" + path


@pytest.fixture
def records(demo_orgs: Any, user: Any, make_incident: Any, api: Any) -> dict[str, str]:
    """One record of each kind a page shows, by the parameter name its URLs use."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.cases.services import casefile
    from ulinzi.intake.anonymous import routing
    from ulinzi.intake.anonymous import services as anonymous

    incident = make_incident(
        "coordinator",
        domain="health_care_attack",
        admin1_pcode="UA63",
        admin1_name="Kharkivska",
        occurred_on=str(date.today().replace(day=1)),
    )
    case = casefile.open_case(
        actor=actor_for(user("case_worker")),
        data={"country": "UKR", "survivor_name": "Test Survivor", "summary": "Test summary"},
    )
    routing.configure_demo()
    submitted = anonymous.submit(
        data={
            "category": "seah",
            "what_happened": "Test story",
            "country": "UKR",
            "occurred_on": "2025-03",
        }
    )
    complaint = api("investigator").post(
        "/api/v1/complaints",
        {"kind": "sexual_exploitation", "anonymous_report": str(submitted.report.pk)},
    )
    assert complaint.status_code == 201, complaint.content
    return {
        "incident_id": str(incident.pk),
        "case_id": str(case.pk),
        "report_id": str(submitted.report.pk),
        "complaint_id": complaint.json()["id"],
        "receipt": submitted.receipt,
    }


@pytest.fixture
def clients(user: Any) -> dict[str, Client]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def signed_in(name: str, verified: bool = False) -> Client:
        client = Client()
        person = user(name)
        client.force_login(person)
        if verified:
            device = TOTPDevice.objects.create(user=person, name="test", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    return {
        "coordinator": signed_in("coordinator", verified=True),
        "admin": signed_in("admin"),
        "party_focal_point": signed_in("party_focal_point"),
        "anonymous": Client(),
    }


SKIP = ("i18n/setlang/",)  # POST only, answers with a redirect to where it came from
# Responses that show no record and set their own caching.
OWN_CACHING = {"report/sw.js": "no-cache"}


def test_every_page_has_the_policy_no_store_and_nothing_inline(
    records: dict[str, str], clients: dict[str, Client]
) -> None:
    routes = [route for route, _ in patterns() if route not in SKIP]
    assert len(routes) > 100
    pages = 0
    for route in routes:
        path = fill(route, records)
        for who, client in clients.items():
            where = f"{who} GET {path}"
            response = client.get(path)
            assert response.status_code < 500, where
            nonce = assert_policy(response, where)
            if route not in OWN_CACHING:
                assert_no_store(response, where)
            kind = response.headers.get("Content-Type", "")
            if response.status_code == 200 and kind.startswith("text/html"):
                body = b"".join(response).decode() if response.streaming else response.content
                html = body if isinstance(body, str) else body.decode()
                assert blocked_inline(html, nonce) == [], where
                pages += 1
    assert pages > 80


@pytest.mark.parametrize(
    "path",
    [
        "/incidents/{incident_id}/",
        "/cases/{case_id}/",
        "/cases/complaints/{complaint_id}/",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/incidents",
        "/api/v1/cases/{case_id}",
        "/api/v1/complaints/{complaint_id}",
        "/api/v1/reports/anonymous/queue/{report_id}",
    ],
)
def test_records_are_shown_with_no_store(
    records: dict[str, str], clients: dict[str, Client], api: Callable[..., Any], path: str
) -> None:
    path = path.format(**records)
    if path.startswith("/api/"):
        who = "investigator" if "complaints" in path else "coordinator"
        response = api(who).get(path)
    else:
        response = clients["coordinator"].get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert_no_store(response, path)
    assert_policy(response, path)


def test_receipt_follow_ups_are_answered_with_no_store(
    records: dict[str, str], clients: dict[str, Client]
) -> None:
    anonymous = clients["anonymous"]
    for path in ("/anonymous/status/", "/cases/complaints/follow/"):
        response = anonymous.post(path, {"receipt": records["receipt"]})
        assert response.status_code < 500, path
        assert_no_store(response, path)
        assert_policy(response, path)
    response = anonymous.post(
        "/api/v1/reports/anonymous/status",
        {"receipt": records["receipt"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert_no_store(response, "/api/v1/reports/anonymous/status")


def test_each_response_gets_its_own_nonce(clients: dict[str, Client]) -> None:
    first = assert_policy(clients["anonymous"].get("/login/"), "first")
    second = assert_policy(clients["anonymous"].get("/login/"), "second")
    assert first != second


def test_the_tile_server_is_the_only_other_image_origin(
    clients: dict[str, Client], settings: Any
) -> None:
    settings.ULINZI_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    policy = directives(clients["anonymous"].get("/login/").headers["Content-Security-Policy"])
    assert policy["img-src"] == ["'self'", "data:", "https://*.tiles.example.org"]
    assert policy["connect-src"] == ["'self'"] and policy["default-src"] == ["'self'"]


SRC = Path(__file__).resolve().parents[2]
TAG_RE = re.compile(r"<[a-zA-Z][^>]*>", re.S)


def test_no_template_holds_what_the_policy_blocks() -> None:
    """Every HTML template, read as written (the walk sees only what its data renders)."""
    found = []
    templates = sorted(SRC.glob("**/templates/**/*.html"))
    assert len(templates) > 80
    for path in templates:
        source = path.read_text()
        for tag in TAG_RE.findall(source):
            name = tag[1:].split(None, 1)[0].rstrip(">").lower()
            if re.search(r"\son[a-z]+\s*=", tag) or re.search(r"\sstyle\s*=", tag):
                found.append(f"{path.relative_to(SRC)}: {tag[:60]}")
            if name in ("script", "style") and "nonce=" not in tag:
                inline = name == "style" or ("src=" not in tag and "application/json" not in tag)
                if inline:
                    found.append(f"{path.relative_to(SRC)}: {tag[:60]}")
        if "javascript:" in source:
            found.append(f"{path.relative_to(SRC)}: javascript: URL")
    assert found == []


def test_no_script_writes_style_attributes_into_markup() -> None:
    """Markup built by our scripts (innerHTML) carries no style attribute."""
    scripts = [p for p in SRC.glob("**/static/**/*.js") if "/vendor/" not in str(p)]
    assert scripts
    found = [str(p) for p in scripts if re.search(r"style\s*=\s*\\?[\"']", p.read_text())]
    assert found == []


def test_the_finder_sees_what_the_policy_blocks() -> None:
    page = (
        '<a href="javascript:go()">x</a><div onclick="go()" style="color:red"></div>'
        '<script>go()</script><script nonce="n1">ok()</script>'
        '<script type="application/json" id="d">{}</script><style>p{}</style>'
        '<style nonce="n1">p{}</style><script src="/static/x.js"></script>'
    )
    assert blocked_inline(page, "n1") == [
        "<a href=javascript:…>",
        "<div onclick=…>",
        "<div style=…>",
        "<script> without the nonce",
        "<style> without the nonce",
    ]
