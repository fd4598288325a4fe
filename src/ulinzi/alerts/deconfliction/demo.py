"""Demo parties to the conflict, each with a focal point, for deconfliction."""

from __future__ import annotations

from ulinzi.accounts import services as accounts
from ulinzi.accounts.models import Organisation

PARTIES = (
    ("party-a", "Party A armed forces (demo)", "party-a-focal"),
    ("party-b", "Party B de facto authority (demo)", "party-b-focal"),
)


def ensure_parties(password: str) -> dict[str, Organisation]:
    """Create (or refresh) the demo parties and their focal points."""
    out = {}
    for code, name, username in PARTIES:
        org = accounts.ensure_organisation(code=code, name=name, kind=Organisation.Kind.PARTY)
        accounts.ensure_user(
            username=username, password=password, organisation=org, roles=["party_focal_point"]
        )
        out[code] = org
    return out
