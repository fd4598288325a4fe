"""Writes of the linkage: run it and apply its clusters to incidents (review decisions:
:mod:`.review`).

Applying clusters never deletes or rewrites a source report. Each non-canonical member
gets status "duplicate" (its previous status is kept in :class:`ClusterMember` and
restored if it is unlinked later); the canonical report may get a higher certainty when
independent sources agree (:mod:`.certainty`), its own grade kept beside it. Every change
leaves an ``IncidentChange`` row ("linked" / "unlinked").
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from ulinzi.analysis.linkage import backends, certainty, loading, pipeline, review
from ulinzi.analysis.linkage.models import ClusterMember, LinkRun, ReviewPair
from ulinzi.incidents import writes
from ulinzi.incidents.models import Incident, Status

log = logging.getLogger(__name__)
Progress = Callable[[str], None]
BATCH = 2000


@dataclass
class _Info:
    status: str
    certainty: str
    organisation: int
    verified: bool
    created: Any
    member: ClusterMember | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)


def chunks(ids: Iterable[str], size: int = 5000) -> Iterable[list[Any]]:
    """``ids`` in lists small enough for one ``IN (...)`` on every database."""
    items = list(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def latest_trained_model() -> tuple[dict[str, Any], str] | None:
    """The model of the last run trained on this deployment's data, and what it is."""
    run = LinkRun.objects.filter(state=LinkRun.State.DONE, trained=True).first()
    if run is None or not run.model:
        return None
    return run.model, (
        f"the model trained on this deployment's data in run {run.pk} "
        f"({run.started_at:%Y-%m-%d}, {run.reports:,} reports)"
    )


def expand(ids: set[str]) -> set[str]:
    """Add every member of a cluster any of ``ids`` belongs to (clusters are re-made whole)."""
    canon: set[str] = set()
    for chunk in chunks(ids):
        members = ClusterMember.objects.filter(incident_id__in=chunk)
        canon.update(str(c) for c in members.values_list("canonical_id", flat=True))
    extra: set[str] = set()
    for chunk in chunks(canon):
        members = ClusterMember.objects.filter(canonical_id__in=chunk)
        extra.update(str(i) for i in members.values_list("incident_id", flat=True))
    return ids | extra


