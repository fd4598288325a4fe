"""Sign-in lockout: after ``LOCKOUT_FAILURES`` failed attempts for one username within
``LOCKOUT_MINUTES``, that username is refused (even with the right password) until the
lock expires. Counted per username, whether or not the account exists, so the lock says
nothing about which accounts exist; kept in the database so every web process shares it.

Wired by ``AUTHENTICATION_BACKENDS = ["ulinzi.accounts.lockout.LockoutBackend"]``.
Settings ``ULINZI_LOCKOUT_FAILURES`` (default 5) and ``ULINZI_LOCKOUT_MINUTES`` (15).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone


def _failures() -> int:
    return int(getattr(settings, "ULINZI_LOCKOUT_FAILURES", 5))


def _window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "ULINZI_LOCKOUT_MINUTES", 15)))


class LoginThrottle(models.Model):
    """Failed sign-ins of one username in the current window, and the lock if any."""

    username = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "accounts"

    def __str__(self) -> str:
        return f"{self.username}: {self.failures}"


def _key(username: str) -> str:
    return username.strip().casefold()[:150]


def locked_until(username: str) -> Any:
    """When the lock on ``username`` ends, or ``None`` when it is not locked."""
    row = LoginThrottle.objects.filter(username=_key(username)).first()
    if row and row.locked_until and row.locked_until > timezone.now():
        return row.locked_until
    return None


def record_failure(username: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        row, _ = LoginThrottle.objects.select_for_update().get_or_create(
            username=_key(username), defaults={"window_started_at": now}
        )
        if row.window_started_at + _window() < now:
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= _failures():
            row.locked_until = now + _window()
        row.save()


def clear(username: str) -> None:
    LoginThrottle.objects.filter(username=_key(username)).delete()


class LockoutBackend(ModelBackend):
    """Django's model backend, refusing locked usernames and counting failures."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("email") or ""
        if username and locked_until(username):
            raise PermissionDenied("too many failed sign-ins; try again later")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username and password is not None:
            if user is None:
                record_failure(username)
            else:
                clear(username)
        return user
