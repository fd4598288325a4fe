"""Who may do what with cases, referrals, measures and complaints. Default deny.

- A case file is seen by the case worker who opened it or holds it, and by the
  coordinators of its organisation; nobody else, whatever their role.
- Another organisation sees only (a) a referral sent to it, with the shared summary a
  consent in force covers, and (b) the protective measures it carries out, likewise.
- Complaints are handled by the coordinators and investigators of the responsible
  organisation; the subject's identity is shown to its investigators only; the
  complainant sees the stage and the messages, nothing else.
- Every role here can see survivors' data, so it needs TOTP (:mod:`ulinzi.accounts.twofactor`).
"""

from __future__ import annotations

from django.db.models import Q

from ulinzi.accounts.access import Actor
from ulinzi.accounts.roles import Role
from ulinzi.cases.models import Case, Complaint, Consent, ProtectiveMeasure, Purpose, Referral

CASE_WORKER = (Role.CASE_WORKER,)
SUPERVISORS = (Role.COORDINATOR,)
CASE_ROLES = (Role.CASE_WORKER, Role.COORDINATOR)
RECEIVE_ROLES = (Role.CASE_WORKER, Role.COORDINATOR)
PROTOCOL_ROLES = (Role.CASE_WORKER, Role.COORDINATOR)
COMPLAINT_ROLES = (Role.COORDINATOR, Role.INVESTIGATOR)
SUBJECT_ROLES = (Role.INVESTIGATOR,)


def can_use_cases(actor: Actor) -> bool:
    return actor.has_role(*CASE_ROLES)


def opening_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*CASE_WORKER)


def case_scope(actor: Actor) -> Q:
    """The cases the actor may see, as a filter (matches nothing without a right)."""
    q = Q(organisation_id__in=actor.orgs_with(*SUPERVISORS))
    if actor.user_id is not None:
        mine = Q(opened_by_id=actor.user_id) | Q(assigned_to_id=actor.user_id)
        q |= Q(organisation_id__in=actor.orgs_with(*CASE_WORKER)) & mine
    return q


def can_view_case(actor: Actor, case: Case) -> bool:
    if case.organisation_id in actor.orgs_with(*SUPERVISORS):
        return True
    return case.organisation_id in actor.orgs_with(*CASE_WORKER) and actor.user_id in (
        case.opened_by_id,
        case.assigned_to_id,
    )


def can_edit_case(actor: Actor, case: Case) -> bool:
    return can_view_case(actor, case)


def can_assign(actor: Actor, case: Case) -> bool:
    return case.organisation_id in actor.orgs_with(*SUPERVISORS)


def can_receive(actor: Actor, referral: Referral) -> bool:
    return referral.to_organisation_id in actor.orgs_with(*RECEIVE_ROLES)


def protocol_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*PROTOCOL_ROLES)


def can_update_measure(actor: Actor, measure: ProtectiveMeasure) -> bool:
    """The case's holders, and the agency that carries the measure out (another agency
    only while the survivor's protection consent for it is in force)."""
    if can_edit_case(actor, measure.case):
        return True
    if measure.owner_id not in protocol_orgs(actor):
        return False
    if measure.owner_id == measure.case.organisation_id:
        return False  # inside the organisation: the case's holders only (above)
    return Consent.objects.filter(
        case_id=measure.case_id,
        purpose=Purpose.PROTECTION,
        recipient_id=measure.owner_id,
        withdrawn_at__isnull=True,
    ).exists()


def complaint_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*COMPLAINT_ROLES)


def subject_orgs(actor: Actor) -> set[int]:
    return actor.orgs_with(*SUBJECT_ROLES)


def can_handle(actor: Actor, complaint: Complaint) -> bool:
    return complaint.organisation_id in complaint_orgs(actor)


def can_see_subject(actor: Actor, complaint: Complaint) -> bool:
    """The subject of a complaint: the responsible organisation's investigators only."""
    return complaint.organisation_id in subject_orgs(actor)


def can_set_deadlines(actor: Actor, organisation_id: int) -> bool:
    return organisation_id in actor.orgs_with(Role.COORDINATOR)
