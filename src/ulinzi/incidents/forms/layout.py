"""How the incident form is laid out: its sections, in the order a witness tells what
happened, and the table of figures."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ulinzi.incidents.forms.labels import BREAKDOWN, COUNT_LABELS, GROUP_LABELS
from ulinzi.incidents.models import COUNT_KINDS

SECTIONS: tuple[tuple[str, Promise, tuple[str, ...]], ...] = (
    ("what", _("What"), ("organisation", "domain", "types", "cause", "certainty")),
    ("when", _("When"), ("occurred_on", "occurred_precision", "occurred_time")),
    (
        "where",
        _("Where"),
        (
            "country",
            "admin1_name",
            "admin1_pcode",
            "admin2_name",
            "admin2_pcode",
            "lat",
            "lon",
            "geo_precision",
        ),
    ),
    ("who", _("Who"), ("perpetrator",)),
    ("impact", _("Impact"), ("resources", "facility_type")),
    ("narrative", _("Narrative"), ("narrative",)),
)


@dataclass
class Section:
    key: str
    legend: str
    fields: list[forms.BoundField]


@dataclass
class CountRow:
    kind: str
    label: str
    fields: list[forms.BoundField]


class Layout(forms.Form):
    """The layout helpers the incident form's template calls."""

    saved_now: dict[str, str]  # after a stale save: what is saved now, by field

    def _described(self, bound: forms.BoundField) -> forms.BoundField:
        """Point screen readers at the field's help and error text."""
        attrs = bound.field.widget.attrs
        ids = []
        if bound.help_text:
            ids.append(f"{bound.auto_id}-help")
        if bound.errors:
            ids.append(f"{bound.auto_id}-error")
            attrs["aria-invalid"] = "true"
        if ids and not isinstance(bound.field.widget, forms.CheckboxSelectMultiple):
            attrs["aria-describedby"] = " ".join(ids)
        setattr(bound, "saved_now", self.saved_now.get(bound.name))  # noqa: B010
        return bound

    def sections(self) -> Iterator[Section]:
        for key, legend, names in SECTIONS:
            fields = [self._described(self[name]) for name in names if name in self.fields]
            if fields or key == "impact":
                yield Section(key=key, legend=str(legend), fields=fields)

    def count_columns(self) -> list[tuple[str, str]]:
        return [(group or "_total", str(label)) for group, label in GROUP_LABELS.items()]

    def count_rows(self) -> list[CountRow]:
        return [
            CountRow(
                kind=kind,
                label=str(COUNT_LABELS[kind]),
                fields=[self._described(self[kind + group]) for group in GROUP_LABELS],
            )
            for kind in COUNT_KINDS
        ]

    def count_breakdown_given(self) -> bool:
        """Whether any health-worker, patient or child figure is filled in or wrong."""
        for kind in COUNT_KINDS:
            for group in BREAKDOWN:
                bound = self[kind + group]
                if bound.errors or bound.value() not in (None, ""):
                    return True
        return False
