"""Real linkage truth: Insecurity Insight's explosive-weapons and health-care files.

The publisher reuses its ``SiND Event ID`` for the same event across datasets, so two
rows with one event id are one incident. Each file is read by the importer's own column
plan (the one ``ulinzi import`` chooses for it: HXL tags and header names), so the
linker sees what a deployment that imported both files would see, and nothing else: no
narrative, no event id. Each file is a source of its own (a dataset: the importer's
``source_id`` of a row is its event id). The event id is kept apart as the truth; the
linker gets only an opaque token per row, salted with the file's name, which says that
two rows *of one file* carry different ids (the publisher's word that they are two
events) and says nothing across files. Rows the importer would reject (no date, no
country) are left out and counted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "real"
if not REAL.exists():
    REAL = Path("/work/shared/data/real")
HEALTH_CARE = "insecurity_insight_attacks_on_health_care_2016_2023.xlsx"
EXPLOSIVE = "insecurity_insight_explosive_weapons_2020_2023.xlsx"
SOURCES = {HEALTH_CARE: "ii-health-care", EXPLOSIVE: "ii-explosive-weapons"}
FIELDS = (
    "domain", "types", "occurred_on", "occurred_precision", "country", "admin1_pcode",
    "admin1_name", "admin2_pcode", "admin2_name", "lat", "lon", "geo_precision",
    "facility_type", "killed", "injured", "killed_health_workers", "injured_health_workers",
    "perpetrator", "resources",
)  # fmt: skip


def converted(path: Path) -> Iterator[tuple[dict[str, Any], bool]]:
    """Each data row as the importer converts it, and whether it would be rejected."""
    import django

    django.setup()
    from ulinzi.intake import readers
    from ulinzi.intake.formats import Mapping, open_plan

    info = readers.inspect(path)
    source = readers.open_source(info)
    try:
        plan, rows, _first = open_plan(source, info.container, "auto", Mapping(), None)
        for row in rows:
            data, problems = plan.convert(row)
            yield data, bool(problems) or not data.get("occurred_on") or not data.get("country")
    finally:
        source.close()


def _token(name: str, source_id: Any) -> str | None:
    if source_id in (None, ""):
        return None
    return hashlib.sha256(f"{name}\0{source_id}".encode()).hexdigest()[:16]


def load(*paths: Path) -> tuple[pd.DataFrame, pd.Series, int]:
    """The linker's input frame (every file given, both real files by default), each
    row's true incident (its event id, or the row itself when it has none) and the
    number of rows left out as an import would reject them."""
    rows: list[dict[str, Any]] = []
    truth: list[str] = []
    rejected = 0
    for path in paths or (REAL / HEALTH_CARE, REAL / EXPLOSIVE):
        source = SOURCES.get(path.name, path.stem)
        for i, (data, bad) in enumerate(converted(path)):
            if bad:
                rejected += 1
                continue
            uid = f"{source}:{i}"
            out = {name: data.get(name) for name in FIELDS}
            out.update(unique_id=uid, organisation=source, facility_name=None,
                       source_record=_token(path.name, data.get("source_id")))  # fmt: skip
            rows.append(out)
            event = data.get("source_id")
            truth.append(f"event:{event}" if event not in (None, "") else uid)
    return pd.DataFrame(rows), pd.Series(truth, name="truth"), rejected


def indistinguishable(raw: pd.DataFrame, truth: pd.Series) -> int:
    """True pairs (two rows of one event id) of which a row has a twin in its own file:
    another row equal in every field the linker reads. Which twin belongs to which
    event no comparison can tell, so these pairs bound what any linker recalls."""
    seen = [c for c in raw.columns if c not in ("unique_id", "source_record")]
    key = raw[seen].map(str).agg("|".join, axis=1)
    twin = key.groupby([raw["organisation"], key]).transform("size").gt(1).to_numpy()
    frame = pd.DataFrame({"truth": truth.to_numpy(), "twin": twin})
    shared = frame[frame["truth"].duplicated(keep=False)]
    return int(shared.groupby("truth")["twin"].any().sum())
