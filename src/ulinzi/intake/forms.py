"""The upload form of a web import: the file and the choices ``ulinzi import`` takes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.models import Organisation
from ulinzi.vocab import registry

MAPPING_LIMIT = 1 << 20  # a mapping is a small JSON file

FORMAT_CHOICES = [
    ("auto", _("Automatic")),
    ("ssa", _("WHO SSA public export")),
    ("hxl", _("HXL (a row of hashtags under the header)")),
    ("csv", _("CSV table")),
    ("xlsx", _("XLSX workbook")),
    ("kobo", _("KoboToolbox / ODK JSON")),
]
ENCODING_CHOICES = [
    ("", _("UTF-8, or as marked in the file")),
    ("cp1252", _("Windows-1252 (Western European)")),
    ("latin-1", _("ISO-8859-1 (Latin-1)")),
    ("cp1256", _("Windows-1256 (Arabic)")),
    ("utf-16", _("UTF-16")),
]


class UploadForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Organisation the data is from"))
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV, XLSX, HXL, WHO SSA export or KoboToolbox/ODK JSON"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.xlsx,.json,.ndjson"}),
    )
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="auto")
    mapping = forms.FileField(
        label=_("Column mapping (optional)"),
        required=False,
        help_text=_("A saved mapping (JSON), the same file as ulinzi import --mapping takes"),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )
    domain = forms.ChoiceField(
        label=_("Domain (when no column gives it)"), required=False, choices=()
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV, JSON)"), required=False, choices=ENCODING_CHOICES
    )
    dataset = forms.CharField(
        label=_("Dataset (optional)"),
        required=False,
        max_length=60,
        help_text=_(
            "Source ids are unique within a dataset: name the file's family when "
            "Ulinzi does not recognise it (empty: as recognised, else the default dataset)"
        ),
    )

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(str(o.pk), f"{o.name} ({o.code})") for o in organisations]
        if len(organisations) == 1:
            field.initial = str(organisations[0].pk)
            field.widget = forms.HiddenInput()
            field.required = False
        domain = self.fields["domain"]
        assert isinstance(domain, forms.ChoiceField)
        domain.choices = [("", _("From the file")), *registry.get("domain").choices()]
        self.organisations = {str(o.pk): o for o in organisations}

    def clean_mapping(self) -> UploadedFile | None:
        mapping = self.cleaned_data.get("mapping")
        if mapping and mapping.size and mapping.size > MAPPING_LIMIT:
            raise forms.ValidationError(_("A mapping file is at most 1 MB of JSON."))
        return mapping

    def clean_organisation(self) -> str:
        chosen = str(self.cleaned_data.get("organisation") or "")
        if not chosen and len(self.organisations) == 1:
            chosen = next(iter(self.organisations))
        return chosen

    def chosen_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]
