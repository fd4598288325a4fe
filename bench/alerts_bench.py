"""``ulinzi bench alerts --subscriptions 10000``: from raising an alert to every matching
delivery queued, beside the bare database query that selects the matches.

Runs on a throwaway database of the configured kind (a SQLite file in WAL mode, or a
fresh PostgreSQL database), filled with generated subscriptions over one country:
P-codes (provinces and districts), circles (5–150 km) and a few "everywhere". Two alerts
are timed, several times each:

* ``district``: a flash alert on one district plus a 60 km circle (a typical alert);
* ``country``: a flash alert on the whole country, every domain, plus a 1,000 km
  circle, so every subscription matches (the worst case the target speaks of).

"raise" is ``services.raise_alert`` end to end: validation, the alert row, matching,
``bulk_create`` of every delivery, the send tasks (rows of the task queue), the audit
event, commit. "query" is the SQL that selects the matching subscriptions (the P-code /
everywhere query and the bounding-box query), executed and fetched on its own.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from ulinzi.commands.options import whole

TARGET_SECONDS = 1.0


def _populate(count: int, seed: int) -> None:
    from ulinzi.accounts import services as accounts
    from ulinzi.alerts.matching import bounding_box, domain_mask
    from ulinzi.alerts.models import Subscription, SubscriptionArea

    rng = random.Random(seed)
    orgs = [
        accounts.ensure_organisation(code=f"bench-{i}", name=f"Bench partner {i}", kind="ingo")
        for i in range(50)
    ]
    provinces = [f"UA{n:02d}" for n in range(1, 75, 3)]
    subs = []
    for i in range(count):
        kind = rng.random()
        pcodes: list[str] = []
        lat = lon = radius = None
        if kind < 0.5:
            for _ in range(rng.randint(1, 3)):
                province = rng.choice(provinces)
                pcodes.append(
                    province if rng.random() < 0.4 else f"{province}{rng.randint(1, 12):02d}"
                )
        elif kind < 0.98:
            lat, lon, radius = rng.uniform(44.5, 52), rng.uniform(22.5, 40), rng.uniform(5, 150)
        domains = rng.choice([[], ["health_care_attack"], ["protection", "gbv"]])
        sub = Subscription(
            organisation=orgs[i % len(orgs)],
            name=f"bench {i}",
            domains=domains,
            domain_mask=domain_mask(domains),
            min_severity="warning",
            min_severity_rank=2,
            pcodes=sorted(set(pcodes)),
            everywhere=not pcodes and lat is None,
            lat=lat,
            lon=lon,
            radius_km=radius,
            in_app=True,
            email=f"ops{i}@partner.test" if rng.random() < 0.3 else "",
            webhook_url=f"http://127.0.0.1:9/hook/{i}" if rng.random() < 0.2 else "",
            webhook_secret="bench-secret",
        )
        sub.has_email = bool(sub.email)
        if lat is not None and lon is not None and radius is not None:
            box = bounding_box(lat, lon, radius)
            sub.min_lat, sub.max_lat, sub.min_lon, sub.max_lon = (
                box.min_lat,
                box.max_lat,
                box.min_lon,
                box.max_lon,
            )
        subs.append(sub)
    created = Subscription.objects.bulk_create(subs, batch_size=1000)
    rows = [
        SubscriptionArea(subscription_id=s.pk, pcode=code) for s in created for code in s.pcodes
    ]
    SubscriptionArea.objects.bulk_create(rows, batch_size=2000)


def _raiser() -> Any:
    from ulinzi.accounts import services as accounts
    from ulinzi.accounts.access import actor_for

    org = accounts.ensure_organisation(code="bench-cluster", name="Bench cluster", kind="un_agency")
    user = accounts.ensure_user(
        username="bench-monitor", password="bench-only-pw", organisation=org, roles=["monitor"]
    )
    return actor_for(user)


SCENARIOS: dict[str, dict[str, Any]] = {
    "district": {"pcodes": ["UA4802"], "lat": 48.5, "lon": 32.3, "radius_km": 60},
    "country": {
        "pcodes": ["UA"],
        "lat": 48.5,
        "lon": 31.0,
        "radius_km": 1000,
        "domains": ["health_care_attack", "grave_violation", "gbv", "seah", "protection"],
    },
}


def _bare_query_seconds(area: Any) -> tuple[float, int]:
    """Execute and fetch the matching SQL (both queries), nothing else."""
    from django.db import connection

    from ulinzi.alerts.matching import FIELDS, circle_candidates, exact_query

    statements = [exact_query(area).values_list(*FIELDS).query.sql_with_params()]
    if area.has_circle:
        statements.append(
            circle_candidates(area)
            .values_list(*FIELDS, "lat", "lon", "radius_km")
            .query.sql_with_params()
        )
    rows = 0
    start = time.perf_counter()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return time.perf_counter() - start, rows


def _measure(actor: Any, name: str, spec: dict[str, Any], repeat: int) -> dict[str, Any]:
    from django.utils import timezone

    from ulinzi.alerts import services
    from ulinzi.alerts.delivery import area_of
    from ulinzi.alerts.models import Delivery

    raise_times, query_times = [], []
    matched = deliveries = tasks = candidates = 0
    for i in range(repeat):
        data = {
            "title": f"Bench alert {name} {i}",
            "threatened": "Hospitals and convoys in the area",
            "severity": "flash",
            "domains": ["health_care_attack"],
            "expires_at": (timezone.now() + timedelta(hours=6)).isoformat(),
            **spec,
        }
        start = time.perf_counter()
        alert = services.raise_alert(actor=actor, data=data)
        raise_times.append(time.perf_counter() - start)
        seconds, candidates = _bare_query_seconds(area_of(alert))
        query_times.append(seconds)
        matched = alert.matched
        queued = Delivery.objects.filter(alert=alert).exclude(channel="in_app")
        deliveries = Delivery.objects.filter(alert=alert).count()
        assert not queued.filter(task_id="").exists(), "a queued delivery has no task"
        tasks = len(set(queued.values_list("task_id", flat=True)))
    raise_s = statistics.median(raise_times)
    query_s = statistics.median(query_times)
    return {
        "scenario": name,
        "matched": matched,
        "candidates": candidates,
        "deliveries": deliveries,
        "tasks": tasks,
        "query_ms": query_s * 1000,
        "raise_ms": raise_s * 1000,
        "ratio": raise_s / query_s if query_s else float("inf"),
        "ok": raise_s < TARGET_SECONDS,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench alerts", description=__doc__)
    parser.add_argument("--subscriptions", type=whole(), default=10000)
    parser.add_argument("--repeat", type=whole(), default=5)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)

    from django.db import connection

    vendor = connection.vendor
    old_name = connection.settings_dict["NAME"]
    tmp = tempfile.TemporaryDirectory(prefix="ulinzi-bench-alerts-")
    if vendor == "sqlite":
        connection.settings_dict.setdefault("TEST", {})["NAME"] = str(
            Path(tmp.name) / "bench.sqlite3"
        )
    print(f"alerts benchmark on {vendor}: preparing a throwaway database…", flush=True)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        start = time.perf_counter()
        _populate(args.subscriptions, args.seed)
        actor = _raiser()
        print(
            f"{args.subscriptions} subscriptions generated in {time.perf_counter() - start:.1f} s; "
            f"each alert raised {args.repeat} times, medians shown",
            flush=True,
        )
        results = [_measure(actor, name, spec, args.repeat) for name, spec in SCENARIOS.items()]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"machine: {os.cpu_count()} cores, load average {load:.1f} when done")
    header = (
        f"{'alert':<9} {'matched':>8} {'deliveries':>10} {'tasks':>6} {'query ms':>9} "
        f"{'raise→queued ms':>16} {'ratio':>6}  target <1 s"
    )
    print(header)
    for r in results:
        print(
            f"{r['scenario']:<9} {r['matched']:>8} {r['deliveries']:>10} {r['tasks']:>6} "
            f"{r['query_ms']:>9.1f} {r['raise_ms']:>16.1f} {r['ratio']:>6.1f}  "
            f"{'met' if r['ok'] else 'MISSED'}"
        )
    return 0 if all(r["ok"] for r in results) else 1
