"""Writes for anonymous reports: submission, lookup by receipt, messages, handling."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ulinzi.accounts.access import Actor
from ulinzi.audit import services as audit
from ulinzi.common.problems import Conflict, FieldProblem, InvalidInput, NotAllowed
from ulinzi.geo.countries import country as find_country
from ulinzi.incidents import services as incidents
from ulinzi.incidents.models import Incident
from ulinzi.intake.anonymous import policies, receipts, routing
from ulinzi.intake.anonymous.models import AnonymousReport, Category, ReportMessage, Stage

MAX_TEXT = 20_000
MAX_MESSAGE = 5_000
MAX_CONTACT = 500
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
# What each category becomes when a handler turns a report into an incident.
DOMAIN_OF = {
    Category.SEAH: "seah",
    Category.HEALTH_CARE_ATTACK: "health_care_attack",
    Category.PROTECTION: "protection",
}


def today() -> date:
    return timezone.localdate()


def parse_when(value: Any) -> tuple[date, str] | None:
    """``YYYY-MM`` → (first of the month, ``month``); ``YYYY-MM-DD`` → (day, ``day``)."""
    text = str(value or "").strip()
    try:
        if m := _MONTH.match(text):
            return date(int(m[1]), int(m[2]), 1), "month"
        if m := _DAY.match(text):
            return date(int(m[1]), int(m[2]), int(m[3])), "day"
    except ValueError:
        return None
    return None


def _too_long(limit: int) -> str:
    return _("is longer than %(limit)d characters") % {"limit": limit}


def clean_submission(data: dict[str, Any]) -> dict[str, Any]:
    """Check what an anonymous reporter sent; name every field at fault."""
    problems: list[FieldProblem] = []
    out: dict[str, Any] = {}
    category = str(data.get("category") or "").strip()
    if category not in Category.values:
        problems.append(
            FieldProblem(
                "category",
                _("must be one of %(codes)s") % {"codes": ", ".join(Category.values)},
                category,
            )
        )
    out["category"] = category
    text = str(data.get("what_happened") or "").strip()
    if not text:
        problems.append(FieldProblem("what_happened", _("is required")))
    elif len(text) > MAX_TEXT:
        problems.append(FieldProblem("what_happened", _too_long(MAX_TEXT)))
    out["what_happened"] = text
    ref = str(data.get("country") or "").strip().upper()
    found = find_country(ref) if ref else None
    if found is None or found.iso3 != ref:
        problems.append(
            FieldProblem("country", _("must be an ISO 3166 alpha-3 country code"), ref or None)
        )
    out["country"] = ref
    admin1 = str(data.get("admin1_name") or "").strip()
    if len(admin1) > 120:
        problems.append(FieldProblem("admin1_name", _too_long(120)))
    out["admin1_name"] = admin1
    when = parse_when(data.get("occurred_on"))
    if when is None:
        problems.append(
            FieldProblem(
                "occurred_on",
                _("must be a month (YYYY-MM) or a day (YYYY-MM-DD)"),
                data.get("occurred_on"),
            )
        )
    elif when[0] > today():
        problems.append(FieldProblem("occurred_on", _("is in the future"), data.get("occurred_on")))
    elif when[0].year < 1900:
        problems.append(FieldProblem("occurred_on", _("is before 1900"), data.get("occurred_on")))
    else:
        out["occurred_on"], out["occurred_precision"] = when
    contact = str(data.get("contact_preference") or "").strip()
    if len(contact) > MAX_CONTACT:
        problems.append(FieldProblem("contact_preference", _too_long(MAX_CONTACT)))
    out["contact_preference"] = contact
    # A receipt the client drew: strict, since a program made it (people's typing is
    # forgiven only when they look a report up). None or empty: the server draws one.
    given = data.get("receipt")
    out["receipt"] = receipts.parse(given) if isinstance(given, str) and given else None
    if given not in (None, "") and out["receipt"] is None:
        problems.append(
            FieldProblem(
                "receipt",
                _(
                    "must be 20 symbols of Crockford base 32 (digits and capital letters "
                    "but I, L, O and U), as XXXX-XXXX-XXXX-XXXX-XXXX or without the dashes"
                ),
            )
        )
    if problems:
        raise InvalidInput(problems)
    return out


@dataclass
class Submitted:
    report: AnonymousReport
    receipt: str  # display form; returned once, never stored
    resent: bool = False  # the receipt already opened this report: nothing was written


def submit(*, data: dict[str, Any], language: str = "") -> Submitted:
    """Record an anonymous report and hand back its receipt (shown once).

    With a ``receipt`` the client drew, sending again is the same report: a receipt
    that already opens a report is answered with it (``resent``), whatever the rest of
    the resend says. Nothing is then written, and nothing compared: holding a receipt
    never tells whether a guessed text is what the report says. A receipt whose locator
    another code holds is a :class:`Conflict` (the client draws another). Without a
    receipt the server draws one."""
    cleaned = clean_submission(data)
    code = cleaned.pop("receipt")
    if code is not None and (earlier := _resent(code)) is not None:
        return earlier
    organisation = routing.receiver_for(cleaned["category"], cleaned["country"])
    day = today()
    for _attempt in range(5):
        drawn = code or receipts.generate()
        report = AnonymousReport(
            receipt_locator=receipts.locator(drawn),
            receipt_hash=receipts.hash_code(drawn),
            organisation=organisation,
            language=(language or "")[:8],
            submitted_on=day,
            stage_changed_on=day,
            **cleaned,
        )
        try:
            with transaction.atomic():
                report.save(force_insert=True)
        except IntegrityError:  # locator taken: by a resend sent at the same time, or
            # (odds 2**-40 a pair) by another code; a server-drawn code draws again
            if code is not None and (earlier := _resent(code)) is not None:
                return earlier
            continue
        return Submitted(report=report, receipt=receipts.display(drawn))
    if code is not None:
        raise _taken()
    raise RuntimeError("could not draw a free receipt code")


def _taken() -> Conflict:
    return Conflict([FieldProblem("receipt", _("is taken: draw another one and send again"))])


def _resent(code: str) -> Submitted | None:
    """The report a client-drawn receipt already opens, else ``None`` when no report
    holds its locator (then no Argon2 work is spent: a new report pays for its hash
    only). A locator held by another code is a :class:`Conflict`."""
    if not AnonymousReport.objects.filter(receipt_locator__in=receipts.locators(code)).exists():
        return None
    report = find_by_receipt(code)
    if report is None:
        raise _taken()
    return Submitted(report=report, receipt=receipts.display(code), resent=True)


def find_by_receipt(receipt: str) -> AnonymousReport | None:
    """The report this receipt opens, or ``None``. Exactly one Argon2 verification
    runs either way (see :mod:`.receipts`)."""
    code = receipts.normalise(receipt)
    candidate = None
    if code is not None:
        wanted = receipts.locators(code)
        candidate = AnonymousReport.objects.filter(receipt_locator__in=wanted).first()
    if not receipts.verify(candidate.receipt_hash if candidate else None, code):
        return None
    assert candidate is not None and code is not None
    current = receipts.locator(code)
    if candidate.receipt_locator != current:  # found under a retired SECRET_KEY
        AnonymousReport.objects.filter(pk=candidate.pk).update(receipt_locator=current)
        candidate.receipt_locator = current
    return candidate


def _message_body(body: Any) -> str:
    text = str(body or "").strip()
    if not text:
        raise InvalidInput([FieldProblem("body", _("is required"))])
    if len(text) > MAX_MESSAGE:
        raise InvalidInput([FieldProblem("body", _too_long(MAX_MESSAGE))])
    return text


def reporter_writes(*, report: AnonymousReport, body: str) -> ReportMessage:
    """A message from the anonymous reporter to the handlers."""
    return ReportMessage.objects.create(
        report=report,
        author=ReportMessage.Author.REPORTER,
        body=_message_body(body),
        sent_on=today(),
    )


def _require_handler(actor: Actor, report: AnonymousReport) -> None:
    if not policies.can_handle(actor, report):
        raise NotAllowed("only coordinators and investigators of the receiving organisation")


def _audit(actor: Actor, report: AnonymousReport, action: str, fields: list[str]) -> None:
    audit.record(
        actor=actor,
        action=action,
        object_type="anonymous_report",
        object_id=report.pk,
        owner_organisation=report.organisation.code if report.organisation else "",
        fields=fields,
    )


def handler_reads(*, actor: Actor, report: AnonymousReport) -> None:
    """Record in the audit log that a handler read the report and its messages."""
    _require_handler(actor, report)
    _audit(actor, report, "read", ["what_happened", "contact_preference", "messages"])


def handler_replies(*, actor: Actor, report: AnonymousReport, body: str) -> ReportMessage:
    """A handler's message, which the reporter will see with their receipt."""
    _require_handler(actor, report)
    message = ReportMessage.objects.create(
        report=report,
        author=ReportMessage.Author.HANDLER,
        handler=actor.user,
        body=_message_body(body),
        sent_on=today(),
    )
    _audit(actor, report, "update", ["messages"])
    return message


