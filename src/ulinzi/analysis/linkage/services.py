"""Writes of the linkage: run it, apply clusters to incidents, record review decisions.

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
from django.db.models import F
from django.utils import timezone

from ulinzi.accounts.access import Actor
from ulinzi.analysis.linkage import certainty, loading, pipeline, policies
from ulinzi.analysis.linkage.models import ClusterMember, LinkRun, ReviewPair
from ulinzi.audit import services as audit
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed
from ulinzi.incidents import facts
from ulinzi.incidents.models import Incident, IncidentChange, Status

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


def _chunks(ids: Iterable[str], size: int = 5000) -> Iterable[list[Any]]:
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


def _expand(ids: set[str]) -> set[str]:
    """Add every member of a cluster any of ``ids`` belongs to (clusters are re-made whole)."""
    canon: set[str] = set()
    for chunk in _chunks(ids):
        members = ClusterMember.objects.filter(incident_id__in=chunk)
        canon.update(str(c) for c in members.values_list("canonical_id", flat=True))
    extra: set[str] = set()
    for chunk in _chunks(canon):
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
) -> LinkRun:
    """Link the incidents in scope; return the finished (or failed) run."""
    say = progress or (lambda _m: None)
    run = LinkRun.objects.create(
        country=(country or "").upper(), since=since, threshold=threshold, started_by=user
    )
    try:
        qs = loading.scope(country=country, since=since)
        raw = loading.frame(qs)
        scope_ids = set(raw["unique_id"])
        consider = _expand(scope_ids)
        missing = consider - scope_ids
        for chunk in _chunks(missing):
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
        )
        say(f"{len(result.pairs):,} pairs scored; {len(result.clusters()):,} clusters")
        linked, unlinked = apply_clusters(run, consider, result.clusters())
        queued = _queue_review(run, result)
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
    for chunk in _chunks(consider):
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
    for chunk in _chunks(info):
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
    now = timezone.now()
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
    for chunk in _chunks(deletes):
        ClusterMember.objects.filter(incident_id__in=chunk).delete()
    ClusterMember.objects.bulk_create(
        upserts,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["incident"],
        update_fields=["canonical", "run", "prior_status", "own_certainty", "linked_at"],
    )
    _write_changes(run, info, now)
    return linked, unlinked


def _set(item: _Info, name: str, value: str) -> None:
    before = getattr(item, name)
    if before == value:
        return
    first = item.changes.get(name, [before, None])[0]
    item.changes[name] = [first, value]
    setattr(item, name, value)


def _write_changes(run: LinkRun | None, info: dict[str, _Info], now: Any) -> None:
    changed = {uid: item for uid, item in info.items() if item.changes}
    if not changed:
        return
    incidents = [i for chunk in _chunks(changed) for i in Incident.objects.filter(pk__in=chunk)]
    for incident in incidents:
        item = changed[str(incident.pk)]
        incident.status = item.status
        incident.certainty = item.certainty
        incident.updated_at = now
        incident.version = F("version") + 1  # type: ignore[assignment]
    Incident.objects.bulk_update(
        incidents, ["status", "certainty", "updated_at", "version"], batch_size=BATCH
    )
    facts.refresh([i.pk for i in incidents])
    user = run.started_by if run else None
    history = []
    for uid, item in changed.items():
        action = "unlinked" if item.changes.get("canonical", [None, 1])[1] is None else "linked"
        reason = f"linkage run {run.pk}" if run else "review decision"
        if "sources" in item.changes:
            reason += "; certainty from independent sources (SSA rule)"
        history.append(
            IncidentChange(
                incident_id=uid,
                user=user,
                username=user.username if user else "",
                action=action,
                changes=item.changes,
                reason=reason,
            )
        )
    IncidentChange.objects.bulk_create(history, batch_size=BATCH)


def _queue_review(run: LinkRun, result: pipeline.Result) -> int:
    """Keep the uncertain pairs for review; decided pairs keep their decision."""
    band = result.review_pairs()
    mw_cols = [c for c in band.columns if c.startswith("mw_")]
    labels = result.prediction.level_labels
    existing: dict[tuple[str, str], tuple[int, str]] = {}
    for chunk in _chunks(set(band["unique_id_l"])):
        rows = ReviewPair.objects.filter(left_id__in=chunk).values_list(
            "pk", "left_id", "right_id", "decision"
        )
        existing.update({(str(a), str(b)): (pk, d) for pk, a, b, d in rows})
    new, updates = [], []
    for row in band.itertuples(index=False):
        evidence = [
            {
                "comparison": c[3:],
                "level": labels.get(c[3:], {}).get(int(getattr(row, "gamma_" + c[3:])), ""),
                "weight": float(getattr(row, c)),
            }
            for c in mw_cols
        ]
        key = (row.unique_id_l, row.unique_id_r)
        fields = {
            "match_probability": float(row.match_probability),
            "match_weight": float(row.match_weight),
            "evidence": evidence,
            "run": run,
        }
        if key in existing:
            pk, decision = existing[key]
            if decision == ReviewPair.Decision.PENDING:
                updates.append(ReviewPair(pk=pk, **fields))
        else:
            new.append(ReviewPair(left_id=key[0], right_id=key[1], **fields))
    ReviewPair.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    ReviewPair.objects.bulk_update(
        updates, ["match_probability", "match_weight", "evidence", "run"], batch_size=BATCH
    )
    return len(band)


@transaction.atomic
def decide(*, actor: Actor, pair: ReviewPair, decision: str, note: str = "") -> ReviewPair:
    """Confirm (same incident) or split (different incidents) a pair; applied at once to
    the clusters of the two reports, and binding on every later run."""
    if decision not in (ReviewPair.Decision.CONFIRMED, ReviewPair.Decision.SPLIT):
        raise InvalidInput([FieldProblem("decision", "must be 'confirmed' or 'split'", decision)])
    if not policies.can_review(actor, pair):
        raise NotAllowed("only a coordinator of an organisation that sees both reports can decide")
    pair.decision = decision
    pair.note = (note or "").strip()[:2000]
    pair.decided_by = actor.user
    pair.decided_at = timezone.now()
    pair.save()
    _apply_decision(pair)
    audit.record(
        actor=actor,
        action="update",
        object_type="linkage_review_pair",
        object_id=pair.pk,
        owner_organisation=pair.left.organisation.code,
        fields=["decision"],
    )
    return pair


def _apply_decision(pair: ReviewPair) -> None:
    """Re-make the clusters of the two reports now, with the decision as a constraint."""
    left, right = str(pair.left_id), str(pair.right_id)
    consider = _expand({left, right})
    canonical = {
        str(m.incident_id): str(m.canonical_id)
        for m in ClusterMember.objects.filter(incident_id__in=list(consider))
    }
    groups: dict[str, set[str]] = {}
    for uid in consider:
        groups.setdefault(canonical.get(uid, uid), set()).add(uid)
    cl, cr = canonical.get(left, left), canonical.get(right, right)
    if pair.decision == ReviewPair.Decision.CONFIRMED and cl != cr:
        groups[cl] |= groups.pop(cr)
    elif pair.decision == ReviewPair.Decision.SPLIT and cl == cr:
        # Take the one that is not the canonical out; the next run re-clusters properly.
        out = right if cl != right else left
        groups[cl].discard(out)
        groups[out] = {out}
    apply_clusters(None, consider, [sorted(g) for g in groups.values()])
