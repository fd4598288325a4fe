"""Sign-in throttling: failures lock a username from the failing client only; failures
from many clients only slow the username down; the real user is never locked out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ulinzi.accounts.lockout import EVERYWHERE, LoginThrottle

pytestmark = pytest.mark.django_db

ATTACKER = "192.0.2.66"
USER_AT_HOME = "198.51.100.7"


def sign_in(address: str, password: str, username: str = "monitor") -> tuple[bool, str]:
    """One sign-in attempt from ``address``: (signed in?, the page's text)."""
    client = Client(REMOTE_ADDR=address)
    page = client.post("/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session, page.content.decode()


@pytest.fixture
def password(demo_orgs: Any) -> str:
    from ulinzi.demo.organisations import demo_password

    return str(demo_password())


def test_an_attacker_at_one_address_cannot_lock_the_user_out_at_another(password: str) -> None:
    for _ in range(30):
        assert not sign_in(ATTACKER, "guess")[0]
    # The attacker's address is locked for this username, even with the right password ...
    signed_in, page = sign_in(ATTACKER, password)
    assert not signed_in
    assert "Too many failed sign-ins for this account from your network" in page
    # ... the real user at their own address is not, and not slowed down either.
    assert sign_in(USER_AT_HOME, password)[0]
    assert sign_in(USER_AT_HOME, password)[0]
    # Locked attempts were not counted: the username's count stopped at 5.
    assert LoginThrottle.objects.get(username="monitor", client=EVERYWHERE).failures == 5


def test_a_success_clears_the_clients_count_and_the_lock_expires(password: str) -> None:
    for _ in range(4):
        assert not sign_in(ATTACKER, "wrong")[0]
    assert sign_in(ATTACKER, password)[0]  # the right password from there clears its count
    for _ in range(5):
        assert not sign_in(ATTACKER, "wrong")[0]
    assert not sign_in(ATTACKER, password)[0]  # locked
    assert not sign_in(ATTACKER, "wrong")[0]  # refused while locked, not extended
    LoginThrottle.objects.exclude(client=EVERYWHERE).update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert sign_in(ATTACKER, password)[0]


def _wait_set_by(attempt: Any) -> tuple[float, float]:
    """Run ``attempt``; the username's wait it set, as seconds after the attempt's start
    and after its end (the wait counts from a moment between the two)."""
    before = timezone.now()
    attempt()
    after = timezone.now()
    row = LoginThrottle.objects.get(username="monitor", client=EVERYWHERE)
    assert row.locked_until is not None
    return (row.locked_until - before).total_seconds(), (row.locked_until - after).total_seconds()


def _within_the_wait() -> None:
    """As if the next attempt came a moment after the last failure, however slow the
    machine running the test is."""
    LoginThrottle.objects.filter(client=EVERYWHERE).update(
        locked_until=timezone.now() + timedelta(seconds=30)
    )


def _wait_over() -> None:
    LoginThrottle.objects.filter(client=EVERYWHERE).update(locked_until=timezone.now())


def test_failures_from_many_addresses_slow_the_username_down_without_locking_it(
    password: str, settings: Any
) -> None:
    settings.ULINZI_LOCKOUT_SLOWDOWN_AFTER = 10
    for i in range(2):  # 9 failures from two addresses, then the 10th
        for _ in range(5 if i == 0 else 4):
            assert not sign_in(f"203.0.113.{i}", "guess")[0]
    assert LoginThrottle.objects.get(username="monitor", client=EVERYWHERE).locked_until is None
    from_start, from_end = _wait_set_by(lambda: sign_in("203.0.113.1", "guess"))
    assert from_start >= 1 >= from_end  # the first step of the slowdown: one second
    # Within the wait every attempt is refused unchecked and uncounted, from anywhere.
    _within_the_wait()
    signed_in, page = sign_in(USER_AT_HOME, password)
    assert not signed_in and "Wait a minute, then try again" in page
    assert not sign_in("203.0.113.9", "guess")[0]
    assert LoginThrottle.objects.get(username="monitor", client=EVERYWHERE).failures == 10
    # Once it has passed, the real user signs in; more failures only lengthen the wait.
    _wait_over()
    assert sign_in(USER_AT_HOME, password)[0]
    for step in range(2):
        _wait_over()
        assert not sign_in(f"203.0.113.{20 + step}", "guess")[0]
    _wait_over()
    from_start, from_end = _wait_set_by(lambda: sign_in("203.0.113.22", "guess"))
    assert LoginThrottle.objects.get(username="monitor", client=EVERYWHERE).failures == 13
    assert from_start >= 8 >= from_end  # 2**3 s


def test_the_wait_never_exceeds_the_maximum(password: str, settings: Any) -> None:
    settings.ULINZI_LOCKOUT_SLOWDOWN_AFTER = 1
    settings.ULINZI_LOCKOUT_MAX_DELAY = 30
    for i in range(11):
        _wait_over()
        sign_in(f"203.0.113.{i}", "guess")
    _wait_over()
    from_start, from_end = _wait_set_by(lambda: sign_in("203.0.113.11", "guess"))
    assert LoginThrottle.objects.get(username="monitor", client=EVERYWHERE).failures == 12
    assert from_start >= 30 >= from_end  # 2**11 s, capped


def test_unknown_usernames_are_counted_the_same(password: str) -> None:
    for _ in range(5):
        assert not sign_in(ATTACKER, "guess", username="nobody-here")[0]
    assert not sign_in(ATTACKER, "guess", username="nobody-here")[0]
    rows = LoginThrottle.objects.filter(username="nobody-here")
    assert {r.client == EVERYWHERE for r in rows} == {True, False}
    assert rows.exclude(client=EVERYWHERE).get().locked_until is not None
    # The client is stored as a keyed HMAC, not as its address.
    assert not LoginThrottle.objects.filter(client__contains="192.0.2").exists()


def test_behind_a_trusted_proxy_the_forwarded_client_is_locked(
    password: str, settings: Any
) -> None:
    settings.ULINZI_TRUSTED_PROXIES = ["10.0.0.1"]

    def through_proxy(client_address: str, secret: str) -> bool:
        client = Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=client_address)
        client.post("/login/", {"username": "monitor", "password": secret})
        return "_auth_user_id" in client.session

    for _ in range(5):
        assert not through_proxy(ATTACKER, "guess")
    assert not through_proxy(ATTACKER, password)
    assert through_proxy(USER_AT_HOME, password)  # same proxy, another client


def test_a_browser_that_signed_in_before_is_not_slowed_down(password: str, settings: Any) -> None:
    from ulinzi.accounts.lockout import DEVICE_COOKIE

    settings.ULINZI_LOCKOUT_SLOWDOWN_AFTER = 10
    own = Client(REMOTE_ADDR=USER_AT_HOME)
    own.post("/login/", {"username": "monitor", "password": password})
    assert DEVICE_COOKIE in own.cookies and own.cookies[DEVICE_COOKIE]["httponly"]
    device = own.cookies[DEVICE_COOKIE].value
    own.logout()  # (the test client's sign-out forgets every cookie: keep the device's)
    own.cookies[DEVICE_COOKIE] = device
    for i in range(2):  # a slowdown kept up from many addresses
        for _ in range(5):
            assert not sign_in(f"203.0.113.{i}", "guess")[0]
    _within_the_wait()
    assert not sign_in(USER_AT_HOME, password)[0]  # a browser new to this account waits
    own.post("/login/", {"username": "monitor", "password": password})
    assert "_auth_user_id" in own.session  # the known one does not
    # The cookie is good for its own username only, and cannot be made up.
    for username in ("analyst", "coordinator"):
        for i in range(2):
            for _ in range(5):
                sign_in(f"203.0.113.{10 + i}", "guess", username=username)
    _within_the_wait()
    stranger = Client(REMOTE_ADDR=USER_AT_HOME)
    stranger.cookies[DEVICE_COOKIE] = device
    stranger.post("/login/", {"username": "analyst", "password": password})
    assert "_auth_user_id" not in stranger.session
    stranger.cookies[DEVICE_COOKIE] = "made-up"
    stranger.post("/login/", {"username": "coordinator", "password": password})
    assert "_auth_user_id" not in stranger.session
