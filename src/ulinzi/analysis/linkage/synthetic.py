"""Noisy multi-source incident reports with known truth, to measure linkage.

A made-up world (countries, provinces with names in several transliterations, districts,
health facilities) suffers incidents; several organisations each capture some of them
(with heterogeneous, dependent capture) and report them with the errors real reports
carry: misspelt facility names, transliterated place names, dates a few days off or
known only to the month, missing coordinates, casualty counts that differ, types missed.
Every report carries ``true_id``, the incident it is about. Each source reports an
incident at most once, and numbers its reports (``source_record``), as a dataset does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pandas as pd

COUNTRIES = (
    "UKR", "SDN", "SYR", "YEM", "AFG", "COD", "MMR", "SSD", "SOM", "NGA", "MLI", "BFA",
    "HTI", "ETH", "PSE", "LBN", "CAF", "MOZ", "CMR", "LBY", "IRQ", "NER", "COL", "PAK",
)  # fmt: skip
SOURCES = ("moh", "who", "ngo", "media", "cluster")
BASE_CAPTURE = (0.55, 0.45, 0.35, 0.30, 0.25)
SOURCE_CERTAINTY = {
    "moh": ("confirmed", "probable"),
    "who": ("confirmed", "probable"),
    "ngo": ("probable", "possible"),
    "media": ("possible", "possible"),
    "cluster": ("probable", "confirmed"),
}
TYPES = (
    "heavy_weapons", "individual_weapons", "armed_search", "abduction_arrest_detention",
    "psychological_violence", "obstruction", "removal_of_assets", "setting_fire",
    "militarization", "assault_without_weapons",
)  # fmt: skip
FACILITY_TYPES = ("primary", "secondary", "tertiary", "mobile_clinic", "pharmacy", "warehouse")
PERPETRATORS = ("state_armed_forces", "non_state_armed_group", "foreign_forces", "criminal")
FACILITY_WORDS = {
    "primary": "Health Centre",
    "secondary": "District Hospital",
    "tertiary": "Regional Hospital",
    "mobile_clinic": "Mobile Clinic",
    "pharmacy": "Pharmacy",
    "warehouse": "Medical Warehouse",
}
_ONSETS = ("kh", "m", "z", "d", "n", "v", "s", "t", "r", "b", "h", "k", "l", "sh", "ch", "p")
_VOWELS = ("a", "i", "o", "u", "e", "ia", "iu", "ai", "y")
_CODAS = ("", "", "n", "v", "r", "l", "k", "sk", "m")
INCIDENTS_PER_COUNTRY = 8000
START = date(2017, 1, 1)
DAYS = (date(2024, 12, 31) - START).days


@dataclass
class Area:
    name: str
    pcode: str
    lat: float
    lon: float


@dataclass
class Province(Area):
    districts: list[Area] = field(default_factory=list)


def _name(rng: np.random.Generator, syllables: int) -> str:
    parts = [
        _ONSETS[rng.integers(len(_ONSETS))] + _VOWELS[rng.integers(len(_VOWELS))]
        for _ in range(syllables)
    ]
    return ("".join(parts) + _CODAS[rng.integers(len(_CODAS))]).capitalize()


def transliterate(name: str, rng: np.random.Generator) -> str:
    """Another spelling of the same place, as another scheme or language would give."""
    swaps = (
        ("kh", "h"), ("h", "kh"), ("v", "w"), ("iu", "yu"), ("ia", "ya"), ("i", "y"),
        ("y", "i"), ("o", "a"), ("e", "ye"), ("ch", "tch"), ("sh", "sch"), ("u", "ou"),
    )  # fmt: skip
    lower = name.lower()
    for k in rng.permutation(len(swaps))[:4]:
        old, new = swaps[k]
        if old in lower:
            lower = lower.replace(old, new, 1)
            if rng.random() < 0.5:
                break
    return lower.capitalize()


def misspell(text: str, rng: np.random.Generator) -> str:
    """One typing error or abbreviation."""
    kind = rng.integers(5)
    if kind == 0 and "Hospital" in text:
        return text.replace("Hospital", "Hosp.")
    chars = list(text)
    i = int(rng.integers(1, max(2, len(chars) - 1)))
    if kind == 1:
        chars[i - 1], chars[i] = chars[i], chars[i - 1]
    elif kind == 2:
        del chars[i]
    elif kind == 3:
        chars.insert(i, chars[i])
    else:
        chars[i] = "aeiou"[rng.integers(5)]
    return "".join(chars)


def make_world(rng: np.random.Generator, countries: int) -> dict[str, list[Province]]:
    world: dict[str, list[Province]] = {}
    codes = list(COUNTRIES) + [
        f"X{a}{b}" for a in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" for b in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    ]
    for c, iso in enumerate(codes[:countries]):
        lat0, lon0 = -10 + (c % 6) * 8.0, 10 + (c // 6) * 12.0
        provinces = []
        for p in range(24):
            prov = Province(
                name=_name(rng, 2 + int(rng.integers(2))),
                pcode=f"{iso[:2]}{p + 1:02d}",
                lat=lat0 + rng.uniform(-3, 3),
                lon=lon0 + rng.uniform(-4, 4),
            )
            for d in range(20):
                prov.districts.append(
                    Area(
                        name=_name(rng, 2 + int(rng.integers(2))),
                        pcode=f"{prov.pcode}{d + 1:02d}",
                        lat=prov.lat + rng.uniform(-0.6, 0.6),
                        lon=prov.lon + rng.uniform(-0.6, 0.6),
                    )
                )
            provinces.append(prov)
        world[iso] = provinces
    return world


def capture_matrix(
    rng: np.random.Generator, n: int, base: tuple[float, ...] = BASE_CAPTURE
) -> np.ndarray:
    """Which source captures which incident: heterogeneous (a latent visibility per
    incident) and dependent (the NGO hears of more of what the media report)."""
    visibility = rng.normal(0.0, 0.8, n)
    logits = np.log(np.array(base) / (1 - np.array(base)))
    p = 1 / (1 + np.exp(-(logits[None, :] + visibility[:, None])))
    caught = rng.random(p.shape) < p
    media, ngo = SOURCES.index("media"), SOURCES.index("ngo")
    boost = caught[:, media] & (rng.random(n) < 0.25)
    caught[:, ngo] |= boost
    return caught


def generate(n_reports: int, *, seed: int = 7) -> pd.DataFrame:
    """About ``n_reports`` reports (those of incidents no source saw are absent)."""
    rng = np.random.default_rng(seed)
    n_incidents = int(n_reports / sum(BASE_CAPTURE) * 0.93) + 1
    # About as many incidents per country as the busiest real settings record.
    countries = max(2, n_incidents // INCIDENTS_PER_COUNTRY + 1)
    world = make_world(rng, countries)
    isos = list(world)

    inc_country = rng.integers(countries, size=n_incidents)
    inc_prov = rng.integers(24, size=n_incidents)
    inc_dist = rng.integers(20, size=n_incidents)
    inc_day = rng.integers(DAYS, size=n_incidents)
    inc_ftype = rng.integers(len(FACILITY_TYPES), size=n_incidents)
    inc_killed = rng.poisson(0.4, n_incidents) * (rng.random(n_incidents) < 0.5)
    inc_injured = rng.poisson(1.2, n_incidents) * (rng.random(n_incidents) < 0.6)
    inc_perp = rng.integers(len(PERPETRATORS), size=n_incidents)
    inc_type1 = rng.integers(len(TYPES), size=n_incidents)
    inc_type2 = np.where(
        rng.random(n_incidents) < 0.4, rng.integers(len(TYPES), size=n_incidents), -1
    )
    inc_jitter = rng.normal(0, 0.02, (n_incidents, 2))

    caught = capture_matrix(rng, n_incidents)
    inc_idx, src_idx = np.nonzero(caught)
    n = len(inc_idx)
    u = rng.random((n, 12))
    rows: dict[str, list[object]] = {k: [] for k in (
        "unique_id", "true_id", "organisation", "domain", "types", "occurred_on",
        "occurred_precision", "country", "admin1_pcode", "admin1_name", "admin2_pcode",
        "admin2_name", "lat", "lon", "geo_precision", "facility_type", "facility_name",
        "killed", "injured", "perpetrator", "certainty", "source_record",
    )}  # fmt: skip
    for r in range(n):
        i, s = int(inc_idx[r]), int(src_idx[r])
        iso = isos[inc_country[i]]
        prov = world[iso][inc_prov[i]]
        dist = prov.districts[inc_dist[i]]
        ftype = FACILITY_TYPES[inc_ftype[i]]
        day = START + timedelta(days=int(inc_day[i]))
        precision = "day"
        if u[r, 0] < 0.3:
            day += timedelta(days=int(rng.choice((-3, -2, -1, 1, 2, 3))))
        if u[r, 1] < 0.1:
            day, precision = day.replace(day=1), "month"
        admin1 = prov.name if u[r, 2] < 0.6 else transliterate(prov.name, rng)
        admin2 = dist.name if u[r, 3] < 0.6 else transliterate(dist.name, rng)
        facility: str | None = f"{dist.name} {FACILITY_WORDS[ftype]}"
        if u[r, 4] < 0.3:
            facility = misspell(admin2 + " " + FACILITY_WORDS[ftype], rng)
        elif u[r, 4] > 0.8:
            facility = None
        has_point = u[r, 5] < 0.65
        exact = u[r, 6] < 0.6
        killed, injured = int(inc_killed[i]), int(inc_injured[i])
        if u[r, 7] < 0.25:
            killed = max(0, killed + int(rng.choice((-1, 1))))
            injured = max(0, injured + int(rng.choice((-2, -1, 1, 2))))
        types = [TYPES[inc_type1[i]]]
        if inc_type2[i] >= 0 and inc_type2[i] != inc_type1[i] and u[r, 8] < 0.8:
            types.append(TYPES[inc_type2[i]])
        if u[r, 8] > 0.92:
            types = [TYPES[rng.integers(len(TYPES))]]
        rows["unique_id"].append(f"r{r}")
        rows["true_id"].append(i)
        rows["organisation"].append(SOURCES[s])
        rows["source_record"].append(f"{SOURCES[s]}-{r}")
        rows["domain"].append("health_care_attack")
        rows["types"].append(types)
        rows["occurred_on"].append(day)
        rows["occurred_precision"].append(precision)
        rows["country"].append(iso)
        rows["admin1_pcode"].append(prov.pcode if u[r, 9] < 0.5 else "")
        rows["admin1_name"].append(admin1)
        rows["admin2_pcode"].append(dist.pcode if u[r, 9] < 0.4 else "")
        rows["admin2_name"].append(admin2 if u[r, 10] < 0.85 else "")
        jitter = inc_jitter[i] if exact else rng.normal(0, 0.1, 2)
        rows["lat"].append(dist.lat + jitter[0] if has_point else None)
        rows["lon"].append(dist.lon + jitter[1] if has_point else None)
        rows["geo_precision"].append(("exact" if exact else "near_25km") if has_point else "")
        if u[r, 6] > 0.96:  # coded differently by this source
            ftype = FACILITY_TYPES[rng.integers(len(FACILITY_TYPES))]
        rows["facility_type"].append(ftype if u[r, 11] < 0.9 else "")
        rows["facility_name"].append(facility)
        rows["killed"].append(killed if u[r, 7] < 0.9 else None)
        rows["injured"].append(injured if u[r, 7] < 0.9 else None)
        perp = inc_perp[i] if u[r, 5] > 0.05 else rng.integers(len(PERPETRATORS))
        rows["perpetrator"].append(PERPETRATORS[perp] if u[r, 10] < 0.6 else "")
        rows["certainty"].append(SOURCE_CERTAINTY[SOURCES[s]][int(u[r, 11] * 10) % 2])
    return pd.DataFrame(rows)
