"""The export form: format, level, k and the incident filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.vocab import registry
from ulinzi.web.pickers import CountryField

# What a format and a level are called on the pages (the form's own choices are longer).
FORMAT_LABELS = {"hxl": _("HXL CSV"), "xlsx": _("Excel (XLSX)"), "geojson": _("GeoJSON")}
LEVEL_LABELS = {"public": _("Public"), "partners": _("Partners")}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=list(FORMAT_LABELS.items()),
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[
            ("public", _("Public: country, month, banded figures, k-anonymous")),
            ("partners", _("Partners: first-level area, exact date and figures")),
        ],
    )
    k = forms.IntegerField(
        label=_("k (smallest group)"),
        required=False,
        min_value=1,
        max_value=100,
        help_text=_("Public exports use at least 5; partners exports default to 1."),
    )
    country = CountryField(label=_("Country"), required=False, blank_label=_("All"))
    admin1 = forms.CharField(label=_("Province (name or P-code)"), required=False, max_length=120)
    domain = forms.ChoiceField(label=_("Domain"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    certainty = forms.ChoiceField(label=_("Certainty"), required=False)
    cause = forms.ChoiceField(label=_("Cause context"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, Any]] = [("", _("All"))]
        for name, vocab in (("domain", "domain"), ("certainty", "certainty"), ("cause", "cause")):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = everything + registry.get(vocab).choices()
        self.fields["admin1"].widget.attrs.update(
            {"list": "export-areas", "autocomplete": "off", "data-area-search": "id_country"}
        )

    def filters(self) -> dict[str, str]:
        names = ("country", "admin1", "domain", "date_from", "date_to", "certainty", "cause")
        out: dict[str, str] = {}
        for name in names:
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                out[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)
        return out
