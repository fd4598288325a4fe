"""Organisations, users, memberships, data-sharing agreements and API tokens."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.roles import Role


class Organisation(models.Model):
    """An agency, ministry, NGO or party that takes part in Ulinzi."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        UN_AGENCY = "un_agency", _("UN agency")
        INGO = "ingo", _("International NGO")
        NNGO = "nngo", _("National NGO")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        PARTY = "party", _("Armed forces or authority")
        OTHER = "other", _("Other")

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(max_length=3, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class User(AbstractUser):
    """A person who signs in. Their rights come from memberships."""

    preferred_language = models.CharField(max_length=8, blank=True, default="")

    def roles_in(self, organisation_id: int) -> set[str]:
        return {m.role for m in self.memberships.all() if m.organisation_id == organisation_id}


class Membership(models.Model):
    """A role held by a user within one organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.username}@{self.organisation.code}:{self.role}"


class SharingAgreement(models.Model):
    """``provider`` shares its incidents of ``domains`` with ``recipient`` for a period."""

    provider = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agreements_given"
    )
    recipient = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="agreements_received"
    )
    domains = models.JSONField(default=list)
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.provider} → {self.recipient} {self.domains}"

    def in_force(self, on: date) -> bool:
        return self.valid_from <= on and (self.valid_until is None or on <= self.valid_until)


def hash_token(raw: str) -> str:
    """Tokens are long random secrets, so a fast hash suffices to store them."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for machines; only its hash is stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="token")
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Created from a session verified with a TOTP code: may reach case endpoints.
    two_factor = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.username})"


from ulinzi.accounts.lockout import LoginThrottle  # noqa: E402,F401  (sign-in lockout)
