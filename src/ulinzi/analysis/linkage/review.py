"""Writes of the review queue: pairs kept for a person to decide, and the decisions.

A decision takes effect at once on the two reports' clusters and binds every later run.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from ulinzi.accounts.access import Actor
from ulinzi.analysis.linkage import pipeline, policies
from ulinzi.analysis.linkage.models import ClusterMember, LinkRun, ReviewPair
from ulinzi.audit import services as audit
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed

BATCH = 2000


COMPETING = "competing candidates"


def evidence(row: Any, labels: dict[str, dict[int, str]]) -> list[dict[str, Any]]:
    """What a reviewer sees of a scored pair: the level and match weight of each
    comparison, and how much other candidates of the same source lower it."""
    out = [
        {
            "comparison": name[3:],
            "level": labels.get(name[3:], {}).get(int(getattr(row, "gamma_" + name[3:])), ""),
            "weight": float(getattr(row, name)),
        }
        for name in row._fields
        if name.startswith("mw_")
    ]
    own = float(getattr(row, "pair_probability", row.match_probability))
    if float(row.match_probability) < own:
        out.append(
            {
                "comparison": COMPETING,
                "level": f"{float(getattr(row, 'competing_odds', 0.0)):.3g}",
                "weight": round(_logit2(float(row.match_probability)) - _logit2(own), 3),
            }
        )
    return out


def _logit2(p: float) -> float:
    p = min(max(p, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def store(
    run: LinkRun | None,
    pairs: Any,
    labels: dict[str, dict[int, str]],
    extra: dict[tuple[str, str], dict[str, Any]] | None = None,
) -> int:
    """Write ``pairs`` (scored pairs) into the queue: new ones added, pending ones
    updated with this score; a decided pair keeps its decision. ``extra`` adds fields
    to some pairs (a clerical sample's marks)."""
    from ulinzi.analysis.linkage.services import chunks

    extra = extra or {}
    existing: dict[tuple[str, str], tuple[int, str]] = {}
    for chunk in chunks(set(pairs["unique_id_l"])):
        rows = ReviewPair.objects.filter(left_id__in=chunk).values_list(
            "pk", "left_id", "right_id", "decision"
        )
        existing.update({(str(a), str(b)): (pk, d) for pk, a, b, d in rows})
    new, updates, marks = [], [], []
    for row in pairs.itertuples(index=False):
        key = (row.unique_id_l, row.unique_id_r)
        fields = {
            "match_probability": float(row.match_probability),
            "match_weight": float(row.match_weight),
            "evidence": evidence(row, labels),
            "run": run,
        }
        if key in existing:
            pk, decision = existing[key]
            if decision == ReviewPair.Decision.PENDING:
                updates.append(ReviewPair(pk=pk, **fields))
            if key in extra:
                marks.append(ReviewPair(pk=pk, **extra[key]))
        else:
            new.append(ReviewPair(left_id=key[0], right_id=key[1], **fields, **extra.get(key, {})))
    ReviewPair.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    ReviewPair.objects.bulk_update(
        updates, ["match_probability", "match_weight", "evidence", "run"], batch_size=BATCH
    )
    if marks:
        ReviewPair.objects.bulk_update(marks, sorted(next(iter(extra.values()))), batch_size=BATCH)
    return len(pairs)


def queue(run: LinkRun, result: pipeline.Result) -> int:
    """Keep the pairs a person should decide (:meth:`pipeline.Result.review_pairs`)."""
    return store(run, result.review_pairs(), result.prediction.level_labels)


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
    from ulinzi.analysis.linkage.services import apply_clusters, expand

    consider = expand({left, right})
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
