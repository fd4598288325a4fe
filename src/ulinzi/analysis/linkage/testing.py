"""Put generated reports with known truth into the database (tests, demos)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ulinzi.accounts import services as accounts
from ulinzi.accounts.models import Organisation
from ulinzi.analysis.linkage import synthetic
from ulinzi.incidents import writes
from ulinzi.incidents.models import Incident


def load_synthetic(
    n_reports: int, *, seed: int = 1, orgs: dict[str, Organisation] | None = None
) -> dict[str, int]:
    """Create about ``n_reports`` incidents; return incident id → true incident number.

    Each synthetic source becomes an organisation (``orgs`` maps source names to existing
    organisations, e.g. the demo ones, so access rules can be exercised)."""
    raw: pd.DataFrame = synthetic.generate(n_reports, seed=seed)
    orgs = dict(orgs or {})
    for source in synthetic.SOURCES:
        if source not in orgs:
            orgs[source] = accounts.ensure_organisation(
                code=f"synthetic-{source}", name=f"Synthetic {source}", kind="other"
            )
    incidents: list[Incident] = []
    truth: dict[str, int] = {}
    for row in raw.to_dict("records"):
        incident = Incident(
            organisation=orgs[row["organisation"]],
            source_id=row["unique_id"],
            domain=row["domain"],
            types=row["types"],
            occurred_on=row["occurred_on"],
            occurred_precision=row["occurred_precision"],
            country=row["country"],
            admin1_pcode=row["admin1_pcode"],
            admin1_name=row["admin1_name"],
            admin2_pcode=row["admin2_pcode"],
            admin2_name=row["admin2_name"],
            lat=_num(row["lat"]),
            lon=_num(row["lon"]),
            geo_precision=row["geo_precision"],
            facility_type=row["facility_type"],
            killed=_int(row["killed"]),
            injured=_int(row["injured"]),
            perpetrator=row["perpetrator"],
            certainty=row["certainty"],
            # Imported as a source's dataset would be: the row, with its own id.
            raw_source={
                "id": row["unique_id"],
                **(
                    {"facility_name": row["facility_name"]}
                    if isinstance(row["facility_name"], str)
                    else {}
                ),
            },
        )
        incidents.append(incident)
        truth[str(incident.id)] = int(row["true_id"])
    writes.insert(incidents)
    return truth


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)
