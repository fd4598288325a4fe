"""The one writer of incidents: their rows, their type and resource codes
(:class:`IncidentTerm`), their history (:class:`IncidentChange`, one format) and their
counting copy (:class:`IncidentFact`, through :func:`count`).

Who decides what to write calls this module and nothing else that writes incidents:
the services (API and forms), the importer, linkage and the generator. Each function
writes inside the caller's transaction.

History has one format. A line has an action (:data:`ACTIONS`), the user, a reason
(free text, encrypted) and ``changes``: incident field → ``[old, new]`` as JSON values,
where a sensitive field shows only that it was given or changed. Linkage adds two
entries of its own: ``canonical`` (the record a duplicate counts under) and ``sources``
(how many organisations its certainty rests on).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import F
from django.utils import timezone

from ulinzi.common import crypto, versioning
from ulinzi.incidents import facts
from ulinzi.incidents.models import Incident, IncidentChange, IncidentFact, IncidentTerm
from ulinzi.incidents.tables import Table, ordered_ids

# Fields whose values the history never keeps (only that they were set or changed).
SENSITIVE = ("narrative",)
CREATED, UPDATED, VERIFIED, REJECTED = "created", "updated", "verified", "rejected"
IMPORTED, LINKED, UNLINKED = "imported", "linked", "unlinked"
# Every action a history line can have (each has its words in the history_action filter).
ACTIONS = (CREATED, UPDATED, VERIFIED, REJECTED, IMPORTED, LINKED, UNLINKED)
KEPT_WHOLE = "(previous version kept)"
# Left out of the whole previous version a re-import keeps: the record's identity.
NOT_IN_PREVIOUS = frozenset({"id", "organisation"})
BATCH = 900  # ids per IN (...): below SQLite's oldest limit of variables


def jsonable(value: Any) -> Any:
    """A field's value as the history keeps it (dates and times as ISO text, UUIDs as
    text)."""
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def shown(name: str, old: Any, new: Any) -> list[Any]:
    """One field's entry in a history line: ``[old, new]``; a sensitive field only as
    changed, the source row as replaced."""
    if name in SENSITIVE:
        return ["(hidden)", "(changed)"]
    if name == "raw_source":
        return ["(source row)", "(new source row)"]
    return [jsonable(old), jsonable(new)]


def given(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The changes of a new record: every field given a value (a sensitive one as
    given)."""
    return {
        k: [None, "(set)" if k in SENSITIVE else jsonable(v)]
        for k, v in values.items()
        if v not in (None, "", [])
    }


def imported(label: str, row: int) -> dict[str, list[Any]]:
    """The changes of a record created by an import: where it came from (``label``, the
    import run) and its row in the file."""
    return {"imported": [None, label], "row": [None, row]}


def source_replaced(row: int) -> list[Any]:
    """The source row's entry in a re-import's history line: the previous version is
    kept whole in the line, the new one came from ``row`` of the file."""
    return [KEPT_WHOLE, f"row {row}"]


def line(
    incident_id: Any,
    action: str,
    changes: Mapping[str, Any],
    *,
    user: Any = None,
    reason: str = "",
    previous: dict[str, Any] | None = None,
) -> IncidentChange:
    """One history line (unsaved), in the one format."""
    if action not in ACTIONS:
        raise ValueError(f"unknown history action {action!r}")
    return IncidentChange(
        incident_id=incident_id,
        user=user,
        username=user.username if user else "",
        action=action,
        changes=dict(changes),
        reason=reason,
        previous=previous,
    )


def count(ids: Iterable[Any]) -> None:
    """Bring the counting copy of these incidents in step with their rows (the one place
    that does; :mod:`ulinzi.incidents.facts` says how values are counted)."""
    facts.refresh(ids)


def _terms(pairs: Iterable[tuple[Any, Sequence[str], Sequence[str]]]) -> list[IncidentTerm]:
    out: list[IncidentTerm] = []
    for pk, types, resources in pairs:
        out.extend(IncidentTerm(incident_id=pk, kind="type", code=c) for c in types or ())
        out.extend(IncidentTerm(incident_id=pk, kind="resource", code=c) for c in resources or ())
    return out


