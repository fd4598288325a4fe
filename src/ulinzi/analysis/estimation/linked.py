"""Overlap tables from linked incidents: for each stratum (area × period × domain), which
organisations recorded each incident (cluster of linked reports)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ulinzi.accounts.access import Actor
from ulinzi.analysis.estimation.tables import OverlapTable, from_memberships
from ulinzi.analysis.linkage.models import ClusterMember
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.incidents import selectors as incident_selectors
from ulinzi.incidents.models import Status

COUNTED = (Status.SUBMITTED, Status.VERIFIED, Status.DUPLICATE)


@dataclass(frozen=True)
class Stratum:
    country: str
    start: date
    end: date
    domain: str = ""
    admin1: str = ""

    def label(self) -> str:
        parts = [self.country, f"{self.start.isoformat()}..{self.end.isoformat()}"]
        return " ".join(parts + [p for p in (self.domain, self.admin1) if p])


def period(text: str) -> tuple[date, date]:
    """``2024``, ``2024-Q2``, ``2024-03``, or a range of those or of dates joined by
    ``..`` (``2022..2024``, ``2024-01-01..2024-06-30``)."""
    text = (text or "").strip()
    try:
        if ".." in text:
            a, b = text.split("..", 1)
            start = _bound(a, first=True)
            end = _bound(b, first=False)
        elif re.fullmatch(r"\d{4}", text):
            start, end = date(int(text), 1, 1), date(int(text), 12, 31)
        elif m := re.fullmatch(r"(\d{4})-Q([1-4])", text, re.IGNORECASE):
            year, q = int(m[1]), int(m[2])
            start = date(year, 3 * q - 2, 1)
            end = (date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - timedelta(days=1)
        elif m := re.fullmatch(r"(\d{4})-(\d{2})", text):
            year, month = int(m[1]), int(m[2])
            start = date(year, month, 1)
            end = date(year + (month == 12), 1 if month == 12 else month + 1, 1) - timedelta(1)
        else:
            raise ValueError(text)
    except ValueError as exc:
        raise InvalidInput(
            [FieldProblem("period", "use 2024, 2024-Q2, 2024-03 or a range like 2022..2024", text)]
        ) from exc
    if end < start:
        raise InvalidInput([FieldProblem("period", "ends before it starts", text)])
    return start, end


def _bound(text: str, *, first: bool) -> date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return date.fromisoformat(text)
    if ".." in text:
        raise ValueError(text)
    return period(text)[0 if first else 1]


def table_for(actor: Actor, stratum: Stratum) -> OverlapTable:
    """Which organisations recorded each incident of the stratum, among the reports the
    actor may see. An incident is a cluster of linked reports (or a lone report), placed
    in the stratum by its canonical report."""
    qs = incident_selectors.visible(actor).filter(
        status__in=COUNTED,
        country=stratum.country.upper(),
        occurred_on__gte=stratum.start,
        occurred_on__lte=stratum.end,
    )
    if stratum.domain:
        qs = qs.filter(domain=stratum.domain)
    if stratum.admin1:
        qs = qs.filter(admin1_pcode=stratum.admin1)
    rows = list(qs.values_list("id", "organisation__code", "status"))
    ids = [r[0] for r in rows]
    canonical: dict[str, str] = {}
    for start in range(0, len(ids), 5000):
        for incident_id, canon in ClusterMember.objects.filter(
            incident_id__in=ids[start : start + 5000]
        ).values_list("incident_id", "canonical_id"):
            canonical[str(incident_id)] = str(canon)
    clusters: dict[str, set[str]] = {}
    for incident_id, org, _status in rows:
        key = canonical.get(str(incident_id), str(incident_id))
        clusters.setdefault(key, set()).add(org)
    return from_memberships(clusters.values())
