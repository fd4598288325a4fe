"""Labels of the incident's fields and figures, in the page's language: for the form,
the incident page and its history."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ulinzi.incidents.models import COUNT_KINDS, Incident

COUNT_LABELS: dict[str, Promise] = {
    "killed": _("Killed"),
    "injured": _("Injured"),
    "abducted": _("Abducted"),
    "arrested": _("Arrested"),
    "detained": _("Detained"),
}
GROUP_LABELS: dict[str, Promise] = {
    "": _("Total"),
    "_health_workers": _("Health workers"),
    "_patients": _("Patients"),
    "_children": _("Children"),
}
BREAKDOWN = tuple(GROUP_LABELS)[1:]  # the groups that are part of a total


def count_label(kind: str, group: str) -> str:
    """``Killed``, or ``Killed — Children`` for a group's part."""
    label = str(COUNT_LABELS[kind])
    return f"{label} — {GROUP_LABELS[group]}" if group else label


def field_labels() -> dict[str, str]:
    """A label in the page's language for every field an incident's history may name."""
    from ulinzi.incidents.forms.incident_form import IncidentForm

    labels = {name: str(field.label) for name, field in IncidentForm.base_fields.items()}
    for kind in COUNT_KINDS:
        for group in GROUP_LABELS:
            labels[kind + group] = count_label(kind, group)
    labels["source_id"] = str(_("Source record id"))
    labels["status"] = str(_("Status"))
    labels["imported"] = str(_("Imported from"))
    labels["row"] = str(_("Row"))
    labels["raw_source"] = str(_("Source row"))
    labels["canonical"] = str(_("Same incident as"))
    labels["sources"] = str(_("Independent sources"))
    return labels


def count_table(incident: Incident) -> dict[str, Any]:
    """The figures of an incident as a table: a column per group that has a figure
    (total, health workers, patients, children), a row per kind that has one."""
    groups = [
        g
        for g in GROUP_LABELS
        if any(getattr(incident, kind + g) is not None for kind in COUNT_KINDS)
    ]
    rows = []
    for kind in COUNT_KINDS:
        values = [getattr(incident, kind + g) for g in groups]
        if any(v is not None for v in values):
            rows.append((str(COUNT_LABELS[kind]), values))
    return {"columns": [str(GROUP_LABELS[g]) for g in groups], "rows": rows}