def _replace_terms(codes: Mapping[Any, tuple[Sequence[str], Sequence[str]]]) -> None:
    ids = list(codes)
    for start in range(0, len(ids), BATCH):
        IncidentTerm.objects.filter(incident_id__in=ids[start : start + BATCH]).delete()
    IncidentTerm.objects.bulk_create(
        _terms((pk, t, r) for pk, (t, r) in codes.items()), batch_size=BATCH // 3
    )


# One record at a time (the services: API and forms) ------------------------------------


def create(incident: Incident, *, user: Any, changes: Mapping[str, Any]) -> None:
    """Insert a new incident (``changes`` as :func:`given` makes them), its codes, its
    first history line and its counting copy."""
    incident.save()  # the counting copy follows from the save (incidents.apps)
    IncidentTerm.objects.bulk_create(_terms([(incident.pk, incident.types, incident.resources)]))
    line(incident.pk, CREATED, changes, user=user).save()


def commit(
    incident: Incident, action: str, changes: Mapping[str, Any], *, user: Any, reason: str = ""
) -> None:
    """Write a change to a recorded incident, locked by the caller: its next version, the
    row, its codes when types or resources changed, a history line; its counting copy
    follows from the save."""
    versioning.save(incident)
    if "types" in changes or "resources" in changes:
        _replace_terms({incident.pk: (incident.types, incident.resources)})
    line(incident.pk, action, changes, user=user, reason=reason).save()


# Many records by id, without model objects (re-imports, linkage) -----------------------


@dataclass
class Revision:
    """New values for some fields of one incident, and how its history shows them."""

    pk: Any
    values: dict[str, Any]
    changes: dict[str, Any]
    reason: str = ""


