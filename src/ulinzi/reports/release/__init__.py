"""Build a release: the records, tables and areas an export may show, and its disclosure
report. Every format is written from it (:mod:`ulinzi.reports.writers`) and none changes it.

Public level: one read of the incidents counts the distinct fine-grained public records
(country, month, domain, casualty bands; with types, resources, facility type, cause and
certainty beside them); a generalisation scheme is chosen on those counts for each
country and domain; records are written from the counts, so the database is read once
whatever the size (:mod:`.public`).

Partners level: exact records. With ``k`` above 1 a first read counts the
quasi-identifier groups and a second read writes the records that reach ``k``; the
first-level areas of the map are counted beside them (:mod:`.partners`).

What a release holds and how the incidents are read: :mod:`.model`; generalisation:
:mod:`ulinzi.reports.generalisation`; the report: :mod:`ulinzi.reports.disclosure_report`."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ulinzi.incidents.models import Incident
from ulinzi.reports.columns import PARTNERS, PUBLIC
from ulinzi.reports.release.model import Release
from ulinzi.reports.release.partners import build_partners
from ulinzi.reports.release.public import build_public

DEFAULT_K = 5
DEFAULT_MAX_SUPPRESSED_SHARE = 0.05

__all__ = ["DEFAULT_K", "DEFAULT_MAX_SUPPRESSED_SHARE", "Release", "build"]


def build(
    qs: QuerySet[Incident],
    *,
    level: str,
    k: int | None = None,
    max_suppressed_share: float = DEFAULT_MAX_SUPPRESSED_SHARE,
    header: dict[str, Any] | None = None,
) -> Release:
    """The release of ``qs`` (already scoped and filtered) at ``level``; ``header`` (when
    and from what it was made) is published at the head of its report."""
    if level == PUBLIC:
        release = build_public(qs, k or DEFAULT_K, max_suppressed_share)
    elif level == PARTNERS:
        release = build_partners(qs, k or 1, max_suppressed_share)
    else:
        raise ValueError(f"unknown level {level!r}")
    release.header = dict(header or {})
    return release
