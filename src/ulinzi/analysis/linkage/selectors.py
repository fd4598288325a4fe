"""Reads of the linkage: the review queue and a cluster's sources, scoped by the reader."""

from __future__ import annotations

from django.db.models import QuerySet

from ulinzi.accounts.access import Actor
from ulinzi.analysis.linkage import policies
from ulinzi.analysis.linkage.models import ClusterMember, LinkRun, ReviewPair
from ulinzi.common.problems import NotAllowed, NotFound
from ulinzi.incidents import selectors as incident_selectors
from ulinzi.incidents.models import Incident


def review_queue(
    actor: Actor, *, decided: bool = False, sample: int | None = None
) -> QuerySet[ReviewPair]:
    """Pairs the actor may decide (pending ones, or decided ones when ``decided``; only
    those of clerical sample ``sample`` when given)."""
    if not policies.can_review_any(actor):
        raise NotAllowed("only coordinators review linkage pairs")
    seen = incident_selectors.visible(policies.reviewer_actor(actor)).values("pk")
    qs = ReviewPair.objects.filter(left__in=seen, right__in=seen)
    qs = (
        qs.exclude(decision=ReviewPair.Decision.PENDING)
        if decided
        else qs.filter(decision=ReviewPair.Decision.PENDING)
    )
    if sample is not None:
        qs = qs.filter(sample_id=sample)
    return qs.select_related("left__organisation", "right__organisation", "decided_by")


def review_pair(actor: Actor, pair_id: int) -> ReviewPair:
    """One pair the actor may decide, or :class:`NotFound` (existence never revealed)."""
    if not policies.can_review_any(actor):
        raise NotAllowed("only coordinators review linkage pairs")
    try:
        pair = ReviewPair.objects.select_related("left__organisation", "right__organisation").get(
            pk=pair_id
        )
    except (ReviewPair.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(f"no review pair {pair_id}") from exc
    if not policies.can_review(actor, pair):
        raise NotFound(f"no review pair {pair_id}")
    return pair


def sources_of(actor: Actor, incident: Incident) -> list[Incident]:
    """The reports linked with ``incident`` that the actor may see (itself included)."""
    member = ClusterMember.objects.filter(incident=incident).first()
    if member is None:
        return [incident]
    ids = ClusterMember.objects.filter(canonical_id=member.canonical_id).values("incident_id")
    return list(
        incident_selectors.visible(actor)
        .filter(pk__in=ids)
        .select_related("organisation")
        .order_by("created_at")
    )


def runs() -> QuerySet[LinkRun]:
    return LinkRun.objects.all()


def queued_runs() -> int:
    """Linkage runs asked for (``POST /api/v1/linkage/runs``, ``ulinzi link --queue``)
    that no worker has started yet."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from ulinzi.analysis.linkage.tasks import link_incidents

    return DBTaskResult.objects.filter(
        task_path=link_incidents.module_path, status=TaskResultStatus.READY
    ).count()