def revise(revisions: Sequence[Revision], *, action: str = IMPORTED, user: Any = None) -> None:
    """Apply each revision to its incident and keep, in the history line, the whole
    record as it was (read once per batch, narrative and source row included)."""
    if not revisions:
        return
    names = [f.attname for f in Incident._meta.concrete_fields]
    ids = [r.pk for r in revisions]
    before: dict[Any, dict[str, Any]] = {}
    for start in range(0, len(ids), BATCH):
        rows = Incident.objects.filter(pk__in=ids[start : start + BATCH]).values(*names)
        before.update({row["id"]: row for row in rows})
    now = timezone.now()
    lines = []
    terms: dict[Any, tuple[Sequence[str], Sequence[str]]] = {}
    after = []
    for r in revisions:
        old = before[r.pk]
        Incident.objects.filter(pk=r.pk).update(
            **r.values, updated_at=now, version=F("version") + 1
        )
        new = {**old, **r.values, "pk": r.pk}
        if "types" in r.values or "resources" in r.values:
            terms[r.pk] = (new["types"], new["resources"])
        after.append(new)
        previous = {
            f.attname: jsonable(old[f.attname])
            for f in Incident._meta.concrete_fields
            if f.name not in NOT_IN_PREVIOUS
        }
        lines.append(line(r.pk, action, r.changes, user=user, reason=r.reason, previous=previous))
    if terms:
        _replace_terms(terms)
    for start in range(0, len(ids), BATCH):
        IncidentFact.objects.filter(incident_id__in=ids[start : start + BATCH]).delete()
    facts.write(after)
    IncidentChange.objects.bulk_create(lines, batch_size=BATCH // 9)


def set_columns(values: Mapping[Any, Mapping[str, Any]], lines: Sequence[IncidentChange]) -> None:
    """Set a few plain columns (status, certainty…) of many incidents, one ``UPDATE`` per
    distinct set of values (nothing is loaded, nothing decrypted), and write their
    history lines and counting copy."""
    if not values:
        return
    now = timezone.now()
    groups: dict[tuple[tuple[str, Any], ...], list[Any]] = {}
    for pk, new in values.items():
        groups.setdefault(tuple(sorted(new.items())), []).append(pk)
    for group, ids in groups.items():
        for start in range(0, len(ids), BATCH):
            Incident.objects.filter(pk__in=ids[start : start + BATCH]).update(
                **dict(group), updated_at=now, version=F("version") + 1
            )
    count(values)
    IncidentChange.objects.bulk_create(lines, batch_size=BATCH // 9)


# New records in bulk -------------------------------------------------------------------


def insert(incidents: Sequence[Incident]) -> None:
    """Insert new incidents built as model objects (generated data, tests), their codes
    and counting copy; no history (nobody recorded them)."""
    Incident.objects.bulk_create(incidents, batch_size=BATCH // 2)
    IncidentTerm.objects.bulk_create(
        _terms((i.pk, i.types, i.resources) for i in incidents), batch_size=BATCH // 3
    )
    facts.write({name: getattr(i, name) for name in facts.SOURCE_FIELDS} for i in incidents)


# incident row, term rows, history row, fact row, the fact's area (key, P-code, name)
Built = tuple[
    tuple[Any, ...], list[tuple[Any, ...]], tuple[Any, ...], tuple[Any, ...], tuple[int, str, str]
]


class BulkWriter:
    """Imported rows of one organisation's dataset as inserted rows (incident, codes,
    history line, counting copy), built apart from the insert so that a thread can
    build the next batch while one is written."""

    def __init__(self, organisation_id: int, dataset: str = "") -> None:
        self.incidents = Table(Incident)
        self.terms = Table(IncidentTerm)
        self.changes = Table(IncidentChange)
        self.facts = Table(IncidentFact)
        self.base = self.incidents.prepared_defaults()
        self.base["organisation_id"] = organisation_id
        self.base["dataset"] = dataset
        self.pg = connection.vendor == "postgresql"

    def rows(
        self, items: Sequence[tuple[dict[str, Any], dict[str, Any], int]], now: datetime, label: str
    ) -> list[Built]:
        """The insert values of each (cleaned values, raw source row, row number) of an
        import ``label``."""
        head = json.dumps(imported(label, 0), ensure_ascii=False).rsplit("0]}", 1)[0]
        stamp = self.incidents.prepare("created_at", now)
        at = self.changes.prepare("at", now)
        encrypt = crypto.encrypter()
        base = dict(self.base, created_at=stamp, updated_at=stamp)
        get = self.incidents.getter
        fact_row = self.facts.getter
        pg = self.pg
        out: list[Built] = []
        dumps = json.dumps
        ids = ordered_ids(len(items))
        for (cleaned, raw, row), key in zip(items, ids, strict=True):
            rec = {**base, **cleaned}
            db_key: Any = key if pg else key.hex
            rec["id"] = db_key
            types = cleaned.get("types") or []
            resources = cleaned.get("resources") or []
            fact, area = facts.fact_values(
                {**rec, "pk": key, "types": types, "resources": resources}
            )
            fact["incident_id"] = db_key
            if not pg:
                rec["occurred_on"] = fact["occurred_on"] = rec["occurred_on"].isoformat()
            rec["types"] = dumps(types)
            rec["resources"] = dumps(resources)
            victims = cleaned.get("victims")
            rec["victims"] = dumps(victims) if victims else "[]"
            rec["raw_source"] = encrypt(dumps(raw, ensure_ascii=False))
            if rec["narrative"]:
                rec["narrative"] = encrypt(rec["narrative"])
            terms = [(db_key, "type", code) for code in types]
            terms.extend((db_key, "resource", code) for code in resources)
            change_row = (db_key, at, None, "", IMPORTED, f"{head}{row}]}}", "", None)
            out.append((get(rec), terms, change_row, fact_row(fact), area))
        return out

    def insert(self, built: Sequence[Built]) -> None:
        """Insert the rows :meth:`rows` built (one statement or COPY per table)."""
        self.incidents.insert([b[0] for b in built])
        self.terms.insert([t for b in built for t in b[1]])
        self.changes.insert([b[2] for b in built])
        facts.add_areas(b[4] for b in built)
        self.facts.insert([b[3] for b in built])
