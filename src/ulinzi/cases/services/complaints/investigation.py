"""What only the handlers see: the subject of the complaint (investigators alone) and
internal notes (never shown to the complainant)."""

from __future__ import annotations

from django.db import transaction

from ulinzi.accounts.access import Actor
from ulinzi.cases import policies
from ulinzi.cases.models import Complaint, ComplaintNote
from ulinzi.cases.services.complaints.common import MAX_TEXT, audit, require_handler
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed


@transaction.atomic
def set_subject(
    *,
    actor: Actor,
    complaint: Complaint,
    identity: str,
    organisation: str = "",
    version: int | None = None,
) -> None:
    versioning.lock(complaint)
    if not policies.can_see_subject(actor, complaint):
        raise NotAllowed("only the responsible organisation's investigators record the subject")
    versioning.check(version, complaint, "complaint")
    complaint.subject_identity = identity[:MAX_TEXT]
    complaint.subject_organisation = organisation[:MAX_TEXT]
    versioning.save(complaint, ["subject_identity", "subject_organisation"])
    audit(actor, complaint, "set_subject", ["subject"])


def add_note(*, actor: Actor, complaint: Complaint, body: str) -> ComplaintNote:
    user = require_handler(actor, complaint)
    if not str(body or "").strip():
        raise InvalidInput([FieldProblem("body", "write the note")])
    return ComplaintNote.objects.create(complaint=complaint, author=user, body=str(body)[:MAX_TEXT])