def _decisions(ids: set[str]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    confirmed: list[tuple[str, str]] = []
    split: list[tuple[str, str]] = []
    decided = ReviewPair.objects.exclude(decision=ReviewPair.Decision.PENDING).values_list(
        "left_id", "right_id", "decision"
    )
    for left, right, decision in decided.iterator(chunk_size=5000):
        pair = (str(left), str(right))
        if pair[0] in ids and pair[1] in ids:
            (confirmed if decision == ReviewPair.Decision.CONFIRMED else split).append(pair)
    return confirmed, split


def run_linkage(
    *,
    country: str | None = None,
    since: date | None = None,
    threshold: float = pipeline.THRESHOLD,
    user: Any = None,
    progress: Progress | None = None,
    backend: backends.Backend | None = None,
) -> LinkRun:
    """Link the incidents in scope on ``backend`` (the configured engine when not
    given); return the finished (or failed) run."""
    say = progress or (lambda _m: None)
    run = LinkRun.objects.create(
        country=(country or "").upper(), since=since, threshold=threshold, started_by=user
    )
    try:
        qs = loading.scope(country=country, since=since)
        raw = loading.frame(qs)
        scope_ids = set(raw["unique_id"])
        consider = expand(scope_ids)
        missing = consider - scope_ids
        for chunk in chunks(missing):
            extra = loading.frame(loading.scope().filter(pk__in=chunk))
            raw = extra if raw.empty else (raw if extra.empty else _concat(raw, extra))
        say(f"{len(raw):,} reports to link")
        confirmed, split = _decisions(set(raw["unique_id"]))
        result = pipeline.run(
            raw,
            threshold=threshold,
            confirmed=confirmed,
            split=split,
            fallback=latest_trained_model(),
            backend=backend,
        )
        say(f"{len(result.pairs):,} pairs scored; {len(result.clusters()):,} clusters")
        linked, unlinked = apply_clusters(run, consider, result.clusters())
        queued = review.queue(run, result)
        run.reports = len(raw)
        run.pairs = len(result.pairs)
        run.clusters = len(result.clusters())
        run.linked, run.unlinked, run.review_pairs = linked, unlinked, queued
        run.trained = result.prediction.trained
        run.training_note = result.prediction.note
        run.model = result.prediction.model if result.prediction.trained else {}
        run.seconds = {k: round(v, 3) for k, v in result.seconds.items()}
        run.state = LinkRun.State.DONE
    except Exception as exc:
        log.exception("linkage run %s failed", run.pk)
        run.state = LinkRun.State.FAILED
        run.error = f"{type(exc).__name__}: {exc}"
    run.finished_at = timezone.now()
    run.save()
    return run


def _concat(a: Any, b: Any) -> Any:
    import pandas as pd

    return pd.concat([a, b], ignore_index=True)


def _own(item: _Info) -> str:
    """The report's own certainty grade (before any raise by linkage)."""
    return item.member.own_certainty if item.member is not None else item.certainty


def _is_canonical(uid: str, item: _Info) -> bool:
    return item.member is not None and str(item.member.canonical_id) == uid


def _choose_canonical(members: list[str], info: dict[str, _Info]) -> str:
    current = [m for m in members if _is_canonical(m, info[m])]
    if current:
        return min(current, key=lambda m: (info[m].created, m))
    return min(
        members,
        key=lambda m: (
            not info[m].verified,
            -certainty.RANK.get(_own(info[m]), 0),
            info[m].created,
            m,
        ),
    )


@transaction.atomic
def apply_clusters(
    run: LinkRun | None, consider: Iterable[str], clusters: list[list[str]]
) -> tuple[int, int]:
    """Make memberships match ``clusters`` for the incidents in ``consider``.

    Returns (reports newly marked duplicate or re-pointed, reports unlinked)."""
    consider = set(consider)
    info: dict[str, _Info] = {}
    for chunk in chunks(consider):
        for row in Incident.objects.filter(pk__in=chunk).values(
            "id", "status", "certainty", "organisation_id", "created_at"
        ):
            info[str(row["id"])] = _Info(
                status=row["status"],
                certainty=row["certainty"],
                organisation=row["organisation_id"],
                verified=row["status"] == Status.VERIFIED,
                created=row["created_at"],
            )
    for chunk in chunks(info):
        for member in ClusterMember.objects.filter(incident_id__in=chunk):
            info[str(member.incident_id)].member = member
            if member.prior_status == Status.VERIFIED:
                info[str(member.incident_id)].verified = True
    canonical_of: dict[str, str] = {}
    for group in clusters:
        group = [m for m in group if m in info]
        if len(group) < 2:
            continue
        canon = _choose_canonical(group, info)
        for m in group:
            canonical_of[m] = canon
    upserts: list[ClusterMember] = []
    own_of: dict[str, str] = {}
    deletes: list[str] = []
    linked = unlinked = 0
    for uid, item in info.items():
        new_canon = canonical_of.get(uid)
        old = item.member
        own = _own(item)
        own_of[uid] = own
        if new_canon is None:
            if old is None:
                continue
            deletes.append(uid)
            unlinked += 1
            if item.status == Status.DUPLICATE:
                _set(item, "status", old.prior_status or Status.SUBMITTED)
            if str(old.canonical_id) == uid and item.certainty != own:
                _set(item, "certainty", own)
            item.changes["canonical"] = [str(old.canonical_id), None]
            continue
        prior = old.prior_status if old else ""
        if uid == new_canon:
            if item.status == Status.DUPLICATE:
                _set(item, "status", prior or Status.SUBMITTED)
            prior = ""
        else:
            if item.status != Status.DUPLICATE:
                prior = item.status
                _set(item, "status", Status.DUPLICATE)
            if old is not None and str(old.canonical_id) == uid and item.certainty != own:
                _set(item, "certainty", own)  # no longer canonical: its own grade back
        if old is None or str(old.canonical_id) != new_canon:
            item.changes["canonical"] = [str(old.canonical_id) if old else None, new_canon]
            linked += 1
        upserts.append(
            ClusterMember(
                incident_id=uid,
                canonical_id=new_canon,
                run=run,
                prior_status=prior,
                own_certainty=own,
            )
        )
    members_of: dict[str, list[str]] = {}
    for uid, canon in canonical_of.items():
        members_of.setdefault(canon, []).append(uid)
    for canon, members in members_of.items():
        combined = certainty.combine(
            (info[m].organisation, own_of.get(m, info[m].certainty)) for m in members
        )
        target = certainty.higher(own_of.get(canon, info[canon].certainty), combined)
        if target != info[canon].certainty:
            _set(info[canon], "certainty", target)
            info[canon].changes["sources"] = [None, len({info[m].organisation for m in members})]
    for chunk in chunks(deletes):
        ClusterMember.objects.filter(incident_id__in=chunk).delete()
    ClusterMember.objects.bulk_create(
        upserts,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["incident"],
        update_fields=["canonical", "run", "prior_status", "own_certainty", "linked_at"],
    )
    _write_changes(run, info)
    return linked, unlinked


def _set(item: _Info, name: str, value: str) -> None:
    before = getattr(item, name)
    if before == value:
        return
    first = item.changes.get(name, [before, None])[0]
    item.changes[name] = [first, value]
    setattr(item, name, value)


def _write_changes(run: LinkRun | None, info: dict[str, _Info]) -> None:
    """Set the status and certainty linkage changed (no incident is loaded) and write
    their history lines and counting copy through the one writer."""
    changed = {uid: item for uid, item in info.items() if item.changes}
    if not changed:
        return
    user = run.started_by if run else None
    lines = []
    for uid, item in changed.items():
        unlinked = item.changes.get("canonical", [None, 1])[1] is None
        action = writes.UNLINKED if unlinked else writes.LINKED
        reason = f"linkage run {run.pk}" if run else "review decision"
        if "sources" in item.changes:
            reason += "; certainty from independent sources (SSA rule)"
        lines.append(writes.line(uid, action, item.changes, user=user, reason=reason))
    columns = {uid: {"status": i.status, "certainty": i.certainty} for uid, i in changed.items()}
    writes.set_columns(columns, lines)
