"""Turn incident reports into the flat, comparable rows the linkage model reads.

Input is a pandas frame with the incident fields the linkage needs (see
:data:`RAW_COLUMNS`), whether it comes from the database (:mod:`.loading`) or from the
synthetic generator (:mod:`.synthetic`). Output adds normalised text, blocking keys and
date/place values with their precision made explicit. No narrative is ever read.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import numpy as np
import pandas as pd

RAW_COLUMNS = (
    "unique_id",
    "organisation",
    "domain",
    "types",
    "occurred_on",
    "occurred_precision",
    "country",
    "admin1_pcode",
    "admin1_name",
    "admin2_pcode",
    "admin2_name",
    "lat",
    "lon",
    "geo_precision",
    "facility_type",
    "facility_name",
    "killed",
    "injured",
    "perpetrator",
)
# Optional: absent columns are read as not recorded.
OPTIONAL_COLUMNS = (
    # The source's own id of the record, when the source gave one that names an event
    # (see :func:`ulinzi.analysis.linkage.loading.source_record`); None otherwise.
    "source_record",
    "killed_health_workers",
    "injured_health_workers",
)

# Radius (km) within which a point of this precision may lie from the true place.
PRECISION_KM = {
    "exact": 0.5,
    "near_25km": 25.0,
    "linear_feature": 25.0,
    "admin2": 40.0,
    "estimated": 50.0,
    "admin1": 150.0,
    "country": 1000.0,
}
DEFAULT_PRECISION_KM = 10.0
UNKNOWN_CODES = frozenset({"", "unknown", "other", "no_information"})
EPOCH = date(1970, 1, 1)
WINDOW_DAYS = 8

_NON_ALNUM = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
# Spellings that differ between transliteration schemes, folded for blocking keys.
_FOLDS = (
    ("tch", "ch"), ("sch", "sh"), ("kh", "h"), ("ch", "k"), ("zh", "z"), ("sh", "s"),
    ("ph", "f"), ("ck", "k"), ("w", "v"), ("c", "k"), ("q", "k"), ("z", "s"),
)  # fmt: skip
_DROP = re.compile(r"[aeiouyh']")
# Words that say which level of government a name is, not which place: "Chin State" and
# "Chin", "Kherson Oblast" and "Kherson" are one province.
_ADMIN_WORDS = re.compile(
    r"\b(state|province|provincia|region|oblast|governorate|gouvernorat|muhafazah|wilaya|"
    r"wilayah|prefecture|county|district|department|departement|departamento|"
    r"municipality|division|territory|zone|raion|rayon|krai|kray)\b"
)
_REPEAT = re.compile(r"(.)\1+")


def normalise_text(value: object) -> str | None:
    """Lower case, accents stripped, punctuation gone, spaces single; ``None`` if empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _SPACES.sub(" ", _NON_ALNUM.sub(" ", text.replace("'", ""))).strip()
    return text or None


def place_name(value: object) -> str | None:
    """:func:`normalise_text` without the words that name an administrative level
    (the name itself when nothing else is left)."""
    text = normalise_text(value)
    if text is None:
        return None
    bare = _SPACES.sub(" ", _ADMIN_WORDS.sub(" ", text)).strip()
    return bare or text


def skeleton(value: str | None) -> str | None:
    """A crude spelling-independent key: consonants only, transliteration pairs folded.

    ``Kharkiv``/``Kharkov``/``Charkiw`` all give ``rkv``-like keys that agree more often
    than the spellings do; it is used only to *block* (choose pairs to compare), never to
    decide a match.
    """
    if not isinstance(value, str) or not value:
        return None
    key = value.replace(" ", "")
    for old, new in _FOLDS:
        key = key.replace(old, new)
    return _REPEAT.sub(r"\1", _DROP.sub("", key)) or None


