"""The coordinator sends reviewed sites and movements to the parties' focal points (one
batch per party), and later the removal of a site; each notification starts the record."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.alerts.deconfliction import conf, policies
from ulinzi.alerts.deconfliction.models import Batch, Event, Kind, Movement, Notification, Site
from ulinzi.alerts.deconfliction.services.registration import lead_time_problem, override
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed


def site_content(site: Site, *, removal: bool = False) -> dict[str, Any]:
    return {
        "type": "site_removal" if removal else "site",
        "id": str(site.pk),
        "name": site.name,
        "site_type": site.site_type,
        "organisation": site.organisation.name,
        "lat": site.lat,
        "lon": site.lon,
        "valid_from": site.valid_from.isoformat(),
        "valid_until": site.valid_until.isoformat() if site.valid_until else None,
        "removal_reason": site.removal_reason if removal else None,
    }


def movement_content(m: Movement) -> dict[str, Any]:
    return {
        "type": "movement",
        "id": str(m.pk),
        "purpose": m.purpose,
        "organisation": m.organisation.name,
        "route": m.route,
        "departure_from": m.departure_from.isoformat(),
        "departure_until": m.departure_until.isoformat(),
        "arrival_from": m.arrival_from.isoformat(),
        "arrival_until": m.arrival_until.isoformat(),
        "vehicles": m.vehicles,
        "vehicles_description": m.vehicles_description,
        "people": m.people,
        "cargo": m.cargo,
        "emergency": m.emergency,
    }


def record_event(
    n: Notification, type_: str, *, actor: Actor | None, at: datetime, **detail: Any
) -> Event:
    """Append to the notification's record (never changed or deleted)."""
    user = actor.user if actor else None
    return Event.objects.create(
        notification=n,
        at=at,
        type=type_,
        user=user,
        username=user.username if user else "",
        detail=detail,
    )


