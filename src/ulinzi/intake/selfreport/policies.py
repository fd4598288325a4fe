"""Who may use the self-report form and download its XLSForm: whoever may record
incidents (health workers hold ``reporter``). Default deny."""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.incidents import policies as incidents


def can_report(actor: Actor) -> bool:
    return incidents.can_create(actor)


def can_download_xlsform(actor: Actor) -> bool:
    return incidents.can_create(actor)
