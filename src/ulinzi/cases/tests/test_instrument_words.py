"""The risk instruments speak the reader's language: every text of every instrument file
(name, description, questions, options) is listed for the catalogue and translated into
French and Arabic, and the screening page shows them so."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from ulinzi.cases.instruments.texts import TEXTS
from ulinzi.cases.services.risk import INSTRUMENT_DIR


def _texts() -> list[str]:
    out = []
    for path in sorted(INSTRUMENT_DIR.glob("*.json")):
        d = json.loads(path.read_text(encoding="utf-8"))
        out += [d["name"], d["description"]]
        for q in d["questions"]:
            out += [q["text"], *(o["label"] for o in q.get("options", []))]
    return out


def test_every_instrument_text_is_listed_and_translated() -> None:
    texts = _texts()
    assert len(texts) > 20
    assert sorted(set(texts) - set(TEXTS)) == []
    for language in ("fr", "ar"):
        with translation.override(language):
            untranslated = [t for t in texts if translation.gettext(t) == t]
        assert untranslated == [], language


@pytest.mark.django_db
def test_the_screening_page_is_in_the_readers_language(
    case: Any, verified: Callable[[str], Client]
) -> None:
    response = verified("case_worker").get(
        f"/cases/{case.pk}/assess/ipv/", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le partenaire a-t-il utilisé une arme ou menacé de le faire ?" in page
    assert "Has the partner used or threatened to use a weapon?" not in page
    assert "Violence entre partenaires intimes : évaluation du danger" in page
