"""Filters of the audit log page, the words for its codes, and links to what it names."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from ulinzi.audit.models import AuditEvent

ACTIONS: dict[str, Any] = {
    "read": _("Read"),
    "read_shared": _("Read (shared with a referral)"),
    "read_shared_refused": _("Refused a shared read"),
    "read_protocol": _("Read the protocol"),
    "search": _("Searched"),
    "list": _("Listed"),
    "create": _("Created"),
    "update": _("Changed"),
    "export": _("Exported"),
    "import": _("Imported"),
    "publish": _("Published"),
    "check": _("Checked"),
    "rebuild": _("Rebuilt"),
    "consent_given": _("Consent given"),
    "consent_withdrawn": _("Consent withdrawn"),
    "share_referral": _("Shared with a referral"),
    "set_subject": _("Subject of complaint set"),
    "advance": _("Moved to a stage"),
    "assign": _("Assigned"),
    "decide": _("Decided"),
    "reset_two_factor": _("Two-factor sign-in reset"),
    "role.give": _("Role given"),
    "role.remove": _("Role removed"),
    "alert.raise": _("Alert raised"),
    "alert.cancel": _("Alert cancelled"),
    "deconfliction.site.register": _("Site registered"),
    "deconfliction.movement.register": _("Movement registered"),
}

# Kinds of record: code → (words, URL name of its page).
RECORDS: dict[str, tuple[Any, str]] = {
    "incident": (_("Incident"), "incidents:detail"),
    "incidents": (_("Incidents"), "incidents:list"),
    "case": (_("Case"), "cases:detail"),
    "complaint": (_("Complaint"), "cases:complaint"),
    "alert": (_("Alert"), "alerts:detail"),
    "site": (_("Site"), "deconfliction:site"),
    "movement": (_("Movement"), "deconfliction:movement"),
    "anonymous_report": (_("Anonymous report"), "anonymous:detail"),
    "import_run": (_("Import"), "imports:run"),
    "import_rejects": (_("Rejected rows of an import"), "imports:run"),
    "linkage_review_pair": (_("Pair of possible duplicates"), "linkage:pair"),
    "service": (_("Service"), "directory:detail"),
    "user": (_("Member"), "accounts:admin"),
}
# Pages that list rather than show one record: linked without the id.
_LISTS = {"incidents:list", "accounts:admin"}

# Fields the log names that no form of the record labels.
FIELDS: dict[str, Any] = {
    "role": _("Role"),
    "decision": _("Decision"),
    "history.reason": _("Reason for the change"),
    "reference": _("Reference"),
    "protocol_flag": _("High-risk protocol"),
    "incidents": _("Incidents"),
    "incident": _("Incident"),
    "subject": _("Subject of the complaint"),
    "complainant": _("Complainant"),
    "description": _("Description"),
    "stages": _("Stages"),
    "notes": _("Notes"),
    "messages": _("Messages"),
    "assistance": _("Assistance"),
    "what_happened": _("What happened"),
    "contact_preference": _("Contact preference"),
    "stage": _("Stage"),
    "stage_changed_on": _("Stage changed on"),
    "measures": _("Protective measures"),
}


def action_label(code: str) -> str:
    return str(ACTIONS[code]) if code in ACTIONS else code


def field_label(name: str) -> str:
    """A field the log names, as the pages label it in the reader's language (the name
    itself when no page labels it)."""
    if name in FIELDS:
        return str(FIELDS[name])
    from ulinzi.cases.forms import CaseForm
    from ulinzi.cases.models.consent import ShareField
    from ulinzi.incidents.forms.labels import field_labels

    if name in ShareField.values:
        return str(ShareField(name).label)
    field = CaseForm.base_fields.get(name)
    if field is not None and field.label:
        return str(field.label)
    return field_labels().get(name, name)


def record_label(code: str) -> str:
    return str(RECORDS[code][0]) if code in RECORDS else code


def record_link(event: AuditEvent) -> str:
    """The page of the record ``event`` names ('' when it has none). The page itself
    decides whether the reader may open it."""
    found = RECORDS.get(event.object_type)
    if found is None:
        return ""
    name = found[1]
    try:
        if name in _LISTS:
            return reverse(name)
        if not event.object_id:
            return ""
        return reverse(name, args=[event.object_id])
    except NoReverseMatch:
        return ""


class AuditFilterForm(forms.Form):
    """What the audit log page can be narrowed to; every field may stay empty."""

    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("Action"), required=False)
    record = forms.CharField(
        label=_("Record"),
        required=False,
        max_length=64,
        help_text=_("The id of a record, as shown in the log."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any, *, actions: list[str]) -> None:
        super().__init__(data)
        choices = [(code, action_label(code)) for code in actions]
        field = self.fields["action"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("All")), *sorted(choices, key=lambda c: c[1].casefold())]
        self.fields["user"].widget.attrs["list"] = "audit-users"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("This date is before the first one."))
        return cleaned

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """``events`` narrowed to what a valid form asks for."""
        data = self.cleaned_data
        if data.get("user"):
            events = events.filter(username__iexact=data["user"].strip())
        if data.get("action"):
            events = events.filter(action=data["action"])
        if data.get("record"):
            given = data["record"].strip()
            events = events.filter(object_id__in={given, given.lower()})
        if data.get("date_from"):
            events = events.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            events = events.filter(at__date__lte=data["date_to"])
        return events
