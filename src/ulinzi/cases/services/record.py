"""The case timeline and the audit trail of case reads, written in one place."""

from __future__ import annotations

from collections.abc import Iterable

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.audit.services import record
from ulinzi.cases.models import Case, TimelineEntry


def timeline(
    *, actor: Actor, case: Case, kind: str, text: str = "", **params: object
) -> TimelineEntry:
    """Add an entry: ``text`` is the English message (marked with ``gettext_noop``), its
    ``%(name)s`` values the codes and names in ``params``; both are put into words in
    the reader's language when shown (``TimelineEntry.shown``)."""
    orgs = sorted(actor.roles_by_org)
    org_code = ""
    if orgs:
        org_code = (
            Organisation.objects.filter(
                pk=case.organisation_id if case.organisation_id in orgs else orgs[0]
            )
            .values_list("code", flat=True)
            .first()
            or ""
        )
    return TimelineEntry.objects.create(
        case=case,
        username=actor.user.username if actor.user else "",
        organisation=org_code,
        kind=kind,
        text=text[:400],
        params=params,
    )


def audit(*, actor: Actor, case: Case, action: str, fields: Iterable[str] = ()) -> None:
    """Audit one read or change of a case (who, organisation, when, which fields):
    ``action`` is ``read``, ``list``, ``create``, ``update``, ``consent_given``…"""
    record(
        actor=actor,
        action=action,
        object_type="case",
        object_id=case.pk,
        owner_organisation=case.organisation.code,
        fields=sorted(set(fields)),
        detail={"reference": case.reference},
    )