def _parties(codes: list[str]) -> list[Organisation]:
    if not codes:
        raise InvalidInput([FieldProblem("parties", _("name at least one party"))])
    found = {
        o.code: o for o in Organisation.objects.filter(code__in=codes, kind=Organisation.Kind.PARTY)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise InvalidInput(
            [
                FieldProblem(
                    "parties", _("not a party to the conflict: %s") % ", ".join(missing), missing
                )
            ]
        )
    return [found[c] for c in dict.fromkeys(codes)]


def send(
    *,
    actor: Actor,
    parties: list[str],
    sites: list[Site] | None = None,
    movements: list[Movement] | None = None,
    override_lead_time: bool = False,
    override_reason: str = "",
    versions: dict[str, int] | None = None,
    now: datetime | None = None,
) -> list[Batch]:
    """The coordinator sends reviewed sites and movements to the focal points of named
    parties: one batch per party. Late movements are refused unless overridden. With
    ``versions`` (item id → the version reviewed), nothing is sent if any item has
    moved on since (:class:`~ulinzi.common.versioning.StaleVersion`)."""
    with transaction.atomic():
        return _send(
            actor,
            parties,
            list(sites or []),
            list(movements or []),
            override_lead_time,
            override_reason,
            versions or {},
            now or timezone.now(),
        )


def _send(
    actor: Actor,
    parties: list[str],
    sites: list[Site],
    movements: list[Movement],
    override_lead_time: bool,
    override_reason: str,
    versions: dict[str, int],
    now: datetime,
) -> list[Batch]:
    items: list[Site | Movement] = [*sites, *movements]
    if not items:
        raise InvalidInput([FieldProblem("items", _("choose at least one site or movement"))])
    for item in items:
        versioning.lock(item)
        if not policies.can_review(actor, item):
            raise NotAllowed(_("only the coordinator of these items sends them"))
        versioning.check(versions.get(str(item.pk)), item, type(item).__name__.lower())
    targets = _parties(parties)
    problems: list[FieldProblem] = []
    overridden = False
    for m in movements:
        late = lead_time_problem(m.departure_from, emergency=m.emergency, now=now)
        if late:
            if override_lead_time:
                overridden = override(actor, m.coordinated_by, True, override_reason)
            else:
                problems.append(
                    FieldProblem(f"movements[{m.pk}].departure_from", late.message, late.value)
                )
    for s in sites:
        if s.status in (Site.Status.REMOVAL_REQUESTED, Site.Status.REMOVED):
            problems.append(FieldProblem(f"sites[{s.pk}]", _("this site is being removed")))
    if problems:
        raise InvalidInput(problems)
    batches = []
    for party in targets:
        batch = Batch.objects.create(
            party=party, coordinated_by=items[0].coordinated_by, sent_by=actor.user, sent_at=now
        )
        made = 0
        for item in items:
            made += _notify(
                actor,
                batch,
                item,
                now=now,
                override_reason=override_reason if overridden else "",
            )
        if made:
            batches.append(batch)
        else:
            batch.delete()
    for site in sites:
        if site.status == Site.Status.SUBMITTED:
            site.status = Site.Status.NOTIFIED
            versioning.save(site, ["status"])
    for movement in movements:
        if movement.status == Movement.Status.SUBMITTED:
            movement.status = Movement.Status.NOTIFIED
            versioning.save(movement, ["status"])
    return batches


def _deadline(item: Site | Movement, now: datetime) -> datetime:
    deadline = now + timedelta(hours=conf.ack_hours())
    if isinstance(item, Movement):
        deadline = min(deadline, item.departure_from)
    return deadline


def _notify(
    actor: Actor,
    batch: Batch,
    item: Site | Movement,
    *,
    now: datetime,
    override_reason: str = "",
    removal: bool = False,
) -> int:
    """Create one notification (once per party and item); 0 when it was notified already."""
    if isinstance(item, Site):
        kind, content = (
            (Kind.SITE_REMOVAL if removal else Kind.SITE),
            site_content(item, removal=removal),
        )
        link: dict[str, Any] = {"site": item}
    else:
        kind, content = Kind.MOVEMENT, movement_content(item)
        link = {"movement": item}
    late = (
        bool(override_reason)
        and isinstance(item, Movement)
        and lead_time_problem(item.departure_from, emergency=item.emergency, now=now) is not None
    )
    try:
        with transaction.atomic():
            n = Notification.objects.create(
                batch=batch,
                party=batch.party,
                coordinated_by=item.coordinated_by,
                kind=kind,
                content=content,
                sent_at=now,
                ack_deadline=_deadline(item, now),
                lead_time_override=late,
                **link,
            )
    except IntegrityError:
        return 0
    record_event(n, Event.Type.SENT, actor=actor, at=now, party=batch.party.code)
    if late:
        record_event(n, Event.Type.LEAD_TIME_OVERRIDE, actor=actor, at=now, reason=override_reason)
    return 1


@transaction.atomic
def send_removal(
    *, actor: Actor, site: Site, version: int | None = None, now: datetime | None = None
) -> list[Batch]:
    """Notify the removal of a site to every party that was notified of it."""
    now = now or timezone.now()
    versioning.lock(site)
    if not policies.can_review(actor, site):
        raise NotAllowed(_("only the coordinator of this site notifies its removal"))
    versioning.check(version, site, "site")
    if site.status != Site.Status.REMOVAL_REQUESTED:
        raise InvalidInput(
            [FieldProblem("site", _("removal has not been requested for this site"))]
        )
    parties = Organisation.objects.filter(
        pk__in=site.notifications.filter(kind=Kind.SITE).values("party_id")
    ).order_by("code")
    batches = []
    for party in parties:
        batch = Batch.objects.create(
            party=party, coordinated_by=site.coordinated_by, sent_by=actor.user, sent_at=now
        )
        if _notify(actor, batch, site, now=now, removal=True):
            batches.append(batch)
        else:
            batch.delete()
    site.status = Site.Status.REMOVED
    versioning.save(site, ["status"])
    return batches
