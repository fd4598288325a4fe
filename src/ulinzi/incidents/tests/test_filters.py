"""Each incident filter is defined once (:mod:`ulinzi.incidents.filters`): its lookups
over incidents and over their counting copies select the same incidents, the ones its
meaning names, and every endpoint, menu and command that takes filters takes all of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from ulinzi.incidents.filters import NAMES, NOT_RECORDED, RULES, IncidentFilters
from ulinzi.incidents.models import Incident, IncidentFact
from ulinzi.incidents.selectors import apply_filters, filter_facts
from ulinzi.vocab import registry

pytestmark = pytest.mark.django_db


def _unrecorded_or(field: str) -> Callable[[Incident, str], bool]:
    return lambda i, v: getattr(i, field) == ("" if v == NOT_RECORDED else v)


def _listed(field: str) -> Callable[[Incident, str], bool]:
    return lambda i, v: (not getattr(i, field)) if v == NOT_RECORDED else v in getattr(i, field)


# What each filter means, written out over the incident as Python sees it.
MEANING: dict[str, Callable[[Incident, Any], bool]] = {
    "domain": lambda i, v: i.domain == v,
    "type": _listed("types"),
    "country": lambda i, v: i.country == v.upper(),
    "admin1": lambda i, v: i.admin1_pcode == v or i.admin1_name.casefold() == v.casefold(),
    "date_from": lambda i, v: i.occurred_on >= v,
    "date_to": lambda i, v: i.occurred_on <= v,
    "certainty": _unrecorded_or("certainty"),
    "cause": lambda i, v: i.cause == v,
    "status": lambda i, v: i.status in v.split(","),
    "organisation": lambda i, v: i.organisation.code == v,
    "perpetrator": _unrecorded_or("perpetrator"),
    "resource": _listed("resources"),
}

VALUES: dict[str, list[Any]] = {
    "domain": ["health_care_attack", "protection", "gbv", "no_such_domain"],
    "type": ["setting_fire", "killing", NOT_RECORDED, "no_such_type"],
    "country": ["UKR", "sdn", "COD", "no_such_country"],
    "admin1": ["UA80", "kyiv", "Darfur", "Nowhere"],
    "date_from": [date(2024, 6, 1), date(2030, 1, 1)],
    "date_to": [date(2024, 6, 10), date(2000, 1, 1)],
    "certainty": ["confirmed", "probable", NOT_RECORDED, "no_such_certainty"],
    "cause": ["armed_conflict", "criminal", NOT_RECORDED],
    "status": ["submitted", "rejected,submitted", "verified", "no_such_status"],
    "organisation": ["cluster", "amani", "no_such_org"],
    "perpetrator": ["state_armed_forces", NOT_RECORDED, "no_such_perpetrator"],
    "resource": ["facility", "patients", NOT_RECORDED, "no_such_resource"],
}


@pytest.fixture
def incidents(make_incident: Any) -> list[Incident]:
    made = [
        make_incident(
            domain="health_care_attack",
            types=["setting_fire"],
            resources=["facility"],
            admin1_pcode="UA80",
            admin1_name="Kyiv",
            occurred_on="2024-03-01",
            certainty="confirmed",
            cause="armed_conflict",
            perpetrator="state_armed_forces",
        ),
        make_incident(
            types=["killing"],
            country="SDN",
            admin1_name="Darfur",
            occurred_on="2024-06-10",
            cause="criminal",
        ),
        make_incident(
            "monitor2",
            domain="health_care_attack",
            resources=["personnel", "patients"],
            admin1_name="KYIV",
            occurred_on="2025-01-15",
            certainty="probable",
            cause="unknown",
        ),
        make_incident(occurred_on="2024-06-01"),
    ]
    made[3].status = "rejected"
    made[3].save()
    return [Incident.objects.select_related("organisation").get(pk=i.pk) for i in made]


def test_both_lookups_of_every_filter_select_the_incidents_it_means(
    incidents: list[Incident],
) -> None:
    assert set(VALUES) == set(NAMES) == set(MEANING)
    everyone = {i.pk for i in incidents}
    narrowing = set()
    for name in NAMES:
        for value in VALUES[name]:
            chosen = IncidentFilters(**{name: value})
            meant = {i.pk for i in incidents if MEANING[name](i, value)}
            found = set(apply_filters(Incident.objects.all(), chosen).values_list("pk", flat=True))
            counted = set(
                filter_facts(IncidentFact.objects.all(), chosen).values_list(
                    "incident_id", flat=True
                )
            )
            assert found == meant, (name, value)
            assert counted == meant, (name, value)
            if meant and meant != everyone:
                narrowing.add(name)
    assert narrowing == set(NAMES)  # each filter was seen to keep some and leave some


def test_filters_combine_and_read_from_a_query(incidents: list[Incident]) -> None:
    chosen = IncidentFilters.from_query(
        {"country": "UKR", "resource": "facility", "date_to": "2024-12-31", "q": "kept apart"}
    )
    assert chosen.as_query() == {"country": "UKR", "resource": "facility", "date_to": "2024-12-31"}
    found = apply_filters(Incident.objects.all(), chosen).values_list("pk", flat=True)
    assert list(found) == [incidents[0].pk]
    counted = filter_facts(IncidentFact.objects.all(), chosen).values_list("incident_id", flat=True)
    assert list(counted) == [incidents[0].pk]


def test_a_bad_date_is_named() -> None:
    from ulinzi.common.problems import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        IncidentFilters.from_query({"date_from": "2024-13-01", "date_to": "soon"})
    assert [(p.field, p.value) for p in caught.value.problems] == [
        ("date_from", "2024-13-01"),
        ("date_to", "soon"),
    ]


def test_every_endpoint_that_filters_takes_every_filter() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    own = {
        "/api/v1/incidents": {"cursor", "limit"},
        "/api/v1/analysis/summary": {"interval", "stack"},
        "/api/v1/analysis/areas": {"interval", "stack"},
        "/api/v1/exports/hxl": {"level", "k"},
        "/api/v1/exports/geojson": {"level", "k"},
        "/api/v1/exports/xlsx": {"level", "k"},
    }
    for path, extra in own.items():
        params = {p["name"] for p in document["paths"][path]["get"]["parameters"]}
        assert params == set(NAMES) | extra, path


def test_the_export_command_offers_every_filter() -> None:
    from ulinzi.commands import export

    # The command's parser is built before Django starts, so it keeps the names apart.
    assert set(export.FILTERS) == set(NAMES)


def test_the_list_offers_every_code_of_each_coded_filter(client: Client, user: Any) -> None:
    client.force_login(user("coordinator"))
    page = client.get("/incidents/").content.decode()
    for name, rule in RULES.items():
        if rule.vocabulary is None:
            continue
        menu = page.split(f'name="{name}"', 1)[1].split("</select>", 1)[0]
        for code in registry.get(rule.vocabulary).codes():
            assert f'value="{code}"' in menu, (name, code)
        assert (f'value="{NOT_RECORDED}"' in menu) == rule.unrecorded, name
