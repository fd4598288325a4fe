"""Sign-in throttling: lock a username *from one client*, only slow it down from all.

- **Per username and client** (the client's network, :mod:`ulinzi.common.clients`):
  after ``ULINZI_LOCKOUT_FAILURES`` (5) failures within ``ULINZI_LOCKOUT_MINUTES`` (15),
  that client is refused for that username, even with the right password, until the
  lock expires. Anyone else, the real user at their own address included, is not.
- **Per username**, from every client together: after ``ULINZI_LOCKOUT_SLOWDOWN_AFTER``
  (10) failures in the window, each further failure makes the next attempt wait
  1, 2, 4 … seconds, at most ``ULINZI_LOCKOUT_MAX_DELAY`` (60). An attempt within the wait
  is refused without checking the password. This only slows guessing spread over many
  addresses; it never locks anybody out.

- **Known devices**: a browser that signed in as a user before carries a signed cookie
  naming (an HMAC of) that username (:func:`remember_device`, 180 days); its attempts
  skip the username's waits, so a slowdown kept up from many addresses does not reach
  the real user on their own device. The per-client lock still holds for it.

Attempts refused by a lock or a wait are not counted, so one address can add no more
than its 5 failures to the username's count. Counted whether or not the account exists,
so neither says which accounts exist. Kept in the database (every web process shares it);
the client is stored only as an HMAC of its network under a key derived from
``SECRET_KEY``. Wired by ``AUTHENTICATION_BACKENDS = ["ulinzi.accounts.lockout.LockoutBackend"]``.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ulinzi.common.clients import client_id

EVERYWHERE = ""  # the ``client`` of a username's row over all clients
DEVICE_COOKIE = "ulinzi_device"
DEVICE_DAYS = 180
_DEVICE_SALT = "ulinzi.accounts.lockout.device"


def _failures() -> int:
    return int(settings.ULINZI_LOCKOUT_FAILURES)


def _window() -> timedelta:
    return timedelta(minutes=int(settings.ULINZI_LOCKOUT_MINUTES))


def _slowdown_after() -> int:
    return int(settings.ULINZI_LOCKOUT_SLOWDOWN_AFTER)


def _max_delay() -> int:
    return int(settings.ULINZI_LOCKOUT_MAX_DELAY)


class LoginThrottle(models.Model):
    """Failed sign-ins of one username in the current window: from one client
    (``client`` set; ``locked_until`` locks that pair) or from all clients (``client``
    empty; ``locked_until`` is when the next attempt may come)."""

    username = models.CharField(max_length=150)
    client = models.CharField(max_length=64, blank=True, default=EVERYWHERE)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "accounts"
        constraints = [
            models.UniqueConstraint(fields=["username", "client"], name="loginthrottle_once")
        ]

    def __str__(self) -> str:
        return f"{self.username} ({self.client or 'all clients'}): {self.failures}"


@dataclass(frozen=True)
class Refusal:
    """Why an attempt is refused before its password is checked."""

    locked: bool  # True: this client is locked for this username; False: wait
    until: datetime


def _key(username: str) -> str:
    return username.strip().casefold()[:150]


def client_of(request: HttpRequest | None) -> str:
    """The client of a sign-in, as stored: an HMAC of its network (``"?"`` unknown)."""
    network = client_id(request.META) if request is not None else ""
    if not network:
        return "?"
    key = hmac.new(str(settings.SECRET_KEY).encode(), b"ulinzi.accounts.lockout", "sha256")
    return hmac.new(key.digest(), network.encode(), hashlib.sha256).hexdigest()[:32]


def _device_mark(username: str) -> str:
    key = hmac.new(str(settings.SECRET_KEY).encode(), _DEVICE_SALT.encode(), "sha256").digest()
    return hmac.new(key, _key(username).encode(), hashlib.sha256).hexdigest()[:32]


def remember_device(response: HttpResponse, username: str) -> None:
    """After a successful sign-in: this browser is a known device of ``username``."""
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(_device_mark(username), salt=_DEVICE_SALT),
        max_age=DEVICE_DAYS * 86_400,
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        httponly=True,
        samesite="Lax",
    )


def known_device(request: HttpRequest | None, username: str) -> bool:
    """Whether the request comes from a browser that signed in as ``username`` before."""
    token = request.COOKIES.get(DEVICE_COOKIE, "") if request is not None else ""
    if not token:
        return False
    try:
        mark = signing.loads(token, salt=_DEVICE_SALT, max_age=DEVICE_DAYS * 86_400)
    except signing.BadSignature:
        return False
    return hmac.compare_digest(str(mark), _device_mark(username))


def refusal(username: str, client: str, known: bool = False) -> Refusal | None:
    """The lock or wait in force for ``username`` from ``client``, if any (``known``
    devices skip the waits)."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(
        username=_key(username), client__in=[client, EVERYWHERE], locked_until__gt=now
    )
    found = {row.client: row.locked_until for row in rows if row.locked_until}
    if client in found:
        return Refusal(locked=True, until=found[client])
    if EVERYWHERE in found and not known:
        return Refusal(locked=False, until=found[EVERYWHERE])
    return None


def _count(row: LoginThrottle, now: datetime) -> None:
    if row.window_started_at + _window() < now:
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1


def record_failure(username: str, client: str) -> None:
    """Count a failure of ``username`` from ``client`` and from everywhere."""
    now = timezone.now()
    with transaction.atomic():
        for who in (client, EVERYWHERE):
            row, _ = LoginThrottle.objects.select_for_update().get_or_create(
                username=_key(username), client=who, defaults={"window_started_at": now}
            )
            _count(row, now)
            if who != EVERYWHERE and row.failures >= _failures():
                row.locked_until = now + _window()
            elif who == EVERYWHERE and row.failures >= _slowdown_after():
                excess = row.failures - _slowdown_after()
                row.locked_until = now + timedelta(seconds=min(2 ** min(excess, 16), _max_delay()))
            row.save()


def clear(username: str, client: str) -> None:
    """A success from ``client`` forgets its failures (not the username's over all)."""
    LoginThrottle.objects.filter(username=_key(username), client=client).delete()


class LockoutBackend(ModelBackend):
    """Django's model backend, refusing locked or waiting attempts and counting failures.
    A refusal is left on the request (``request.sign_in_refusal``) for the sign-in page."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get("email") or ""
        client = client_of(request)
        known = bool(username) and known_device(request, username)
        if username and (refused := refusal(username, client, known)):
            if request is not None:
                request.sign_in_refusal = refused  # type: ignore[attr-defined]
            raise PermissionDenied("too many failed sign-ins; try again later")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if username and password is not None:
            if user is None:
                record_failure(username, client)
            else:
                clear(username, client)
        return user
