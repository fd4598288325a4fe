"""Linkage on the database: quality on generated truth, nothing lost, history kept."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.analysis.linkage import evaluate, services
from ulinzi.analysis.linkage.models import ClusterMember, LinkRun
from ulinzi.analysis.linkage.testing import load_synthetic
from ulinzi.incidents.models import Incident, IncidentChange

pytestmark = pytest.mark.django_db


def _labels(truth: dict[str, int]) -> tuple[list[str], list[str]]:
    canonical = {str(m.incident_id): str(m.canonical_id) for m in ClusterMember.objects.all()}
    ids = sorted(truth)
    return [canonical.get(i, i) for i in ids], [str(truth[i]) for i in ids]


def test_generated_reports_link_above_the_f1_bar() -> None:
    truth = load_synthetic(400, seed=21)
    run = services.run_linkage()
    assert run.state == LinkRun.State.DONE, run.error
    predicted, actual = _labels(truth)
    scores = evaluate.scores(predicted, actual)
    assert scores["pairwise_f1"] >= 0.95, scores
    assert run.clusters > 0 and run.linked > 0


def test_no_source_report_is_lost_and_every_link_is_in_the_history() -> None:
    truth = load_synthetic(300, seed=22)
    before = {
        str(i["id"]): i
        for i in Incident.objects.values("id", "organisation_id", "occurred_on", "types", "killed")
    }
    run = services.run_linkage()
    assert run.state == LinkRun.State.DONE, run.error
    after = {
        str(i["id"]): i
        for i in Incident.objects.values("id", "organisation_id", "occurred_on", "types", "killed")
    }
    assert after == before  # same rows, same content
    assert len(after) == len(truth)
    duplicates = Incident.objects.filter(status="duplicate")
    assert duplicates.exists()
    members = {str(m.incident_id): m for m in ClusterMember.objects.all()}
    for incident in duplicates:
        member = members[str(incident.pk)]
        assert member.canonical_id != incident.pk
        assert member.prior_status == "submitted"
        assert IncidentChange.objects.filter(incident=incident, action="linked").exists()
    # Every canonical is itself a member and not a duplicate.
    canon_ids = {m.canonical_id for m in members.values()}
    assert not Incident.objects.filter(pk__in=canon_ids, status="duplicate").exists()


def test_a_second_run_changes_nothing() -> None:
    load_synthetic(250, seed=23)
    services.run_linkage()
    changes = IncidentChange.objects.count()
    state = sorted(ClusterMember.objects.values_list("incident_id", "canonical_id"))
    run = services.run_linkage()
    assert run.state == LinkRun.State.DONE, run.error
    assert IncidentChange.objects.count() == changes
    assert sorted(ClusterMember.objects.values_list("incident_id", "canonical_id")) == state


def test_country_scope_only_touches_that_country(make_incident: Any) -> None:
    load_synthetic(250, seed=24)
    countries = sorted(set(Incident.objects.values_list("country", flat=True)))
    run = services.run_linkage(country=countries[0])
    assert run.state == LinkRun.State.DONE, run.error
    touched = set(Incident.objects.filter(status="duplicate").values_list("country", flat=True))
    assert touched == {countries[0]}
