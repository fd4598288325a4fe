"""Which organisation receives an anonymous report.

Configured in the database: :class:`Route` rows (category and/or country → organisation)
and :class:`Receiver` rows (organisations that receive anonymous reports). The most
specific route wins — category and country, then category alone, then country alone —
otherwise the first receiver. A report that arrives before anything is configured is
kept unassigned and given to the receiver as soon as one is set.
"""

from __future__ import annotations

from django.db import transaction

from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.intake.anonymous.models import AnonymousReport, Category, Receiver, Route


def receiver_for(category: str, country: str) -> Organisation | None:
    routes = {
        (r.category, r.country): r.organisation
        for r in Route.objects.filter(
            category__in=[category, ""], country__in=[country, ""]
        ).select_related("organisation")
    }
    for key in ((category, country), (category, ""), ("", country), ("", "")):
        if key in routes:
            return routes[key]
    first = Receiver.objects.select_related("organisation").order_by("id").first()
    return first.organisation if first else None


def _org(code: str) -> Organisation:
    org = Organisation.objects.filter(code=code).first()
    if org is None:
        raise InvalidInput([FieldProblem("organisation", "no organisation has this code", code)])
    return org


@transaction.atomic
def add_receiver(*, organisation: str) -> Receiver:
    """Flag an organisation as receiving anonymous reports (idempotent)."""
    receiver, _ = Receiver.objects.get_or_create(organisation=_org(organisation))
    assign_unrouted()
    return receiver


@transaction.atomic
def set_route(*, organisation: str, category: str = "", country: str = "") -> Route:
    """Send reports of ``category`` and/or ``country`` (blank = any) to ``organisation``."""
    if category and category not in Category.values:
        raise InvalidInput(
            [FieldProblem("category", f"must be one of {', '.join(Category.values)}", category)]
        )
    route, _ = Route.objects.update_or_create(
        category=category, country=country.upper(), defaults={"organisation": _org(organisation)}
    )
    assign_unrouted()
    return route


def assign_unrouted() -> int:
    """Give reports that arrived before any receiver existed to their receiver now."""
    done = 0
    for report in AnonymousReport.objects.filter(organisation__isnull=True):
        org = receiver_for(report.category, report.country)
        if org is not None:
            AnonymousReport.objects.filter(pk=report.pk).update(organisation=org)
            done += 1
    return done


def describe() -> list[str]:
    """The routing in force, one line each, for the command line."""
    lines = [f"route {r}" for r in Route.objects.select_related("organisation")]
    lines += [f"receiver {r}" for r in Receiver.objects.select_related("organisation")]
    return lines


def configure_demo() -> None:
    """The demo: the cluster receives every anonymous report."""
    add_receiver(organisation="cluster")
