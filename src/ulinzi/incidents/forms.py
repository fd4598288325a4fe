"""The incident form of the web UI.

It checks what a field user can get wrong with messages in their language, then applies
the same rules as the API (:mod:`ulinzi.incidents.validation`) so nothing the API would
refuse gets through.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.access import Actor
from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.common.versioning import VersionField
from ulinzi.incidents import policies, validation
from ulinzi.incidents.models import COUNT_KINDS, Incident
from ulinzi.vocab import registry
from ulinzi.web.i18n import country_choices

BLANK = ("", "—")
# The province field suggests areas by name (``area_options`` and ``ulinzi.js``) and fills
# the P-code of the one chosen.
AREA_SEARCH = {
    "list": "incident-areas",
    "autocomplete": "off",
    "data-area-search": "id_country",
    "data-pcode-field": "id_admin1_pcode",
}

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

# The sections of the form, in the order a witness tells what happened.
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


def _choices(vocab: str, blank: bool = True) -> list[tuple[str, str]]:
    out = registry.get(vocab).choices()
    return ([BLANK] if blank else []) + out


class DomainCheckboxes(forms.CheckboxSelectMultiple):
    """Type checkboxes in one group per domain, each group marked with its domain code
    so a few lines of script can show only the chosen domain's types."""

    template_name = "incidents/widgets/domain_checkboxes.html"

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> Any:
        groups = super().optgroups(name, value, attrs)
        for (_label, options, _index), domain in zip(groups, registry.DOMAIN_TYPES, strict=False):
            for option in options:
                option["domain"] = domain
        return groups


def type_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Incident types grouped by domain label, in the page's language."""
    return [
        (registry.get("domain").label(domain), registry.get(vocab).choices())
        for domain, vocab in registry.DOMAIN_TYPES.items()
    ]


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=validation.MAX_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
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


class IncidentForm(forms.Form):
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
            for group, group_label in GROUP_LABELS.items():
                label = str(COUNT_LABELS[kind])
                if group:
                    label = f"{label} — {group_label}"
                self.fields[kind + group] = _count_field(label)
                self.fields[kind + group].widget.attrs["aria-labelledby"] = (
                    f"count-{kind} count-col{group or '_total'}"
                )
        f = self.fields
        f["domain"].choices = [BLANK, *registry.get("domain").choices()]  # type: ignore[attr-defined]
        f["types"].choices = type_groups()  # type: ignore[attr-defined]
        f["country"].choices = [BLANK, *country_choices()]  # type: ignore[attr-defined]
        f["cause"].choices = _choices("cause", blank=False)  # type: ignore[attr-defined]
        f["certainty"].choices = _choices("certainty")  # type: ignore[attr-defined]
        f["geo_precision"].choices = _choices("geo_precision")  # type: ignore[attr-defined]
        f["perpetrator"].choices = _choices("perpetrator")  # type: ignore[attr-defined]
        f["resources"].choices = _choices("resource", blank=False)  # type: ignore[attr-defined]
        f["facility_type"].choices = _choices("facility_type")  # type: ignore[attr-defined]
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

    # -- validation with messages in the user's language -------------------------------

    def clean_occurred_on(self) -> date:
        when: date = self.cleaned_data["occurred_on"]
        if when > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."), code="future")
        if when.year < 1900:
            raise forms.ValidationError(_("This date is before 1900."), code="too_old")
        return when

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        domain = data.get("domain")
        if domain in registry.DOMAIN_TYPES:
            vocab = registry.types_for(domain)
            wrong = [code for code in data.get("types") or [] if code not in vocab]
            if wrong:
                self.add_error(
                    "types",
                    _("Not a type of this domain: %(types)s.")
                    % {"types": ", ".join(_type_label(code) for code in wrong)},
                )
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None) and not {"lat", "lon"} & set(self.errors):
            missing = "lon" if lon is None else "lat"
            self.add_error(missing, _("Give both latitude and longitude, or neither."))
        for kind in COUNT_KINDS:
            total = data.get(kind)
            if total is None:
                continue
            for group in list(GROUP_LABELS)[1:]:
                part = data.get(kind + group)
                if part is not None and part > total:
                    self.add_error(
                        kind + group,
                        _("More than the total (%(total)d).") % {"total": total},
                    )
        return data

    def incident_data(self) -> dict[str, Any]:
        """Cleaned values keyed by API field name."""
        return {k: v for k, v in self.cleaned_data.items() if k in validation.EDITABLE_FIELDS}

    def organisation_code(self) -> str | None:
        return self.cleaned_data.get("organisation") or None

    def check_rules(self) -> bool:
        """Apply the shared incident rules; attach problems to their fields."""
        try:
            validation.clean(self.incident_data())
        except InvalidInput as exc:
            self.add_problems(exc.problems)
            return False
        return True

    def add_problems(self, problems: list[FieldProblem]) -> None:
        """Show problems found by the services next to the field they name."""
        for p in problems:
            name = p.field.split("[")[0]
            self.add_error(name if name in self.fields else None, p.message)

    # -- layout helpers for the template ----------------------------------------------

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
            for group in list(GROUP_LABELS)[1:]:
                bound = self[kind + group]
                if bound.errors or bound.value() not in (None, ""):
                    return True
        return False


def _type_label(code: str) -> str:
    for domain in registry.DOMAIN_TYPES:
        vocab = registry.types_for(domain)
        if code in vocab:
            return vocab.label(code)
    return code


def _organisations(actor: Actor | None) -> list[tuple[str, str]]:
    """Organisations the actor may record incidents for, as (code, name)."""
    if actor is None:
        return []
    return list(
        Organisation.objects.filter(pk__in=policies.creatable_orgs(actor))
        .order_by("name")
        .values_list("code", "name")
    )


def field_labels() -> dict[str, str]:
    """A label in the page's language for every field an incident's history may name."""
    labels = {name: str(field.label) for name, field in IncidentForm.base_fields.items()}
    for kind in COUNT_KINDS:
        for group, group_label in GROUP_LABELS.items():
            labels[kind + group] = (
                f"{COUNT_LABELS[kind]} — {group_label}" if group else str(COUNT_LABELS[kind])
            )
    labels["source_id"] = str(_("Source record id"))
    labels["status"] = str(_("Status"))
    labels["imported"] = str(_("Imported from"))
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
