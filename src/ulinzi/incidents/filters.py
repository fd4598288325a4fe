"""The incident filters, each defined once.

A filter is one field of :class:`IncidentFilters`; its :class:`Rule` (the field's
metadata) says how a query value is read, how it narrows incidents, how it narrows their
counting copies (:class:`IncidentFact`), which vocabulary its codes come from and what
its menu offers. From this table come the API's query schemas (:data:`FilterQuery`,
extended by each endpoint), the lookups of :func:`ulinzi.incidents.selectors.apply_filters`
and :func:`~ulinzi.incidents.selectors.filter_facts`, the incident list's menus
(:func:`menus`) and the dashboard's checks and menus. A new filter is a new field here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, create_model

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.incidents import facts
from ulinzi.incidents.models import FactArea, Incident, IncidentFact, IncidentTerm
from ulinzi.vocab import registry

# The filter value that selects incidents where a field was not recorded (no
# perpetrator, no certainty grade, no type, no resource).
NOT_RECORDED = "none"

Incidents = QuerySet[Incident]
Facts = QuerySet[IncidentFact]
Choices = list[tuple[str, str]]


@dataclass(frozen=True)
class Rule:
    """One filter: its description, its two lookups, its codes and its menu."""

    help: str
    incidents: Callable[[Incidents, Any], Incidents]
    facts: Callable[[Facts, Any], Facts]
    # The vocabulary its codes come from (checked by the dashboard, offered in menus).
    vocabulary: str | None = None
    # Whether NOT_RECORDED may be asked for (and is offered in the incident list's menu).
    unrecorded: bool = False
    # What the incident list's menu offers, for filters whose menu is not a vocabulary.
    menu: Callable[[Actor], list[Any]] | None = None
    is_date: bool = False

    def parse(self, name: str, raw: Any) -> Any:
        """The value of query parameter ``name``; :class:`InvalidInput` for a bad date."""
        if not self.is_date:
            return str(raw)
        try:
            return date.fromisoformat(str(raw))
        except ValueError:
            problem = FieldProblem(name, "must be a date as YYYY-MM-DD", raw)
            raise InvalidInput([problem]) from None

    def choices(self) -> Choices:
        """The vocabulary's codes and labels, in the page's language."""
        assert self.vocabulary is not None
        return registry.get(self.vocabulary).choices()


def _coded(kind: str, value: str) -> int:
    """A filter value's number in the counting copy; -1 (matches nothing) for none."""
    try:
        return facts.code(kind, value)
    except facts.UnknownCode:
        return -1


def _terms(kind: str) -> Callable[[Incidents, str], Incidents]:
    """Incidents with a type or resource code (or with none of that kind)."""

    def narrow(qs: Incidents, code: str) -> Incidents:
        if code == NOT_RECORDED:
            return qs.exclude(id__in=IncidentTerm.objects.filter(kind=kind).values("incident_id"))
        terms = IncidentTerm.objects.filter(kind=kind, code=code)
        return qs.filter(id__in=terms.values("incident_id"))

    return narrow


def _mask(kind: str) -> Callable[[Facts, str], Facts]:
    """Counting copies whose ``{kind}s`` mask holds a code's bit (or is empty)."""

    def narrow(qs: Facts, code: str) -> Facts:
        if code == NOT_RECORDED:
            return qs.filter(**{f"{kind}s": 0})
        bit = _coded(kind, code)
        if bit < 0:
            return qs.none()
        return qs.annotate(**{f"has_{kind}": F(f"{kind}s").bitand(1 << bit)}).exclude(
            **{f"has_{kind}": 0}
        )

    return narrow


def _code(name: str, *, unrecorded: bool) -> tuple[Callable[..., Incidents], Callable[..., Facts]]:
    """The two lookups of a single-code column (NOT_RECORDED is the empty code)."""

    def stored(value: str) -> str:
        return "" if unrecorded and value == NOT_RECORDED else value

    def on_incidents(qs: Incidents, value: str) -> Incidents:
        return qs.filter(**{name: stored(value)})

    def on_facts(qs: Facts, value: str) -> Facts:
        return qs.filter(**{name: _coded(name, stored(value))})

    return on_incidents, on_facts


def _country_facts(qs: Facts, value: str) -> Facts:
    try:
        return qs.filter(country=facts.country_code(value))
    except facts.UnknownCode:
        return qs.none()


def _area_incidents(qs: Incidents, value: str) -> Incidents:
    return qs.filter(Q(admin1_pcode=value) | Q(admin1_name__iexact=value))


def _area_facts(qs: Facts, value: str) -> Facts:
    areas = FactArea.objects.filter(Q(pcode=value) | Q(name__iexact=value))
    return qs.filter(area__in=areas.values("key"))


def _organisation_facts(qs: Facts, value: str) -> Facts:
    return qs.filter(organisation_id__in=Organisation.objects.filter(code=value).values("pk"))


def _type_menu(actor: Actor) -> list[tuple[str, str, Choices]]:
    """Types grouped by domain: (domain, domain label, choices)."""
    domains = registry.get("domain")
    return [
        (domain, domains.label(domain), registry.get(vocab).choices())
        for domain, vocab in registry.DOMAIN_TYPES.items()
    ]


def _country_menu(actor: Actor) -> Choices:
    from ulinzi.web.i18n import country_choices

    return country_choices()


