"""``GET /api/v1/health`` and ``/metrics``: what an anonymous caller sees, what the
operator sees, and who is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from ulinzi.worker import heartbeat
from ulinzi.worker.models import Heartbeat

pytestmark = pytest.mark.django_db
TOKEN = "monitoring-token-for-tests"
OPERATOR: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}


def _queue(count: int) -> None:
    from ulinzi.alerts.tasks import send_deliveries

    for _ in range(count):
        send_deliveries.enqueue(delivery_ids=[])


@pytest.fixture(autouse=True)
def _own_queue_and_workers() -> None:
    """Only this test's tasks and heartbeats (worker processes of other tests commit
    theirs to the test database; removed here inside this test's transaction)."""
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    Heartbeat.objects.all().delete()


@pytest.fixture
def monitored(settings: Any) -> None:
    settings.ULINZI_MONITORING_TOKEN = TOKEN


def test_anyone_sees_whether_each_part_works_and_nothing_more(monitored: None) -> None:
    _queue(3)
    heartbeat.beat("w1", started_at=timezone.now())
    response = Client().get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"reachable": True}  # not which engine
    assert body["cache"] == {"reachable": True}
    assert body["worker"] == {"running": True}


def test_the_operator_sees_the_heartbeat_and_the_queue(monitored: None) -> None:
    _queue(3)
    seen = timezone.now() - timedelta(seconds=5)
    heartbeat.beat("w1", started_at=seen, now=seen)
    body = Client().get("/api/v1/health", **OPERATOR).json()
    assert body["database"]["vendor"] == connection.vendor
    assert body["worker"]["running"] is True
    assert body["worker"]["alive"] == 1
    assert body["worker"]["last_seen"] == seen.isoformat()
    assert body["worker"]["queue_depth"] == 3
    assert 0 <= body["worker"]["oldest_task_age_seconds"] < 60


def test_a_wrong_token_or_an_ordinary_user_gets_the_anonymous_answer(
    monitored: None, demo_orgs: Any, user: Any
) -> None:
    wrong = Client().get("/api/v1/health", HTTP_AUTHORIZATION="Bearer not-the-token").json()
    assert set(wrong["worker"]) == {"running"}
    signed_in = Client()
    signed_in.force_login(user("admin"))
    assert set(signed_in.get("/api/v1/health").json()["worker"]) == {"running"}


def test_a_superuser_is_the_operator(monitored: None, demo_orgs: Any, user: Any) -> None:
    operator = user("admin")
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    signed_in = Client()
    signed_in.force_login(operator)
    assert "queue_depth" in signed_in.get("/api/v1/health").json()["worker"]
    assert signed_in.get("/metrics").status_code == 200


def test_no_worker_seen_is_degraded_but_still_200(monitored: None) -> None:
    long_ago = timezone.now() - timedelta(hours=1)
    heartbeat.beat("gone", started_at=long_ago, now=long_ago)
    response = Client().get("/api/v1/health", **OPERATOR)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["worker"]["running"] is False
    assert body["worker"]["last_seen"] == long_ago.isoformat()


def test_a_cache_that_does_not_answer_is_503(settings: Any) -> None:
    settings.ULINZI_MONITORING_TOKEN = TOKEN
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    response = Client().get("/api/v1/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["cache"] == {"reachable": False}
    operator = Client().get("/api/v1/health", **OPERATOR).json()
    assert operator["cache"] == {"reachable": False, "shared": True, "error": "ConnectionError"}


def test_dead_workers_rows_are_pruned_and_live_ones_kept() -> None:
    now = timezone.now()
    heartbeat.beat("live", started_at=now, now=now)
    heartbeat.beat("dead", started_at=now, now=now - timedelta(seconds=61))
    assert heartbeat.prune(now) == 1
    assert list(Heartbeat.objects.values_list("worker_id", flat=True)) == ["live"]


def test_metrics_are_off_without_a_token(settings: Any) -> None:
    settings.ULINZI_MONITORING_TOKEN = ""
    assert Client().get("/metrics", **OPERATOR).status_code == 404


def test_metrics_refuse_a_caller_without_the_token(
    monitored: None, demo_orgs: Any, user: Any
) -> None:
    assert Client().get("/metrics").status_code == 401
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    admin = Client()
    admin.force_login(user("admin"))  # an organisation's admin is not the operator
    assert admin.get("/metrics").status_code == 401


def _sample(text: str, line_start: str, missing: float | None = None) -> float:
    for line in text.splitlines():
        if line.startswith(line_start + " "):
            return float(line.rsplit(" ", 1)[1])
    if missing is None:
        raise AssertionError(f"no {line_start} in the metrics")
    return missing


def test_metrics_count_requests_and_read_the_queue(monitored: None) -> None:
    from ulinzi.intake.models import ImportRun

    _queue(2)
    client = Client()
    before = client.get("/metrics", **OPERATOR).content.decode()
    client.get("/api/v1/health")
    client.get("/no-such-page/")
    text = client.get("/metrics", **OPERATOR).content.decode()
    key = 'ulinzi_http_requests_total{method="GET",status="4xx"}'
    assert _sample(text, key) == _sample(before, key, missing=0) + 1
    assert _sample(text, 'ulinzi_task_queue_depth{queue="default"}') == 2
    assert _sample(text, 'ulinzi_tasks{status="READY"}') == 2
    assert _sample(text, "ulinzi_workers_alive") == 0
    assert "ulinzi_task_queue_oldest_age_seconds" in text
    assert ImportRun.objects.count() == 0
    assert "# TYPE ulinzi_import_runs gauge" in text
