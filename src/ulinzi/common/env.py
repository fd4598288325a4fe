"""Reading operator settings from the environment, for ``ulinzi/settings.py`` only.

Each reader takes the variable's name and its default; an empty variable counts as
unset. A value that cannot be read raises ``ImproperlyConfigured`` naming the variable,
the value and what was expected, so a typo stops the process at start with one line
instead of surfacing later as a stack trace.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _raw(name: str, environ: Mapping[str, str] | None) -> str:
    return (os.environ if environ is None else environ).get(name, "").strip()


def _bad(name: str, raw: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}={raw!r}: expected {expected}")


def text(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    return _raw(name, environ) or default


def flag(name: str, default: bool = False, *, environ: Mapping[str, str] | None = None) -> bool:
    raw = _raw(name, environ)
    if not raw:
        return default
    if raw.lower() in _TRUE:
        return True
    if raw.lower() in _FALSE:
        return False
    raise _bad(name, raw, "1 or 0 (also true/false, yes/no, on/off)")


def integer(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    raw = _raw(name, environ)
    if not raw:
        return default
    try:
        value = int(raw.replace("_", ""))
    except ValueError:
        raise _bad(name, raw, "a whole number") from None
    if minimum is not None and value < minimum:
        raise _bad(name, raw, f"a whole number of at least {minimum}")
    return value


def number(
    name: str,
    default: float,
    *,
    minimum: float | None = None,
    environ: Mapping[str, str] | None = None,
) -> float:
    raw = _raw(name, environ)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise _bad(name, raw, "a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _bad(name, raw, "a finite number")
    if minimum is not None and value < minimum:
        raise _bad(name, raw, f"a number of at least {minimum:g}")
    return value


def items(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list, blanks dropped."""
    return [
        part.strip() for part in text(name, default, environ=environ).split(",") if part.strip()
    ]


def networks(name: str, *, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list of IP addresses or CIDR networks."""
    found = items(name, environ=environ)
    for entry in found:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}: {entry!r} is not an IP address or CIDR network"
            ) from None
    return found


def choice(
    name: str, default: str, allowed: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> str:
    raw = _raw(name, environ).lower()
    if not raw:
        return default
    if raw not in allowed:
        raise _bad(name, raw, " or ".join(allowed))
    return raw


def counts(
    name: str, known: tuple[str, ...], *, environ: Mapping[str, str] | None = None
) -> dict[str, int]:
    """``"intake=3,investigation=90"``, each name one of ``known`` → ``{name: number}``."""
    out = {}
    for entry in items(name, environ=environ):
        key, _eq, value = (part.strip() for part in entry.partition("="))
        if key not in known:
            raise ImproperlyConfigured(f"{name}: {key!r} is not one of {', '.join(known)}")
        if not value.isdigit() or int(value) < 1:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not NAME=NUMBER (1 or more)")
        out[key] = int(value)
    return out
