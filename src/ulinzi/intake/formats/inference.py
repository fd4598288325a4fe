"""What Insecurity Insight's indicator columns say about an incident, kept honest.

A type is inferred only where a column states it plainly (documented in
docs/imports.md): health workers kidnapped or arrested → abduction_arrest_detention;
sexually assaulted → sexual_assault; supplies looted or transport stolen/hijacked →
removal_of_assets; threatened → psychological_violence; assaulted →
assault_without_weapons; forceful entry → armed_search; occupation → militarization;
access denied → obstruction. A weapon column gives the types its terms imply in the
row's domain (``vocab/data/weapon.json``: bombs, shelling, missiles → heavy_weapons;
IEDs, grenades → individual_weapons; arson → setting_fire; mines, unexploded ordnance →
explosive_ordnance in protection). Firearms, knives and the like imply none: "carried or
used" does not say which, and SSA puts firearms under both heavy and individual weapons.

Context flags give the cause; with several, armed conflict first, then civil unrest,
then epidemic-related.
"""

from __future__ import annotations

from typing import Any

from ulinzi.incidents.models import COUNT_GROUPS, COUNT_KINDS
from ulinzi.intake import values
from ulinzi.intake.formats.base import Converter, Problem
from ulinzi.vocab import registry

COUNT_TARGETS = frozenset(k + g for k in COUNT_KINDS for g in COUNT_GROUPS)
GROUP_COUNTS = COUNT_TARGETS - frozenset(COUNT_KINDS)
INDICATORS: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"health_facility", "destroyed"}), "x_facility_destroyed"),
    (frozenset({"health_facility", "damaged"}), "x_facility_damaged"),
    (frozenset({"health_facility", "armed_entry"}), "x_forceful_entry"),
    (frozenset({"health_facility", "occupy"}), "x_occupation"),
    (frozenset({"health_transport", "destroyed"}), "x_transport_destroyed"),
    (frozenset({"health_transport", "damaged"}), "x_transport_damaged"),
    (frozenset({"health_transport", "abducted"}), "x_transport_stolen"),
    (frozenset({"health_supplies", "taken"}), "x_supplies_looted"),
    (frozenset({"health_obstruction"}), "x_access_denied"),
)
AFFECTED: dict[str, str] = {
    "threatened": "x_hw_threatened",
    "assaulted": "x_hw_assaulted",
    "sgbv": "x_hw_sexually_assaulted",
    "conflict": "x_ctx_conflict",
    "political": "x_ctx_political",
    "covid": "x_ctx_covid",
    "ebola": "x_ctx_ebola",
    "vaccine": "x_ctx_vaccination",
}
TYPE_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("abducted_health_workers", "arrested_health_workers"), "abduction_arrest_detention"),
    (("x_hw_sexually_assaulted",), "sexual_assault"),
    (("x_supplies_looted", "x_transport_stolen"), "removal_of_assets"),
    (("x_hw_threatened",), "psychological_violence"),
    (("x_hw_assaulted",), "assault_without_weapons"),
    (("x_forceful_entry",), "armed_search"),
    (("x_occupation",), "militarization"),
    (("x_access_denied",), "obstruction"),
)
RESOURCE_RULES: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("x_facility_destroyed", "x_facility_damaged", "x_forceful_entry", "x_occupation"),
        "facility",
    ),
    (("x_transport_destroyed", "x_transport_damaged", "x_transport_stolen"), "transport"),
    (("x_supplies_looted",), "supplies"),
    (
        (
            "killed_health_workers", "injured_health_workers", "abducted_health_workers",
            "arrested_health_workers", "detained_health_workers", "x_hw_threatened",
            "x_hw_assaulted", "x_hw_sexually_assaulted",
        ),
        "personnel",
    ),
)  # fmt: skip
CAUSE_ORDER = ("armed_conflict", "civil_unrest", "pandemic_related")


def indicator_target(attrs: frozenset[str]) -> str | None:
    for needed, target in INDICATORS:
        if needed <= attrs:
            return target
    return None


def affected_target(attrs: frozenset[str]) -> str | None:
    for attr, target in AFFECTED.items():
        if attr in attrs:
            return target
    return None


def _context(value: Any) -> str:
    raw = values.text(value)
    if not raw or raw.lower() in ("notapplicable", "not applicable", "no", "false", "0"):
        return ""
    return values.vocab_code("cause")(raw)


def _weapons(value: Any) -> tuple[str, ...]:
    """A weapon cell ("Aerial Bomb: Plane, Firearms") → its ``weapon`` codes."""
    return tuple(values.split_terms(value, "weapon"))


