"""Writes for accounts: organisations, users, memberships, tokens."""

from __future__ import annotations

import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone

from ulinzi.accounts import policies
from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    SharingAgreement,
    User,
    hash_token,
)
from ulinzi.accounts.roles import ALL_ROLES
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed

TOKEN_PREFIX = "ulz_"


def ensure_organisation(*, code: str, name: str, kind: str, country: str = "") -> Organisation:
    org, _ = Organisation.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "country": country}
    )
    return org


@transaction.atomic
def ensure_user(
    *, username: str, password: str, organisation: Organisation, roles: list[str], email: str = ""
) -> User:
    """Create or refresh a user with exactly these roles in ``organisation``."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created or not user.check_password(password):
        user.set_password(password)
        user.save()
    for role in roles:
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


def add_member(
    *,
    actor: Actor,
    organisation: Organisation,
    username: str,
    role: str,
    email: str = "",
    new_account: bool = False,
) -> tuple[User, str | None]:
    """Give ``username`` a role in ``organisation``. An account is created only when
    asked for (``new_account``): an unknown username is otherwise refused, so a typo
    never makes a new person.

    Returns the user and, for a new account, a one-time password to hand over.
    """
    if not policies.can_manage(actor, organisation):
        raise NotAllowed("only an admin of this organisation can manage its members")
    problems = []
    if role not in ALL_ROLES:
        problems.append(FieldProblem("role", f"must be one of {', '.join(ALL_ROLES)}", role))
    if not username or not username.replace("_", "").replace("-", "").replace(".", "").isalnum():
        problems.append(FieldProblem("username", "use letters, digits, '.', '-' or '_'", username))
    exists = User.objects.filter(username=username).exists()
    if not problems and not exists and not new_account:
        problems.append(
            FieldProblem(
                "username",
                "no account has this username: check the spelling, or create a new account",
                username,
            )
        )
    if not problems and exists and new_account:
        problems.append(FieldProblem("username", "an account with this username exists", username))
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        user, created = User.objects.get_or_create(username=username, defaults={"email": email})
        password = None
        if created:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            user.save()
        _, given = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        if given:
            _audit_role(actor, "role.give", organisation, user, role, new_account=created)
    return user, password


def _audit_role(
    actor: Actor,
    action: str,
    organisation: Organisation,
    user: User,
    role: str,
    *,
    new_account: bool = False,
) -> None:
    from ulinzi.audit import services as audit

    audit.record(
        actor=actor,
        action=action,
        object_type="user",
        object_id=user.pk,
        owner_organisation=organisation.code,
        fields=["role"],
        detail={"username": user.username, "role": role, "new_account": new_account},
    )


def remove_member(*, actor: Actor, membership: Membership) -> None:
    """Take a role away; an admin cannot remove their own admin role."""
    if not policies.can_manage(actor, membership.organisation):
        raise NotAllowed("only an admin of this organisation can manage its members")
    if membership.user_id == actor.user_id and membership.role == "admin":
        raise InvalidInput([FieldProblem("role", "you cannot remove your own admin role")])
    with transaction.atomic():
        _audit_role(actor, "role.remove", membership.organisation, membership.user, membership.role)
        membership.delete()


def reset_two_factor(*, actor: Actor, organisation: Organisation, user: User) -> int:
    """For a member who lost their authenticator: remove their TOTP devices (they enrol a
    new one at their next sign-in, which needs their password) and revoke their 2FA-bound
    API tokens; sessions verified with the old device stop being verified. Audited.
    Returns how many devices were removed."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ulinzi.audit import services as audit

    if not policies.can_manage(actor, organisation):
        raise NotAllowed("only an admin of this organisation can reset two-factor sign-in")
    if not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise NotAllowed(f"{user.username} is not a member of {organisation.code}")
    if user.pk == actor.user_id:
        raise InvalidInput(
            [FieldProblem("user", "ask another admin to reset your own two-factor sign-in")]
        )
    with transaction.atomic():
        removed, _ = TOTPDevice.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user, two_factor=True, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="reset_two_factor",
            object_type="user",
            object_id=user.pk,
            owner_organisation=organisation.code,
            detail={"username": user.username, "devices_removed": removed},
        )
    return int(removed)


def create_token(*, user: User, name: str = "token", two_factor: bool = False) -> str:
    """Create an API token and return the raw secret (shown once); ``two_factor`` binds
    it to a TOTP-verified session (see :mod:`ulinzi.accounts.twofactor`)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(
        user=user, name=name, prefix=raw[:10], token_hash=hash_token(raw), two_factor=two_factor
    )
    return raw


def revoke_token(*, user: User, token_id: str) -> bool:
    return bool(
        ApiToken.objects.filter(user=user, id=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def user_for_token(raw: str) -> User | None:
    """Return the active user a raw bearer token belongs to, if any."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def share(
    *,
    actor: Actor,
    provider: Organisation,
    recipient_code: str,
    domains: list[str],
    valid_from: date,
    valid_until: date | None,
) -> SharingAgreement:
    """The provider's admin agrees to share incidents of ``domains`` with a recipient."""
    from ulinzi.vocab.registry import DOMAIN_TYPES

    if not policies.can_manage(actor, provider):
        raise NotAllowed("only an admin of the providing organisation can share its data")
    problems = []
    recipient = Organisation.objects.filter(code=recipient_code).first()
    if recipient is None or recipient.pk == provider.pk:
        problems.append(FieldProblem("recipient", "is not another organisation", recipient_code))
    bad = [d for d in domains if d not in DOMAIN_TYPES]
    if bad or not domains:
        problems.append(FieldProblem("domains", "choose one or more domains", ",".join(bad)))
    if valid_until is not None and valid_until < valid_from:
        problems.append(FieldProblem("valid_until", "is before valid_from"))
    if problems:
        raise InvalidInput(problems)
    assert recipient is not None
    return SharingAgreement.objects.create(
        provider=provider,
        recipient=recipient,
        domains=domains,
        valid_from=valid_from,
        valid_until=valid_until,
    )


def end_agreement(*, actor: Actor, agreement: SharingAgreement, on: date) -> None:
    """Stop sharing from ``on`` (the agreement stays on record)."""
    if not policies.can_manage(actor, agreement.provider):
        raise NotAllowed("only an admin of the providing organisation can end this agreement")
    agreement.valid_until = on
    agreement.save(update_fields=["valid_until"])


def ensure_agreement(
    *,
    provider: Organisation,
    recipient: Organisation,
    domains: list[str],
    valid_from: date,
    valid_until: date | None = None,
) -> SharingAgreement:
    agreement, _ = SharingAgreement.objects.update_or_create(
        provider=provider,
        recipient=recipient,
        defaults={"domains": domains, "valid_from": valid_from, "valid_until": valid_until},
    )
    return agreement
