"""The incident form: its fields read what the user entered (dates, numbers, known
codes) and keep the browser's widgets; the rules every incident obeys are those of
:mod:`ulinzi.incidents.validation`, applied once per submission.

A form whose every field could be read goes to the service that records it, which
applies the rules; its problems come back through :meth:`IncidentForm.add_problems`. A
form with a field that could not be read is checked against the rules here, on what
could be read, so every mistake is shown at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.common.versioning import VersionField
from ulinzi.incidents import policies, validation
from ulinzi.incidents.forms import field_errors
from ulinzi.incidents.forms.labels import GROUP_LABELS, count_label
from ulinzi.incidents.forms.layout import Layout
from ulinzi.incidents.forms.widgets import (
    AREA_SEARCH,
    BLANK,
    DomainCheckboxes,
    choices,
    type_groups,
)
from ulinzi.incidents.models import COUNT_KINDS, Incident
from ulinzi.vocab import registry
from ulinzi.web.i18n import country_choices


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=validation.MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )


class IncidentForm(Layout):
    organisation = forms.ChoiceField(label=_("Recorded for"))
    domain = forms.ChoiceField(label=_("Domain"))
    types = forms.MultipleChoiceField(
        label=_("Type of incident"),
        required=False,
        widget=DomainCheckboxes,
        help_text=_("Tick every type that applies. Leave empty if not yet known."),
    )
    cause = forms.ChoiceField(label=_("Cause context"))
    certainty = forms.ChoiceField(label=_("Certainty"), required=False)
    occurred_on = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("If only the month or year is known, pick its first day and say so below."),
    )
    occurred_precision = forms.ChoiceField(
        label=_("Date known to the"),
        choices=[("day", _("Day")), ("month", _("Month")), ("year", _("Year"))],
    )
    occurred_time = forms.CharField(
        label=_("Time"),
        required=False,
        max_length=20,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    country = forms.ChoiceField(label=_("Country"))
    admin1_name = forms.CharField(
        label=_("Province / region"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs=AREA_SEARCH),
    )
    admin1_pcode = forms.CharField(label=_("Province P-code"), required=False, max_length=40)
    admin2_name = forms.CharField(label=_("District"), required=False, max_length=120)
    admin2_pcode = forms.CharField(label=_("District P-code"), required=False, max_length=40)
    lat = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    geo_precision = forms.ChoiceField(label=_("Location precision"), required=False)
    perpetrator = forms.ChoiceField(label=_("Perpetrator"), required=False)
    resources = forms.MultipleChoiceField(
        label=_("Resources affected"), required=False, widget=forms.CheckboxSelectMultiple
    )
    facility_type = forms.ChoiceField(label=_("Facility type"), required=False)
    narrative = forms.CharField(
        label=_("What happened"),
        required=False,
        max_length=validation.TEXT_LIMITS["narrative"],
        widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"}),
        help_text=_(
            "Sensitive. Do not write names or anything else that identifies a person. "
            "Only the roles that need it can read it, and every reading is recorded."
        ),
    )

    def __init__(
        self,
        *args: Any,
        actor: Actor | None = None,
        narrative_allowed: bool = True,
        versioned: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.saved_now: dict[str, str] = {}  # after a stale save: what is saved now
        if versioned:
            self.fields["version"] = VersionField()
        for kind in COUNT_KINDS:
            for group in GROUP_LABELS:
                self.fields[kind + group] = _count_field(count_label(kind, group))
                self.fields[kind + group].widget.attrs["aria-labelledby"] = (
                    f"count-{kind} count-col{group or '_total'}"
                )
        f = self.fields
        f["domain"].choices = [BLANK, *registry.get("domain").choices()]  # type: ignore[attr-defined]
        f["types"].choices = type_groups()  # type: ignore[attr-defined]
        f["country"].choices = [BLANK, *country_choices()]  # type: ignore[attr-defined]
        f["cause"].choices = choices("cause", blank=False)  # type: ignore[attr-defined]
        f["certainty"].choices = choices("certainty")  # type: ignore[attr-defined]
        f["geo_precision"].choices = choices("geo_precision")  # type: ignore[attr-defined]
        f["perpetrator"].choices = choices("perpetrator")  # type: ignore[attr-defined]
        f["resources"].choices = choices("resource", blank=False)  # type: ignore[attr-defined]
        f["facility_type"].choices = choices("facility_type")  # type: ignore[attr-defined]
        f["domain"].widget.attrs["data-domain-select"] = "types"
        orgs = _organisations(actor)
        if len(orgs) > 1:
            f["organisation"].choices = [BLANK, *orgs]  # type: ignore[attr-defined]
        else:
            del f["organisation"]
        if not narrative_allowed:
            del f["narrative"]

    @classmethod
    def initial_for(cls, incident: Incident) -> dict[str, Any]:
        """The form's starting values from a recorded incident (narrative left out),
        with the version they were read at."""
        names = set(validation.EDITABLE_FIELDS) - {"narrative", "source_id"}
        return {name: getattr(incident, name) for name in names} | {"version": incident.version}

    def full_clean(self) -> None:
        """Read the input; when a field cannot be read, apply the incident rules to
        what could be, so that the user sees every mistake at once."""
        super().full_clean()
        if self.is_bound and self.errors:
            try:
                validation.clean(self.incident_data())
            except InvalidInput as exc:
                self.add_problems(exc.problems)

    def incident_data(self) -> dict[str, Any]:
        """Cleaned values keyed by API field name."""
        return {k: v for k, v in self.cleaned_data.items() if k in validation.EDITABLE_FIELDS}

    def organisation_code(self) -> str | None:
        return self.cleaned_data.get("organisation") or None

    def add_problems(self, problems: Iterable[FieldProblem]) -> None:
        """Show the problems the incident rules found next to the fields they name."""
        field_errors.show(self, problems)


def _organisations(actor: Actor | None) -> list[tuple[str, str]]:
    """Organisations the actor may record incidents for, as (code, name)."""
    if actor is None:
        return []
    return list(
        Organisation.objects.filter(pk__in=policies.creatable_orgs(actor))
        .order_by("name")
        .values_list("code", "name")
    )
