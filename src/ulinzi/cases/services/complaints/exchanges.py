"""Messages between the handlers and the complainant (account or receipt code)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.cases import policies
from ulinzi.cases.models import Complaint, ComplaintMessage
from ulinzi.cases.services import notify
from ulinzi.cases.services.complaints.common import link, require_handler
from ulinzi.common.problems import FieldProblem, InvalidInput


def _body(body: Any) -> str:
    text = str(body or "").strip()
    if not text:
        raise InvalidInput([FieldProblem("body", "write a message")])
    if len(text) > 5000:
        raise InvalidInput([FieldProblem("body", "is longer than 5000 characters")])
    return text


def handler_message(*, actor: Actor, complaint: Complaint, body: str) -> ComplaintMessage:
    user = require_handler(actor, complaint)
    return ComplaintMessage.objects.create(
        complaint=complaint,
        author=ComplaintMessage.Author.HANDLER,
        handler=user,
        body=_body(body),
        sent_on=date.today(),
    )


def complainant_message(*, complaint: Complaint, body: str) -> ComplaintMessage:
    """From the complainant (account or receipt); the handlers are told."""
    message = ComplaintMessage.objects.create(
        complaint=complaint,
        author=ComplaintMessage.Author.COMPLAINANT,
        body=_body(body),
        sent_on=date.today(),
    )
    notify.send(
        notify.users_with([complaint.organisation_id], *policies.COMPLAINT_ROLES),
        kind="complaint_message",
        title=_("New message on complaint %(ref)s") % {"ref": complaint.reference},
        link=link(complaint),
    )
    return message
