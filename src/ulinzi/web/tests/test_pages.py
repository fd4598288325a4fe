"""Sign-in and out, the language switch (right to left for Arabic), tokens and the
audit log, through Django's test client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import translation

from ulinzi.audit.models import AuditEvent

PASSWORD = "ulinzi-demo"


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_sign_in_and_out(demo_orgs: Any) -> None:
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200
    assert b'dir="ltr"' in page.content

    response = client.post("/login/", {"username": "monitor", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/incidents/").status_code == 200

    assert client.get("/logout/").status_code == 405  # signing out takes a POST (CSRF)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    after = client.get("/incidents/")
    assert after.status_code == 302
    assert after["Location"].startswith("/login/")


def test_a_wrong_password_is_refused_and_the_username_kept(demo_orgs: Any) -> None:
    page = Client().post("/login/", {"username": "monitor", "password": "wrong"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="alert"' in html
    assert 'value="monitor"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.parametrize("path", ["/", "/incidents/", "/incidents/new/", "/tokens/", "/audit/"])
def test_pages_ask_anonymous_visitors_to_sign_in(db: Any, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_the_language_switch_turns_the_page_right_to_left(demo_orgs: Any) -> None:
    client = signed_in("monitor")
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/incidents/"})
    assert response.status_code == 302
    assert response["Location"] == "/incidents/"
    html = client.get("/incidents/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    with translation.override("ar"):
        heading = translation.gettext("Incidents")
    assert re.search("[\u0600-\u06ff]", heading)
    assert f"<h1>{heading}</h1>" in html

    client.post("/i18n/setlang/", {"language": "fr", "next": "/incidents/"})
    html = client.get("/incidents/").content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert "<h1>Incidents</h1>" in html
    assert "Enregistrer un incident" in html


def test_the_language_menu_offers_every_language(demo_orgs: Any) -> None:
    html = Client().get("/login/").content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}"' in html
    assert "data-autosubmit" in html
    assert "<noscript>" in html  # a button does it without script


def test_the_scripts_and_styles_are_served_from_the_app() -> None:
    assert finders.find("ulinzi/ulinzi.js")
    assert finders.find("ulinzi/ulinzi.css")
    css = Path(finders.find("ulinzi/ulinzi.css")).read_text()  # type: ignore[arg-type]
    # Logical properties only, so right-to-left pages mirror by themselves.
    for physical in (
        "margin-left",
        "margin-right",
        "padding-left",
        "padding-right",
        "text-align:left",
        "text-align:right",
        "border-left",
        "border-right",
    ):
        assert physical not in css.replace(" ", ""), physical


def test_tokens_are_created_shown_once_and_revoked(demo_orgs: Any, user: Any) -> None:
    client = signed_in("analyst")
    page = client.post("/tokens/", {"name": "laptop"}).content.decode()
    secret = re.search(r'<code id="new-token">([^<]+)</code>', page)
    assert secret
    token = user("analyst").api_tokens.get(name="laptop")
    assert secret.group(1).startswith(token.prefix)
    listing = client.get("/tokens/").content.decode()
    assert secret.group(1) not in listing  # shown once
    assert "laptop" in listing
    client.post("/tokens/", {"revoke": str(token.id)})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_only_an_admin_browses_the_audit_log(demo_orgs: Any, make_incident: Any) -> None:
    incident = make_incident("monitor", narrative="Seen by a nurse.")
    signed_in("monitor").get(f"/incidents/{incident.id}/")
    assert AuditEvent.objects.filter(object_id=str(incident.id), action="read").count() == 1

    page = signed_in("admin").get("/audit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert str(incident.id) in html
    assert "monitor" in html

    for username in ("monitor", "coordinator", "analyst", "reporter", "admin2"):
        response = signed_in(username).get("/audit/")
        if username == "admin2":
            # The other organisation's admin sees nothing about cluster's records.
            assert str(incident.id) not in response.content.decode()
        else:
            assert response.status_code == 403, username


def _unquote(line: str) -> str:
    return line.split('"', 1)[1].rsplit('"', 1)[0]


def _po_entries(path: Path) -> list[dict[str, Any]]:
    """Entries of a .po file: msgid, whether every msgstr is filled in, whether fuzzy."""
    entries: list[dict[str, Any]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        msgid: list[str] = []
        msgstrs: list[list[str]] = []
        key, fuzzy = "", False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#"):
                continue
            elif line.startswith("msgid "):
                key = "msgid"
                msgid.append(_unquote(line))
            elif line.startswith("msgid_plural"):
                key = "plural"
            elif line.startswith("msgstr"):
                key = "msgstr"
                msgstrs.append([_unquote(line)])
            elif line.startswith('"') and key == "msgid":
                msgid.append(_unquote(line))
            elif line.startswith('"') and key == "msgstr":
                msgstrs[-1].append(_unquote(line))
        if key:
            entries.append(
                {
                    "msgid": "".join(msgid),
                    "translated": bool(msgstrs) and all("".join(s) for s in msgstrs),
                    "fuzzy": fuzzy,
                }
            )
    return entries


@pytest.mark.parametrize("language", ["fr", "ar", "es"])
def test_every_string_is_translated_and_compiled(language: str) -> None:
    folder = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES"
    po, mo = folder / "django.po", folder / "django.mo"
    assert po.exists() and mo.exists(), f"run makemessages/compilemessages for {language}"
    entries = [e for e in _po_entries(po) if e["msgid"]]  # the header has an empty msgid
    assert len(entries) > 100
    missing = [e["msgid"] for e in entries if not e["translated"] or e["fuzzy"]]
    assert not missing, f"{language}: {len(missing)} untranslated or fuzzy: {missing[:10]}"
    with translation.override(language):
        assert translation.gettext("Record an incident") != "Record an incident"
        assert translation.gettext("This date is in the future.") != ("This date is in the future.")


def test_not_found_and_server_error_pages_speak_the_users_language(demo_orgs: Any) -> None:
    from django.test import RequestFactory
    from django.views.defaults import server_error

    client = signed_in("monitor")
    page = client.get("/incidents/00000000-0000-0000-0000-000000000000/")
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.content.decode()
    client.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    html = client.get("/incidents/00000000-0000-0000-0000-000000000000/").content.decode()
    assert 'dir="rtl"' in html
    with translation.override("ar"):
        assert f"<h1>{translation.gettext('Not found')}</h1>" in html
        error = server_error(RequestFactory().get("/")).content.decode()
        assert 'dir="rtl"' in error
        assert translation.gettext("Something went wrong") in error
