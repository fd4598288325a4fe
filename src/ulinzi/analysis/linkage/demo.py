"""Demo linkage: the same incidents reported by two organisations, one finished run,
and a clerical sample of WHO SSA x Insecurity Insight pairs in the review queue.

The run links the public datasets (WHO SSA attacks to Insecurity Insight reports of the
same day and country, docs/linkage.md). Beside them, Amani's monitor reports some of the
grave violations and protection incidents that the cluster generated, as a second
monitor who heard of the same event would: a third as they were, a third with the date a
day or two off and a count that differs, a third a week off with the perpetrator
unknown. The run links most of the first kind (the rest and most of the second wait for
review) and keeps the third apart. Safe to run again: nothing is duplicated and no
second run or sample is made.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import User
from ulinzi.analysis.linkage import sample, services
from ulinzi.analysis.linkage.models import ClericalSample, LinkRun
from ulinzi.demo.generated import NARRATIVE
from ulinzi.incidents import services as incidents
from ulinzi.incidents.models import Incident

ECHOES = 120
SAMPLE = 200
SAMPLED = ("who-ssa", "insecurity-insight")


def _echo(n: int, original: Incident, rng: random.Random) -> dict[str, Any]:
    data: dict[str, Any] = {
        "source_id": f"demo-echo-{n:04d}",
        "domain": original.domain,
        "types": list(original.types),
        "occurred_on": original.occurred_on,
        "occurred_precision": original.occurred_precision,
        "country": original.country,
        "admin1_pcode": original.admin1_pcode,
        "admin1_name": original.admin1_name,
        "cause": original.cause,
        "certainty": original.certainty,
        "perpetrator": original.perpetrator,
        "killed": original.killed,
        "injured": original.injured,
        "narrative": NARRATIVE,
    }
    if n % 3 == 1:
        data["occurred_on"] = original.occurred_on + timedelta(days=rng.choice([-2, -1, 1, 2]))
        data["injured"] = (original.injured or 0) + 1
    elif n % 3 == 2:
        data["occurred_on"] = original.occurred_on + timedelta(days=rng.choice([-6, -4, 4, 6]))
        data.update(perpetrator="unknown", killed=None, injured=None)
    return data


def echo_reports(count: int = ECHOES, seed: int = 2026) -> int:
    """Amani's own reports of ``count`` of the cluster's generated incidents; new ones."""
    rng = random.Random(seed)
    amani = actor_for(User.objects.get(username="monitor2"))
    originals = Incident.objects.filter(
        organisation__code="cluster",
        source_id__startswith="demo-",
        domain__in=["grave_violation", "protection"],
    ).order_by("source_id")[:count]
    created = 0
    for n, original in enumerate(originals):
        _, new = incidents.create(actor=amani, data=_echo(n, original, rng))
        created += int(new)
    return created


def load(echo: Callable[[str], None]) -> LinkRun:
    """The echo reports and one finished linkage run (the first one, kept)."""
    new = echo_reports()
    echo(f"second reports of the same incidents by amani: {new} new")
    run = LinkRun.objects.filter(state=LinkRun.State.DONE).first()
    if run is None:
        run = services.run_linkage()
        if run.state != LinkRun.State.DONE:
            echo(f"linkage run failed: {run.error}")
            return run
    echo(
        f"linkage run {run.pk}: {run.reports} reports, {run.linked} linked, "
        f"{run.review_pairs} pairs to review"
    )
    with_reports = Incident.objects.filter(organisation__code__in=SAMPLED)
    present = set(with_reports.values_list("organisation__code", flat=True).distinct())
    if present == set(SAMPLED) and not ClericalSample.objects.exists():
        drawn = sample.draw(n=SAMPLE, organisations=SAMPLED)
        queued = sum(b["drawn"] for b in drawn.bands.values())
        echo(f"clerical sample {drawn.pk}: {queued} WHO SSA x Insecurity Insight pairs to review")
    return run
