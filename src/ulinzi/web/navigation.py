"""The main menu: each section with the rule of its page, asked of the policies.

A section is shown exactly when the rule its view applies lets the actor in, so the
menu cannot offer a page that refuses, nor hide one that opens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ulinzi.accounts import policies as accounts
from ulinzi.accounts.access import Actor
from ulinzi.alerts import policies as alerts
from ulinzi.alerts.deconfliction import policies as deconfliction
from ulinzi.analysis import policies as analysis
from ulinzi.analysis.linkage import policies as linkage
from ulinzi.cases import policies as cases
from ulinzi.directory import policies as directory
from ulinzi.incidents import policies as incidents
from ulinzi.intake import policies as intake
from ulinzi.intake.anonymous import policies as anonymous
from ulinzi.intake.selfreport import policies as selfreport
from ulinzi.reports import policies as reports


def _signed_in(actor: Actor) -> bool:
    return actor.is_authenticated


@dataclass(frozen=True)
class Section:
    """A page of the menu: its URL name and the rule its view applies."""

    url_name: str
    may_open: Callable[[Actor], bool]


# Keyed by the name the templates use (``may_open.NAME``).
SECTIONS: dict[str, Section] = {
    "incidents": Section("incidents:list", incidents.can_list),
    "selfreport": Section("selfreport:form", selfreport.can_report),
    "anonymous": Section("anonymous:queue", anonymous.can_handle_any),
    "imports": Section("imports:upload", intake.can_import),
    "services": Section("directory:pathway", directory.can_read),
    "cases": Section("cases:list", cases.can_use_cases),
    "complaints": Section("cases:complaints", lambda a: bool(cases.complaint_orgs(a))),
    "complaints_mine": Section("cases:complaints_mine", _signed_in),
    "dashboard": Section("analysis:dashboard", analysis.can_view_dashboard),
    "reports": Section("reports:index", reports.can_view_reports),
    "linkage": Section("linkage:queue", linkage.can_review_any),
    "alerts": Section("alerts:inbox", alerts.can_receive),
    "deconfliction": Section("deconfliction:overview", deconfliction.can_use),
    "notifications": Section("deconfliction:party", lambda a: bool(deconfliction.focal_parties(a))),
    "tokens": Section("web:tokens", _signed_in),
    "organisation": Section("accounts:admin", lambda a: bool(accounts.administered(a))),
    "audit": Section("web:audit", lambda a: bool(accounts.administered(a))),
}


def may_open(actor: Actor) -> dict[str, bool]:
    """Which sections the actor may open, by name."""
    return {name: section.may_open(actor) for name, section in SECTIONS.items()}
