"""Writes for accounts: organisations, users, memberships, tokens."""

from __future__ import annotations

import secrets
from datetime import date

from django.db import transaction
from django.utils import timezone

from ulinzi.accounts.models import (
    ApiToken,
    Membership,
    Organisation,
    SharingAgreement,
    User,
    hash_token,
)

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


def create_token(*, user: User, name: str = "token") -> str:
    """Create an API token and return the raw secret (shown once)."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, prefix=raw[:10], token_hash=hash_token(raw))
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
