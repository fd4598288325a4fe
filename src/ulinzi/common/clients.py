"""Who is asking: the client's address, as far as it can be trusted.

``REMOTE_ADDR`` is the peer of the connection. Only when that peer is one of the
reverse proxies in ``ULINZI_TRUSTED_PROXIES`` (addresses or CIDR networks) is
``X-Forwarded-For`` read: right to left, skipping the trusted hops, the first address
that is not a trusted proxy is the client. Whatever a client writes into the header
itself stands to the left of what the proxy appended, so it is never reached while a
trusted proxy's entry comes first; from any other peer the header is ignored.

A client is then known by its *network* (:func:`client_id`): an IPv4 address, or the
/64 of an IPv6 address (one household or phone holds a whole /64), so limits counted
per client cannot be dodged by changing the last 64 bits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str] | tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """``["10.0.0.0/8", "192.0.2.7"]`` → networks; ``ValueError`` names a bad entry."""
    out = []
    for entry in entries:
        try:
            out.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"ULINZI_TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR network"
            ) from None
    return tuple(out)


@cache
def _trusted(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_networks(entries)


def _address(text: str) -> IPAddress | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:5678"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(meta: Mapping[str, Any]) -> str:
    """The client's address (see the module docstring); ``""`` when unknown."""
    peer = _address(str(meta.get("REMOTE_ADDR", "")))
    if peer is None:
        return ""
    trusted = _trusted(tuple(getattr(settings, "ULINZI_TRUSTED_PROXIES", ()) or ()))

    def is_trusted(address: IPAddress) -> bool:
        return any(address in network for network in trusted)

    client = peer
    if trusted and is_trusted(peer):
        hops = str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:  # unreadable: the last trusted hop is all we know
                break
            client = address
            if not is_trusted(address):
                break
    return str(client)


def network_of(address: str) -> str:
    """An IPv4 address itself, an IPv6 address's /64; ``""`` stays ``""``."""
    parsed = _address(address)
    if parsed is None:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def client_id(meta: Mapping[str, Any]) -> str:
    """The network the client is known by, for counting (never stored as such)."""
    return network_of(client_address(meta))


def from_trusted_proxy(meta: Mapping[str, Any]) -> bool:
    """Whether the connection's peer is one of ``ULINZI_TRUSTED_PROXIES``."""
    peer = _address(str(meta.get("REMOTE_ADDR", "")))
    trusted = _trusted(tuple(getattr(settings, "ULINZI_TRUSTED_PROXIES", ()) or ()))
    return peer is not None and any(peer in network for network in trusted)


_SETTLED = "ulinzi.proxy_tls_header_checked"


def drop_untrusted_tls_header(meta: dict[str, Any]) -> None:
    """Remove the proxy's TLS header (``SECURE_PROXY_SSL_HEADER``) unless the peer is a
    trusted proxy: Django believes that header from anyone, and a client reaching the web
    process directly could claim HTTPS. Done once per request, while the peer is known."""
    if meta.get(_SETTLED):
        return
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if header and header[0] in meta and not from_trusted_proxy(meta):
        del meta[header[0]]
    meta[_SETTLED] = True


class ProxyHeadersMiddleware:
    """:func:`drop_untrusted_tls_header` for every request (the anonymous routes have it
    done by the middleware before this one, before the peer's address is forgotten)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        drop_untrusted_tls_header(request.META)
        return self.get_response(request)
