"""The counting copy (:class:`IncidentFact`) stays equal to the incidents after every way
incidents are written: services, plain ``save()``, imports and re-imports, linkage,
bulk generation, deletion; and its codes cover every vocabulary."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pycountry
import pytest

from ulinzi.accounts.access import actor_for
from ulinzi.incidents import facts, services
from ulinzi.incidents.models import FactArea, Incident, IncidentFact, Status
from ulinzi.vocab import registry

pytestmark = pytest.mark.django_db

HXL = (
    "Event ID,Date,Country ISO,Admin 1,Type,Killed,Injured,Description\n"
    "#meta+id,#date+occurred,#country+code,#adm1+name,#event+type,"
    "#affected+killed,#affected+injured,#description\n"
)


def _in_step() -> None:
    assert facts.differences() == []
    assert IncidentFact.objects.count() == Incident.objects.count()


def test_every_vocabulary_code_has_a_number() -> None:
    table = facts.codes()
    assert set(registry.get("domain").codes()) <= set(table["domain"])
    assert set(Status.values) <= set(table["status"])
    for kind in ("cause", "certainty", "perpetrator", "resource"):
        assert set(registry.get(kind).codes()) <= set(table[kind]), kind
    for vocabulary in registry.DOMAIN_TYPES.values():
        assert set(registry.get(vocabulary).codes()) <= set(table["type"]), vocabulary
    for kind, numbers in table.items():
        assert len(set(numbers.values())) == len(numbers), f"{kind}: a number used twice"
    assert max(table["type"].values()) < 63 and max(table["resource"].values()) < 63


def test_codes_and_places_decode_to_what_was_encoded() -> None:
    for country in pycountry.countries:
        assert facts.country_name(facts.country_code(country.alpha_3)) == country.alpha_3
    mask = facts.bits("type", ["setting_fire", "abduction"])
    assert sorted(facts.members("type", mask)) == ["abduction", "setting_fire"]
    assert facts.area_key("", "") == 0
    assert facts.area_key("UA80", "Kyiv") != facts.area_key("UA80", "kyiv") > 0
    for day in (date(2016, 1, 1), date(2024, 2, 29), date(1999, 12, 31)):
        assert facts.month_start(facts.month_of(day)) == day.replace(day=1)
        start = facts.week_start(facts.week_of(day))
        assert start.weekday() == 0 and 0 <= (day - start).days < 7
    with pytest.raises(facts.UnknownCode):
        facts.code("cause", "bad luck")


def test_service_writes_and_plain_saves_keep_the_copy(make_incident: Any, user: Any) -> None:
    incident = make_incident(
        domain="health_care_attack",
        types=["setting_fire"],
        resources=["facility"],
        admin1_name="Kharkivska",
        lat=49.99,
        lon=36.23,
        killed=2,
        killed_children=1,
    )
    _in_step()
    fact = IncidentFact.objects.get(pk=incident.pk)
    assert (fact.killed, fact.people_children, fact.cell_lat, fact.cell_lon) == (2, 1, 499, 362)
    assert FactArea.objects.get(key=fact.area).name == "Kharkivska"
    coordinator = actor_for(user("coordinator"))
    services.update(
        actor=coordinator,
        incident=incident,
        data={"types": ["abduction_arrest_detention"], "country": "SDN", "admin1_name": ""},
    )
    _in_step()
    services.verify(actor=coordinator, incident=incident, certainty="confirmed")
    _in_step()
    other = make_incident(perpetrator="state_armed_forces")
    services.reject(actor=coordinator, incident=other, reason="not an incident")
    _in_step()
    other.status = Status.DUPLICATE
    other.save()
    _in_step()
    assert IncidentFact.objects.get(pk=other.pk).status == facts.code("status", "duplicate")
    other.delete()
    _in_step()


def test_imports_and_reimports_keep_the_copy(db: Any, tmp_path: Path, settings: Any) -> None:
    from ulinzi.accounts import services as accounts
    from ulinzi.intake.services import run_import

    settings.DATA_DIR = tmp_path
    partner = accounts.ensure_organisation(code="partner", name="Partner", kind="ingo")
    rows = [
        f"EV-{i},2023-0{1 + i % 9}-1{i % 9},{('UKR', 'SDN')[i % 2]},Area {i % 3},"
        f"{('setting_fire', 'heavy_weapons | obstruction')[i % 2]},{i % 4},{i % 3},Text {i}\n"
        for i in range(40)
    ]
    first = tmp_path / "first.csv"
    first.write_text(HXL + "".join(rows), encoding="utf-8")
    kwargs: dict[str, Any] = {
        "organisation": partner,
        "progress": False,
        "domain": "health_care_attack",
    }
    assert run_import(path=first, batch_size=9, **kwargs).created == 40
    _in_step()
    rows[3] = "EV-3,2024-05-05,COD,Ituri,militarization,7,1,Changed\n"
    second = tmp_path / "second.csv"
    second.write_text(HXL + "".join(rows), encoding="utf-8")
    # Nearly every field of EV-3 changes: held until confirmed, then applied.
    assert run_import(path=second, **kwargs).held == 1
    assert run_import(path=second, apply_changes=True, **kwargs).updated == 1
    _in_step()
    fact = IncidentFact.objects.get(incident__source_id="EV-3")
    assert (facts.country_name(fact.country), fact.killed) == ("COD", 7)
    assert facts.members("type", fact.types) == ("militarization",)


def test_linkage_and_bulk_generation_keep_the_copy(demo_orgs: dict[str, Any]) -> None:
    from ulinzi.analysis import generate
    from ulinzi.analysis.linkage import services as linkage
    from ulinzi.analysis.linkage.testing import load_synthetic

    orgs = [demo_orgs["cluster"], demo_orgs["amani"]]
    generate.bulk_load(120, orgs, generate.Options(seed=3), batch=50)
    _in_step()
    sources = {"moh": demo_orgs["cluster"], "who": demo_orgs["who-ssa"]}
    load_synthetic(120, seed=5, orgs=sources)
    _in_step()
    run = linkage.run_linkage()
    assert run.state == "done", run.error
    duplicate = facts.code("status", "duplicate")
    marked = Incident.objects.filter(status=Status.DUPLICATE).count()
    assert marked > 0
    assert IncidentFact.objects.filter(status=duplicate).count() == marked
    _in_step()


def test_the_check_command_finds_a_drift_and_rebuild_repairs_it(
    make_incident: Any, capsys: Any
) -> None:
    from argparse import Namespace

    from ulinzi.commands import facts as command

    incident = make_incident(killed=1)
    assert command.run(Namespace(action="check")) == 0
    IncidentFact.objects.filter(pk=incident.pk).update(killed=5)
    assert command.run(Namespace(action="check")) == 1
    assert f"incident {incident.pk}: killed differ" in capsys.readouterr().err
    assert command.run(Namespace(action="rebuild")) == 0
    _in_step()
