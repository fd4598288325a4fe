"""The two real public datasets shipped as fixtures, imported as their publishers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SSA_FILE = FIXTURES / "who_ssa_attacks_2017_2024.csv"
II_FILE = FIXTURES / "insecurity_insight_attacks_on_health_care_2016_2023.xlsx"


def load(echo: Callable[[str], None]) -> None:
    """Import both files (idempotent: re-imports create nothing new)."""
    from ulinzi.accounts.models import Organisation
    from ulinzi.intake.services import run_import

    for path, org, fmt in ((SSA_FILE, "who-ssa", "ssa"), (II_FILE, "insecurity-insight", "hxl")):
        organisation = Organisation.objects.get(code=org)
        result = run_import(organisation=organisation, path=path, fmt=fmt, progress=False)
        echo(
            f"{path.name}: {result.created} new, {result.unchanged} already there, "
            f"{result.updated} updated, {result.rejected} rejected"
        )
