"""Exports: check the request, scope the records, build the release, write, audit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet

from ulinzi.accounts.access import ANONYMOUS, Actor
from ulinzi.audit import services as audit
from ulinzi.common import encrypted_files
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.geo.countries import country
from ulinzi.incidents.models import Incident, Status
from ulinzi.incidents.selectors import IncidentFilters, apply_filters, visible
from ulinzi.reports import policies, writers
from ulinzi.reports.columns import LEVELS, PUBLIC
from ulinzi.reports.models import Export
from ulinzi.reports.release import DEFAULT_K, build
from ulinzi.vocab import registry

COUNTED_STATUSES = (Status.SUBMITTED.value, Status.VERIFIED.value)
KEEP_DAYS = 7  # export files made on the web page are kept this long for their author
MIN_PUBLIC_K = 5
MAX_K = 100
# Parts of the published report the audit entry leaves out: the fixed list of fields
# never exported, and the scheme of every country and domain (long; the figures stay).
NOT_AUDITED = ("fields_removed", "partitions")


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    level: str
    k: int
    filters: IncidentFilters

    @property
    def extension(self) -> str:
        return writers.EXTENSIONS[self.fmt]

    def filename(self, stamp: datetime | None = None) -> str:
        when = (stamp or datetime.now(UTC)).strftime("%Y%m%d-%H%M")
        return f"ulinzi-{self.level}-{when}.{self.extension}"


def parse_request(
    *, fmt: str, level: str, k: Any = None, filters: dict[str, Any] | None = None
) -> ExportRequest:
    """Validate an export request, naming every field that is wrong."""
    problems: list[FieldProblem] = []
    if fmt not in writers.FORMATS:
        problems.append(FieldProblem("format", f"must be one of {', '.join(writers.FORMATS)}", fmt))
    if level not in LEVELS:
        problems.append(FieldProblem("level", f"must be one of {', '.join(LEVELS)}", level))
    k_value = DEFAULT_K if level == PUBLIC else 1
    if k not in (None, ""):
        try:
            k_value = int(k)
        except (TypeError, ValueError):
            problems.append(FieldProblem("k", "must be a whole number", k))
    lowest = MIN_PUBLIC_K if level == PUBLIC else 1
    if not lowest <= k_value <= MAX_K:
        problems.append(
            FieldProblem("k", f"must be from {lowest} to {MAX_K} at the {level} level", k)
        )
    parsed = IncidentFilters()
    try:
        parsed = IncidentFilters.from_query(filters or {})
    except InvalidInput as exc:
        problems.extend(exc.problems)
    if parsed.country:
        found = country(parsed.country)
        if found is None:
            problems.append(FieldProblem("country", "is not a known country", parsed.country))
        else:
            parsed.country = found.iso3
    if parsed.domain and parsed.domain not in registry.get("domain"):
        problems.append(FieldProblem("domain", "is not a known domain", parsed.domain))
    if parsed.date_from and parsed.date_to and parsed.date_from > parsed.date_to:
        problems.append(
            FieldProblem("date_to", "must not be before date_from", str(parsed.date_to))
        )
    if problems:
        raise InvalidInput(problems)
    return ExportRequest(fmt=fmt, level=level, k=k_value, filters=parsed)


def scoped(actor: Actor | None, request: ExportRequest) -> QuerySet[Incident]:
    """The records an export may draw on: what the actor may see (public level) or their
    own organisations' records (partners level); never drafts, duplicates or rejected.

    ``actor=None`` is the operator at the command line, who holds the whole database.
    """
    qs = Incident.objects.all()
    if actor is not None:
        if not policies.can_export(actor):
            raise NotAllowed("exports are for coordinators and analysts")
        qs = visible(actor)
        if request.level != PUBLIC:
            qs = qs.filter(organisation_id__in=sorted(policies.partner_orgs(actor)))
    statuses = list(COUNTED_STATUSES)
    if request.filters.status:
        statuses = [s for s in request.filters.status.split(",") if s in COUNTED_STATUSES]
    filters = IncidentFilters(**{**request.filters.__dict__, "status": None})
    return apply_filters(qs, filters).filter(status__in=statuses)


def unmatched(actor: Actor | None, request: ExportRequest) -> list[FieldProblem]:
    """Filters that no record the export may draw on can ever match (a province that
    none of them names, in the chosen country if any): refused rather than exported
    empty."""
    problems: list[FieldProblem] = []
    wanted = request.filters.admin1
    if wanted:
        only_place = IncidentFilters(country=request.filters.country, admin1=wanted)
        everything = ExportRequest(request.fmt, request.level, request.k, only_place)
        if not scoped(actor, everything).exists():
            problems.append(
                FieldProblem("admin1", "no record you may export is in this province", wanted)
            )
    return problems


def why_empty(report: dict[str, Any]) -> str:
    """Why an export holds no record, in one word: ``no_match`` (no record met the
    filters) or ``suppressed`` (every record was left out to keep groups of k); ''
    when it is not empty."""
    if report.get("records_out"):
        return ""
    return "suppressed" if report.get("records_in") else "no_match"


def export(
    *, actor: Actor | None, request: ExportRequest, out: IO[bytes], via: str
) -> dict[str, Any]:
    """Write the export to ``out``; return its disclosure report as published in the file
    and audited (less :data:`NOT_AUDITED`).
    :class:`InvalidInput` for a filter that cannot match (:func:`unmatched`)."""
    problems = unmatched(actor, request)
    if problems:
        raise InvalidInput(problems)
    qs = scoped(actor, request)
    if request.fmt == "xlsx" and request.level != PUBLIC and qs.count() > writers.XLSX_MAX_ROWS:
        raise InvalidInput(
            [FieldProblem("format", "more records than a spreadsheet holds: use hxl or filters")]
        )
    header = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "filters": request.filters.as_query(),
    }
    release = build(qs, level=request.level, k=request.k, header=header)
    writers.write(request.fmt, release, out)
    report = release.published(request.fmt)
    audit.record(
        actor=actor or ANONYMOUS,
        action="export",
        object_type="incidents",
        object_id=f"{request.fmt}:{request.level}",
        fields=list(release.columns),
        detail={"via": via, **{k: v for k, v in report.items() if k not in NOT_AUDITED}},
    )
    return report


def export_to_path(
    *, actor: Actor | None, request: ExportRequest, path: Path, via: str
) -> dict[str, Any]:
    """Write the export file and its disclosure report beside it (for the CLI)."""
    with path.open("wb") as out:
        report = export(actor=actor, request=request, out=out, via=via)
    sidecar_path(path).write_text(json.dumps(report, indent=2, default=str) + "\n")
    return report


def sidecar_path(path: Path) -> Path:
    """Where the disclosure report of the export file ``path`` goes: its whole name and
    ``.disclosure.json`` (``gbv.csv.disclosure.json``), so that two exports whose names
    differ only in the extension keep a report each."""
    return path.with_name(path.name + ".disclosure.json")


def forget_old_exports(now: datetime | None = None) -> int:
    """Delete stored export files older than :data:`KEEP_DAYS` (the audit log stays)."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=KEEP_DAYS)
    old = list(Export.objects.filter(created_at__lt=cutoff))
    for record in old:
        record.path.unlink(missing_ok=True)
        record.report_path.unlink(missing_ok=True)
    Export.objects.filter(pk__in=[r.pk for r in old]).delete()
    return len(old)


def export_to_store(*, actor: Actor, request: ExportRequest) -> Export:
    """Write the export for its author to download later (web page), encrypted
    (:mod:`ulinzi.common.encrypted_files`), with its disclosure report."""
    forget_old_exports()
    record = Export(
        created_by=actor.user,
        format=request.fmt,
        level=request.level,
        k=request.k,
        filters=request.filters.as_query(),
        filename=request.filename(),
    )
    with encrypted_files.create(record.path) as out:
        report = export(actor=actor, request=request, out=out.stream(), via="web")
    record.report = report
    record.size = out.size
    encrypted_files.write(
        record.report_path, (json.dumps(report, indent=2, default=str) + "\n").encode()
    )
    record.save()
    return record
