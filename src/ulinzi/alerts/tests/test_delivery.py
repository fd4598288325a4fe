"""Fan-out and webhook delivery against a real HTTP server on loopback."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Any

from django.utils import timezone

from ulinzi.alerts import delivery
from ulinzi.alerts.models import Delivery


def drain(limit: int = 100) -> int:
    """Run every task that is due, as ``ulinzi worker`` would (same process)."""
    from django_tasks import TaskContext
    from django_tasks_db.models import DBTaskResult

    ran = 0
    for _ in range(limit):
        ready = list(DBTaskResult.objects.ready().exclude(task_path__endswith="alerts_tick"))
        if not ready:
            return ran
        for row in ready:
            row.claim("test-worker")
            task, result = row.task, row.task_result
            if task.takes_context:
                context = TaskContext(task_result=result)  # type: ignore[arg-type]
                value = task.call(context, *result.args, **result.kwargs)
            else:
                value = task.call(*result.args, **result.kwargs)
            row.set_successful(value)
            ran += 1
    raise AssertionError("tasks keep coming")


def _hook(subscribe: Any, url: str, **kw: Any) -> Any:
    return subscribe("coordinator2", organisation="amani", webhook_url=url, **kw)


def test_fan_out_creates_each_delivery_once(subscribe: Any, raise_alert: Any, webhook: Any) -> None:
    a = _hook(subscribe, webhook.url + "/a", pcodes=["UA48"], email="ops@amani.test")
    b = subscribe("analyst", pcodes=["UA"])  # a user subscription, in-app only
    subscribe("analyst2", pcodes=["SY"])  # elsewhere
    alert = raise_alert(pcodes=["UA4802"])
    rows = set(
        Delivery.objects.filter(alert=alert).values_list("subscription_id", "channel", "state")
    )
    assert rows == {
        (a.pk, "in_app", "sent"),
        (a.pk, "email", "queued"),
        (a.pk, "webhook", "queued"),
        (b.pk, "in_app", "sent"),
    }
    assert alert.matched == 2
    queued = Delivery.objects.filter(alert=alert, state="queued")
    assert all(d.task_id for d in queued)
    # Running fan-out again doubles nothing and queues nothing new.
    again = delivery.fan_out(alert)
    assert again.tasks == 0
    assert Delivery.objects.filter(alert=alert).count() == 4


def test_webhook_is_signed_and_idempotent_under_retry(
    subscribe: Any, raise_alert: Any, webhook: Any, settings: Any
) -> None:
    settings.ULINZI_ALERT_RETRY_BASE_SECONDS = 30
    webhook.fail_first = 2
    sub = _hook(subscribe, webhook.url + "/hook", in_app=False)
    t0 = timezone.now()
    alert = raise_alert(pcodes=["UA48"], now=t0)
    d = Delivery.objects.get(alert=alert, channel="webhook")

    delivery.send_batch([d.pk], now=t0)
    d.refresh_from_db()
    assert (d.state, d.attempts) == ("queued", 1)
    assert "HTTP 500" in d.last_error
    assert d.next_attempt_at == t0 + timedelta(seconds=30)
    # Not due yet: nothing is sent.
    delivery.send_batch([d.pk], now=t0 + timedelta(seconds=10))
    assert len(webhook.requests) == 1
    # Second attempt fails too; the delay doubles.
    delivery.send_batch([d.pk], now=t0 + timedelta(seconds=31))
    d.refresh_from_db()
    assert (d.attempts, d.next_attempt_at) == (2, t0 + timedelta(seconds=91))
    delivery.send_batch([d.pk], now=t0 + timedelta(seconds=92))
    d.refresh_from_db()
    assert (d.state, d.attempts, d.last_error) == ("sent", 3, "")
    # Sent: sending again (a duplicate task, a second worker) does nothing.
    delivery.send_batch([d.pk], now=t0 + timedelta(seconds=500))
    assert len(webhook.requests) == 3

    keys = {r.headers["Idempotency-Key"] for r in webhook.requests}
    assert keys == {d.idempotency_key}
    assert {r.json()["idempotency_key"] for r in webhook.requests} == keys
    assert webhook.processed == {"/hook": [d.idempotency_key]}
    last = webhook.requests[-1]
    expected = hmac.new(
        sub.webhook_secret.encode(),
        last.headers["X-Ulinzi-Timestamp"].encode() + b"." + last.body,
        hashlib.sha256,
    ).hexdigest()
    assert last.headers["X-Ulinzi-Signature"] == "sha256=" + expected
    body = last.json()
    assert body["alert"]["id"] == str(alert.pk)
    assert body["alert"]["threatened"] == "District hospital, 40 patients and 25 staff"


def test_worker_tasks_retry_until_delivered(
    subscribe: Any, raise_alert: Any, webhook: Any, settings: Any
) -> None:
    """The send tasks themselves: failures re-enqueue a task due after the backoff."""
    settings.ULINZI_ALERT_RETRY_BASE_SECONDS = 0
    webhook.fail_first = 2
    subs = [_hook(subscribe, f"{webhook.url}/{i}", in_app=False) for i in range(3)]
    alert = raise_alert(pcodes=["UA48"])
    assert drain() >= 1 + 2 * 3
    states = dict(Delivery.objects.filter(alert=alert).values_list("subscription_id", "state"))
    assert states == {s.pk: "sent" for s in subs}
    assert webhook.per_path() == {f"/{i}": 3 for i in range(3)}
    assert all(len(keys) == 1 for keys in webhook.processed.values())


def test_gives_up_after_max_attempts(subscribe: Any, raise_alert: Any, settings: Any) -> None:
    settings.ULINZI_ALERT_RETRY_BASE_SECONDS = 0
    settings.ULINZI_ALERT_MAX_ATTEMPTS = 3
    settings.ULINZI_ALERT_WEBHOOK_TIMEOUT = 2
    settings.ULINZI_WEBHOOK_ALLOW = "127.0.0.1"
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    _hook(subscribe, f"http://127.0.0.1:{port}/gone", in_app=False)
    alert = raise_alert(pcodes=["UA48"])
    drain()
    d = Delivery.objects.get(alert=alert)
    assert (d.state, d.attempts) == ("failed", 3)
    assert "unreachable" in d.last_error


def test_two_workers_cannot_both_send(subscribe: Any, raise_alert: Any, webhook: Any) -> None:
    _hook(subscribe, webhook.url + "/x", in_app=False)
    alert = raise_alert(pcodes=["UA48"])
    d = Delivery.objects.get(alert=alert)
    now = timezone.now()
    assert delivery._claim([d.pk], "worker-a", now) == 1
    assert delivery._claim([d.pk], "worker-b", now) == 0
    # worker-b's batch finds nothing it holds, so it sends nothing.
    assert delivery.send_batch([d.pk], now=now) == {"sent": 0, "retry": 0}
    assert webhook.requests == []
    # Once worker-a's lease has expired (it died), the periodic check hands it on.
    later = now + timedelta(seconds=3600)
    assert delivery.requeue_stale(now=later) == 1
    assert delivery.send_batch([d.pk], now=later) == {"sent": 1, "retry": 0}
    assert len(webhook.requests) == 1
