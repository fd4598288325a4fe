"""Demo organisations, users (one per role in each of two organisations) and agreements."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from ulinzi.accounts import services as accounts
from ulinzi.accounts.models import Organisation
from ulinzi.accounts.roles import ALL_ROLES

DEFAULT_PASSWORD = "ulinzi-demo"
DOMAINS_ALL = ["health_care_attack", "grave_violation", "gbv", "seah", "protection"]


def demo_password() -> str:
    return str(getattr(settings, "ULINZI_DEMO_PASSWORD", "") or DEFAULT_PASSWORD)


def load_organisations() -> dict[str, Organisation]:
    """Create (or refresh) the demo organisations, users and sharing agreements."""
    orgs = {
        "cluster": accounts.ensure_organisation(
            code="cluster", name="Health and Protection Cluster (demo)", kind="un_agency"
        ),
        "amani": accounts.ensure_organisation(
            code="amani", name="Amani Relief (demo NGO)", kind="nngo"
        ),
        "who-ssa": accounts.ensure_organisation(
            code="who-ssa",
            name="WHO Surveillance System for Attacks on Health Care (public data)",
            kind="un_agency",
        ),
        "insecurity-insight": accounts.ensure_organisation(
            code="insecurity-insight",
            name="Insecurity Insight / SHCC (public data)",
            kind="ingo",
        ),
    }
    password = demo_password()
    for role in ALL_ROLES:
        accounts.ensure_user(
            username=role, password=password, organisation=orgs["cluster"], roles=[role]
        )
        accounts.ensure_user(
            username=f"{role}2", password=password, organisation=orgs["amani"], roles=[role]
        )
    start = date(2016, 1, 1)
    for source in ("who-ssa", "insecurity-insight"):
        for recipient in ("cluster", "amani"):
            accounts.ensure_agreement(
                provider=orgs[source],
                recipient=orgs[recipient],
                domains=["health_care_attack"],
                valid_from=start,
            )
    accounts.ensure_agreement(
        provider=orgs["amani"],
        recipient=orgs["cluster"],
        domains=["health_care_attack", "grave_violation", "protection"],
        valid_from=start,
    )
    accounts.ensure_agreement(
        provider=orgs["cluster"],
        recipient=orgs["amani"],
        domains=["health_care_attack", "protection"],
        valid_from=start,
    )
    return orgs


def user_table() -> list[tuple[str, str, str]]:
    """(username, organisation, role) of every demo user, for printing."""
    from ulinzi.accounts.models import Membership

    demo_orgs = ("cluster", "amani", "party-a", "party-b")
    rows = Membership.objects.filter(organisation__code__in=demo_orgs).values_list(
        "user__username", "organisation__code", "role"
    )
    order = {code: n for n, code in enumerate(demo_orgs)}
    return sorted(rows, key=lambda r: (order[r[1]], ALL_ROLES.index(r[2]), r[0]))
