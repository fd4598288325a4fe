"""Risk assessment with versioned instruments stored as data, and the high-risk
protocol: a high or severe result needs a protective-measures plan, notifies the
coordinator of the case's area, and flags the case until a plan exists."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import User
from ulinzi.cases import policies
from ulinzi.cases.models import (
    LEVEL_ORDER,
    PLAN_STATUSES,
    Case,
    Instrument,
    RiskAssessment,
)
from ulinzi.cases.services import notify, record
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed, NotFound

INSTRUMENT_DIR = Path(__file__).resolve().parent.parent / "instruments"
PROTOCOL_LEVELS = ("high", "severe")


def validate_definition(d: dict[str, Any]) -> None:
    """Refuse an instrument file that cannot be scored."""
    assert isinstance(d.get("code"), str) and isinstance(d.get("version"), int), "code, version"
    thresholds = d["thresholds"]
    assert set(thresholds) <= set(LEVEL_ORDER[1:]), "thresholds name low/medium/high/severe"
    values = [thresholds[k] for k in LEVEL_ORDER[1:] if k in thresholds]
    assert values == sorted(values) and len(set(values)) == len(values), "thresholds must rise"
    ids = [q["id"] for q in d["questions"]]
    assert len(ids) == len(set(ids)), "question ids must be unique"
    for q in d["questions"]:
        assert q["type"] in ("yes_no", "choice"), q["id"]
        if q["type"] == "choice":
            assert q["options"], q["id"]


def sync_instruments(directory: Path = INSTRUMENT_DIR) -> int:
    """Load every ``*.json`` instrument version not yet in the database."""
    new = 0
    for path in sorted(directory.glob("*.json")):
        definition = json.loads(path.read_text(encoding="utf-8"))
        validate_definition(definition)
        _, created = Instrument.objects.get_or_create(
            code=definition["code"],
            version=definition["version"],
            defaults={"name": definition["name"], "definition": definition},
        )
        new += int(created)
    return new


def current(code: str) -> Instrument:
    """The newest active version of an instrument."""
    sync_instruments()
    found = Instrument.objects.filter(code=code, active=True).order_by("-version").first()
    if found is None:
        raise NotFound(f"no risk instrument {code}")
    return found


def available() -> list[Instrument]:
    sync_instruments()
    seen: dict[str, Instrument] = {}
    for inst in Instrument.objects.filter(active=True).order_by("code", "-version"):
        seen.setdefault(inst.code, inst)
    return list(seen.values())


def score(definition: dict[str, Any], answers: dict[str, Any]) -> tuple[int, str]:
    """Points and level for ``answers``; every question must be answered."""
    problems: list[FieldProblem] = []
    total, critical = 0, False
    for q in definition["questions"]:
        answer = answers.get(q["id"])
        if q["type"] == "yes_no":
            if not isinstance(answer, bool):
                problems.append(
                    FieldProblem(f"answers.{q['id']}", "answer yes (true) or no (false)")
                )
                continue
            if answer:
                total += int(q.get("weight", 1))
                critical = critical or bool(q.get("critical"))
        else:
            points = {o["value"]: o["points"] for o in q["options"]}
            if answer not in points:
                problems.append(
                    FieldProblem(f"answers.{q['id']}", f"choose one of {', '.join(points)}", answer)
                )
                continue
            total += int(points[answer]) * int(q.get("weight", 1))
    unknown = set(answers) - {q["id"] for q in definition["questions"]}
    for name in sorted(unknown):
        problems.append(FieldProblem(f"answers.{name}", "is not a question of this instrument"))
    if problems:
        raise InvalidInput(problems)
    level = "low"
    thresholds = definition["thresholds"]  # a JSON object: its key order is not kept
    for name in LEVEL_ORDER[1:]:
        if name in thresholds and total >= thresholds[name]:
            level = name
    floor = definition.get("critical_minimum")
    if critical and floor and LEVEL_ORDER.index(level) < LEVEL_ORDER.index(floor):
        level = floor
    return total, level


def has_plan(case: Case) -> bool:
    return case.measures.filter(status__in=PLAN_STATUSES).exists()


def refresh_flag(case: Case) -> None:
    """Flag the case while its risk is high or severe and no plan is in place."""
    flag = case.risk_level in PROTOCOL_LEVELS and not has_plan(case)
    if flag != case.protocol_flag:
        case.protocol_flag = flag
        versioning.save(case, ["protocol_flag", "updated_at"])


def alert_coordinators(case: Case, title: str) -> None:
    notify.send(
        notify.area_coordinators(case),
        kind="high_risk",
        title=title,
        link=reverse("cases:detail", args=[case.pk]),
    )


@transaction.atomic
def assess(
    *, actor: Actor, case: Case, instrument: str, answers: dict[str, Any], note: str = ""
) -> RiskAssessment:
    if not policies.can_edit_case(actor, case):
        raise NotAllowed("you do not hold this case")
    if not isinstance(answers, dict):
        raise InvalidInput([FieldProblem("answers", "must be an object of question ids")])
    inst = current(instrument)
    total, level = score(inst.definition, answers)
    triggered = level in PROTOCOL_LEVELS
    assert isinstance(actor.user, User)
    assessment = RiskAssessment.objects.create(
        case=case,
        instrument=inst,
        answers=answers,
        score=total,
        level=level,
        triggered_protocol=triggered,
        assessed_by=actor.user,
        note=note,
    )
    case.risk_level = level
    versioning.save(case, ["risk_level", "updated_at"])
    refresh_flag(case)
    record.timeline(
        actor=actor,
        case=case,
        kind="risk_assessed",
        text=gettext_noop("Risk assessed with %(inst)s v%(v)s: %(level)s (%(score)s)"),
        inst=inst.code,
        v=inst.version,
        level=level,
        score=total,
    )
    if triggered:
        alert_coordinators(
            case,
            _("Case %(ref)s assessed at %(level)s risk: a protective-measures plan is required")
            % {"ref": case.reference, "level": level},
        )
    return assessment
