"""Opening, changing and closing case files; notes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from ulinzi.accounts import organisation_choice
from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import User
from ulinzi.cases import policies
from ulinzi.cases.models import Case, CaseNote
from ulinzi.cases.services import record
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.directory.models import ServiceKind
from ulinzi.geo import countries

SENSITIVE = ("survivor_name", "survivor_contact", "survivor_details", "summary")
PLAIN = ("country", "admin1_pcode", "admin1_name", "sex", "age_group", "needs")
EDITABLE = (*SENSITIVE, *PLAIN)


def _check(data: dict[str, Any], *, partial: bool) -> list[FieldProblem]:
    problems = []
    if not partial or "country" in data:
        if countries.country(str(data.get("country") or "")) is None:
            problems.append(FieldProblem("country", "is not a known country", data.get("country")))
    if "needs" in data:
        needs = data["needs"]
        if not isinstance(needs, list) or any(n not in ServiceKind.values for n in needs):
            problems.append(
                FieldProblem("needs", f"choose from {', '.join(ServiceKind.values)}", needs)
            )
    for name, choices in (("sex", Case.Sex.values), ("age_group", Case.AgeGroup.values)):
        if name in data and data[name] not in choices:
            problems.append(FieldProblem(name, f"must be one of {', '.join(choices)}", data[name]))
    for name in SENSITIVE:
        if name in data and data[name] is not None and not isinstance(data[name], str):
            problems.append(FieldProblem(name, "must be text"))
    return problems


def _incidents(actor: Actor, ids: Any) -> list[Any]:
    from ulinzi.incidents.selectors import visible

    if not isinstance(ids, list):
        raise InvalidInput([FieldProblem("incidents", "must be a list of incident ids")])
    found = list(visible(actor).filter(pk__in=[str(i) for i in ids]))
    if len(found) != len(set(map(str, ids))):
        raise InvalidInput([FieldProblem("incidents", "names an incident you cannot see")])
    return found


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    out = {k: data[k] for k in EDITABLE if k in data and data[k] is not None}
    if "country" in out:
        found = countries.country(out["country"])
        assert found is not None
        out["country"] = found.iso3
    if "admin1_pcode" in out:
        out["admin1_pcode"] = str(out["admin1_pcode"]).strip().upper()
    return out


@transaction.atomic
def open_case(*, actor: Actor, data: dict[str, Any], organisation: str | None = None) -> Case:
    """A case worker opens a case file for a survivor of one of their organisations."""
    org = organisation_choice.choose(
        policies.opening_orgs(actor), organisation, refusal="only case workers open case files"
    )
    problems = _check(data, partial=False)
    if problems:
        raise InvalidInput(problems)
    incidents = _incidents(actor, data.get("incidents") or [])
    assert isinstance(actor.user, User)
    case = Case.objects.create(
        organisation=org, opened_by=actor.user, assigned_to=actor.user, **_clean(data)
    )
    case.incidents.set(incidents)
    record.timeline(actor=actor, case=case, kind="opened", text=gettext_noop("Case opened"))
    record.audit(actor=actor, case=case, action="create", fields=_clean(data))
    return case


@transaction.atomic
def update_case(
    *, actor: Actor, case: Case, data: dict[str, Any], version: int | None = None
) -> Case:
    """Change the fields named in ``data`` of the case as it is now; with ``version``,
    refused (:class:`~ulinzi.common.versioning.StaleVersion`) if it has moved on."""
    versioning.lock(case)
    if not policies.can_edit_case(actor, case):
        raise NotAllowed("you do not hold this case")
    versioning.check(version, case, "case")
    problems = _check(data, partial=True)
    if problems:
        raise InvalidInput(problems)
    changes = _clean(data)
    for key, value in changes.items():
        setattr(case, key, value)
    if "assigned_to" in data and data["assigned_to"] is not None:
        if not policies.can_assign(actor, case):
            raise NotAllowed("only a coordinator reassigns a case")
        worker = User.objects.filter(
            username=data["assigned_to"],
            memberships__organisation_id=case.organisation_id,
            memberships__role="case_worker",
        ).first()
        if worker is None:
            raise InvalidInput(
                [FieldProblem("assigned_to", "is not a case worker of this organisation")]
            )
        case.assigned_to = worker
        changes["assigned_to"] = worker.username
    if "incidents" in data and data["incidents"] is not None:
        case.incidents.set(_incidents(actor, data["incidents"]))
        changes["incidents"] = True
    if data.get("status") == Case.Status.CLOSED and case.status != Case.Status.CLOSED:
        case.status, case.closed_at = Case.Status.CLOSED, timezone.now()
        record.timeline(actor=actor, case=case, kind="closed", text=gettext_noop("Case closed"))
        changes["status"] = True
    elif data.get("status") == Case.Status.OPEN and case.status == Case.Status.CLOSED:
        case.status, case.closed_at = Case.Status.OPEN, None
        record.timeline(actor=actor, case=case, kind="reopened", text=gettext_noop("Case reopened"))
        changes["status"] = True
    if changes:
        versioning.save(case)
        record.timeline(
            actor=actor,
            case=case,
            kind="updated",
            text=gettext_noop("Changed: %(fields)s"),
            fields=sorted(changes),
        )
        record.audit(actor=actor, case=case, action="update", fields=changes)
    return case


def add_note(*, actor: Actor, case: Case, body: str) -> CaseNote:
    if not policies.can_edit_case(actor, case):
        raise NotAllowed("you do not hold this case")
    if not str(body or "").strip():
        raise InvalidInput([FieldProblem("body", "write the note")])
    assert isinstance(actor.user, User)
    note = CaseNote.objects.create(case=case, author=actor.user, body=str(body).strip())
    record.timeline(actor=actor, case=case, kind="note", text=gettext_noop("Note added"))
    return note