def converter(target: str) -> Converter | None:
    """Converters for this module's own ``x_…`` targets."""
    if target == "x_access_denied":
        return values.Memo(values.flag)
    if target.startswith("x_ctx_"):
        return values.Memo(_context)
    if target == "x_weapon":
        return values.Memo(_weapons)
    if target.startswith(("x_facility", "x_transport", "x_supplies", "x_forceful", "x_hw")):
        return values.Memo(values.count)
    if target == "x_occupation":
        return values.Memo(values.count)
    return None


HEALTH_CARE_INDICATORS = frozenset(target for _, target in INDICATORS)


def domain_of_columns(used: dict[str, str]) -> tuple[str, str] | None:
    """The domain the file's own columns state, and which column says so (None: they
    do not). Only indicators of damage to health facilities, health transport, health
    supplies or access to care say "attacks on health care"; a weapon or a count of
    health workers alone does not (other sectors' files carry them too)."""
    for target, column in used.items():
        if target in HEALTH_CARE_INDICATORS:
            return "health_care_attack", column
    return None


class CountTypes:
    """Types a group's count column names plainly: a count above 0 in a column whose header
    is a term (label or alias) of the row's domain's type vocabulary — "Aid Workers
    Killed" → ``killing`` in aid worker security, "Students Killed" → an attack on students
    and educators in education. Totals ("Killed") name no type: they count everyone."""

    def __init__(self, columns: list[tuple[str, str]]) -> None:
        self.columns = [(t, c) for t, c in columns if t.startswith("v|") or t in GROUP_COUNTS]
        self.by_domain: dict[str, list[tuple[str, str]]] = {}
        self.notes = [
            f"types: a count above 0 in {column!r} gives {code} in {domain}"
            for domain in registry.DOMAIN_TYPES
            for _, column, code in self._named(domain)
        ]

    def _named(self, domain: str) -> list[tuple[str, str, str]]:
        vocab = registry.get(registry.DOMAIN_TYPES[domain])
        return [(t, c, code) for t, c in self.columns if (code := vocab.match(c)) is not None]

    def __call__(self, data: dict[str, Any]) -> None:
        domain = data.get("domain") or ""
        if domain not in registry.DOMAIN_TYPES or not self.columns:
            return
        if domain not in self.by_domain:
            self.by_domain[domain] = [(t, code) for t, _, code in self._named(domain)]
        found: list[str] = []
        for target, code in self.by_domain[domain]:
            count = data.get(target)
            if isinstance(count, int) and count > 0 and code not in found:
                found.append(code)
        if found:
            data["types"] = found


class Inferrer:
    """Turns a row's ``x_…`` values into types, resources and cause, then drops them."""

    def __init__(self, used: set[str], extra: dict[str, dict[str, str]] | None = None) -> None:
        self.used = used
        self.x_names = tuple(t for t in used if t.startswith("x_") and t != "x_country_name")
        self.type_rules = [r for r in TYPE_RULES if any(s in used for s in r[0])]
        self.resource_rules = [r for r in RESOURCE_RULES if any(s in used for s in r[0])]
        self.infer_types = "types" not in used and (bool(self.type_rules) or "x_weapon" in used)
        self.infer_resources = "resources" not in used and bool(self.resource_rules)
        self.contexts = tuple(t for t in self.x_names if t.startswith("x_ctx_"))
        self.infer_cause = "cause" not in used and bool(self.contexts)

    def field_columns(self, used: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.infer_types:
            out["types"] = "indicator columns (types inferred)"
        if self.infer_resources:
            out["resources"] = "indicator columns (resources inferred)"
        if self.infer_cause:
            out["cause"] = ", ".join(used[t] for t in self.contexts)
        return out

    def __call__(self, data: dict[str, Any], problems: list[Problem]) -> None:
        x = {name: data.pop(name, None) for name in self.x_names}
        if not (self.infer_types or self.infer_resources or self.infer_cause):
            return
        both = {**data, **x}
        if self.infer_types:
            domain = data.get("domain") or ""
            given: list[str] = list(data.get("types") or ())  # named by count columns
            if domain == "health_care_attack":
                given += [c for sources, c in self.type_rules if any(both.get(s) for s in sources)]
            vocab = registry.DOMAIN_TYPES.get(domain)
            if vocab is not None:
                given += values.implied_types("weapon", x.get("x_weapon") or (), vocab)
            types = list(dict.fromkeys(given))
            if types or domain == "health_care_attack":
                data["types"] = types
        if self.infer_resources:
            data["resources"] = [
                code for sources, code in self.resource_rules if any(both.get(s) for s in sources)
            ]
        if self.infer_cause:
            found = {x[name] for name in self.contexts if x[name]}
            data["cause"] = next((c for c in CAUSE_ORDER if c in found), None) or (
                sorted(found)[0] if found else "unknown"
            )
