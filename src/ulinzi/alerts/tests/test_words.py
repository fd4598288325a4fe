"""The alert board and incident history in words: an alert nobody received says
"0 acknowledged" (it said "[] acknowledged"); the actions and reasons the system writes
into an incident's history are shown in the reader's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_an_alert_that_reached_nobody_counts_zero_acknowledged(raise_alert: Any, user: Any) -> None:
    alert = raise_alert(pcodes=["UA4802"])
    client = Client()
    client.force_login(user("monitor"))
    html = client.get(f"/alerts/{alert.pk}/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "[]" not in html
    assert "0 accusé de réception" in html


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_history_actions_and_reasons_are_words(language: str) -> None:
    from ulinzi.web.templatetags import ulinzi as filters

    with translation.override(language):
        for action in ("imported", "linked", "unlinked"):
            assert filters.history_action(action) != action
        for field in ("imported", "row", "raw_source", "canonical"):  # an import's first line
            assert filters.field_label(field) != field
        for marker in ("(previous source row)", "(previous version kept)"):
            assert filters.change_value(marker, "raw_source") != marker
        reason = filters.history_reason("re-import, row 12")
        assert "12" in reason and "re-import" not in reason
        rule = filters.history_reason(
            "linkage run 3; certainty from independent sources (SSA rule)"
        )
        assert "3" in rule and "linkage" not in rule and "certainty" not in rule
        assert filters.history_reason("Seen by two nurses") == "Seen by two nurses"
