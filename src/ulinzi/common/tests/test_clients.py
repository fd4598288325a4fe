"""The client's address: X-Forwarded-For only from trusted proxies, read right to left;
IPv6 clients by their /64; bad settings refused at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ulinzi.common.clients import client_address, client_id, network_of


def meta(peer: str, forwarded: str | None = None) -> dict[str, str]:
    out = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        out["HTTP_X_FORWARDED_FOR"] = forwarded
    return out


def test_without_trusted_proxies_the_peer_is_the_client(settings: Any) -> None:
    settings.ULINZI_TRUSTED_PROXIES = []
    assert client_address(meta("192.0.2.1", "203.0.113.5")) == "192.0.2.1"
    assert client_address(meta("")) == ""


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("10.0.0.2", "203.0.113.5", "203.0.113.5"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own claim: left
        ("10.0.0.2", "203.0.113.5, 10.0.0.9", "203.0.113.5"),  # two trusted hops skipped
        ("10.0.0.2", "192.168.7.7, 10.0.0.9", "192.168.7.7"),
        ("10.0.0.2", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # all trusted: the farthest
        ("10.0.0.2", "", "10.0.0.2"),  # the proxy sent nothing: the proxy
        ("10.0.0.2", "garbage, 10.0.0.9", "10.0.0.9"),  # unreadable: the last trusted hop
        ("10.0.0.2", "203.0.113.5:4711", "203.0.113.5"),
        ("10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        ("198.51.100.1", "203.0.113.5", "198.51.100.1"),  # not a trusted peer: ignored
        ("::ffff:10.0.0.2", "203.0.113.5", "203.0.113.5"),  # IPv4-mapped peer
        ("2001:db8:ffff::1", "203.0.113.6", "203.0.113.6"),
    ],
)
def test_forwarded_for_read_right_to_left_past_trusted_proxies(
    settings: Any, peer: str, forwarded: str, client: str
) -> None:
    settings.ULINZI_TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]
    assert client_address(meta(peer, forwarded)) == client


def test_ipv6_clients_are_counted_by_their_64() -> None:
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("::ffff:192.0.2.4") == "192.0.2.4"
    assert network_of("192.0.2.4") == "192.0.2.4"
    assert client_id(meta("2001:db8:1:2::99")) == client_id(meta("2001:db8:1:2:ab::1"))


def test_a_bad_trusted_proxy_or_limit_setting_stops_the_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["ULINZI_DATA_DIR"] = str(tmp_path)
    ulinzi = str(Path(sys.executable).with_name("ulinzi"))
    for name, value, message in (
        ("ULINZI_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local", "'proxy.local' is not an IP"),
        ("ULINZI_ANONYMOUS_LIMITS", "submit_client=20", "is not NAME=COUNT/SECONDS"),
    ):
        done = subprocess.run(
            [ulinzi, "manage", "check"],
            env={**env, name: value},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode != 0
        assert message in done.stderr, done.stderr[-1500:]


def test_an_unknown_limit_name_is_a_check_error(settings: Any) -> None:
    from ulinzi.intake.anonymous.checks import anonymous_intake_checks

    settings.ULINZI_ANONYMOUS_LIMITS = {"submit_clients": (1, 60)}
    errors = [p for p in anonymous_intake_checks() if p.id == "anonymous.E002"]
    assert errors and "submit_clients" in errors[0].msg


@pytest.mark.django_db
def test_https_behind_a_trusted_proxy_does_not_redirect_and_others_cannot_claim_it(
    settings: Any, client: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ULINZI_TRUSTED_PROXIES = ["10.0.0.5"]
    via_proxy = client.get("/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https")
    assert via_proxy.status_code == 200
    direct = client.get("/login/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301
    assert direct["Location"].startswith("https://")
    plain_via_proxy = client.get("/login/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="http")
    assert plain_via_proxy.status_code == 301


@pytest.mark.django_db
def test_the_anonymous_form_behind_a_trusted_proxy_does_not_redirect(
    settings: Any, client: Any
) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ULINZI_TRUSTED_PROXIES = ["10.0.0.5"]
    via_proxy = client.get("/anonymous/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_PROTO="https")
    assert via_proxy.status_code == 200
    direct = client.get("/anonymous/", REMOTE_ADDR="192.0.2.9", HTTP_X_FORWARDED_PROTO="https")
    assert direct.status_code == 301