def _mapped(series: pd.Series, fn: object) -> pd.Series:
    """``series.map(fn)`` computed once per distinct value (names repeat a lot)."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = np.empty(len(uniques) + 1, dtype=object)
    values[:-1] = [fn(v) for v in uniques]  # type: ignore[operator]
    values[-1] = None
    return pd.Series(values[codes], index=series.index, dtype=object)


def _clean_code(series: pd.Series) -> pd.Series:
    out = series.fillna("").astype(str).str.strip().str.lower()
    return out.where(~out.isin(UNKNOWN_CODES), None)


def _types_list(value: object) -> list[str] | None:
    if value is None or isinstance(value, float):
        return None
    codes = sorted({str(v) for v in value if str(v) not in UNKNOWN_CODES})  # type: ignore[attr-defined]
    return codes or None


def arrow_schema() -> object:
    """Column types made explicit, so a column with no value at all (no facility names
    in a dataset) still has its type and its comparison."""
    import pyarrow as pa

    text = pa.string()
    whole = pa.int64()
    real = pa.float64()
    columns = {
        "unique_id": text, "source": text, "domain": text, "country": text, "precision": text,
        "day_num": whole, "ym": whole, "yr": whole, "quarter": whole, "bin_a": whole,
        "bin_b": whole, "admin1_name": text, "admin1_pcode": text, "admin1_key": text,
        "admin2_pcode": text, "place": text, "place_key": text, "lat": real, "lon": real,
        "geo_km": real, "geo_cell": text, "types": pa.list_(text), "facility_type": text,
        "facility_name": text, "facility_key": text, "killed": whole, "injured": whole,
        "killed_hw": whole, "injured_hw": whole, "perpetrator": text, "counts_key": text,
        "sparse": pa.bool_(), "source_record": text, "exclusive": pa.bool_(),
        "own_source": text,
        "alone_day": pa.bool_(), "alone_place": pa.bool_(), "day_key": text,
    }  # fmt: skip
    return pa.schema(list(columns.items()))


def prepare(raw: pd.DataFrame) -> pd.DataFrame:
    """The comparable frame: one row per report, columns named as the model expects."""
    raw = raw.assign(**{c: None for c in OPTIONAL_COLUMNS if c not in raw})
    df = pd.DataFrame({"unique_id": raw["unique_id"].astype(str)})
    df["source"] = raw["organisation"].astype(str)
    df["domain"] = raw["domain"].astype(str)
    df["country"] = raw["country"].astype(str).str.upper()

    occurred = pd.to_datetime(raw["occurred_on"])
    precision = raw["occurred_precision"].fillna("day").astype(str)
    days = ((occurred - pd.Timestamp(EPOCH)).dt.days).astype("int64")
    is_day = precision.eq("day")
    df["precision"] = precision
    df["day_num"] = days.where(is_day).astype("Int64")
    df["ym"] = (occurred.dt.year * 12 + occurred.dt.month - 1).astype("int64")
    df["yr"] = occurred.dt.year.astype("int64")
    # Not used by any comparison, so EM blocked on it still learns the date's m.
    df["quarter"] = (df["yr"] * 4 + (occurred.dt.month - 1) // 3).astype("int64")
    # Same day, weighed by how many reports that day has in that country and domain: a
    # quiet day shared says more than a busy one (term frequency of this key).
    df["day_key"] = (
        (df["country"] + ":" + df["domain"] + ":" + df["day_num"].astype("string"))
        .where(df["day_num"].notna(), None)
        .astype(object)
    )
    df["bin_a"] = (df["day_num"] // WINDOW_DAYS).astype("Int64")
    df["bin_b"] = ((df["day_num"] + WINDOW_DAYS // 2) // WINDOW_DAYS).astype("Int64")

    admin1_name = _mapped(raw["admin1_name"], place_name)
    admin1_pcode = _clean_code(raw["admin1_pcode"])
    df["admin1_name"] = admin1_name
    df["admin1_pcode"] = admin1_pcode
    # Names are given by almost every source, P-codes by some: block on the name's
    # skeleton when there is one, so a P-code-less source still meets the others.
    df["admin1_key"] = _mapped(admin1_name, skeleton).where(admin1_name.notna(), admin1_pcode)
    df["admin2_pcode"] = _clean_code(raw["admin2_pcode"])
    df["place"] = _mapped(raw["admin2_name"], place_name)
    df["place_key"] = _mapped(df["place"], skeleton)

    lat = pd.to_numeric(raw["lat"], errors="coerce")
    lon = pd.to_numeric(raw["lon"], errors="coerce")
    has_point = lat.notna() & lon.notna()
    df["lat"] = lat.where(has_point)
    df["lon"] = lon.where(has_point)
    geo = raw["geo_precision"].fillna("").astype(str)
    df["geo_km"] = geo.map(PRECISION_KM).fillna(DEFAULT_PRECISION_KM).where(has_point)
    cell = (
        np.floor(lat * 4).astype("Int64").astype(str)
        + ":"
        + np.floor(lon * 4).astype("Int64").astype(str)
    )
    df["geo_cell"] = cell.where(has_point & df["geo_km"].le(25.0), None)

    df["types"] = raw["types"].map(_types_list)
    df["facility_type"] = _clean_code(raw["facility_type"])
    facility = _mapped(raw["facility_name"], normalise_text)
    df["facility_name"] = facility
    df["facility_key"] = _mapped(facility, lambda v: (skeleton(v) or "")[:4] or None)
    df["killed"] = pd.to_numeric(raw["killed"], errors="coerce").astype("Int64")
    df["injured"] = pd.to_numeric(raw["injured"], errors="coerce").astype("Int64")
    df["killed_hw"] = pd.to_numeric(raw["killed_health_workers"], errors="coerce").astype("Int64")
    df["injured_hw"] = pd.to_numeric(raw["injured_health_workers"], errors="coerce").astype("Int64")
    df["perpetrator"] = _clean_code(raw["perpetrator"])
    # Same killed and injured, someone hurt: a key for the routes and training sessions
    # of reports that carry little else (a count nobody recorded is not 0 here).
    hurt = df["killed"].fillna(0) + df["injured"].fillna(0)
    counts = (
        df["killed"].astype("string").fillna("?") + ":" + df["injured"].astype("string").fillna("?")
    )
    df["counts_key"] = counts.where(hurt.gt(0).fillna(False).astype(bool), None)
    # Nothing below the country: such reports are met by country, domain and date alone.
    df["sparse"] = (
        df["admin1_key"].isna()
        & df["place_key"].isna()
        & df["geo_cell"].isna()
        & df["facility_key"].isna()
    )
    record = raw["source_record"].astype("string")
    df["source_record"] = record.where(record.notna() & record.ne(""), None).astype(object)
    # A source that names its records by event (an imported dataset with its own ids)
    # records each event once: two of its records with different ids are two events.
    df["exclusive"] = df["source_record"].notna()
    df["own_source"] = df["source"].where(df["exclusive"], None)
    _alone(df)
    return df


def _alone(df: pd.DataFrame) -> None:
    """``alone_day``: the only report of its source of that day in that country and
    domain; ``alone_place``: the only one of that day in that province. Two such reports
    of two sources that agree are near-certain pairs (:data:`model.DETERMINISTIC`)."""
    day = df["day_num"]
    for name, keys in (("alone_day", ["source", "country", "domain", "day_num"]),
                       ("alone_place", ["source", "country", "domain", "day_num",
                                        "admin1_key"])):  # fmt: skip
        size = df.groupby(keys, dropna=False)["unique_id"].transform("size")
        known = day.notna() & (df["admin1_key"].notna() if name == "alone_place" else True)
        df[name] = (size.eq(1) & known).astype(bool)
