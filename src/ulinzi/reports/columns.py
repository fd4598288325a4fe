"""The columns of record-level exports at each level, with their HXL hashtags.

``public`` follows what the WHO SSA publishes (country, period, type, resources,
facility type, certainty, casualty figures) with casualty figures banded; ``partners``
adds the first administrative level, the exact date, the perpetrator category, exact
figures and a record id for idempotent re-import. Neither level ever carries a narrative,
a name, coordinates, admin2 or the source's own record id.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ulinzi.incidents.models import COUNT_FIELDS, COUNT_KINDS

MULTI_SEP = " | "  # between codes of a multi-valued cell (types, resources)
PUBLIC = "public"
PARTNERS = "partners"
LEVELS = (PUBLIC, PARTNERS)

# Incident fields that never leave Ulinzi in an export, whatever the level.
NEVER_EXPORTED = (
    "narrative",
    "source_id",
    "raw_source",
    "reported_by",
    "verified_by",
    "status_reason",
    "lat",
    "lon",
    "admin2_pcode",
    "admin2_name",
    "occurred_time",
)
# Removed at the public level on top of those.
PUBLIC_REMOVED = (
    "id",
    "organisation",
    "admin1_pcode",
    "admin1_name",
    "perpetrator",
    "status",
    "occurred_on (day)",
    *(f for f in COUNT_FIELDS if f not in COUNT_KINDS),
)


@dataclass(frozen=True)
class Column:
    key: str
    hashtag: str
    title: str | Promise


COUNT_TITLES = {
    "killed": _("Killed"),
    "injured": _("Injured"),
    "abducted": _("Abducted"),
    "arrested": _("Arrested"),
    "detained": _("Detained"),
}
GROUP_TAGS = {
    "": "",
    "_health_workers": "+health_workers",
    "_patients": "+patients",
    "_children": "+children",
}
GROUP_TITLES = {
    "": "",
    "_health_workers": _("health workers"),
    "_patients": _("patients"),
    "_children": _("children"),
}


def _count_column(field: str) -> Column:
    kind, _sep, group = field.partition("_")
    suffix = "_" + group if group else ""
    title: str | Promise = COUNT_TITLES[kind]
    if suffix:
        title = format_lazy("{} ({})", title, GROUP_TITLES[suffix])
    return Column(field, f"#affected+{kind}{GROUP_TAGS[suffix]}", title)


PUBLIC_COLUMNS: tuple[Column, ...] = (
    Column("country", "#country+code", _("Country")),
    Column("period", "#date+occurred", _("Period")),
    Column("period_start", "#date+start", _("Period start")),
    Column("period_end", "#date+end", _("Period end")),
    Column("domain", "#event+category", _("Domain")),
    Column("types", "#event+type", _("Incident types")),
    Column("resources", "#x_resources", _("Resources affected")),
    Column("facility_type", "#loc+type", _("Facility type")),
    Column("cause", "#cause", _("Cause")),
    Column("certainty", "#meta+certainty", _("Certainty")),
    *(
        Column(
            kind, f"#affected+{kind}+banded", format_lazy("{} ({})", COUNT_TITLES[kind], _("band"))
        )
        for kind in COUNT_KINDS
    ),
)

PARTNER_COLUMNS: tuple[Column, ...] = (
    Column("id", "#meta+id", _("Ulinzi id")),
    Column("organisation", "#org+name", _("Reporting organisation")),
    Column("country", "#country+code", _("Country")),
    Column("admin1_pcode", "#adm1+pcode", _("Admin 1 P-code")),
    Column("admin1_name", "#adm1+name", _("Admin 1")),
    Column("occurred_on", "#date+occurred", _("Date")),
    Column("domain", "#event+category", _("Domain")),
    Column("types", "#event+type", _("Incident types")),
    Column("resources", "#x_resources", _("Resources affected")),
    Column("facility_type", "#loc+type", _("Facility type")),
    Column("cause", "#cause", _("Cause")),
    Column("certainty", "#meta+certainty", _("Certainty")),
    Column("perpetrator", "#group+perp", _("Perpetrator")),
    Column("status", "#status", _("Status")),
    *(_count_column(f) for f in COUNT_FIELDS),
)


def columns_for(level: str) -> tuple[Column, ...]:
    return PUBLIC_COLUMNS if level == PUBLIC else PARTNER_COLUMNS
