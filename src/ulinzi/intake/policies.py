"""Who may import files of incidents, and see import runs and their rejects. Default deny.

An import creates an organisation's incidents and updates those a file gives again,
narratives included, so the roles that may edit the organisation's incidents
(coordinator, monitor, investigator) may import for it. The same roles of that
organisation see its import runs, their progress and their rejected rows (which quote
the file's cells); no other organisation does, whatever it shares.
"""

from __future__ import annotations

from ulinzi.accounts.access import Actor
from ulinzi.incidents import policies as incidents
from ulinzi.intake.models import ImportRun

IMPORT_ROLES = incidents.EDIT_ROLES


def can_import(actor: Actor) -> bool:
    return actor.has_role(*IMPORT_ROLES)


def import_orgs(actor: Actor) -> set[int]:
    """Organisations the actor may import files for."""
    return actor.orgs_with(*IMPORT_ROLES)


def can_view_run(actor: Actor, run: ImportRun) -> bool:
    return run.organisation_id in import_orgs(actor)
