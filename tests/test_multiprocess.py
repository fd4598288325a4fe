"""More than one machine, as processes on this one: two ``ulinzi serve`` and two
``ulinzi worker`` on one PostgreSQL database with Redis as the shared cache.

- the anonymous rate limit is counted once across both web processes;
- a session made on one web process works on the other;
- with two workers, each send task runs once, by one worker, and each webhook gets its
  request once;
- ``kill -9`` of the worker in the middle of a fan-out: the other worker takes the lost
  deliveries over after their lease; every endpoint processes its key exactly once, and
  at most the request in flight at the kill is sent again (same key).

Runs in the PostgreSQL pass of the suite (``DATABASE_URL``) and needs Redis
(127.0.0.1:6379): skipped with a message when one is missing, failed with ``CI=true``.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pytest

from ulinzi.alerts.tests.servers import WebhookReceiver

ULINZI = str(Path(sys.executable).with_name("ulinzi"))
PG_URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not PG_URL.startswith("postgres"),
    reason="runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://...)",
)
MONITORING_TOKEN = "multiprocess-monitoring-token"
REDIS_URL = os.environ.get("ULINZI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
HELPERS = "tests.multiprocess_helpers"
LIMIT = 4  # anonymous receipt look-ups per client, across the instance


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}: with CI=true the multi-process test must run")
    pytest.skip(reason)


@dataclass
class Cluster:
    env: dict[str, str]
    webs: list[str] = field(default_factory=list)  # base URLs
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    log: Path = Path()

    def shell(self, code: str) -> Any:
        done = subprocess.run(
            [ULINZI, "manage", "shell", "-c", code],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            cwd=Path(__file__).resolve().parents[1],
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def helper(self, call: str) -> Any:
        name = call.split("(", 1)[0]
        return self.shell(f"from {HELPERS} import {name}; {call}")

    def start_worker(self) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [ULINZI, "worker"], env=self.env, stdout=self.log.open("ab"), stderr=subprocess.STDOUT
        )
        self.workers.append(process)
        self.processes.append(process)
        return process


def _wait(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    try:
        import psycopg

        psycopg.connect(PG_URL, connect_timeout=2).close()
    except Exception as exc:
        _missing(f"no PostgreSQL at {PG_URL} ({type(exc).__name__})")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:
        _missing(f"no Redis at {REDIS_URL} ({type(exc).__name__})")

    dbname = f"ulz_multi_{os.getpid()}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    root = tmp_path_factory.mktemp("multi")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "ULINZI_"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    prefix = f"ulinzi-multi-{uuid.uuid4().hex}"
    env.update(
        DATABASE_URL=urlunsplit(urlsplit(PG_URL)._replace(path="/" + dbname)),
        ULINZI_DATA_DIR=str(root / "var"),
        ULINZI_SECRET_KEY="the secret key every process of the instance shares",
        ULINZI_CACHE_URL=REDIS_URL,
        ULINZI_CACHE_PREFIX=prefix,
        ULINZI_MONITORING_TOKEN=MONITORING_TOKEN,  # the operator's health shows the cache
        ULINZI_WEB_PROCESSES="2",
        ULINZI_ANONYMOUS_LIMITS=f"receipt_client={LIMIT}/86400",
        ULINZI_ALERT_WEBHOOK_TIMEOUT="2",
        ULINZI_ALERT_LEASE_SECONDS="3",
        ULINZI_ALERT_TICK_SECONDS="1",
        ULINZI_ALERT_SEND_CHUNK="2",
        ULINZI_ALERT_RETRY_BASE_SECONDS="1",
        ULINZI_WORKER_HEARTBEAT_SECONDS="1",
        ULINZI_WEBHOOK_ALLOW="127.0.0.0/8",  # the receivers are on loopback
        ULINZI_LOG_LEVEL="WARNING",
        PYTHONPATH=str(Path(__file__).resolve().parents[1]),
    )
    made = Cluster(env=env, log=root / "processes.log")
    try:
        made.helper("schema()")
        for _ in range(2):
            web = subprocess.Popen(
                [ULINZI, "serve", "--port", "0", "--threads", "4"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=made.log.open("ab"),
            )
            made.processes.append(web)
            assert web.stdout is not None
            line = web.stdout.readline().decode()
            match = re.search(r"serving on (http://127\.0\.0\.1:\d+)/", line)
            assert match, line
            made.webs.append(match.group(1))
        for base in made.webs:  # the first request loads the URL map: slow, not timed
            health = urllib.request.Request(
                f"{base}/api/v1/health", headers={"Authorization": f"Bearer {MONITORING_TOKEN}"}
            )
            with urllib.request.urlopen(health, timeout=180) as answer:
                assert json.loads(answer.read())["cache"]["shared"] is True
        for _ in range(2):
            made.start_worker()
        yield made
    finally:
        for process in made.processes:
            if process.poll() is None:
                process.kill()
                process.wait(10)
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def _post_json(url: str, body: Any) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # loopback only
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_the_anonymous_rate_limit_is_shared_by_the_web_processes(cluster: Cluster) -> None:
    statuses = [
        _post_json(
            f"{cluster.webs[n % 2]}/api/v1/reports/anonymous/status",
            {"receipt": f"no-such-receipt-{n}"},
        )
        for n in range(LIMIT + 2)
    ]
    # Alternating between the two processes: the limit is reached after LIMIT in all,
    # not LIMIT in each.
    assert statuses == [404] * LIMIT + [429, 429]


def test_a_session_made_on_one_web_process_works_on_the_other(cluster: Cluster) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    first, second = cluster.webs
    page = opener.open(f"{first}/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page[:500]
    form = {
        "csrfmiddlewaretoken": token.group(1),
        "username": "coordinator",
        "password": "multi-process-pw",
    }
    signed_in = opener.open(
        urllib.request.Request(
            f"{first}/login/",
            data=urlencode(form).encode(),
            headers={"Referer": f"{first}/login/"},
        ),
        timeout=30,
    )
    assert signed_in.status == 200 and "/login/" not in signed_in.url
    # The same cookies on the other process: still signed in (no redirect to the login).
    other = opener.open(f"{second}/alerts/", timeout=30)
    assert other.status == 200
    assert urlsplit(other.url).path == "/alerts/"
    stranger = urllib.request.urlopen(f"{second}/alerts/", timeout=30)  # loopback only
    assert urlsplit(stranger.url).path == "/login/"  # without the session: the login


def test_each_task_runs_once_with_two_workers(cluster: Cluster) -> None:
    count = 16
    receiver = WebhookReceiver().start()
    try:
        made = cluster.helper(f"alert({receiver.url!r}, {count})")
        _wait(lambda: len(receiver.processed) == count, 60, f"{count} webhooks")
        time.sleep(1)  # a second request would come now, if any
        tasks = _wait(
            lambda: [
                t
                for t in [cluster.helper(f"tasks({made['alert']!r})")]
                if t and all(r["status"] == "SUCCESSFUL" for r in t)
            ],
            30,
            "the send tasks to finish",
        )[0]
    finally:
        receiver.stop()
    assert len(receiver.requests) == count  # one request per webhook, none repeated
    assert all(len(r["workers"]) == 1 for r in tasks), tasks  # each task run once
    assert len(tasks) == count // 2  # ULINZI_ALERT_SEND_CHUNK=2
    ran = {r["workers"][0] for r in tasks}
    print(f"{len(tasks)} send tasks, run by {len(ran)} workers")


def test_kill_9_of_a_worker_mid_task_loses_and_doubles_nothing(cluster: Cluster) -> None:
    count = 24  # 12 send tasks of 2 (ULINZI_ALERT_SEND_CHUNK), each answered in 0.5 s
    receiver = WebhookReceiver(delay=0.5).start()
    try:
        made = cluster.helper(f"alert({receiver.url!r}, {count})")
        _wait(lambda: len(receiver.requests) >= 4, 60, "the fan-out to start")
        victim = next(p for p in cluster.workers if p.poll() is None)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(10)
        at_kill = len(receiver.requests)
        assert at_kill < count, "the fan-out ended before the kill"
        # It died in the middle of a send task: that task is still marked running.
        assert cluster.helper(f"held_by({victim.pid})") == ["RUNNING"]
        cluster.start_worker()  # as the service manager does (Restart=always)
        _wait(lambda: len(receiver.processed) == count, 60, f"all {count} webhooks")
        deadline = time.monotonic() + 60
        rows = cluster.helper(f"report({made['alert']!r})")
        while any(d["state"] != "sent" for d in rows) and time.monotonic() < deadline:
            time.sleep(1)
            rows = cluster.helper(f"report({made['alert']!r})")
    finally:
        receiver.stop()
    expected = {"/" + r["path"]: [r["key"]] for r in rows}
    assert len(rows) == count
    assert all(d["state"] == "sent" for d in rows), (rows, cluster.log.read_text()[-3000:])
    assert receiver.processed == expected  # each endpoint: its own key, once
    repeats = len(receiver.requests) - count
    assert 0 <= repeats <= 1, receiver.per_path()  # only the request in flight at the kill
    print(f"killed at {at_kill}/{count} requests; {repeats} repeated")