def _organisation_menu(actor: Actor) -> Choices:
    """The actor's organisations and those sharing data with them, by name."""
    org_ids = set(actor.roles_by_org) | set(actor.shared_domains)
    return list(
        Organisation.objects.filter(pk__in=org_ids).order_by("name").values_list("code", "name")
    )


_certainty = _code("certainty", unrecorded=True)
_cause = _code("cause", unrecorded=False)
_perpetrator = _code("perpetrator", unrecorded=True)


@dataclass
class IncidentFilters:
    """The filters shared by the API, the web list, the dashboard, reports and exports."""

    domain: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="domain code",
                incidents=lambda qs, v: qs.filter(domain=v),
                facts=lambda qs, v: qs.filter(domain=_coded("domain", v)),
                vocabulary="domain",
            )
        },
    )
    type: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="incident type code, or 'none' for incidents with no type",
                incidents=_terms("type"),
                facts=_mask("type"),
                unrecorded=True,
                menu=_type_menu,
            )
        },
    )
    country: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="ISO 3166 alpha-3 country code",
                incidents=lambda qs, v: qs.filter(country=v.upper()),
                facts=_country_facts,
                menu=_country_menu,
            )
        },
    )
    admin1: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="first-level area: its P-code or its name",
                incidents=_area_incidents,
                facts=_area_facts,
            )
        },
    )
    date_from: date | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="occurred on or after (YYYY-MM-DD)",
                incidents=lambda qs, v: qs.filter(occurred_on__gte=v),
                facts=lambda qs, v: qs.filter(occurred_on__gte=v),
                is_date=True,
            )
        },
    )
    date_to: date | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="occurred on or before (YYYY-MM-DD)",
                incidents=lambda qs, v: qs.filter(occurred_on__lte=v),
                facts=lambda qs, v: qs.filter(occurred_on__lte=v),
                is_date=True,
            )
        },
    )
    certainty: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="certainty code, or 'none' for incidents with no certainty grade",
                incidents=_certainty[0],
                facts=_certainty[1],
                vocabulary="certainty",
                unrecorded=True,
            )
        },
    )
    cause: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="cause context code",
                incidents=_cause[0],
                facts=_cause[1],
                vocabulary="cause",
            )
        },
    )
    status: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="status code, or several separated by commas",
                incidents=lambda qs, v: qs.filter(status__in=v.split(",")),
                facts=lambda qs, v: qs.filter(
                    status__in=[_coded("status", s) for s in v.split(",")]
                ),
                vocabulary="incident_status",
            )
        },
    )
    organisation: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="code of the reporting organisation",
                incidents=lambda qs, v: qs.filter(organisation__code=v),
                facts=_organisation_facts,
                menu=_organisation_menu,
            )
        },
    )
    perpetrator: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="perpetrator code, or 'none' for incidents with no perpetrator",
                incidents=_perpetrator[0],
                facts=_perpetrator[1],
                vocabulary="perpetrator",
                unrecorded=True,
            )
        },
    )
    resource: str | None = field(
        default=None,
        metadata={
            "rule": Rule(
                help="resource code, or 'none' for incidents with no resource affected",
                incidents=_terms("resource"),
                facts=_mask("resource"),
                vocabulary="resource",
                unrecorded=True,
            )
        },
    )

    @classmethod
    def from_query(cls, params: Any) -> IncidentFilters:
        """Build filters from a query dict, naming any bad date."""
        values: dict[str, Any] = {}
        problems: list[FieldProblem] = []
        for name, rule in RULES.items():
            raw = params.get(name)
            if raw in (None, ""):
                continue
            try:
                values[name] = rule.parse(name, raw)
            except InvalidInput as exc:
                problems.extend(exc.problems)
        if problems:
            raise InvalidInput(problems)
        return cls(**values)

    def as_query(self) -> dict[str, str]:
        return {
            k: (v.isoformat() if isinstance(v, date) else str(v))
            for k, v in self.__dict__.items()
            if v not in (None, "")
        }

    def chosen(self) -> Iterator[tuple[str, Any, Rule]]:
        """The filters set, as (name, value, rule)."""
        for name, rule in RULES.items():
            value = getattr(self, name)
            if value not in (None, ""):
                yield name, value, rule


RULES: dict[str, Rule] = {f.name: f.metadata["rule"] for f in fields(IncidentFilters)}
NAMES: tuple[str, ...] = tuple(RULES)


def query_schema() -> type[Schema]:
    """The filters as query parameters of the API; each endpoint extends it. Values stay
    text here so that :meth:`IncidentFilters.from_query` names a bad date."""
    params: dict[str, Any] = {
        name: (str | None, Field(None, description=rule.help)) for name, rule in RULES.items()
    }
    return create_model("IncidentFilterQuery", __base__=Schema, **params)


if TYPE_CHECKING:
    FilterQuery = Schema
else:
    FilterQuery = query_schema()


def menus(actor: Actor) -> dict[str, Any]:
    """The incident list's menus, one per filter that offers choices, named after the
    filter and labelled in the page's language ("Not recorded" where it may be asked)."""
    unrecorded = (NOT_RECORDED, str(_("Not recorded")))
    out: dict[str, Any] = {}
    for name, rule in RULES.items():
        if rule.menu is not None:
            out[name] = rule.menu(actor)
        elif rule.vocabulary is not None:
            out[name] = [*rule.choices(), unrecorded] if rule.unrecorded else rule.choices()
    out["organisation_codes"] = {code for code, _name in out["organisation"]}
    return out
