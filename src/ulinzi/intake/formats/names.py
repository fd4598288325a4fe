"""Column header texts that name incident fields (compared lower-case, spaces collapsed).

Every API field name (``occurred_on``, ``killed_health_workers``, …) names itself; the
rest are spellings seen in partners' files, the Insecurity Insight columns among them.
"""

from __future__ import annotations

from ulinzi.incidents.validation import EDITABLE_FIELDS

_SPELLINGS: dict[str, tuple[str, ...]] = {
    "source_id": (
        "id", "event id", "incident id", "sind event id", "source id", "record id",
        "attack id", "report id", "reference",
    ),
    "occurred_on": (
        "date", "incident date", "event date", "date of incident", "date of event",
        "occurred", "occurred on", "date occurred", "attack date", "date de l'incident",
        "fecha", "fecha del incidente",
    ),
    "occurred_time": ("time", "incident time", "time of incident", "attack time"),
    "occurred_precision": ("date precision", "time precision"),
    "country": ("country iso", "country iso3", "iso", "iso3", "country code", "country_iso"),
    "x_country_name": (
        "country", "country name", "country / territory", "territory", "pays", "país", "pais",
    ),
    "admin1_name": (
        "admin 1", "admin1", "admin 1 name", "admin1 name", "province", "state",
        "governorate", "region",
    ),
    "admin1_pcode": ("admin 1 pcode", "admin1 pcode", "admin 1 p-code", "adm1 pcode"),
    "admin2_name": ("admin 2", "admin2", "admin 2 name", "admin2 name", "district"),
    "admin2_pcode": ("admin 2 pcode", "admin2 pcode", "admin 2 p-code", "adm2 pcode"),
    "lat": ("latitude", "lat", "y"),
    "lon": ("longitude", "long", "lon", "lng", "x"),
    "geo_precision": ("geo precision", "location precision", "geoprecision"),
    "narrative": ("event description", "description", "narrative", "summary", "notes"),
    "perpetrator": (
        "reported perpetrator", "perpetrator", "perpetrator category", "alleged perpetrator",
        "perpetrator type",
    ),
    "types": (
        "type", "types", "incident type", "attack type", "event type", "violation type",
        "violation", "type of attack", "type of sv",
    ),
    "domain": ("domain", "sector", "sector affected", "sectors affected"),
    "cause": ("cause", "context"),
    "certainty": ("certainty", "certainty level"),
    "facility_type": ("facility type", "type of facility"),
    "resources": ("resources", "resources affected", "health care resources affected"),
    "killed": ("deaths", "total death", "total deaths", "fatalities", "total killed"),
    "injured": ("injuries", "total injured", "total injuries"),
    "abducted": ("kidnapped", "total abducted"),
    "killed_health_workers": ("health workers killed",),
    "injured_health_workers": ("health workers injured",),
    "abducted_health_workers": ("health workers kidnapped", "health workers abducted"),
    "arrested_health_workers": ("health workers arrested",),
    "detained_health_workers": ("health workers detained",),
    "x_hw_threatened": ("health workers threatened",),
    "x_hw_assaulted": ("health workers assaulted",),
    "x_hw_sexually_assaulted": ("health workers sexually assaulted",),
    "x_weapon": ("weapon carried/used", "weapon", "weapons", "weapon used"),
    "x_facility_destroyed": ("number of attacks on health facilities reporting destruction",),
    "x_facility_damaged": ("number of attacks on health facilities reporting damaged",),
    "x_forceful_entry": ("forceful entry into health facility",),
    "x_occupation": ("occupation of health facility",),
    "x_transport_destroyed": ("health transportation destroyed",),
    "x_transport_damaged": ("health transportation damaged",),
    "x_transport_stolen": ("health transportation stolen/hijacked",),
    "x_supplies_looted": ("looting/theft/robbery/burglary of health supplies",),
    "x_access_denied": ("access denied or obstructed",),
    "x_ctx_conflict": ("conflict-related violence", "conflict related violence"),
    "x_ctx_political": ("political-related violence", "political related violence"),
    "x_ctx_covid": ("covid-19-related violence", "covid 19 related violence"),
    "x_ctx_ebola": ("ebola-related violence", "ebola related violence"),
    "x_ctx_vaccination": ("vaccination-related violence", "vaccination related violence"),
}  # fmt: skip

IGNORED: dict[str, str] = {
    "reported perpetrator name": "names a perpetrator; Ulinzi records its category",
    "perpetrator name": "names a perpetrator; Ulinzi records its category",
    "location": "the kind of place, not a facility type",
    "known kidnapping or arrest outcome": "outcome of a kidnapping or arrest",
    "year": "derived from the date",
    "month": "derived from the date",
    "weekday": "derived from the date",
    "organisation": "the organisation is the one given with --org",
    "organization": "the organisation is the one given with --org",
    "status": "imported incidents start as submitted",
}
# Counts of people Ulinzi has no field for yet (header → the kind counted). The total of
# that kind is then not the sum of the groups it has fields for.
UNFIELDED_COUNTS: dict[str, str] = {
    "aid workers killed": "killed",
    "aid health workers killed": "killed",
    "educators killed": "killed",
    "students killed": "killed",
}
for _header, _kind in UNFIELDED_COUNTS.items():
    IGNORED[_header] = f"a count of people Ulinzi has no field for yet (so no total {_kind})"

# Headers only files of one domain carry: with no domain column, they say the file's.
DOMAIN_HEADERS: dict[str, str] = {
    "type of sv": "gbv",
    "sv context": "gbv",
    "location where sexual violence was committed": "gbv",
    "reported deaths following the sexual violence": "gbv",
}

HEADERS: dict[str, str] = {name: name for name in EDITABLE_FIELDS}
# A "country" column may hold names or codes; a column of ISO codes is preferred to it.
HEADERS["country"] = "x_country_name"
for _target, _names in _SPELLINGS.items():
    for _name in _names:
        HEADERS.setdefault(_name, _target)


def normalise(text: str) -> str:
    return " ".join(text.lower().replace("_", " ").split())


_NORMALISED = {normalise(k): v for k, v in HEADERS.items()}


def header_target(text: str) -> str | None:
    """The target a header text names, or ``None``."""
    return _NORMALISED.get(normalise(text))


def header_domain(text: str) -> str | None:
    """The domain a header text belongs to when only that domain's files carry it."""
    return DOMAIN_HEADERS.get(normalise(text))
