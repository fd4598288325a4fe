"""Which addresses requests may go to: checks of URLs, addresses and resolved names.

Nothing here sends a packet: URLs are only checked, and names are resolved by resolvers
given to the code (a table), never by DNS.
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from ulinzi.common import outbound

NOT_PUBLIC = [
    "127.0.0.1",
    "127.255.255.254",
    "10.0.0.1",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "100.127.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "198.51.100.7",
    "203.0.113.9",
    "::1",
    "::",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::7f00:1",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]


class Table:
    """A resolver from a table, counting its lookups."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = answers
        self.lookups: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append((host, port))
        if host not in self.answers:
            raise OSError("name not known")
        return self.answers[host]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_internal_addresses_are_not_public(address: str) -> None:
    assert not outbound.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", PUBLIC)
def test_internet_addresses_are_public(address: str) -> None:
    assert outbound.is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9/x", "127.0.0.1 is not a public address"),
        ("http://127.1/", "127.0.0.1 is not a public address"),
        ("http://2130706433/", "127.0.0.1 is not a public address"),
        ("http://0x7f.0.0.1/", "127.0.0.1 is not a public address"),
        ("http://0177.0.0.1/", "127.0.0.1 is not a public address"),
        ("http://[::ffff:a9fe:a9fe]/", "::ffff:a9fe:a9fe is not a public address"),
        ("http://localhost/", "localhost names a machine on a local network"),
        ("http://Localhost./", "localhost names a machine on a local network"),
        ("http://a.b.localhost/", "a.b.localhost names a machine on a local network"),
        ("http://intranet/", "intranet names a machine on a local network"),
        ("http://printer.local/", "printer.local names a machine on a local network"),
        ("http://router.home.arpa/", "router.home.arpa names a machine on a local network"),
        ("http://1.0.0.127.in-addr.arpa/", "names a machine on a local network"),
        ("ftp://files.example.org/", "must be an http:// or https:// address"),
        ("//no-scheme.example.org/", "must be an http:// or https:// address"),
        ("http://user:pw@hooks.example.org/", "must not carry a user name or password"),
        ("http://hooks.example.org:99999/", "is not a valid address"),
    ],
)
def test_refused_urls_say_why(url: str, why: str) -> None:
    problem = outbound.check_url(url)
    assert problem is not None and why in problem


def test_names_are_not_looked_up_when_a_url_is_checked(settings: Any) -> None:
    table = Table({"hooks.example.org": ["10.0.0.1"]})
    settings.ULINZI_WEBHOOK_RESOLVER = table
    assert outbound.check_url("https://hooks.example.org/ulinzi") is None
    assert table.lookups == []


def test_the_allow_list_takes_networks_addresses_and_names(settings: Any) -> None:
    settings.ULINZI_WEBHOOK_ALLOW = "127.0.0.0/8; 10.1.2.3 , Hooks.Ops.Internal."
    for url in (
        "http://127.0.0.1:9/x",
        "http://[::ffff:127.0.0.1]/",
        "http://10.1.2.3/",
        "https://hooks.ops.internal/",
    ):
        assert outbound.check_url(url) is None, url
    assert outbound.check_url("http://10.1.2.4/") == "10.1.2.4 is not a public address"
    assert outbound.check_url("http://[::1]/") == "::1 is not a public address"


def test_a_name_is_resolved_once_and_every_address_checked() -> None:
    table = Table(
        {
            "hooks.example.org": ["8.8.8.8", "2606:4700::1111"],
            "mixed.example.org": ["8.8.8.8", "10.0.0.7"],
            "inside.example.org": ["169.254.169.254"],
            "mapped.example.org": ["::ffff:127.0.0.1"],
        }
    )
    target, addresses = outbound.resolve("https://hooks.example.org/in?x=1", table)
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "hooks.example.org",
        443,
        "/in?x=1",
    )
    assert addresses == ["8.8.8.8", "2606:4700::1111"]
    assert table.lookups == [("hooks.example.org", 443)]
    for name in ("mixed", "inside", "mapped"):
        with pytest.raises(outbound.Refused) as refused:
            outbound.resolve(f"http://{name}.example.org:8080/", table)
        # The answer names no address: the DNS answer is not echoed back.
        assert str(refused.value) == "the host name resolves to an address that is not public"
    with pytest.raises(outbound.Refused, match="does not resolve"):
        outbound.resolve("http://unknown.example.org/", table)


def test_an_allowed_network_or_name_lets_resolved_internal_addresses_through(
    settings: Any,
) -> None:
    table = Table({"hooks.example.org": ["10.9.0.5"], "ops.corp.example": ["172.20.0.9"]})
    settings.ULINZI_WEBHOOK_ALLOW = "10.9.0.0/16 ops.corp.example"
    assert outbound.resolve("http://hooks.example.org/", table)[1] == ["10.9.0.5"]
    assert outbound.resolve("http://ops.corp.example/", table)[1] == ["172.20.0.9"]


def test_a_literal_address_is_not_resolved() -> None:
    table = Table({})
    with pytest.raises(outbound.Refused, match=r"169\.254\.169\.254 is not a public address"):
        outbound.resolve("http://169.254.169.254/latest/meta-data/", table)
    assert table.lookups == []
