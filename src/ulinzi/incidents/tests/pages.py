"""What the incident page tests share: a signed-in test client, a filled incident form,
and readers of the error next to a field and of the list's rows."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

PASSWORD = "ulinzi-demo"


def signed_in(username: str, language: str | None = None) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    if language:
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def form_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "domain": "protection",
        "types": ["forced_displacement"],
        "occurred_on": "2025-02-03",
        "occurred_precision": "day",
        "country": "UKR",
        "admin1_name": "Kharkiv",
        "cause": "armed_conflict",
        "killed": "3",
        "narrative": "Families left at night after threats.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def field_error(html: str, field: str) -> str:
    """The error text shown next to ``field`` (empty if none)."""
    found = re.search(
        rf'<(?:p|span) class="error" id="id_{field}-error">(.*?)</(?:p|span)>', html, re.S
    )
    return found.group(1).strip() if found else ""


def rows(html: str) -> list[str]:
    body = html.split('<table class="incidents">', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>", 1)[1], re.S)
