"""No code where a person expects words: the case, referral, complaint, incident and
alert pages, rendered in French and Arabic, show no raw vocabulary code in their visible
text (checked against every code of every vocabulary and code list), and the SEAH
complaint type shows its label, never its letters."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client


class _Visible(HTMLParser):
    """The text a reader sees: text nodes outside script and style."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


_WORD = re.compile(r"[A-Za-z0-9_]+")


def codes_shown(html: str, language: str, data: tuple[str, ...] = ()) -> set[str]:
    """Vocabulary codes standing as words in the visible text of a page in ``language``,
    where each should have been its label. A code that is also a word of some label in
    that language (French "protection", "psychosocial") is a word there, not a code.
    ``data``: what people wrote (a summary, a service's name), left out of the check."""
    from django.utils import translation

    from ulinzi.vocab import registry

    with translation.override(language):
        everything = registry.all_codes()
        label_words = {
            word.casefold()
            for name, values in everything.items()
            for code in values
            for word in _WORD.findall(registry.label(name, code))
        }
    codes = {c for values in everything.values() for c in values if c.casefold() not in label_words}
    text = " ".join(visible_text(html).split())
    for written in data:
        text = text.replace(written, " ")
    return set(_WORD.findall(text)) & codes


def _page(client: Client, path: str, language: str) -> str:
    response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["Content-Language"] == language
    return response.content.decode()


@pytest.fixture
def full_case(case: Any, referral: Any, as_actor: Any, demo_orgs: Any) -> Any:
    """The case of the fixtures with a consent, a referral, a risk assessment, a
    protective measure with a violation and the timeline they leave."""
    from ulinzi.cases.services import consent, measures, risk

    worker = as_actor("case_worker")
    risk.sync_instruments()
    questions = risk.current("ipv").definition["questions"]
    risk.assess(
        actor=worker,
        case=case,
        instrument="ipv",
        answers={
            q["id"]: True if q["type"] == "yes_no" else q["options"][-1]["value"] for q in questions
        },
    )
    consent.give(actor=worker, case=case, purpose="protection", recipient="amani", scope=["area"])
    measure = measures.add(actor=worker, case=case, kind="police_patrol", owner="amani")
    measures.record_violation(actor=worker, measure=measure, description="He came back")
    return case


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_case_pages_show_words_not_codes(
    full_case: Any, referral: Any, verified: Any, language: str
) -> None:
    sender, receiver = verified("case_worker"), verified("case_worker2")
    pages = {
        "list": _page(sender, "/cases/", language),
        "detail": _page(sender, f"/cases/{full_case.pk}/", language),
        "referral": _page(receiver, f"/cases/referrals/{referral.pk}/", language),
    }
    from ulinzi.cases.models.risk import Instrument

    # what people wrote, and the instruments' names (English only in their files)
    written = (
        full_case.summary,
        full_case.survivor_details,
        *Instrument.objects.values_list("name", flat=True),
    )
    for name, html in pages.items():
        assert codes_shown(html, language, written) == set(), name
    detail = visible_text(pages["detail"])
    # the timeline in the reader's language, whoever wrote it
    assert ("Dossier ouvert" if language == "fr" else "فُتحت الحالة") in detail
    for english in ("Case opened", "Protective measure", "Violation of", "Referred to"):
        assert english not in detail


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_complaint_type_shows_its_label(verified: Any, as_actor: Any, language: str) -> None:
    from ulinzi.cases.services.complaints import intake
    from ulinzi.vocab import registry

    complaint = intake.create(
        actor=as_actor("investigator"),
        data={
            "source": "named",
            "kind": "sexual_exploitation",
            "description": "Food distribution against sex.",
            "country": "UKR",
        },
    )
    client = verified("investigator")
    label = registry.get("seah_type").label("sexual_exploitation", language)
    for path in ("/cases/complaints/", f"/cases/complaints/{complaint.pk}/"):
        html = _page(client, path, language)
        text = visible_text(html)
        assert label in text, path
        assert "s, e, x" not in text, path
        assert codes_shown(html, language, (complaint.description,)) == set(), path


def test_the_check_finds_a_code_left_in_a_page() -> None:
    """The checker itself: a code in visible text is found, in an attribute it is not."""
    html = '<p>Besoins : clinical_management_of_rape</p><a href="?x=risk_level">Niveau</a>'
    assert codes_shown(html, "fr") == {"clinical_management_of_rape"}
