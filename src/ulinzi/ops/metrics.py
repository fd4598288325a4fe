"""Prometheus metrics at ``/metrics`` (text format), for the operator only.

Counted by each web process in memory: requests by method and status class, and their
durations. Read from the database at each scrape (one grouped query each): the task
queue's depth and oldest task, tasks by status, alert deliveries by state, import runs
by status, and the workers' heartbeats. With several web processes each counts its own
requests: scrape every process (docs/deployment.md, "Monitoring")."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from django.conf import settings
from django.db.models import Count, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ulinzi.ops.access import is_operator

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "ulinzi_http_requests",
    "Requests answered by this web process, by method and status class.",
    ["method", "status"],
    registry=REGISTRY,
)
DURATION = Histogram(
    "ulinzi_http_request_duration_seconds",
    "Time to answer a request in this web process.",
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class RequestMetricsMiddleware:
    """Count and time every request (no path, address or user is kept)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        DURATION.observe(time.perf_counter() - started)
        return response


def _by(model: type, field: str, name: str, text: str) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, text, labels=[field])
    for row in model.objects.values(field).annotate(n=Count("pk")).order_by(field):  # type: ignore[attr-defined]
        family.add_metric([str(row[field])], row["n"])
    return family


class DatabaseCollector(Collector):
    """What the database says at scrape time."""

    def collect(self) -> Iterator[Metric]:
        from django_tasks.base import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from ulinzi.alerts.models import Delivery
        from ulinzi.intake.models import ImportRun
        from ulinzi.worker import heartbeat

        now = timezone.now()
        depth = GaugeMetricFamily(
            "ulinzi_task_queue_depth", "Tasks waiting to run.", labels=["queue"]
        )
        age = GaugeMetricFamily(
            "ulinzi_task_queue_oldest_age_seconds",
            "Age of the oldest task waiting to run.",
            labels=["queue"],
        )
        waiting = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY)
            .values("queue_name")
            .annotate(n=Count("id"), oldest=Min("enqueued_at"))
            .order_by("queue_name")
        )
        for row in waiting:
            depth.add_metric([row["queue_name"]], row["n"])
            age.add_metric([row["queue_name"]], (now - row["oldest"]).total_seconds())
        yield depth
        yield age
        yield _by(DBTaskResult, "status", "ulinzi_tasks", "Task results kept, by status.")
        yield _by(
            Delivery,
            "state",
            "ulinzi_alert_deliveries",
            "Alert deliveries, by state (failed: given up after the last attempt).",
        )
        yield _by(ImportRun, "status", "ulinzi_import_runs", "Import runs, by status.")
        beats = heartbeat.summary(now)
        yield GaugeMetricFamily(
            "ulinzi_workers_alive", "Workers seen within the stale time.", value=beats["alive"]
        )
        last = beats["last_seen"]
        yield GaugeMetricFamily(
            "ulinzi_worker_last_seen_timestamp_seconds",
            "When a worker last renewed its heartbeat (Unix time; 0: none known).",
            value=last.timestamp() if last else 0,
        )


REGISTRY.register(DatabaseCollector())


def metrics_view(request: HttpRequest) -> HttpResponse:
    """The metrics, for the monitoring token or a superuser; 404 when none is set."""
    if not getattr(settings, "ULINZI_MONITORING_TOKEN", ""):
        raise Http404("metrics are off")
    if not is_operator(request):
        response = HttpResponse("monitoring token required\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="ulinzi-metrics"'
        return response
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
