"""The main menu offers a page exactly when that page lets the user in, for every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from ulinzi.web.navigation import SECTIONS

pytestmark = pytest.mark.django_db

USERS = (
    "admin",
    "coordinator",
    "analyst",
    "case_worker",
    "investigator",
    "monitor",
    "reporter",
    "party_focal_point",
    "no_role",
)


def _menu(client: Client) -> str:
    page = client.get(reverse("web:tokens")).content.decode()
    return page.split('id="main-menu"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("username", USERS)
def test_a_section_is_in_the_menu_exactly_when_its_page_opens(
    client: Client, demo_orgs: Any, username: str
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from ulinzi.accounts.models import User

    who, _ = User.objects.get_or_create(username=username)
    client.force_login(who)
    # A verified second factor, so that pages of cases answer with their own rule.
    device = TOTPDevice.objects.create(user=who, name="test", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    menu = _menu(client)
    wrong, shown_count = [], 0
    for name, section in SECTIONS.items():
        url = reverse(section.url_name)
        shown = f'href="{url}"' in menu
        shown_count += shown
        opens = client.get(url).status_code != 403
        if shown != opens:
            wrong.append(f"{name}: shown={shown}, opens={opens}")
    assert wrong == []
    assert menu.count("href=") == shown_count  # the menu links to nothing but its sections
