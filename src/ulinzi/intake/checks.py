"""Validation of imported rows: the rules of :func:`ulinzi.incidents.validation.clean`,
checked quickly for the typed values the formats produce.

:meth:`Checker.clean` returns exactly what ``validation.clean`` returns. Its fast path
accepts only values whose outcome it is sure of (right Python type, known code, inside
every limit); anything else — every invalid row included — goes to
``validation.clean`` itself, which accepts it or raises ``InvalidInput`` with its own
messages. A property test holds the two to the same answers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from ulinzi.geo.countries import country as find_country
from ulinzi.incidents import validation, victims
from ulinzi.incidents.models import COUNT_FIELDS, COUNT_GROUPS, COUNT_KINDS
from ulinzi.vocab import registry

EDITABLE = frozenset(validation.EDITABLE_FIELDS)
TOTALS = tuple((kind, tuple(kind + g for g in COUNT_GROUPS[1:])) for kind in COUNT_KINDS)


class _Slow(Exception):
    """Not sure on the fast path: ask validation.clean."""


class Checker:
    """Validates rows; ``InvalidInput`` (from ``validation.clean``) on failure."""

    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.kinds: dict[str, str] = {name: "count" for name in COUNT_FIELDS}
        self.kinds.update({name: "text" for name in validation.TEXT_LIMITS})
        self.kinds.update({name: "vocab" for name in validation.SCALAR_VOCABS})
        self.kinds.update({"lat": "geo", "lon": "geo"})
        self.vocabs = {
            name: frozenset(registry.get(vocab).codes())
            for name, vocab in validation.SCALAR_VOCABS.items()
        }
        self.types = {d: frozenset(registry.types_for(d).codes()) for d in registry.DOMAIN_TYPES}
        self.resources = frozenset(registry.get("resource").codes())
        self.countries: dict[str, bool] = {}

    def clean(self, data: dict[str, Any]) -> dict[str, Any]:
        try:
            return self._fast(data)
        except _Slow:
            return validation.clean(data, today=self.today)

    def _country(self, code: str) -> bool:
        known = self.countries.get(code)
        if known is None:
            found = find_country(code)
            known = found is not None and found.iso3 == code
            if len(self.countries) < 1000:
                self.countries[code] = known
        return known

    def _fast(self, data: dict[str, Any]) -> dict[str, Any]:
        if not data.keys() <= EDITABLE:
            raise _Slow
        for name in validation.REQUIRED:
            if data.get(name) in (None, ""):
                raise _Slow
        out: dict[str, Any] = {}
        kinds, limits = self.kinds, validation.TEXT_LIMITS
        for name, value in data.items():
            kind = kinds.get(name)
            if kind == "count":
                if value is None or value == "":
                    out[name] = None
                elif type(value) is int and 0 <= value <= validation.MAX_COUNT:
                    out[name] = value
                else:
                    raise _Slow
            elif kind == "text":
                text = _text(value)
                if len(text) > limits[name]:
                    raise _Slow
                out[name] = text if text or name != "source_id" else None
            elif kind == "vocab":
                text = _text(value)
                if text and text not in self.vocabs[name]:
                    raise _Slow
                out[name] = text or ("unknown" if name == "cause" else "")
            elif kind == "geo":
                if value is None or value == "":
                    out[name] = None
                elif type(value) is float and (-90.0 if name == "lat" else -180.0) <= value <= (
                    90.0 if name == "lat" else 180.0
                ):
                    out[name] = value
                else:
                    raise _Slow
        self._special(data, out)
        if ("lat" in out or "lon" in out) and (out.get("lat") is None) != (out.get("lon") is None):
            raise _Slow
        for kind, parts in TOTALS:
            total = out.get(kind)
            if total is not None:
                for part in parts:
                    value = out.get(part)
                    if value is not None and value > total:
                        raise _Slow
        return out

    def _special(self, data: dict[str, Any], out: dict[str, Any]) -> None:
        domain = data["domain"]
        if type(domain) is not str or domain not in self.types:
            raise _Slow
        out["domain"] = domain
        when = data["occurred_on"]
        if type(when) is not date or when > self.today or when.year < 1900:
            raise _Slow
        out["occurred_on"] = when
        country = data["country"]
        if type(country) is not str or not self._country(country):
            raise _Slow
        out["country"] = country
        if "occurred_precision" in data:
            precision = _text(data["occurred_precision"]) or "day"
            if precision not in ("day", "month", "year"):
                raise _Slow
            out["occurred_precision"] = precision
        if "types" in data:
            out["types"] = _codes(data["types"], self.types[domain])
        if "resources" in data:
            out["resources"] = _codes(data["resources"], self.resources)
        if "victims" in data:
            try:
                out["victims"] = victims.clean(data["victims"])
            except ValueError:
                raise _Slow from None


def _text(value: Any) -> str:
    if type(value) is str:
        return value.strip()
    if value is None:
        return ""
    raise _Slow


def _codes(value: Any, known: frozenset[str]) -> list[str]:
    if not value:
        if value is None or isinstance(value, list | tuple):
            return []
        raise _Slow
    if not isinstance(value, list | tuple):
        raise _Slow
    codes: list[str] = []
    for code in value:
        if type(code) is not str or code not in known:
            raise _Slow
        if code not in codes:
            codes.append(code)
    return codes