def change_stage(*, actor: Actor, report: AnonymousReport, stage: str) -> AnonymousReport:
    """Move the report to another handling stage (what the reporter sees)."""
    _require_handler(actor, report)
    if stage not in Stage.values:
        raise InvalidInput(
            [FieldProblem("stage", f"must be one of {', '.join(Stage.values)}", stage)]
        )
    if stage != report.stage:
        report.stage = stage
        report.stage_changed_on = today()
        report.save(update_fields=["stage", "stage_changed_on"])
        _audit(actor, report, "update", ["stage"])
    return report


def incident_data(report: AnonymousReport) -> dict[str, Any]:
    """The incident fields a report already gives (nothing to re-type)."""
    data: dict[str, Any] = {
        "source_id": f"anonymous:{report.pk}",
        "domain": DOMAIN_OF[Category(report.category)],
        "occurred_on": report.occurred_on,
        "occurred_precision": report.occurred_precision,
        "country": report.country,
        "narrative": report.what_happened,
        # WHO SSA grading: a report from an anonymous form is a rumour until verified.
        "certainty": "rumour",
    }
    if report.admin1_name:
        data["admin1_name"] = report.admin1_name
    return data


def to_incident(*, actor: Actor, report: AnonymousReport) -> tuple[Incident, bool]:
    """Turn the report into an incident of the receiving organisation and link them.
    Doing it twice returns the same incident."""
    _require_handler(actor, report)
    assert report.organisation is not None
    with transaction.atomic():
        incident, created = incidents.create(
            actor=actor,
            data=incident_data(report),
            organisation=report.organisation.code,
            raw_source={"intake": "anonymous", "anonymous_report": str(report.pk)},
        )
        report.incident = incident
        fields = ["incident"]
        if report.stage == Stage.RECEIVED:
            report.stage = Stage.UNDER_REVIEW
            report.stage_changed_on = today()
            fields += ["stage", "stage_changed_on"]
        report.save(update_fields=fields)
        _audit(actor, report, "update", ["incident"])
    return incident, created
