"""Installable: a web app manifest with icons, a service worker served with the right
type and scope, and every file it keeps for offline use actually served."""

from __future__ import annotations

import json
import re
import struct
from typing import Any

from django.test import Client


def _body(response: Any) -> bytes:
    """The bytes of a response, streamed (static files) or not."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def test_the_manifest_makes_the_form_installable(db: Any) -> None:
    response = Client().get("/report/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["start_url"] == manifest["scope"] == "/report/"
    assert manifest["display"] == "standalone"
    assert (manifest["lang"], manifest["dir"]) == ("ar", "rtl")
    assert manifest["name"] and manifest["short_name"]
    sizes = set()
    for icon in manifest["icons"]:
        image = Client().get(icon["src"])
        assert image.status_code == 200, icon
        data = _body(image)
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add(width)
    assert {192, 512} <= sizes  # what browsers ask of an installable app


def test_the_service_worker_is_served_for_the_report_scope(db: Any) -> None:
    response = Client().get("/report/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/report/"
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "importScripts('/static/selfreport/outbox.js')" in body
    assert "addEventListener('sync'" in body
    match = re.search(r"var PRECACHE = (\[.*?\]);", body)
    assert match is not None
    precache = json.loads(match.group(1))
    assert precache[0] == "/report/"
    for url in precache[1:]:
        served = Client().get(url)
        assert served.status_code == 200, url
    assert re.search(r"var CACHE = 'ulinzi-selfreport-[0-9a-f]{12}';", body)


def test_the_page_registers_the_worker_and_sends_through_the_api(db: Any, user: Any) -> None:
    client = Client()
    client.force_login(user("reporter"))
    html = client.get("/report/").content.decode()
    config = json.loads(
        re.search(
            r'<script id="selfreport-config" type="application/json">(.*?)</script>', html
        ).group(1)  # type: ignore[union-attr]
    )
    assert config["sw"] == "/report/sw.js" and config["scope"] == "/report/"
    assert config["api"] == "/api/v1/incidents"
    assert config["domain"] == "health_care_attack"
    text = _body(Client().get("/static/selfreport/report.js")).decode()
    assert "serviceWorker.register(config.sw" in text and "'online'" in text
