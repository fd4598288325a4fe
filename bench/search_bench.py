"""``ulinzi bench search --incidents 20000``: the incident list's text search.

Builds a fresh SQLite database in a temporary data directory (or uses ``DATABASE_URL``),
loads the demo organisations and ``--incidents`` incidents of ``cluster``, each with a
narrative (encrypted like every narrative), then times for the cluster's monitor, in one
run, the list's first page with its count:

- the baseline: no search;
- a search by a place word (SQL only, no narrative decrypted for an analyst);
- a search by a narrative word (the monitor may read narratives: up to
  ``NARRATIVE_SCAN_LIMIT`` of them are decrypted and scanned).

It prints milliseconds (median of ``--repeat`` runs) and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from ulinzi.commands.options import whole


def _timed(fn: Callable[[], Any], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench search", description=__doc__)
    parser.add_argument("--incidents", type=whole(), default=20_000)
    parser.add_argument("--repeat", type=whole(), default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("ULINZI_DATA_DIR", tempfile.mkdtemp(prefix="ulinzi-bench-search-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.demo.organisations import load_organisations
    from ulinzi.incidents import search, selectors
    from ulinzi.incidents.models import Incident

    call_command("migrate", verbosity=0)
    orgs = load_organisations()
    Incident.objects.filter(organisation=orgs["cluster"]).delete()
    places = ["Kharkivska", "Odeska", "Khartoum", "Darfur", "Gaza", "Kivu"]
    start = date(2020, 1, 1)
    rows = [
        Incident(
            organisation=orgs["cluster"],
            domain="protection",
            country="UKR",
            occurred_on=start + timedelta(days=i % 1800),
            admin1_name=places[i % len(places)],
            narrative=f"Report {i}: families left after threats near the checkpoint"
            + (" and the bridge was shelled" if i % 97 == 0 else ""),
        )
        for i in range(args.incidents)
    ]
    Incident.objects.bulk_create(rows, batch_size=2000)

    def listing(who: Any, text: str) -> int:
        found = search.search(who, selectors.visible(who), text)
        page = list(search.order(found.incidents, search.DEFAULT_SORT)[:50])
        return found.incidents.count() + len(page)

    monitor = actor_for(User.objects.get(username="monitor"))
    analyst = actor_for(User.objects.get(username="analyst"))
    cases = [
        ("no search (baseline)", monitor, ""),
        ("place word, analyst (no narratives)", analyst, "khartoum"),
        ("place word, monitor (narratives scanned)", monitor, "khartoum"),
        ("narrative word, monitor", monitor, "shelled"),
    ]
    baseline = 0.0
    print(
        f"Incident list search over {args.incidents:,} incidents "
        f"(scan limit {search.NARRATIVE_SCAN_LIMIT:,}), median of {args.repeat}:"
    )
    for name, who, text in cases:
        ms = _timed(lambda who=who, text=text: listing(who, text), args.repeat)
        baseline = baseline or ms
        print(f"  {name:45} {ms:9.1f} ms   × {ms / baseline:5.1f}", flush=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"  load average while measuring: {load}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
