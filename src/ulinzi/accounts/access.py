"""What a user may do, computed once per request from their memberships."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from ulinzi.accounts.models import Membership, SharingAgreement, User


@dataclass(frozen=True)
class Actor:
    """The acting user with their roles per organisation and the sharing agreements
    in force for those organisations."""

    user: User | None
    roles_by_org: dict[int, frozenset[str]] = field(default_factory=dict)
    # organisation id of provider -> domains shared with one of the actor's organisations
    shared_domains: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return self.user is not None

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user else None

    def orgs_with(self, *roles: str) -> set[int]:
        """Organisations where the actor holds any of ``roles``."""
        wanted = set(roles)
        return {org for org, held in self.roles_by_org.items() if held & wanted}

    def has_role(self, *roles: str) -> bool:
        return bool(self.orgs_with(*roles))

    def all_roles(self) -> set[str]:
        out: set[str] = set()
        for held in self.roles_by_org.values():
            out |= held
        return out


ANONYMOUS = Actor(user=None)


def actor_for(user: User | AnonymousUser | None, *, today: date | None = None) -> Actor:
    """Build the :class:`Actor` for ``user`` (anonymous users get no rights)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    assert isinstance(user, User)
    roles: dict[int, set[str]] = {}
    for org_id, role in Membership.objects.filter(user=user).values_list("organisation_id", "role"):
        roles.setdefault(org_id, set()).add(role)
    today = today or date.today()
    shared: dict[int, set[str]] = {}
    for agreement in SharingAgreement.objects.filter(recipient_id__in=list(roles)):
        if agreement.in_force(today):
            shared.setdefault(agreement.provider_id, set()).update(agreement.domains)
    return Actor(
        user=user,
        roles_by_org={k: frozenset(v) for k, v in roles.items()},
        shared_domains={k: frozenset(v) for k, v in shared.items()},
    )


def of_request(request: HttpRequest) -> Actor:
    """The actor of ``request``, built once per request: its pages, its menu and the API
    ask here. Built again only when the request's user changes (a sign-in, an API
    token), so it never speaks for someone else."""
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    cached: tuple[object, Actor] | None = getattr(request, "_ulinzi_actor", None)
    if cached is not None and cached[0] is user:
        return cached[1]
    actor = actor_for(user)
    request._ulinzi_actor = (user, actor)  # type: ignore[attr-defined]
    return actor
