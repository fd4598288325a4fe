"""The incident form of the web UI; it validates with the same rules as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.common.problems import InvalidInput
from ulinzi.geo.countries import all_countries
from ulinzi.incidents import validation
from ulinzi.incidents.models import COUNT_KINDS
from ulinzi.vocab import registry


def _choices(vocab: str, blank: bool = True) -> list[tuple[str, str]]:
    out = registry.get(vocab).choices()
    return ([("", "—")] if blank else []) + out


def _all_types() -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    for domain, vocab in registry.DOMAIN_TYPES.items():
        groups.append((registry.get("domain").label(domain), registry.get(vocab).choices()))
    return groups


class IncidentForm(forms.Form):
    domain = forms.ChoiceField(label=_("Domain"))
    types = forms.MultipleChoiceField(label=_("Type of incident"), required=False)
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    occurred_precision = forms.ChoiceField(
        label=_("Date known to the"),
        choices=[("day", _("Day")), ("month", _("Month")), ("year", _("Year"))],
    )
    country = forms.ChoiceField(label=_("Country"))
    admin1_name = forms.CharField(label=_("Province / region"), required=False)
    admin1_pcode = forms.CharField(label=_("Province P-code"), required=False)
    admin2_name = forms.CharField(label=_("District"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    cause = forms.ChoiceField(label=_("Cause context"))
    certainty = forms.ChoiceField(label=_("Certainty"), required=False)
    perpetrator = forms.ChoiceField(label=_("Perpetrator"), required=False)
    resources = forms.MultipleChoiceField(label=_("Resources affected"), required=False)
    facility_type = forms.ChoiceField(label=_("Facility type"), required=False)
    killed = forms.IntegerField(label=_("Killed"), required=False, min_value=0)
    injured = forms.IntegerField(label=_("Injured"), required=False, min_value=0)
    abducted = forms.IntegerField(label=_("Abducted"), required=False, min_value=0)
    arrested = forms.IntegerField(label=_("Arrested"), required=False, min_value=0)
    detained = forms.IntegerField(label=_("Detained"), required=False, min_value=0)
    narrative = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, narrative_allowed: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        f["domain"].choices = _choices("domain", blank=False)  # type: ignore[attr-defined]
        f["types"].choices = _all_types()  # type: ignore[attr-defined]
        f["country"].choices = [("", "—")] + [(c.iso3, c.name) for c in all_countries()]  # type: ignore[attr-defined]
        f["cause"].choices = _choices("cause", blank=False)  # type: ignore[attr-defined]
        f["certainty"].choices = _choices("certainty")  # type: ignore[attr-defined]
        f["perpetrator"].choices = _choices("perpetrator")  # type: ignore[attr-defined]
        f["resources"].choices = _choices("resource", blank=False)  # type: ignore[attr-defined]
        f["facility_type"].choices = _choices("facility_type")  # type: ignore[attr-defined]
        if not narrative_allowed:
            del f["narrative"]

    def incident_data(self) -> dict[str, Any]:
        """Cleaned values keyed by API field name."""
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if k in validation.EDITABLE_FIELDS}

    def check_rules(self) -> bool:
        """Apply the shared incident rules; attach problems to their fields."""
        try:
            validation.clean(self.incident_data())
        except InvalidInput as exc:
            for p in exc.problems:
                name = p.field.split("[")[0]
                self.add_error(name if name in self.fields else None, p.message)
            return False
        return True


COUNT_FIELD_NAMES = COUNT_KINDS
