"""Forms of the anonymous pages; the rules are those of :func:`services.clean_submission`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ulinzi.common.problems import InvalidInput
from ulinzi.geo.countries import all_countries
from ulinzi.intake.anonymous import services
from ulinzi.intake.anonymous.models import Category, Stage


class ReportForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What happened?"), choices=Category.choices, widget=forms.RadioSelect
    )
    country = forms.ChoiceField(label=_("Country"))
    admin1_name = forms.CharField(
        label=_("Province or region (optional)"), required=False, max_length=120
    )
    occurred_on = forms.CharField(
        label=_("When? The month is enough"),
        help_text=_("Year and month, like 2025-03. Add the day only if you wish."),
        widget=forms.TextInput(
            attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}(-\d{2})?"}
        ),
    )
    what_happened = forms.CharField(
        label=_("Tell us what happened"),
        help_text=_("Do not write your name or anything that could identify you."),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=services.MAX_TEXT,
    )
    contact_preference = forms.CharField(
        label=_("How may we reach you? (optional)"),
        help_text=_(
            "Leave this empty to be reached only through your receipt code. "
            "Anything you write here is kept encrypted."
        ),
        required=False,
        max_length=services.MAX_CONTACT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # Drawn by the page's script when the form is sent (so sending twice is one report);
    # empty without script, and the server draws it. Never written back into a page.
    receipt = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (c.iso3, c.name) for c in all_countries()
        ]

    def submission(self) -> dict[str, Any] | None:
        """The submission as typed (the service cleans it), or ``None`` with every
        problem attached to its field."""
        valid = self.is_valid()
        raw = {name: self.data.get(name, "") for name in self.fields}
        try:
            services.clean_submission(raw)
        except InvalidInput as exc:
            for p in exc.problems:
                if p.field == "receipt":  # hidden: said above the form
                    problem = {"problem": p.message}
                    self.add_error(None, _("The receipt code %(problem)s.") % problem)
                elif p.field in self.fields and p.field not in self.errors:
                    self.add_error(p.field, p.message)
            return None
        return dict(self.cleaned_data) if valid else None


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt code"),
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "placeholder": "XXXX-XXXX-XXXX-XXXX-XXXX",
            }
        ),
    )


class ReporterMessageForm(ReceiptForm):
    body = forms.CharField(
        label=_("Write to the people handling your report"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=services.MAX_MESSAGE,
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the reporter"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=services.MAX_MESSAGE,
    )


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
