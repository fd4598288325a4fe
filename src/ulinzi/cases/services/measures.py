"""Protective measures and their violations. A measure carried out by another agency
needs a protection consent for it; a violation raises the risk level one step and
notifies the area coordinators and the agency again."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation, User
from ulinzi.cases import policies
from ulinzi.cases.models import (
    LEVEL_ORDER,
    Case,
    MeasureKind,
    MeasureStatus,
    ProtectiveMeasure,
    Purpose,
    Violation,
)
from ulinzi.cases.services import consent, notify, record, risk
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed


def _date(name: str, value: Any, problems: list[FieldProblem]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(FieldProblem(name, "must be a date as YYYY-MM-DD", value))
        return None


def _tell_owner(measure: ProtectiveMeasure, title: str) -> None:
    if measure.owner_id != measure.case.organisation_id:
        notify.send(
            notify.users_with([measure.owner_id], *policies.PROTOCOL_ROLES),
            kind="protocol",
            title=title,
            link=reverse("cases:protocol"),
        )


@transaction.atomic
def add(
    *,
    actor: Actor,
    case: Case,
    kind: str,
    owner: str | None = None,
    starts_on: Any = None,
    ends_on: Any = None,
    status: str = MeasureStatus.PLANNED,
    description: str = "",
    owner_contact: str = "",
) -> ProtectiveMeasure:
    if not policies.can_edit_case(actor, case):
        raise NotAllowed("you do not hold this case")
    problems: list[FieldProblem] = []
    if kind not in MeasureKind.values:
        problems.append(
            FieldProblem("kind", f"must be one of {', '.join(MeasureKind.values)}", kind)
        )
    if status not in MeasureStatus.values:
        problems.append(
            FieldProblem("status", f"must be one of {', '.join(MeasureStatus.values)}", status)
        )
    org = Organisation.objects.filter(code=owner).first() if owner else case.organisation
    if org is None:
        problems.append(FieldProblem("owner", "is not an organisation", owner))
    start = _date("starts_on", starts_on, problems) or date.today()
    end = _date("ends_on", ends_on, problems)
    if end and end < start:
        problems.append(FieldProblem("ends_on", "is before starts_on"))
    if problems:
        raise InvalidInput(problems)
    assert org is not None and isinstance(actor.user, User)
    if org.pk != case.organisation_id:
        consent.require(case, Purpose.PROTECTION, org)
    measure = ProtectiveMeasure.objects.create(
        case=case,
        kind=kind,
        owner=org,
        owner_contact=owner_contact[:200],
        starts_on=start,
        ends_on=end,
        status=status,
        description=description,
        created_by=actor.user,
    )
    risk.refresh_flag(case)
    record.timeline(
        actor=actor,
        case=case,
        kind="measure_added",
        text=gettext_noop("Protective measure %(measure)s by %(org)s"),
        measure=kind,
        org=org.code,
    )
    _tell_owner(
        measure,
        _("You carry out a protective measure (%(kind)s) for case %(ref)s")
        % {"kind": kind, "ref": case.reference},
    )
    return measure


@transaction.atomic
def update(
    *, actor: Actor, measure: ProtectiveMeasure, data: dict[str, Any], version: int | None = None
) -> ProtectiveMeasure:
    """Change status or dates (the case's holders, or the agency carrying it out) of
    the measure as it is now; with ``version``, refused if it has moved on."""
    versioning.lock(measure)
    if not policies.can_update_measure(actor, measure):
        raise NotAllowed("you are not party to this measure")
    versioning.check(version, measure, "measure")
    problems: list[FieldProblem] = []
    if "status" in data and data["status"] not in MeasureStatus.values:
        problems.append(
            FieldProblem(
                "status", f"must be one of {', '.join(MeasureStatus.values)}", data["status"]
            )
        )
    start = _date("starts_on", data.get("starts_on"), problems)
    end = _date("ends_on", data.get("ends_on"), problems)
    if problems:
        raise InvalidInput(problems)
    if "status" in data:
        measure.status = data["status"]
    if start:
        measure.starts_on = start
    if "ends_on" in data:
        measure.ends_on = end
    if measure.ends_on and measure.ends_on < measure.starts_on:
        raise InvalidInput([FieldProblem("ends_on", "is before starts_on")])
    if "owner_contact" in data:
        measure.owner_contact = str(data["owner_contact"] or "")[:200]
    versioning.save(measure)
    risk.refresh_flag(measure.case)
    record.timeline(
        actor=actor,
        case=measure.case,
        kind="measure_updated",
        text=gettext_noop("Protective measure %(measure)s: %(status)s"),
        measure=measure.kind,
        status=measure.status,
    )
    return measure


@transaction.atomic
def record_violation(
    *, actor: Actor, measure: ProtectiveMeasure, occurred_on: Any = None, description: str = ""
) -> Violation:
    """Record a violation: the case's risk rises one level and everyone is told again."""
    if not policies.can_update_measure(actor, measure):
        raise NotAllowed("you are not party to this measure")
    problems: list[FieldProblem] = []
    when = _date("occurred_on", occurred_on, problems) or date.today()
    if when > date.today():
        problems.append(FieldProblem("occurred_on", "is in the future"))
    if problems:
        raise InvalidInput(problems)
    case = Case.objects.select_for_update().get(pk=measure.case_id)
    before = case.risk_level
    after = LEVEL_ORDER[min(LEVEL_ORDER.index(before) + 1, len(LEVEL_ORDER) - 1)]
    after = after if LEVEL_ORDER.index(after) >= LEVEL_ORDER.index("medium") else "medium"
    assert isinstance(actor.user, User)
    violation = Violation.objects.create(
        measure=measure,
        occurred_on=when,
        description=description,
        recorded_by=actor.user,
        level_before=before,
        level_after=after,
    )
    case.risk_level = after
    versioning.save(case, ["risk_level", "updated_at"])
    risk.refresh_flag(case)
    record.timeline(
        actor=actor,
        case=case,
        kind="violation",
        text=gettext_noop("Violation of %(measure)s recorded; risk %(before)s → %(after)s"),
        measure=measure.kind,
        before=before,
        after=after,
    )
    title = _("Protective measure violated on case %(ref)s: risk now %(level)s") % {
        "ref": case.reference,
        "level": after,
    }
    risk.alert_coordinators(case, title)
    _tell_owner(measure, title)
    return violation
