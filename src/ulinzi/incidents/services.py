"""Writes to incidents by a person (API and forms): create (idempotent), change, verify,
reject. Every write is validated by :mod:`ulinzi.incidents.validation`, made on the row
as it is now, locked (:mod:`ulinzi.common.versioning`), and written by
:mod:`ulinzi.incidents.writes` (row, codes, history line, counting copy)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ulinzi.accounts import organisation_choice
from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.audit import services as audit
from ulinzi.common import versioning
from ulinzi.common.problems import Conflict, FieldProblem, InvalidInput, NotAllowed
from ulinzi.incidents import policies, validation, writes
from ulinzi.incidents.models import Incident, Status


def _snapshot(incident: Incident) -> dict[str, Any]:
    return {name: getattr(incident, name) for name in validation.EDITABLE_FIELDS}


def _replayed(actor: Actor, org: Organisation, source_id: str) -> Incident | None:
    """The incident ``org`` already holds under ``source_id`` in its default dataset (the
    API's and the forms'), when the actor may read it; a :class:`Conflict` that says
    nothing about it when the actor may not."""
    existing = (
        Incident.objects.select_related("organisation", "reported_by")
        .filter(organisation=org, dataset="", source_id=source_id)
        .first()
    )
    if existing is None or policies.can_view(actor, existing):
        return existing
    raise Conflict([FieldProblem("source_id", "is already used by a record of this organisation")])


def create(
    *,
    actor: Actor,
    data: dict[str, Any],
    organisation: str | None = None,
    status: str = Status.SUBMITTED,
    raw_source: dict[str, Any] | None = None,
) -> tuple[Incident, bool]:
    """Record an incident. With a ``source_id`` already known for the organisation,
    return the existing record and ``False`` instead of making a second one, if the
    actor may read it (else :class:`Conflict`)."""
    if not policies.can_create(actor):
        raise NotAllowed("your roles do not allow recording incidents")
    org = organisation_choice.choose(
        policies.creatable_orgs(actor),
        organisation,
        refusal="your roles do not allow recording incidents",
    )
    cleaned = validation.clean(data)
    source_id = cleaned.get("source_id")
    if source_id:
        existing = _replayed(actor, org, source_id)
        if existing is not None:
            return existing, False
    incident = Incident(organisation=org, reported_by=actor.user, status=status, **cleaned)
    incident.raw_source = raw_source
    try:
        with transaction.atomic():
            writes.create(incident, user=actor.user, changes=writes.given(cleaned))
    except IntegrityError:
        # A concurrent submission with the same source id won the race.
        existing = _replayed(actor, org, source_id) if source_id else None
        if existing is None:
            raise
        return existing, False
    return incident, True


def update(
    *, actor: Actor, incident: Incident, data: dict[str, Any], version: int | None = None
) -> Incident:
    """Change the fields named in ``data`` of the incident as it is now (changes others
    made meanwhile to other fields stay); the history keeps old and new values. With
    ``version``, refuse with :class:`StaleVersion` if the incident has moved on."""
    with transaction.atomic():
        versioning.lock(incident)
        if not policies.can_edit(actor, incident):
            raise NotAllowed("you cannot change this incident")
        if "narrative" in data and not policies.can_read_narrative(actor, incident):
            raise NotAllowed("you cannot change the narrative of this incident")
        versioning.check(version, incident, "incident")
        before = _snapshot(incident)
        cleaned = validation.clean(data, current=before)
        changes: dict[str, Any] = {}
        for name, value in cleaned.items():
            if before.get(name) != value:
                setattr(incident, name, value)
                changes[name] = writes.shown(name, before.get(name), value)
        if not changes:
            return incident
        if (
            "source_id" in changes
            and Incident.objects.filter(
                organisation_id=incident.organisation_id,
                dataset=incident.dataset,
                source_id=incident.source_id,
            )
            .exclude(pk=incident.pk)
            .exists()
        ):
            raise InvalidInput(
                [FieldProblem("source_id", "another incident of your organisation has it")]
            )
        writes.commit(incident, writes.UPDATED, changes, user=actor.user)
    return incident


def verify(
    *,
    actor: Actor,
    incident: Incident,
    certainty: str | None = None,
    note: str = "",
    version: int | None = None,
) -> Incident:
    """Mark an incident verified (optionally grading its certainty)."""
    with transaction.atomic():
        versioning.lock(incident)
        if not policies.can_verify(actor, incident):
            raise NotAllowed(
                "only a coordinator or investigator of the reporting organisation can verify"
            )
        versioning.check(version, incident, "incident")
        if incident.status == Status.DUPLICATE:
            raise InvalidInput(
                [
                    FieldProblem(
                        "status", "a duplicate cannot be verified; verify its canonical record"
                    )
                ]
            )
        changes: dict[str, Any] = {"status": [incident.status, Status.VERIFIED]}
        if certainty is not None:
            validation.clean({"certainty": certainty}, current=_snapshot(incident))
            changes["certainty"] = [incident.certainty, certainty]
            incident.certainty = certainty
        incident.status = Status.VERIFIED
        incident.status_reason = note
        incident.verified_by = actor.user
        incident.verified_at = timezone.now()
        writes.commit(incident, writes.VERIFIED, changes, user=actor.user, reason=note)
    return incident


def reject(
    *, actor: Actor, incident: Incident, reason: str, version: int | None = None
) -> Incident:
    """Reject an incident; a reason is required and kept."""
    with transaction.atomic():
        versioning.lock(incident)
        if not policies.can_verify(actor, incident):
            raise NotAllowed(
                "only a coordinator or investigator of the reporting organisation can reject"
            )
        versioning.check(version, incident, "incident")
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput([FieldProblem("reason", "is required to reject an incident")])
        changes = {"status": [incident.status, Status.REJECTED]}
        incident.status = Status.REJECTED
        incident.status_reason = reason
        writes.commit(incident, writes.REJECTED, changes, user=actor.user, reason=reason)
    return incident


# The incident's texts that only roles that may read narratives see (each read audited).
READ_AS_NARRATIVE = ("narrative", "status_reason")


def read_texts(
    *, actor: Actor, incident: Incident, names: tuple[str, ...] = READ_AS_NARRATIVE
) -> dict[str, str] | None:
    """The texts ``names`` of the incident if the actor may read narratives, else
    ``None``; reading any that is not empty is audited."""
    return read_texts_of(actor=actor, incidents=[incident], names=names)[incident.pk]


def read_texts_of(
    *, actor: Actor, incidents: Sequence[Incident], names: tuple[str, ...] = READ_AS_NARRATIVE
) -> dict[Any, dict[str, str] | None]:
    """:func:`read_texts` of each incident, by id; the reads audited in one write (one
    event per incident read, as for a single read)."""
    out: dict[Any, dict[str, str] | None] = {}
    reads: list[audit.Read] = []
    for incident in incidents:
        if not policies.can_read_narrative(actor, incident):
            out[incident.pk] = None
            continue
        texts = {name: getattr(incident, name) for name in names}
        read = [name for name, text in texts.items() if text]
        if read:
            reads.append(audit.Read(incident.pk, incident.organisation.code, read))
        out[incident.pk] = texts
    audit.record_reads(actor=actor, object_type="incident", reads=reads)
    return out


def read_narrative(*, actor: Actor, incident: Incident) -> str | None:
    """The narrative if the actor may read it (the read is audited), else ``None``."""
    texts = read_texts(actor=actor, incident=incident, names=("narrative",))
    return None if texts is None else texts["narrative"]


@dataclass(frozen=True)
class HistoryLine:
    """One change as shown: ``reason`` is ``None`` for a reader who may not see it."""

    at: datetime
    username: str
    action: str
    changes: dict[str, Any]
    reason: str | None


def read_history(*, actor: Actor, incident: Incident) -> list[HistoryLine]:
    """The incident's history, oldest first. Reasons (verification notes, rejection
    reasons) are free text: hidden from those who may not read the narrative, and their
    reading is audited."""
    allowed = policies.can_read_narrative(actor, incident)
    lines = [
        HistoryLine(c.at, c.username, c.action, c.changes, c.reason if allowed else None)
        for c in incident.changes.all()
    ]
    if any(line.reason for line in lines):
        audit.record(
            actor=actor,
            action="read",
            object_type="incident",
            object_id=incident.pk,
            owner_organisation=incident.organisation.code,
            fields=["history.reason"],
        )
    return lines
