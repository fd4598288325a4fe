"""Which dataset of its organisation a file belongs to, and the publisher's event id.

Source ids are unique within one dataset of an organisation (``Incident.dataset``), not
across its datasets: a publisher numbers the records of each of its datasets on its own
and reuses the same event id in several of them (Insecurity Insight's ``SiND Event ID``
names one event in its health-care, explosive-weapons and sexual-violence files alike),
so a record of one dataset must never be taken for a record of another.

The dataset is the one the user names (``ulinzi import --dataset``, the upload form);
else the family the file's own columns identify — columns only that family's files carry,
taken from the publisher's own field schema (the names are the publisher's); else the
organisation's default dataset (``""``), where the API and the forms put records too.
"""

from __future__ import annotations

from collections.abc import Iterable

from ulinzi.intake.formats.base import Plan
from ulinzi.intake.formats.names import normalise

DEFAULT = ""
MAX_LENGTH = 60

# (dataset, header texts that only files of that dataset carry), first match wins.
FAMILIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("who-ssa", frozenset({"attack id"})),
    (
        "insecurity-insight-explosive-incidents",
        frozenset({"explosive weapon type", "launch type", "sector affected"}),
    ),
    (
        "insecurity-insight-crsv-incidents",
        frozenset({"type of sv", "sv context", "reported deaths following the sexual violence"}),
    ),
    ("insecurity-insight-foodsecurity-incidents", frozenset({"foodsecurity"})),
    (
        "insecurity-insight-aidworkerkika-incidents",
        frozenset({"aid workers kidnapped", "organisation affected", "programme focus"}),
    ),
    (
        "insecurity-insight-education-incidents",
        frozenset({"attacks on schools", "attacks on universities", "educators kidnapped"}),
    ),
    (
        "insecurity-insight-protection-incidents",
        frozenset({"protection event context", "camp name", "camp resident killed"}),
    ),
    (
        "insecurity-insight-healthcare-incidents",
        frozenset(
            {
                "number of attacks on health facilities reporting destruction",
                "total number of attacks on facilities which reported destruction",
                "health workers threatened",
            }
        ),
    ),
)
# Columns holding the publisher's cross-dataset event id (besides being a source id).
EVENT_ID_HEADERS = frozenset({"sind event id", "sind id"})
# Datasets whose own record id is the publisher's event id under another header.
EVENT_ID_DATASETS = frozenset({"insecurity-insight-healthcare-incidents"})


def of_header(header: Iterable[object]) -> tuple[str, str] | None:
    """The dataset the header's columns identify, and the column that does (or None)."""
    names = {normalise(str(cell)): str(cell).strip() for cell in header if cell is not None}
    for dataset, marks in FAMILIES:
        for mark in sorted(marks):
            if mark in names:
                return dataset, names[mark]
    return None


def clean(name: str | None) -> str:
    """A dataset name as given by a user: trimmed; at most 60 characters."""
    text = (name or "").strip()
    if len(text) > MAX_LENGTH:
        raise ValueError(f"a dataset name is at most {MAX_LENGTH} characters")
    return text


def apply(plan: Plan, given: str | None) -> None:
    """Set the plan's dataset (the user's, else the file's family) and whether its source
    ids are the publisher's event ids."""
    if given:
        plan.dataset = given
        plan.notes.append(f"dataset {given}: as given")
    else:
        found = of_header(plan.header)
        if found is not None:
            plan.dataset, column = found
            plan.notes.append(f"dataset {plan.dataset}: column {column!r} says so")
    column = plan.field_columns.get("source_id", "")
    bound = any(b.target == "source_id" for b in plan.bindings)
    plan.event_ids = bound and (
        normalise(column) in EVENT_ID_HEADERS or plan.dataset in EVENT_ID_DATASETS
    )
