"""Humanitarian organisations register sites and movements (movements within the lead
time are refused unless the coordinator overrides) and ask for a site's removal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts import organisation_choice
from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.alerts.deconfliction import conf, policies
from ulinzi.alerts.deconfliction.models import Kind, Movement, Site
from ulinzi.alerts.deconfliction.validation import clean_movement, clean_site
from ulinzi.audit import services as audit
from ulinzi.common import versioning
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed


def _own_org(actor: Actor, code: str | None) -> Organisation:
    """The humanitarian organisation the actor registers for (never a party)."""
    humanitarian = Organisation.objects.filter(pk__in=policies.registering_orgs(actor)).exclude(
        kind=Organisation.Kind.PARTY
    )
    return organisation_choice.choose(
        set(humanitarian.values_list("pk", flat=True)),
        code,
        refusal=_(
            "only humanitarian organisations' admins, coordinators and monitors "
            "register sites and movements"
        ),
    )


def _cell_for(org: Organisation) -> Organisation:
    code = conf.cell()
    if code:
        cell = Organisation.objects.filter(code=code).first()
        if cell is not None:
            return cell
    return org


def lead_time_problem(
    movement_departs: datetime, *, emergency: bool, now: datetime
) -> FieldProblem | None:
    """The reason a movement is too late to notify, or None."""
    hours = conf.lead_hours(emergency=emergency)
    if movement_departs - now >= timedelta(hours=hours):
        return None
    left = max(0.0, (movement_departs - now).total_seconds() / 3600)
    message = _(
        "departs in %(left).0f h; movements must be notified at least %(hours).0f h ahead"
        " (%(emergency)s). A coordinator may override, with a reason."
    ) % {
        "left": left,
        "hours": hours,
        "emergency": _("emergency") if emergency else _("not marked emergency"),
    }
    return FieldProblem("departure_from", message, movement_departs.isoformat())


def override(actor: Actor, cell: Organisation, requested: bool, reason: str) -> bool:
    """Whether the lead time is overridden: only by ``cell``'s coordinator, with a reason."""
    if not requested:
        return False
    if cell.pk not in policies.cells(actor):
        raise NotAllowed(_("only the coordinator overrides the lead time"))
    if not reason.strip():
        raise InvalidInput(
            [FieldProblem("override_reason", _("say why the lead time is overridden"))]
        )
    return True


def register_site(
    *,
    actor: Actor,
    data: dict[str, Any],
    organisation: str | None = None,
    now: datetime | None = None,
) -> Site:
    org = _own_org(actor, organisation)
    fields = clean_site(data)
    site = Site.objects.create(
        organisation=org,
        coordinated_by=_cell_for(org),
        created_by=actor.user,
        created_at=now or timezone.now(),
        **fields,
    )
    audit.record(
        actor=actor,
        action="deconfliction.site.register",
        object_type="site",
        object_id=site.pk,
        owner_organisation=org.code,
    )
    return site


def register_movement(
    *,
    actor: Actor,
    data: dict[str, Any],
    organisation: str | None = None,
    override_lead_time: bool = False,
    override_reason: str = "",
    now: datetime | None = None,
) -> Movement:
    """Register a movement; refused when it departs within the lead time, unless the
    coordinator overrides (the override and its reason are kept)."""
    now = now or timezone.now()
    org = _own_org(actor, organisation)
    fields = clean_movement(data)
    cell = _cell_for(org)
    overridden = override(actor, cell, override_lead_time, override_reason)
    late = lead_time_problem(fields["departure_from"], emergency=fields["emergency"], now=now)
    if late and not overridden:
        raise InvalidInput([late])
    movement = Movement.objects.create(
        organisation=org,
        coordinated_by=cell,
        created_by=actor.user,
        created_at=now,
        lead_time_override=bool(late and overridden),
        override_reason=override_reason.strip() if late and overridden else "",
        override_by=actor.user if late and overridden else None,
        **fields,
    )
    audit.record(
        actor=actor,
        action="deconfliction.movement.register",
        object_type="movement",
        object_id=movement.pk,
        owner_organisation=org.code,
    )
    return movement


@transaction.atomic
def request_site_removal(
    *, actor: Actor, site: Site, reason: str = "", version: int | None = None
) -> Site:
    versioning.lock(site)
    if not policies.can_request_removal(actor, site):
        raise NotAllowed(_("you cannot remove this site"))
    versioning.check(version, site, "site")
    if site.status in (Site.Status.REMOVAL_REQUESTED, Site.Status.REMOVED):
        return site
    site.removal_reason = reason.strip()
    if site.notifications.filter(kind=Kind.SITE).exists():
        site.status = Site.Status.REMOVAL_REQUESTED  # the parties must be told
    else:
        site.status = Site.Status.REMOVED  # never notified: nothing to tell
    versioning.save(site, ["status", "removal_reason"])
    return site
