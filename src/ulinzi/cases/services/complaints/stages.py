"""Complaint stages: each with an owner and a deadline, forward only, closed by the
outcome; the organisation's own deadlines; overdue notices."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation, User
from ulinzi.cases import policies
from ulinzi.cases.models import (
    DEFAULT_DEADLINE_DAYS,
    STAGE_ORDER,
    Complaint,
    Outcome,
    Stage,
    StageDeadline,
    StagePeriod,
)
from ulinzi.cases.services import notify
from ulinzi.cases.services.complaints.common import audit, link, require_handler
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed


def deadline_days(organisation_id: int, stage: str) -> int:
    """The organisation's own deadline for ``stage``, else the instance's."""
    own = StageDeadline.objects.filter(organisation_id=organisation_id, stage=stage).first()
    return own.days if own else default_deadline_days()[stage]


def default_deadline_days() -> dict[str, int]:
    """Days per stage where an organisation set none (``ULINZI_COMPLAINT_DEADLINE_DAYS``)."""
    return {**DEFAULT_DEADLINE_DAYS, **settings.ULINZI_COMPLAINT_DEADLINE_DAYS}


def start(complaint: Complaint, stage: str, owner: User | None, at: datetime) -> StagePeriod:
    """Open the period of ``stage`` at ``at``, due after the organisation's deadline."""
    return StagePeriod.objects.create(
        complaint=complaint,
        stage=stage,
        owner=owner,
        started_at=at,
        deadline=at + timedelta(days=deadline_days(complaint.organisation_id, stage)),
    )


def current_period(complaint: Complaint) -> StagePeriod | None:
    return complaint.periods.filter(ended_at__isnull=True).order_by("-started_at", "-id").first()


def handlers(organisation_id: int) -> QuerySet[User]:
    """Who may own a stage of the organisation's complaints: its active coordinators
    and investigators."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role__in=list(policies.COMPLAINT_ROLES),
        )
        .distinct()
        .order_by("username")
    )


def _handler(actor: Actor, organisation_id: int, username: str | None) -> User | None:
    if not username:
        return None
    found = handlers(organisation_id).filter(username=username).first()
    if found is None:
        raise InvalidInput(
            [
                FieldProblem(
                    "owner", "is not a coordinator or investigator of the organisation", username
                )
            ]
        )
    return found


@transaction.atomic
def advance(
    *,
    actor: Actor,
    complaint: Complaint,
    stage: str,
    owner: str | None = None,
    version: int | None = None,
) -> Complaint:
    """Move forward to ``stage`` (stages may be skipped, never gone back to)."""
    versioning.lock(complaint)
    require_handler(actor, complaint)
    versioning.check(version, complaint, "complaint")
    if complaint.closed_at is not None:
        raise InvalidInput([FieldProblem("stage", "the complaint is closed")])
    if stage not in STAGE_ORDER:
        raise InvalidInput(
            [FieldProblem("stage", f"must be one of {', '.join(STAGE_ORDER)}", stage)]
        )
    if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(complaint.stage):
        raise InvalidInput([FieldProblem("stage", "must come after the current stage", stage)])
    new_owner = _handler(actor, complaint.organisation_id, owner)
    now = timezone.now()
    complaint.periods.filter(ended_at__isnull=True).update(ended_at=now)
    complaint.stage = stage
    versioning.save(complaint, ["stage"])
    start(complaint, stage, new_owner, now)
    audit(actor, complaint, "advance", [stage])
    if new_owner is not None:
        notify.send(
            [new_owner],
            kind="complaint_stage",
            title=_("Complaint %(ref)s: %(stage)s is yours")
            % {"ref": complaint.reference, "stage": stage},
            link=link(complaint),
        )
    return complaint


@transaction.atomic
def assign(
    *, actor: Actor, complaint: Complaint, owner: str, version: int | None = None
) -> StagePeriod:
    """Give the current stage another owner (a change of the complaint's version)."""
    versioning.lock(complaint)
    require_handler(actor, complaint)
    versioning.check(version, complaint, "complaint")
    period = current_period(complaint)
    if period is None:
        raise InvalidInput([FieldProblem("owner", "the complaint is closed")])
    period.owner = _handler(actor, complaint.organisation_id, owner)
    period.save(update_fields=["owner"])
    versioning.save(complaint, [])
    audit(actor, complaint, "assign", ["owner"])
    return period


@transaction.atomic
def decide(
    *, actor: Actor, complaint: Complaint, outcome: str, version: int | None = None
) -> Complaint:
    """Record the outcome at the outcome stage; the complaint closes."""
    versioning.lock(complaint)
    require_handler(actor, complaint)
    versioning.check(version, complaint, "complaint")
    if outcome not in Outcome.values:
        raise InvalidInput(
            [FieldProblem("outcome", f"must be one of {', '.join(Outcome.values)}", outcome)]
        )
    if complaint.stage != Stage.OUTCOME or complaint.closed_at is not None:
        raise InvalidInput(
            [FieldProblem("outcome", "move the complaint to the outcome stage first")]
        )
    now = timezone.now()
    complaint.periods.filter(ended_at__isnull=True).update(ended_at=now)
    complaint.outcome, complaint.closed_at = outcome, now
    versioning.save(complaint, ["outcome", "closed_at"])
    audit(actor, complaint, "decide", ["outcome"])
    return complaint


def set_deadline(
    *, actor: Actor, organisation: Organisation, stage: str, days: int
) -> StageDeadline:
    if not policies.can_set_deadlines(actor, organisation.pk):
        raise NotAllowed("only the organisation's coordinators set complaint deadlines")
    if stage not in STAGE_ORDER:
        raise InvalidInput(
            [FieldProblem("stage", f"must be one of {', '.join(STAGE_ORDER)}", stage)]
        )
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise InvalidInput([FieldProblem("days", "must be a whole number from 1 to 365", days)])
    row, _ = StageDeadline.objects.update_or_create(
        organisation=organisation, stage=stage, defaults={"days": days}
    )
    return row


def notify_overdue() -> int:
    """Tell the stage owner and the organisation's coordinators, once per overdue stage."""
    count = 0
    rows = StagePeriod.objects.filter(
        ended_at__isnull=True, deadline__lt=timezone.now(), overdue_notified_at__isnull=True
    ).select_related("complaint")
    for period in rows:
        users = notify.users_with([period.complaint.organisation_id], "coordinator")
        if period.owner is not None:
            users.append(period.owner)
        notify.send(
            users,
            kind="complaint_overdue",
            title=_("Complaint %(ref)s: %(stage)s is overdue")
            % {"ref": period.complaint.reference, "stage": period.stage},
            link=link(period.complaint),
        )
        StagePeriod.objects.filter(pk=period.pk).update(overdue_notified_at=timezone.now())
        count += 1
    return count
