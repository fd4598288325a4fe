"""Journey 8: an organisation's admin gives a member a second role, removes it again
(after confirming), and finds both changes in the audit log with its filters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.journeys.person import Person, t

pytestmark = pytest.mark.e2e


def _role(language: str, code: str) -> str:
    from django.utils import translation

    from ulinzi.accounts.roles import Role

    with translation.override(language):
        return str(Role(code).label)


def test_admin_roles(person: Callable[[str], Person], walk: tuple[str, str]) -> None:
    language = walk[1]
    analyst = _role(language, "analyst")
    admin = person("admin")
    page = admin.page
    admin.sign_in("admin")
    assert page.url.endswith("/organisation/"), page.url
    admin.land("1-organisation")

    members = page.locator("table tbody tr")
    given = members.filter(has_text="monitor").filter(has_text=analyst)
    assert given.count() == 0
    page.fill("input[name=username]", "monitor")
    page.select_option("select[name=role]", "analyst")
    admin.submit("form:has(input[value=add_member]) button[type=submit]")
    assert given.count() == 1, admin.main_text()
    admin.land("2-role-given")

    with page.expect_navigation():
        given.locator("form:has(input[value=remove_member]) button").click()
    admin.land("3-confirm")
    assert given.count() == 0  # nothing removed yet: the page asks first
    admin.submit("#confirm")
    assert given.count() == 0
    assert members.filter(has_text="monitor").count() >= 1  # the monitor's own role stays
    admin.land("4-role-removed")

    page.goto("/audit/")
    admin.land("5-audit")
    page.fill("#id_user", "admin")
    page.select_option("#id_action", "role.remove")
    page.fill("#id_date_from", datetime.now(UTC).date().isoformat())
    admin.submit("form.audit-filters button[type=submit]")
    rows = page.locator("table.audit tbody tr")
    assert rows.count() >= 1 and "monitor" in rows.first.inner_text(), admin.main_text()
    assert rows.first.locator("td").last.inner_text() == t(language, "Role")  # not "role"
    admin.land("6-audit-filtered")
    page.select_option("#id_action", "role.give")
    admin.submit("form.audit-filters button[type=submit]")
    assert "monitor" in rows.first.inner_text(), admin.main_text()
    admin.land("7-audit-given")
