"""Column header texts that name incident fields (compared lower-case, spaces collapsed).

Every API field name (``occurred_on``, ``killed_health_workers``, …) names itself; the
rest are spellings seen in partners' files, the Insecurity Insight columns among them.
"""

from __future__ import annotations

from ulinzi.incidents.validation import EDITABLE_FIELDS
from ulinzi.vocab import registry

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
    "cause": ("cause", "context", "sv context", "sexual violence context"),
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
    "x_weapon": (
        "weapon carried/used", "weapon", "weapons", "weapon used", "weapons use", "weapon type",
        "explosive weapon type",
    ),
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
    # Survivors of sexual violence: how many, deaths following it, their sex and age.
    "v|survivors|affected||": ("number of reported victims", "number of victims"),
    "v|survivors|killed||": ("reported deaths following the sexual violence",),
    "x_victim_sex": ("survivor or victim sex", "victim sex", "survivor sex"),
    "x_victim_age": ("adult or minor", "victim age group"),
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
# Headers only files of one domain carry: with no domain column, they say the file's.
DOMAIN_HEADERS: dict[str, str] = {
    "type of sv": "gbv",
    "sv context": "gbv",
    "location where sexual violence was committed": "gbv",
    "reported deaths following the sexual violence": "gbv",
    # Insecurity Insight's food-security flag column (its dataset's own marker).
    "foodsecurity": "food_security",
    # Counts only its aid-worker (KIKA) files carry (the explosive-weapons file has
    # "Aid Workers Killed" beside other sectors' counts, and a sector column).
    "aid workers injured": "aid_security",
    "aid workers kidnapped": "aid_security",
    "aid workers arrested": "aid_security",
    # Its education files' indicators (GCPEA categories).
    "attacks on schools": "education_attack",
    "attacks on universities": "education_attack",
    "military occupation of education facility": "education_attack",
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
    name = normalise(text)
    return _NORMALISED.get(name) or victim_target(name)


VICTIM_KINDS = {
    "killed": "killed", "injured": "injured", "kidnapped": "abducted", "abducted": "abducted",
    "arrested": "arrested", "detained": "detained",
}  # fmt: skip
SEX_WORDS = {"female": "female", "male": "male"}


def victim_target(name: str) -> str | None:
    """``"female aid workers killed"`` → ``"v|aid_workers|killed|female|"``: a count of a
    group of the ``victim_group`` vocabulary ("[sex] <group> <kind>"), or ``None``."""
    group_words, _, kind_word = name.rpartition(" ")
    kind = VICTIM_KINDS.get(kind_word)
    if kind is None or not group_words:
        return None
    first, _, rest = group_words.partition(" ")
    sex = SEX_WORDS.get(first, "")
    group = registry.get("victim_group").match(rest if sex else group_words)
    return f"v|{group}|{kind}|{sex}|" if group else None


def victim_key(target: str) -> tuple[str, str, str, str]:
    """A ``v|…`` target as (group, kind, sex, age)."""
    _, group, kind, sex, age = target.split("|")
    return group, kind, sex, age


def header_domain(text: str) -> str | None:
    """The domain a header text belongs to when only that domain's files carry it."""
    return DOMAIN_HEADERS.get(normalise(text))
