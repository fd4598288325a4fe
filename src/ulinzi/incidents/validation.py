"""Rules every incident obeys, whichever way it arrives (API, web form, import).

:func:`clean` takes loosely typed values (strings from a CSV cell, numbers from JSON)
and returns typed values, or raises :class:`InvalidInput` naming every field at fault.
Each problem is a code of :mod:`ulinzi.common.problem_catalogue` with its parameters;
where it is shown, it is put into words in the reader's language.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.geo.countries import country as find_country
from ulinzi.incidents import victims
from ulinzi.incidents.models import COUNT_FIELDS, COUNT_GROUPS, COUNT_KINDS
from ulinzi.vocab import registry

MAX_COUNT = 100_000
TEXT_LIMITS = {
    "source_id": 120,
    "admin1_pcode": 40,
    "admin1_name": 120,
    "admin2_pcode": 40,
    "admin2_name": 120,
    "occurred_time": 20,
    "narrative": 20_000,
}
SCALAR_VOCABS = {
    "cause": "cause",
    "certainty": "certainty",
    "perpetrator": "perpetrator",
    "facility_type": "facility_type",
    "geo_precision": "geo_precision",
}
EDITABLE_FIELDS: tuple[str, ...] = (
    "source_id",
    "domain",
    "types",
    "occurred_on",
    "occurred_precision",
    "occurred_time",
    "country",
    "admin1_pcode",
    "admin1_name",
    "admin2_pcode",
    "admin2_name",
    "lat",
    "lon",
    "geo_precision",
    "cause",
    "certainty",
    "perpetrator",
    "resources",
    "facility_type",
    "narrative",
    *COUNT_FIELDS,
    "victims",
)
REQUIRED = ("domain", "occurred_on", "country")


def clean(
    data: dict[str, Any], *, current: dict[str, Any] | None = None, today: date | None = None
) -> dict[str, Any]:
    """Validate ``data`` (a new incident, or a partial change on top of ``current``).

    Returns only the fields present in ``data``, typed; raises :class:`InvalidInput`.
    """
    problems: list[FieldProblem] = []
    out: dict[str, Any] = {}
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    for name in unknown:
        problems.append(FieldProblem.of(name, "unknown_field"))
    merged = {**(current or {}), **data}
    if current is None:
        for name in REQUIRED:
            if merged.get(name) in (None, ""):
                problems.append(FieldProblem.of(name, "required"))

    def fail(name: str, code: str, value: Any = None, **params: Any) -> None:
        problems.append(FieldProblem.of(name, code, value, **params))

    if "domain" in data:
        given = _text(data["domain"])
        if given not in registry.DOMAIN_TYPES:
            fail("domain", "one_of", given, choices=", ".join(registry.DOMAIN_TYPES))
        else:
            out["domain"] = given
    domain: str | None = out.get("domain") or (current or {}).get("domain")

    if "types" in data or ("domain" in data and current is not None):
        raw_types = data.get("types", merged.get("types")) or []
        if not isinstance(raw_types, list | tuple):
            fail("types", "types_not_a_list")
        elif domain in registry.DOMAIN_TYPES:
            vocab = registry.types_for(domain)
            codes: list[str] = []
            for i, code in enumerate(raw_types):
                if str(code) not in vocab:
                    fail(
                        f"types[{i}]",
                        "type_of_other_domain",
                        code,
                        domain=domain,
                        vocabulary=vocab.name,
                    )
                elif str(code) not in codes:
                    codes.append(str(code))
            out["types"] = codes

    if "resources" in data:
        raw = data["resources"] or []
        if not isinstance(raw, list | tuple):
            fail("resources", "resources_not_a_list")
        else:
            vocab = registry.get("resource")
            res: list[str] = []
            for i, code in enumerate(raw):
                if str(code) not in vocab:
                    fail(f"resources[{i}]", "not_in_vocabulary", code, vocabulary="resource")
                elif str(code) not in res:
                    res.append(str(code))
            out["resources"] = res

    if "occurred_on" in data:
        when = _date(data["occurred_on"])
        if when is None:
            fail("occurred_on", "not_a_date", data["occurred_on"])
        elif when > (today or timezone.localdate()):
            fail("occurred_on", "future_date", when.isoformat())
        elif when.year < 1900:
            fail("occurred_on", "before_1900", when.isoformat())
        else:
            out["occurred_on"] = when
    if "occurred_precision" in data:
        precision = _text(data["occurred_precision"]) or "day"
        if precision not in ("day", "month", "year"):
            fail("occurred_precision", "date_precision", precision)
        else:
            out["occurred_precision"] = precision

    if "country" in data:
        ref = _text(data["country"]).upper()
        found = find_country(ref)
        if found is None or found.iso3 != ref:
            fail("country", "country_code", data["country"])
        else:
            out["country"] = found.iso3

    for name, vocab_name in SCALAR_VOCABS.items():
        if name in data:
            value = _text(data[name])
            if value and value not in registry.get(vocab_name):
                fail(name, "not_in_vocabulary", value, vocabulary=vocab_name)
            else:
                out[name] = value or ("unknown" if name == "cause" else "")

    for name, limit in TEXT_LIMITS.items():
        if name in data:
            value = _text(data[name])
            if len(value) > limit:
                fail(name, "too_long", limit=limit)
            else:
                out[name] = value if value or name != "source_id" else None

    for name, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        if name in data:
            value = data[name]
            if value in (None, ""):
                out[name] = None
                continue
            number = _float(value)
            if number is None or not low <= number <= high:
                fail(name, "coordinate_range", value, low=low, high=high)
            else:
                out[name] = number
    if "lat" in data or "lon" in data:
        point = {**(current or {}), **out}
        if (point.get("lat") is None) != (point.get("lon") is None):
            missing = "lat" if point.get("lat") is None else "lon"
            if all(p.field != missing for p in problems):
                fail(missing, "coordinate_alone")

    for name in COUNT_FIELDS:
        if name in data:
            value = data[name]
            if value in (None, ""):
                out[name] = None
                continue
            number = _int(value)
            if number is None or number < 0:
                fail(name, "not_a_count", value)
            elif number > MAX_COUNT:
                fail(name, "count_too_high", value, limit=MAX_COUNT)
            else:
                out[name] = number
    if "victims" in data:
        try:
            out["victims"] = victims.clean(data["victims"])
        except victims.Invalid as exc:
            fail("victims", exc.code, **exc.params)
    final = {**(current or {}), **out}
    for kind in COUNT_KINDS:
        total = final.get(kind)
        if total is None:
            continue
        for group in COUNT_GROUPS[1:]:
            part = final.get(kind + group)
            if part is not None and part > total and (kind + group) in data:
                fail(kind + group, "more_than_total", part, kind=kind, total=total)

    if problems:
        raise InvalidInput(problems)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        return None


def _float(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    number = _float(value)
    if number is None or number != int(number):
        return None
    return int(number)
