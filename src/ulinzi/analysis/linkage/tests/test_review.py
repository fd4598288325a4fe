"""Review decisions: applied at once, kept by later runs; certainty under the SSA rule."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import Organisation
from ulinzi.analysis.linkage import certainty, review, services
from ulinzi.analysis.linkage.models import ClusterMember, ReviewPair
from ulinzi.analysis.linkage.testing import load_synthetic
from ulinzi.common.problems import InvalidInput, NotAllowed
from ulinzi.incidents.models import Incident, IncidentChange

# Every synthetic source is a demo organisation whose health-care reports cluster's
# coordinator may see (its own, or shared with it).
SOURCES = {"moh": "cluster", "who": "who-ssa", "ngo": "amani", "media": "insecurity-insight",
           "cluster": "cluster"}  # fmt: skip


def _canonical(uid: Any) -> str:
    member = ClusterMember.objects.filter(incident_id=uid).first()
    return str(member.canonical_id) if member else str(uid)


def _pair(a: Any, b: Any) -> ReviewPair:
    """The review item for two reports (the linkage run may have queued it already)."""
    left, right = (UUID(x) for x in sorted([str(a), str(b)]))
    pair, _ = ReviewPair.objects.get_or_create(
        left_id=left,
        right_id=right,
        defaults={"match_probability": 0.7, "match_weight": 1.0},
    )
    return pair


@pytest.fixture
def linked(demo_orgs: dict[str, Organisation]) -> dict[str, int]:
    truth = load_synthetic(300, seed=31, orgs={s: demo_orgs[o] for s, o in SOURCES.items()})
    run = services.run_linkage()
    assert run.state == "done", run.error
    return truth


def test_split_and_confirm_survive_a_rerun(linked: dict[str, int], user: Any) -> None:
    coordinator = actor_for(user("coordinator"))
    member = ClusterMember.objects.exclude(incident_id=models_f("canonical_id")).first()
    assert member is not None
    a, b = member.incident_id, member.canonical_id
    split = review.decide(actor=coordinator, pair=_pair(a, b), decision="split")
    assert _canonical(a) != _canonical(b)

    lone = [i for i in Incident.objects.values_list("id", flat=True) if _canonical(i) == str(i)]
    lone = [i for i in lone if not ClusterMember.objects.filter(incident_id=i).exists()]
    c, d = lone[0], lone[1]
    review.decide(actor=coordinator, pair=_pair(c, d), decision="confirmed")
    assert _canonical(c) == _canonical(d)
    statuses = sorted(Incident.objects.filter(pk__in=[c, d]).values_list("status", flat=True))
    assert statuses == ["duplicate", "submitted"]

    run = services.run_linkage()
    assert run.state == "done", run.error
    assert _canonical(a) != _canonical(b)
    assert _canonical(c) == _canonical(d)
    split.refresh_from_db()
    assert split.decision == "split" and split.decided_by is not None


def test_only_a_coordinator_seeing_both_reports_decides(linked: dict[str, int], user: Any) -> None:
    ids = list(Incident.objects.values_list("id", flat=True)[:2])
    pair = _pair(*ids)
    with pytest.raises(NotAllowed):
        review.decide(actor=actor_for(user("analyst")), pair=pair, decision="split")
    with pytest.raises(InvalidInput):
        review.decide(actor=actor_for(user("coordinator")), pair=pair, decision="maybe")


def test_review_pages_for_coordinators_only(linked: dict[str, int], client: Any, user: Any) -> None:
    ids = list(Incident.objects.values_list("id", flat=True)[:2])
    pair = _pair(*ids)
    client.force_login(user("coordinator"))
    queue = client.get("/linkage/review/")
    assert queue.status_code == 200
    # The `linked` fixture's 300 reports are too few to train on: the page says so.
    assert "not trained on this deployment" in queue.content.decode()
    assert "fewer than the 1,500 EM needs" in queue.content.decode()
    page = client.get(f"/linkage/review/{pair.pk}/")
    assert page.status_code == 200 and b"Evidence" in page.content
    response = client.post(f"/linkage/review/{pair.pk}/decision/", {"decision": "split"})
    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.decision == "split"
    client.force_login(user("analyst"))
    assert client.get("/linkage/review/").status_code == 403
    assert client.get(f"/linkage/review/{pair.pk}/").status_code == 403
    # (a coordinator of an organisation that cannot see both: 404, in the access matrix)


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [
        ([("a", "possible")], "possible"),
        ([("a", "possible"), ("b", "possible")], "probable"),
        ([("a", "possible"), ("a", "possible")], "possible"),  # same source: not independent
        ([("a", "probable"), ("b", "possible")], "probable"),
        ([("a", "probable"), ("b", "probable")], "confirmed"),
        ([("a", "probable"), ("a", "probable")], "probable"),
        ([("a", "rumour"), ("b", "rumour")], "rumour"),
        ([("a", "confirmed"), ("b", "")], "confirmed"),
        ([("a", ""), ("b", "")], ""),
    ],
)
def test_ssa_certainty_rule(accounts: list[tuple[str, str]], expected: str) -> None:
    assert certainty.combine(accounts) == expected


def test_certainty_rises_with_independent_sources_and_falls_back_on_split(
    make_incident: Any, user: Any
) -> None:
    common = {"domain": "health_care_attack", "occurred_on": "2025-03-02", "country": "UKR"}
    a = make_incident("monitor", certainty="possible", **common)
    b = make_incident("monitor2", certainty="possible", **common)
    coordinator = actor_for(user("coordinator"))
    pair = review.decide(actor=coordinator, pair=_pair(a.pk, b.pk), decision="confirmed")
    canon = Incident.objects.get(pk=_canonical(a.pk))
    assert canon.certainty == "probable"
    assert IncidentChange.objects.filter(incident=canon, action="linked").exists()
    other = Incident.objects.get(pk=b.pk if canon.pk == a.pk else a.pk)
    assert other.status == "duplicate" and other.certainty == "possible"
    pair.refresh_from_db()
    review.decide(actor=coordinator, pair=pair, decision="split")
    canon.refresh_from_db()
    other.refresh_from_db()
    assert canon.certainty == "possible"
    assert other.status == "submitted"
    assert not ClusterMember.objects.filter(incident_id__in=[a.pk, b.pk]).exists()
    assert IncidentChange.objects.filter(incident=other, action="unlinked").exists()
