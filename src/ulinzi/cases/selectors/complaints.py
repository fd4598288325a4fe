"""Complaints as handlers, complainants and the public see them."""

from __future__ import annotations

import statistics as stats
import uuid
from collections import Counter
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ulinzi.accounts.access import Actor
from ulinzi.audit.services import record
from ulinzi.cases import policies
from ulinzi.cases.models import (
    STAGE_ORDER,
    Complaint,
    ComplaintMessage,
    Outcome,
    Stage,
    StagePeriod,
)
from ulinzi.common.problems import NotAllowed, NotFound

SMALL = 5  # cells under this are suppressed in public statistics
FIELDS = ("complainant", "description", "stages", "notes", "messages", "assistance")


def visible(actor: Actor) -> QuerySet[Complaint]:
    orgs = policies.complaint_orgs(actor)
    if not orgs:
        raise NotAllowed("only coordinators and investigators handle complaints")
    return Complaint.objects.filter(organisation_id__in=orgs).select_related("organisation")


def get(actor: Actor, complaint_id: uuid.UUID | str) -> Complaint:
    try:
        return visible(actor).get(pk=complaint_id)
    except (Complaint.DoesNotExist, ValueError) as exc:
        raise NotFound(f"no complaint {complaint_id}") from exc


def read(actor: Actor, complaint_id: uuid.UUID | str) -> tuple[Complaint, bool]:
    """The complaint and whether the actor may see its subject; the read is audited."""
    complaint = get(actor, complaint_id)
    subject = policies.can_see_subject(actor, complaint)
    record(
        actor=actor,
        action="read",
        object_type="complaint",
        object_id=complaint.pk,
        owner_organisation=complaint.organisation.code,
        fields=[*FIELDS, "subject"] if subject else list(FIELDS),
        detail={"reference": complaint.reference},
    )
    return complaint, subject


def overdue(actor: Actor) -> list[StagePeriod]:
    """Open stages past their deadline, in the actor's organisations."""
    return list(
        StagePeriod.objects.filter(
            complaint__organisation_id__in=policies.complaint_orgs(actor),
            ended_at__isnull=True,
            deadline__lt=timezone.now(),
        )
        .select_related("complaint", "owner")
        .order_by("deadline")
    )


def mine(actor: Actor) -> QuerySet[Complaint]:
    """Complaints the actor filed or was recorded as complainant of."""
    if actor.user_id is None:
        return Complaint.objects.none()
    return Complaint.objects.filter(complainant_user_id=actor.user_id)


def complainant_view(complaint: Complaint) -> dict[str, Any]:
    """What the complainant sees: the stage and the messages. Built from a whitelist,
    so no internal note, owner, deadline, handler name or subject can slip in."""
    period = (
        complaint.periods.filter(ended_at__isnull=True).order_by("-started_at").first()
        or complaint.periods.order_by("-started_at").first()
    )
    messages = ComplaintMessage.objects.filter(complaint=complaint).order_by("id")
    return {
        "reference": complaint.reference,
        "received_on": complaint.received_at.date(),
        "stage": complaint.stage,
        "stage_label": str(Stage(complaint.stage).label),
        "stage_since": period.started_at.date() if period else complaint.received_at.date(),
        "closed": complaint.closed_at is not None,
        "outcome": complaint.outcome,
        "outcome_label": str(Outcome(complaint.outcome).label) if complaint.outcome else "",
        "messages": [{"author": m.author, "body": m.body, "sent_on": m.sent_on} for m in messages],
    }


def _suppress(counts: dict[str, int]) -> dict[str, int | None]:
    """Cells under :data:`SMALL` become ``None``; when only one cell of a dimension is
    suppressed, the next smallest is too, so no total can give it back."""
    out: dict[str, int | None] = {k: (v if v >= SMALL else None) for k, v in counts.items()}
    hidden = [k for k, v in out.items() if v is None and counts[k] > 0]
    if len(hidden) == 1:
        shown = sorted((v, k) for k, v in out.items() if v is not None)
        if shown:
            out[shown[0][1]] = None
    return out


def transparency(organisation: str | None = None, year: int | None = None) -> dict[str, Any]:
    """Counts by type, current stage and outcome, and median days per stage, with small
    cells suppressed. No reference, date or place below the year leaves here."""
    qs = Complaint.objects.all()
    if organisation:
        qs = qs.filter(organisation__code=organisation)
    if year:
        qs = qs.filter(received_at__year=year)
    rows = list(qs.values_list("kind", "stage", "outcome", "closed_at"))
    by_kind = Counter(k for k, _, _, _ in rows)
    by_stage = Counter(s for _, s, _, closed in rows if closed is None)
    by_outcome = Counter(o for _, _, o, _ in rows if o)
    days: dict[str, list[float]] = {s: [] for s in STAGE_ORDER}
    periods = StagePeriod.objects.filter(complaint__in=qs, ended_at__isnull=False)
    for stage, started, ended in periods.values_list("stage", "started_at", "ended_at"):
        if ended is not None:
            days[stage].append((ended - started).total_seconds() / 86400)
    medians: dict[str, float | None] = {
        s: round(stats.median(v), 1) if len(v) >= SMALL else None for s, v in days.items()
    }
    return {
        "organisation": organisation or None,
        "year": year,
        "suppressed_below": SMALL,
        "total": len(rows) if len(rows) >= SMALL else None,
        "by_type": _suppress(dict(by_kind)),
        "by_stage": _suppress({s: by_stage.get(s, 0) for s in STAGE_ORDER}),
        "by_outcome": _suppress({o: by_outcome.get(o, 0) for o in Outcome.values}),
        "median_days": medians,
        "stages_measured": {s: len(v) if len(v) >= SMALL else None for s, v in days.items()},
    }
