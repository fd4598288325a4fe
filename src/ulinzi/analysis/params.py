"""The dashboard's filters and display choices, read from a query string and checked.

They build on :class:`ulinzi.incidents.filters.IncidentFilters` so that every number on
the dashboard can link to the incident list with exactly the same filters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.incidents.filters import NOT_RECORDED, IncidentFilters
from ulinzi.vocab import registry

# Statuses that count. Duplicates (the same event reported again) and rejected reports
# never count; drafts do, as the organisation has recorded them.
COUNTED_STATUSES = ("draft", "submitted", "verified")
EXCLUDED_STATUSES = ("duplicate", "rejected")
INTERVALS = ("month", "week")
STACKS = ("domain", "type")


def _all_type_codes() -> set[str]:
    codes: set[str] = set()
    for name in registry.DOMAIN_TYPES.values():
        codes.update(registry.get(name).codes())
    return codes


@dataclass(frozen=True)
class DashboardParams:
    """Filters (always limited to counted statuses) plus how to show time."""

    filters: IncidentFilters = field(
        default_factory=lambda: IncidentFilters(status=",".join(COUNTED_STATUSES))
    )
    interval: str = "month"
    stack: str = "domain"

    @classmethod
    def from_query(cls, params: Any) -> DashboardParams:
        """Read and check the query; every problem names its field."""
        problems: list[FieldProblem] = []
        try:
            filters = IncidentFilters.from_query(params)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            filters = IncidentFilters()
        interval = str(params.get("interval") or "month")
        if interval not in INTERVALS:
            problems.append(FieldProblem("interval", "must be month or week", interval))
        stack = str(params.get("stack") or "domain")
        if stack not in STACKS:
            problems.append(FieldProblem("stack", "must be domain or type", stack))
        for name, value, rule in filters.chosen():
            if rule.vocabulary is None or name == "status":  # status: see _status
                continue
            if value == NOT_RECORDED and rule.unrecorded:
                continue
            if value not in registry.get(rule.vocabulary):
                problems.append(FieldProblem(name, f"is not a {rule.vocabulary} code", value))
        if filters.type and filters.type != NOT_RECORDED:
            allowed = (
                set(registry.types_for(filters.domain).codes())
                if filters.domain in registry.DOMAIN_TYPES
                else _all_type_codes()
            )
            if filters.type not in allowed:
                problems.append(FieldProblem("type", "is not an incident type code", filters.type))
        if filters.country:
            if not re.fullmatch(r"[A-Za-z]{3}", filters.country):
                problems.append(
                    FieldProblem("country", "must be an ISO 3166 alpha-3 code", filters.country)
                )
            filters = replace(filters, country=filters.country.upper())
        if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
            problems.append(FieldProblem("date_to", "must not be before date_from"))
        status = _status(filters.status, problems)
        if problems:
            raise InvalidInput(problems)
        return cls(filters=replace(filters, status=status), interval=interval, stack=stack)

    def query(self, **changes: str | None) -> dict[str, str]:
        """The dashboard's own query (for its links), the default status left out."""
        out = self.filters.as_query()
        if out.get("status") == ",".join(COUNTED_STATUSES):
            del out["status"]
        if self.interval != "month":
            out["interval"] = self.interval
        if self.stack != "domain":
            out["stack"] = self.stack
        for key, value in changes.items():
            if value in (None, ""):
                out.pop(key, None)
            else:
                out[key] = str(value)
        return out


def _status(raw: str | None, problems: list[FieldProblem]) -> str:
    """The counted statuses, or the chosen subset of them."""
    if not raw:
        return ",".join(COUNTED_STATUSES)
    wanted = [s for s in raw.split(",") if s]
    bad = [s for s in wanted if s not in COUNTED_STATUSES]
    if bad:
        problems.append(
            FieldProblem(
                "status",
                "only draft, submitted and verified incidents are counted "
                "(duplicates and rejected reports never are)",
                raw,
            )
        )
    return ",".join(s for s in COUNTED_STATUSES if s in wanted) or ",".join(COUNTED_STATUSES)


def incident_list_url(filters: IncidentFilters, **changes: Any) -> str:
    """The incident list behind a number: the same filters, some replaced."""
    query = filters.as_query()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return reverse("incidents:list") + "?" + urlencode(query)
