"""The shared view of the high-risk protocol: each agency sees the measures it carries
out, and their violations, and nothing else; survivor details only as consented."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ulinzi.accounts.access import Actor
from ulinzi.cases import policies
from ulinzi.cases.models import ProtectiveMeasure, Purpose
from ulinzi.cases.services import consent, record
from ulinzi.common.problems import NotAllowed, NotFound


@dataclass
class SharedMeasure:
    measure: ProtectiveMeasure
    case: dict[str, Any]
    violations: list[Any] = field(default_factory=list)


def shared_measures(actor: Actor) -> list[SharedMeasure]:
    orgs = policies.protocol_orgs(actor)
    if not orgs:
        raise NotAllowed("your roles give no access to protective measures")
    out = []
    qs = ProtectiveMeasure.objects.filter(owner_id__in=orgs).select_related(
        "case", "case__organisation", "owner"
    )
    for measure in qs.order_by("-created_at")[:500]:
        case = measure.case
        if measure.owner_id == case.organisation_id:
            if not policies.can_view_case(actor, case):
                continue
            fields = {"area", "risk_level", "needs"}
        else:
            if not consent.in_force(case, Purpose.PROTECTION, measure.owner_id):
                continue
            fields = consent.allowed_fields(case, Purpose.PROTECTION, measure.owner_id)
        record.audit(actor=actor, case=case, fields=sorted(fields), action="read_protocol")
        out.append(
            SharedMeasure(
                measure=measure,
                case=consent.shared_view(case, fields),
                violations=list(measure.violations.all()),
            )
        )
    return out


def measure(actor: Actor, measure_id: int) -> ProtectiveMeasure:
    """A measure the actor may update (its case's holder, or the agency carrying it out);
    :class:`NotFound` for any other."""
    if not policies.can_use_cases(actor):
        raise NotAllowed("your roles give no access to protective measures")
    found = ProtectiveMeasure.objects.select_related("case", "owner").filter(pk=measure_id).first()
    if found is None or not policies.can_update_measure(actor, found):
        raise NotFound(f"no measure {measure_id}")
    return found
