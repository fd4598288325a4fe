"""Build a release: the records (and tables) an export may show, and its disclosure report.

Public level: one read of the incidents counts the distinct fine-grained public records
(country, month, domain, casualty bands; with types, resources, facility type, cause and
certainty beside them); a generalisation scheme is chosen on those counts for each
country and domain; records are written from the counts, so the database is read once
whatever the size (:mod:`.public_release`).

Partners level: exact records. With ``k`` above 1 a first read counts the
quasi-identifier groups and a second read writes the records that reach ``k``
(:mod:`.partner_release`).

The rows are read by :mod:`.incident_reads`, generalised as :mod:`.generalisation` says,
described by :mod:`.disclosure_report`, and handed over as a :class:`.release_rows.Release`."""

from __future__ import annotations

from django.db.models import QuerySet

from ulinzi.incidents.models import Incident
from ulinzi.reports.columns import PARTNERS, PUBLIC
from ulinzi.reports.partner_release import build_partners
from ulinzi.reports.public_release import build_public
from ulinzi.reports.release_rows import Release

DEFAULT_K = 5
DEFAULT_MAX_SUPPRESSED_SHARE = 0.05


def build(
    qs: QuerySet[Incident],
    *,
    level: str,
    k: int | None = None,
    max_suppressed_share: float = DEFAULT_MAX_SUPPRESSED_SHARE,
) -> Release:
    """The release of ``qs`` (already scoped and filtered) at ``level``."""
    if level == PUBLIC:
        return build_public(qs, k or DEFAULT_K, max_suppressed_share)
    if level == PARTNERS:
        return build_partners(qs, k or 1, max_suppressed_share)
    raise ValueError(f"unknown level {level!r}")
