"""Pages that wait on background work say when no worker has been seen recently."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ulinzi.worker import heartbeat
from ulinzi.worker.models import Heartbeat

pytestmark = pytest.mark.django_db

NOTICE = "No background worker has been seen recently."
START = "<code>ulinzi worker</code>"


def _seen(seconds_ago: float) -> None:
    moment = timezone.now() - timedelta(seconds=seconds_ago)
    heartbeat.beat("w1", started_at=moment, now=moment)


def _page(user: Any, username: str, path: str) -> str:
    client = Client()
    client.force_login(user(username))
    answer = client.get(path)
    assert answer.status_code == 200, path
    return answer.content.decode()


def _shown(html: str) -> bool:
    """Whether the notice is on the page and not hidden."""
    if NOTICE not in html:
        return False
    tag = html[html.rindex("<div", 0, html.index(NOTICE)) : html.index(NOTICE)]
    return "data-worker-notice" in tag and " hidden" not in tag.split(">")[0]


@pytest.fixture
def queued_run(demo_orgs: Any, user: Any) -> Any:
    from ulinzi.intake.models import ImportRun

    return ImportRun.objects.create(
        organisation=demo_orgs["cluster"],
        file_name="partner.csv",
        file_sha256="0" * 64,
        fmt="hxl",
        status=ImportRun.Status.QUEUED,
        requested_by=user("monitor"),
    )


def test_a_queued_import_says_no_worker_runs_until_one_is_seen(queued_run: Any, user: Any) -> None:
    path = f"/imports/{queued_run.pk}/"
    html = _page(user, "monitor", path)
    assert _shown(html) and START in html and "last seen" not in html  # never seen

    _seen(heartbeat.stale_seconds() + 5)  # killed a while ago: its row is left
    html = _page(user, "monitor", path)
    assert _shown(html) and "One was last seen at" in html

    _seen(1)
    assert not _shown(_page(user, "monitor", path))


def test_the_progress_the_page_polls_says_whether_a_worker_is_seen(
    queued_run: Any, user: Any
) -> None:
    client = Client()
    client.force_login(user("monitor"))
    url = f"/imports/{queued_run.pk}/progress/"
    assert client.get(url).json()["worker_seen"] is False
    _seen(2)
    assert client.get(url).json()["worker_seen"] is True


def test_a_finished_import_needs_no_worker(queued_run: Any, user: Any) -> None:
    queued_run.status = "done"
    queued_run.save()
    assert NOTICE not in _page(user, "monitor", f"/imports/{queued_run.pk}/")


def test_alert_emails_waiting_to_be_sent_say_no_worker_runs(user: Any) -> None:
    from ulinzi.accounts.access import actor_for
    from ulinzi.alerts import services
    from ulinzi.alerts.models import Delivery

    services.create_subscription(
        actor=actor_for(user("coordinator2")),
        data={"name": "Kharkiv by email", "pcodes": ["UA63"], "email": "c2@amani.example.org"},
    )
    alert = services.raise_alert(
        actor=actor_for(user("monitor")),
        data={
            "title": "Shelling near the district hospital",
            "threatened": "District hospital",
            "severity": "warning",
            "domains": ["health_care_attack"],
            "pcodes": ["UA63"],
            "expires_at": (timezone.now() + timedelta(hours=6)).isoformat(),
        },
    )
    path = f"/alerts/{alert.pk}/"
    assert _shown(_page(user, "monitor", path))
    _seen(3)
    assert not _shown(_page(user, "monitor", path))

    Heartbeat.objects.all().delete()
    Delivery.objects.filter(alert=alert).update(state="sent")  # nothing waits any more
    assert NOTICE not in _page(user, "monitor", path)


def test_a_queued_linkage_run_says_no_worker_runs(user: Any) -> None:
    from ulinzi.analysis.linkage import tasks

    path = "/linkage/review/"
    assert NOTICE not in _page(user, "coordinator", path)  # nothing queued
    tasks.link_incidents.enqueue(country="UKR")
    html = _page(user, "coordinator", path)
    assert _shown(html) and "1 run waits for the worker." in html
    _seen(0)
    assert not _shown(_page(user, "coordinator", path))


def _while_beating(read: Any) -> Any:
    """``read()``, done while the heartbeat thread may be writing. SQLite's in-memory
    test database shares one cache between connections, where a read during the other
    connection's write fails at once with "table is locked" instead of waiting."""
    import time

    from django.db import OperationalError

    for _attempt in range(100):
        try:
            return read()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.02)
    raise AssertionError("the heartbeat table stayed locked for 2 s")


@pytest.mark.django_db(transaction=True)  # the heartbeat thread has its own connection
def test_the_heartbeat_is_renewed_while_the_worker_runs_and_removed_after(settings: Any) -> None:
    import time

    settings.ULINZI_WORKER_HEARTBEAT_SECONDS = 0.2
    with heartbeat.beating("w2"):

        def seen_at() -> Any:
            return _while_beating(lambda: Heartbeat.objects.get(pk="w2").seen_at)

        first = seen_at()
        deadline = time.monotonic() + 5
        while seen_at() == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert seen_at() > first
        assert _while_beating(heartbeat.seen_recently)
    assert not Heartbeat.objects.exists() and not heartbeat.seen_recently()
