"""Web forms of the case pages (services validate again, field by field)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.cases.models import Case, GivenBy, MeasureKind, MeasureStatus, Purpose, ShareField
from ulinzi.directory.models import ServiceKind
from ulinzi.web.pickers import CountryField, OrganisationField


class CaseForm(forms.Form):
    survivor_name = forms.CharField(label=_("Survivor's name"), required=False)
    survivor_contact = forms.CharField(label=_("Safe contact details"), required=False)
    survivor_details = forms.CharField(
        label=_("Other identifying details"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Case.Sex.choices, initial="unknown")
    age_group = forms.ChoiceField(
        label=_("Age group"), choices=Case.AgeGroup.choices, initial="unknown"
    )
    country = CountryField(label=_("Country"))
    admin1_pcode = forms.CharField(label=_("Admin1 P-code"), required=False, max_length=20)
    admin1_name = forms.CharField(label=_("Admin1 name"), required=False, max_length=120)
    needs = forms.MultipleChoiceField(
        label=_("Needs"),
        choices=ServiceKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Summary (shared only as consented)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    recipient = OrganisationField(label=_("Recipient organisation"))
    scope = forms.MultipleChoiceField(
        label=_("May see"), choices=ShareField.choices, widget=forms.CheckboxSelectMultiple
    )
    given_by = forms.ChoiceField(label=_("Given by"), choices=GivenBy.choices)
    given_by_name = forms.CharField(label=_("Name of guardian or caregiver"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    owner = OrganisationField(label=_("Carried out by"))
    owner_contact = forms.CharField(label=_("Focal person"), required=False, max_length=200)
    starts_on = forms.DateField(
        label=_("Starts"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Ends"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
