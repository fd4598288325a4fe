"""Requests Ulinzi sends to other machines (webhooks) go to public addresses only.

A receiver's URL is checked twice. When it is given (:func:`check_url`), without looking
the name up: an IP address must be public, and a name must not be one that only a local
network knows (``localhost``, a single label, ``.local``, ``.internal``, …). Before every
request (:func:`post`), the name is resolved once, every address it resolves to must be
public, and the request goes to one of those checked addresses, with the name in the
``Host`` header and, for https, in SNI and the certificate check: a DNS answer that
changes between the check and the connection (rebinding) cannot send it elsewhere.
Redirects are not followed and no proxy is used.

Not public: loopback, private (RFC 1918, IPv6 ULA ``fc00::/7``), link-local (``169.254/16``
with the cloud metadata address, ``fe80::/10``), shared/CGNAT ``100.64/10``, multicast,
reserved, unspecified, broadcast, documentation and benchmarking ranges, and IPv6
addresses that carry one of those IPv4 addresses (IPv4-mapped, NAT64 ``64:ff9b::/96``,
6to4) or a Teredo tunnel.

``ULINZI_WEBHOOK_ALLOW`` (Django setting, else environment) lets internal receivers
through: networks in CIDR notation, single addresses or host names, separated by commas
or spaces (e.g. ``10.20.0.0/16, hooks.ops.internal``). An allowed host name is accepted
whatever it resolves to.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Sequence[str]]
"""``(host, port) -> addresses`` as text; raises ``OSError`` when the name does not resolve."""

LOCAL_SUFFIXES = ("localhost", "local", "internal", "home.arpa", "localdomain", "lan", "arpa")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_SEPARATORS = str.maketrans({",": " ", ";": " "})


class Refused(Exception):
    """The address may not receive requests; the message says why (nothing was sent)."""


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class AllowList:
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    names: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> AllowList:
        networks, names = [], set()
        for entry in text.translate(_SEPARATORS).split():
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                names.add(_normal_name(entry))
        return cls(tuple(networks), frozenset(names))

    def has_address(self, ip: IPAddress) -> bool:
        candidates = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(
            c in net for c in candidates for net in self.networks if c.version == net.version
        )


def allow_list() -> AllowList:
    """The configured allow-list (``ULINZI_WEBHOOK_ALLOW``), empty by default."""
    raw = settings.ULINZI_WEBHOOK_ALLOW
    if not isinstance(raw, str):
        raw = " ".join(raw)
    return AllowList.parse(raw)


def is_public(ip: IPAddress) -> bool:
    """Whether ``ip`` is an ordinary address on the internet."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.teredo is not None:
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    return ip.is_global and not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def _normal_name(host: str) -> str:
    return host.strip().rstrip(".").lower()


def _literal(host: str) -> IPAddress | None:
    """``host`` as an IP address if it is written as one, including the short, decimal,
    octal and hex IPv4 forms the system resolver accepts (``127.1``, ``2130706433``)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefx." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str


def _target(url: str) -> Target:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise Refused(f"is not a valid address ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused("must be an http:// or https:// address")
    if parts.username is not None or parts.password is not None:
        raise Refused("must not carry a user name or password")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    default = 443 if parts.scheme == "https" else 80
    return Target(parts.scheme, _normal_name(parts.hostname), port or default, path)


def _check_host(host: str, allowed: AllowList) -> IPAddress | None:
    """The address ``host`` is written as (checked), or None for a name that may be
    resolved; :class:`Refused` otherwise."""
    ip = _literal(host)
    if ip is not None:
        if not (is_public(ip) or allowed.has_address(ip)):
            raise Refused(f"{ip} is not a public address")
        return ip
    if host in allowed.names:
        return None
    labels = host.split(".")
    if len(labels) < 2 or any(host == s or host.endswith("." + s) for s in LOCAL_SUFFIXES):
        raise Refused(f"{host} names a machine on a local network, not a public one")
    return None


def check_url(url: str) -> str | None:
    """Why ``url`` may not receive requests, or None. The name is not looked up."""
    try:
        target = _target(url)
        _check_host(target.host, allow_list())
    except Refused as exc:
        return str(exc)
    return None


def resolve(url: str, resolver: Resolver | None = None) -> tuple[Target, list[str]]:
    """The URL's target and the addresses to connect to, each one checked; the name is
    resolved once. :class:`Refused` when any address is not allowed."""
    target = _target(url)
    allowed = allow_list()
    ip = _check_host(target.host, allowed)
    if ip is not None:
        return target, [str(ip)]
    try:
        addresses = list((resolver or configured_resolver())(target.host, target.port))
    except OSError:
        raise Refused("the host name does not resolve") from None
    if not addresses:
        raise Refused("the host name does not resolve")
    if target.host not in allowed.names:
        for address in addresses:
            found = ipaddress.ip_address(address)
            if not (is_public(found) or allowed.has_address(found)):
                raise Refused("the host name resolves to an address that is not public")
    return target, addresses


def configured_resolver() -> Resolver:
    """``ULINZI_WEBHOOK_RESOLVER`` (a callable or its dotted path; the test suite's asks
    no DNS), else the system resolver."""
    resolver = getattr(settings, "ULINZI_WEBHOOK_RESOLVER", None)
    if isinstance(resolver, str):
        resolver = import_string(resolver)
    return resolver or system_resolver


class _PinnedHTTP(http.client.HTTPConnection):
    """HTTP to a given address; ``host`` is only what the Host header names."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    """HTTPS to a given address; SNI and the certificate check use ``host``."""

    default_port = 443

    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float,
    resolver: Resolver | None = None,
) -> int:
    """POST ``body`` to ``url`` (checked as above) and return the HTTP status; the
    answer's body is not read. :class:`Refused` when the address is not allowed,
    ``OSError`` or ``http.client.HTTPException`` when the receiver cannot be reached."""
    target, addresses = resolve(url, resolver)
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    error: OSError | None = None
    for address in addresses:
        connection = kind(target.host, target.port, address, timeout)
        try:
            connection.connect()
        except OSError as exc:  # this address does not answer: try the next checked one
            connection.close()
            error = exc
            continue
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()
    assert error is not None
    raise error
