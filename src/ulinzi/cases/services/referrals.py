"""Referrals: the consent check first, then the receiving organisation answers,
records the services delivered and closes. Overdue: no answer within
``ULINZI_REFERRAL_RESPONSE_HOURS`` (default 72)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import User
from ulinzi.cases import policies
from ulinzi.cases.models import Case, Purpose, Referral, ReferralStatus
from ulinzi.cases.services import consent, notify, record
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.directory.models import Service


def response_hours() -> int:
    return int(settings.ULINZI_REFERRAL_RESPONSE_HOURS)


def _link(referral: Referral) -> str:
    return reverse("cases:referral", args=[referral.pk])


@transaction.atomic
def send(*, actor: Actor, case: Case, service_id: Any, note: str = "", need: str = "") -> Referral:
    """Refer the case to a service. Refused unless a referral consent for the service's
    organisation is in force."""
    if not policies.can_edit_case(actor, case):
        raise NotAllowed("you do not hold this case")
    service = (
        Service.objects.select_related("organisation").filter(pk=service_id).first()
        if _is_uuid(service_id)
        else None
    )
    if service is None or not service.active:
        raise InvalidInput([FieldProblem("service", "is not an active service", service_id)])
    if not service.accepts_referrals:
        raise InvalidInput(
            [FieldProblem("service", "does not take referrals through Ulinzi: use its contact")]
        )
    if case.status != Case.Status.OPEN:
        raise InvalidInput([FieldProblem("case", "is closed")])
    fields = consent.require(case, Purpose.REFERRAL, service.organisation)
    assert isinstance(actor.user, User)
    now = timezone.now()
    referral = Referral.objects.create(
        case=case,
        service=service,
        from_organisation=case.organisation,
        to_organisation=service.organisation,
        need=need or service.kind,
        note=str(note or ""),
        sent_by=actor.user,
        sent_at=now,
        due_at=now + timedelta(hours=response_hours()),
    )
    record.timeline(
        actor=actor,
        case=case,
        kind="referral_sent",
        text=gettext_noop("Referred to %(service)s (%(org)s)"),
        service=service.name,
        org=service.organisation.code,
    )
    record.audit(actor=actor, case=case, action="share_referral", fields=fields)
    notify.send(
        notify.users_with([service.organisation_id], *policies.RECEIVE_ROLES),
        kind="referral_received",
        title=_("New referral for %(service)s") % {"service": service.name},
        link=_link(referral),
    )
    return referral


def _is_uuid(value: Any) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _receiver(actor: Actor, referral: Referral) -> User:
    if not policies.can_receive(actor, referral):
        raise NotAllowed("only the receiving organisation answers this referral")
    assert isinstance(actor.user, User)
    return actor.user


def _tell_sender(referral: Referral, title: str) -> None:
    if referral.sent_by_id:
        notify.send(
            User.objects.filter(pk=referral.sent_by_id),
            kind="referral_answered",
            title=title,
            link=_link(referral),
        )


@transaction.atomic
def respond(
    *,
    actor: Actor,
    referral: Referral,
    accept: bool,
    reason: str = "",
    version: int | None = None,
) -> Referral:
    """Accept, or decline with a reason."""
    versioning.lock(referral)
    user = _receiver(actor, referral)
    versioning.check(version, referral, "referral")
    if referral.status != ReferralStatus.PENDING:
        raise InvalidInput([FieldProblem("status", f"the referral is already {referral.status}")])
    if not accept and not str(reason or "").strip():
        raise InvalidInput([FieldProblem("reason", "say why the referral is declined")])
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.DECLINED
    referral.responded_at, referral.responded_by = timezone.now(), user
    referral.response_reason = str(reason or "").strip()
    if not accept:
        referral.closed_at = referral.responded_at
    versioning.save(referral)
    word = _("accepted") if accept else _("declined")
    record.timeline(
        actor=actor,
        case=referral.case,
        kind="referral_" + referral.status,
        text=gettext_noop("Referral to %(service)s: %(answer)s"),
        service=referral.service.name,
        answer=referral.status,
    )
    _tell_sender(
        referral,
        _("Referral %(ref)s %(word)s by %(org)s")
        % {"ref": referral.case.reference, "word": word, "org": referral.to_organisation.code},
    )
    return referral


@transaction.atomic
def deliver(
    *, actor: Actor, referral: Referral, services: str, version: int | None = None
) -> Referral:
    """Record the services delivered (added to what was recorded before)."""
    versioning.lock(referral)
    _receiver(actor, referral)
    versioning.check(version, referral, "referral")
    if referral.status != ReferralStatus.ACCEPTED:
        raise InvalidInput([FieldProblem("status", "accept the referral first")])
    if not str(services or "").strip():
        raise InvalidInput([FieldProblem("services", "say which services were delivered")])
    stamp = timezone.now().date().isoformat()
    entry = f"{stamp}: {str(services).strip()}"
    referral.services_delivered = "\n".join(x for x in (referral.services_delivered, entry) if x)
    versioning.save(referral, ["services_delivered"])
    record.timeline(
        actor=actor,
        case=referral.case,
        kind="referral_delivered",
        text=gettext_noop("Services delivered by %(org)s"),
        org=referral.to_organisation.code,
    )
    return referral


@transaction.atomic
def close(*, actor: Actor, referral: Referral, version: int | None = None) -> Referral:
    versioning.lock(referral)
    _receiver(actor, referral)
    versioning.check(version, referral, "referral")
    if referral.status != ReferralStatus.ACCEPTED:
        raise InvalidInput([FieldProblem("status", "only an accepted referral is closed")])
    referral.status, referral.closed_at = ReferralStatus.COMPLETED, timezone.now()
    versioning.save(referral, ["status", "closed_at"])
    record.timeline(
        actor=actor,
        case=referral.case,
        kind="referral_completed",
        text=gettext_noop("Referral to %(service)s completed"),
        service=referral.service.name,
    )
    _tell_sender(
        referral,
        _("Referral %(ref)s completed by %(org)s")
        % {"ref": referral.case.reference, "org": referral.to_organisation.code},
    )
    return referral


def notify_overdue() -> int:
    """Tell both sides, once, about each referral left unanswered past its due time."""
    count = 0
    for referral in Referral.objects.filter(
        status=ReferralStatus.PENDING, due_at__lt=timezone.now(), overdue_notified_at__isnull=True
    ).select_related("case"):
        users = notify.users_with([referral.to_organisation_id], *policies.RECEIVE_ROLES)
        if referral.sent_by_id is not None:
            users += list(User.objects.filter(pk=referral.sent_by_id))
        notify.send(
            users,
            kind="referral_overdue",
            title=_("Referral %(ref)s has had no answer in time")
            % {"ref": referral.case.reference},
            link=_link(referral),
        )
        Referral.objects.filter(pk=referral.pk).update(overdue_notified_at=timezone.now())
        count += 1
    return count
