"""``/incidents/areas/``: areas to choose from by name, only those named by incidents the
user may see (plus ISO 3166-2 subdivisions of a chosen country), and who is refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client


def signed_in(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="ulinzi-demo")
    return client


@pytest.fixture
def places(make_incident: Any) -> None:
    make_incident(country="UKR", admin1_name="Kharkivska", admin1_pcode="UA63")
    make_incident(country="UKR", admin1_name="Odeska", admin1_pcode="UA51")
    make_incident(country="SDN", admin1_name="Khartoum", admin1_pcode="SD01")
    # GBV is not shared with Amani.
    make_incident(domain="gbv", country="UKR", admin1_name="Hidden-Oblast", admin1_pcode="UA99")


def areas(client: Client, **params: str) -> list[dict[str, str]]:
    response = client.get("/incidents/areas/", params)
    assert response.status_code == 200
    result: list[dict[str, str]] = response.json()["areas"]
    return result


def test_areas_are_found_by_name_or_pcode_within_a_country(places: None) -> None:
    monitor = signed_in("monitor")
    assert [a["name"] for a in areas(monitor, q="khar")] == ["Kharkivska", "Khartoum"]
    assert areas(monitor, q="khar", country="ukr")[0] == {
        "name": "Kharkivska",
        "pcode": "UA63",
        "country": "UKR",
    }
    assert [a["name"] for a in areas(monitor, q="ua51")] == ["Odeska"]
    # ISO 3166-2 names of the chosen country follow, without a P-code.
    iso = [a for a in areas(monitor, q="kyiv", country="UKR") if not a["pcode"]]
    assert iso and all("Kyiv" in a["name"] or "Київ" in a["name"] for a in iso)


def test_areas_of_incidents_the_user_may_not_see_are_never_offered(places: None) -> None:
    assert [a["name"] for a in areas(signed_in("monitor"), q="hidden")] == ["Hidden-Oblast"]
    other = signed_in("monitor2")
    assert areas(other, q="hidden") == []
    assert [a["name"] for a in areas(other, q="khar")] == ["Kharkivska", "Khartoum"]
    form = other.get("/incidents/new/").content.decode()
    datalist = form.split('<datalist id="incident-areas"', 1)[1].split("</datalist>", 1)[0]
    assert '<option value="Kharkivska">' in datalist and "Hidden-Oblast" not in datalist


def test_the_province_fields_point_to_the_suggestions(places: None) -> None:
    form = signed_in("monitor").get("/incidents/new/").content.decode()
    field = form.split('name="admin1_name"', 1)[1].split(">", 1)[0]
    assert 'list="incident-areas"' in field and 'data-pcode-field="id_admin1_pcode"' in field
    listing = signed_in("analyst").get("/incidents/").content.decode()
    assert 'list="list-areas"' in listing and '<option value="Odeska">' in listing


def test_who_may_not_list_incidents_is_refused(places: None) -> None:
    response = signed_in("party_focal_point").get("/incidents/areas/", {"q": "khar"})
    assert response.status_code == 403
    assert "Kharkivska" not in response.content.decode()
    anonymous = Client().get("/incidents/areas/", {"q": "khar"})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
