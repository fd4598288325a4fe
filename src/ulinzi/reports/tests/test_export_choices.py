"""The export form refuses what cannot match (a country that is no country, a province no
record names) with a field error, and says why an export it made is empty."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from ulinzi.accounts.models import Organisation
from ulinzi.reports.models import Export
from ulinzi.reports.tests.factories import incident


@pytest.fixture
def cluster(demo_orgs: Any) -> Organisation:
    return Organisation.objects.get(code="cluster")


def signed_in(user: Any, username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def field_error(html: str, field: str) -> str:
    block = html.split(f'id="id_{field}"', 1)[1].split('<div class="field', 1)[0]
    found = re.search(r'<p class="req" role="alert">(.*?)</p>', block, re.S)
    return found.group(1) if found else ""


def post(client: Client, **fields: str) -> Any:
    return client.post("/reports/export/", {"format": "hxl", "level": "partners", **fields})


def test_the_country_is_chosen_by_name(cluster: Organisation, user: Any) -> None:
    html = signed_in(user, "analyst").get("/reports/export/").content.decode()
    assert '<option value="SDN">Sudan</option>' in html
    assert 'name="country"' in html and "<select" in html.split('name="country"')[0][-80:]


def test_a_country_that_is_no_country_is_refused_on_its_field(
    cluster: Organisation, user: Any
) -> None:
    incident(cluster, country="SDN", admin1_name="Khartoum", admin1_pcode="SD01")
    response = post(signed_in(user, "coordinator"), country="Sud")
    assert response.status_code == 200
    assert field_error(response.content.decode(), "country") == (
        "“Sud” is not a country of the list."
    )
    assert not Export.objects.exists()


def test_a_country_typed_by_name_is_understood(cluster: Organisation, user: Any) -> None:
    incident(cluster, country="SDN", admin1_name="Khartoum", admin1_pcode="SD01")
    incident(cluster, country="UKR")
    response = post(signed_in(user, "coordinator"), country="sudan")
    assert response.status_code == 302
    record = Export.objects.get()
    assert record.filters["country"] == "SDN"
    assert record.report["records_out"] == 1


def test_a_province_no_record_names_is_refused(cluster: Organisation, user: Any) -> None:
    incident(cluster, country="SDN", admin1_name="Khartoum", admin1_pcode="SD01")
    client = signed_in(user, "coordinator")
    response = post(client, admin1="Atlantis")
    assert field_error(response.content.decode(), "admin1") == (
        "No record you may export is in a province named or coded “Atlantis”."
    )
    # Named, but not in the chosen country: refused too.
    response = post(client, country="UKR", admin1="Khartoum")
    assert "Khartoum" in field_error(response.content.decode(), "admin1")
    assert not Export.objects.exists()
    assert post(client, admin1="SD01").status_code == 302


def test_the_province_list_holds_only_places_the_reader_may_export(
    cluster: Organisation, user: Any
) -> None:
    incident(cluster, admin1_name="Kharkivska")
    incident(cluster, domain="gbv", types=[], admin1_name="Hidden-Province")
    own = signed_in(user, "analyst").get("/reports/export/").content.decode()
    assert '<option value="Kharkivska">' in own and '<option value="Hidden-Province">' in own
    # Amani receives cluster's health-care attacks only, never its GBV incidents.
    other = signed_in(user, "analyst2").get("/reports/export/").content.decode()
    assert '<option value="Kharkivska">' in other
    assert "Hidden-Province" not in other


def test_an_export_with_no_match_says_why(cluster: Organisation, user: Any) -> None:
    incident(cluster, country="SDN", admin1_name="Khartoum")
    client = signed_in(user, "coordinator")
    response = post(client, country="SDN", date_from="2030-01-01")
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Export ready." not in page
    assert "The export is empty: the reason is below." in page
    assert "This export holds no record: none matches the filters." in page


def test_an_export_left_empty_by_k_says_why(cluster: Organisation, user: Any) -> None:
    for _ in range(2):
        incident(cluster)
    client = signed_in(user, "coordinator")
    response = client.post("/reports/export/", {"format": "hxl", "level": "public", "k": "5"})
    page = client.get(response["Location"]).content.decode()
    assert "The export is empty: the reason is below." in page
    assert "was smaller than k = 5, so all were left out" in page


def test_the_api_refuses_an_unknown_country_and_province(cluster: Organisation, api: Any) -> None:
    incident(cluster, country="SDN", admin1_name="Khartoum")
    response = api("analyst").get("/api/v1/exports/hxl?level=partners&country=Sud")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["country"]
    response = api("analyst").get("/api/v1/exports/hxl?level=partners&admin1=Atlantis")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["admin1"]
    assert api("analyst").get("/api/v1/exports/hxl?level=partners&country=Sudan").status_code == 200


@pytest.mark.parametrize("username", ["monitor", "admin", "reporter", "party_focal_point"])
def test_who_may_not_export_sees_no_province_list(
    cluster: Organisation, user: Any, username: str
) -> None:
    incident(cluster, admin1_name="Kharkivska")
    response = signed_in(user, username).get("/reports/export/")
    assert response.status_code == 403
    assert "Kharkivska" not in response.content.decode()
