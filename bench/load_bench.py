"""``ulinzi bench load``: many clients and idle connections against real ``ulinzi serve``
and ``ulinzi worker`` processes on loopback, on PostgreSQL.

A throwaway PostgreSQL database is migrated; one organisation receives the anonymous
reports, one monitor's token records incidents. Then, against a ``ulinzi serve`` (its
production settings; anonymous rate limits raised so that they do not hide the load)
and a ``ulinzi worker``:

1. **unloaded**: health checks and incident creations one at a time (the baseline);
2. **load**: ``--clients`` concurrent clients for ``--baseline-seconds``: half record
   incidents (a quarter of them sent twice with the same ``source_id``, as a client
   does after a timeout), half send anonymous reports with a receipt they drew
   themselves (a 503 is resent after its ``Retry-After``, a timeout at once, as the
   report page does); each client waits ``--think`` seconds (0–2× at random) between
   requests; a monitor checks health 4 times a second on fresh connections;
3. **load + idle**: the same for ``--seconds`` while ``--idle`` connections from one
   client are held open (half send nothing, half half a request; each one the server
   closes is opened again at once).

Afterwards every acknowledged incident and report must be in the database exactly
once. "Server errors" are 5xx answers other than the deliberate 503 of the Argon2 bound
(counted apart: "shed"), timeouts (15 s) and broken connections. Targets: 0 server
errors; health p95 < 1 s and incident creation p95 < 2 s in every 10-second slice of
both load phases. Ratios are against the unloaded baseline and the load without idle
connections. Loopback only; every loop is bounded in time and count.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ulinzi.commands.options import number, whole

ULINZI = str(Path(sys.executable).with_name("ulinzi"))
HOST = "127.0.0.1"
TIMEOUT = 15.0
SLICE = 10.0
HEALTH_TARGET, CREATE_TARGET = 1.0, 2.0
MAX_REQUESTS_PER_CLIENT = 5000
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
INCIDENT = {
    "domain": "health_care_attack",
    "types": ["heavy_weapons"],
    "occurred_on": "2025-03-02",
    "country": "UKR",
    "killed": 1,
    "narrative": "Shelling hit the outpatient wing; one nurse was killed.",
}
REPORT = {
    "category": "seah",
    "what_happened": "A distribution officer asked for sex in exchange for food vouchers.",
    "country": "UKR",
    "admin1_name": "Kharkivska",
    "occurred_on": "2025-03",
    "contact_preference": "only through the receipt",
}


# ----------------------------------------------------------------------------- records


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    started: float = 0.0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[tuple[float, float]]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    errors: Counter[str] = field(default_factory=Counter)
    reopened: int = 0

    def record(self, kind: str, at: float, seconds: float, status: str) -> None:
        with self.lock:
            self.times[kind].append((at - self.started, seconds))
            self.statuses[kind][status] += 1
            if status in ("timeout", "broken") or (status.isdigit() and int(status) >= 500):
                if status != "503":
                    self.errors[f"{kind} {status}"] += 1

    def latencies(self, kind: str, start: float = 0.0, end: float = 1e9) -> list[float]:
        return sorted(s for at, s in self.times.get(kind, []) if start <= at < end)


@dataclass
class Acks:
    """Acknowledged records, to be found in the database afterwards."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    incidents: dict[str, str] = field(default_factory=dict)  # source_id → id
    receipts: set[str] = field(default_factory=set)
    mismatched: int = 0  # a resend answered with another record


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(q * len(values)))]


# ----------------------------------------------------------------------------- HTTP


class Conn:
    """One keep-alive connection to the server (reconnects when the server closed it)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.http: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self.http is not None:
            self.http.close()
            self.http = None

    def send(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[str, dict[str, str], bytes]:
        """(status or "timeout"/"broken", headers, body); one silent retry when a kept
        connection turns out closed before anything came back."""
        payload = json.dumps(body).encode() if body is not None else None
        sent_headers = {"Content-Type": "application/json", **(headers or {})}
        for attempt in (0, 1):
            reused = self.http is not None
            if self.http is None:
                self.http = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
            try:
                self.http.request(method, path, payload, sent_headers)
                response = self.http.getresponse()
                data = response.read()
            except TimeoutError:
                self.close()
                return "timeout", {}, b""
            except (OSError, http.client.HTTPException):
                self.close()
                if reused and attempt == 0:
                    continue  # the server had closed the kept connection: send again
                return "broken", {}, b""
            if (response.getheader("Connection") or "").lower() == "close":
                self.close()
            return str(response.status), dict(response.getheaders()), data
        return "broken", {}, b""


def receipt() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(20))


# ----------------------------------------------------------------------------- clients


def incident_client(
    port: int, token: str, phase: Phase, acks: Acks, deadline: float, think: float, seed: int
) -> None:
    rng = random.Random(seed)
    conn = Conn(port)
    auth = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            source_id = f"bench-{uuid.uuid4()}"
            body = {**INCIDENT, "source_id": source_id}
            sends = 2 if rng.random() < 0.25 else 1
            first_id = None
            for n in range(sends + 2):  # the resends, plus up to two after a failure
                started = time.monotonic()
                status, _, data = conn.send("POST", "/api/v1/incidents", body, auth)
                kind = "incident create" if first_id is None else "incident resend"
                phase.record(kind, started, time.monotonic() - started, status)
                if status in ("200", "201"):
                    found = json.loads(data)["id"]
                    with acks.lock:
                        if first_id is None:
                            first_id = found
                            acks.incidents[source_id] = found
                        elif found != first_id:
                            acks.mismatched += 1
                    if n + 1 >= sends:
                        break
                elif time.monotonic() >= deadline:
                    break
            time.sleep(rng.uniform(0, 2 * think))
    finally:
        conn.close()


def anonymous_client(
    port: int, phase: Phase, acks: Acks, deadline: float, think: float, seed: int
) -> None:
    rng = random.Random(seed)
    conn = Conn(port)
    try:
        for _ in range(MAX_REQUESTS_PER_CLIENT):
            if time.monotonic() >= deadline:
                break
            code = receipt()
            body = {**REPORT, "receipt": code}
            for _attempt in range(5):  # a busy server or a timeout: the same report again
                started = time.monotonic()
                status, headers, _ = conn.send("POST", "/api/v1/reports/anonymous", body)
                phase.record("anonymous report", started, time.monotonic() - started, status)
                if status in ("200", "201"):
                    with acks.lock:
                        acks.receipts.add(code)
                    break
                if time.monotonic() >= deadline:
                    break
                if status == "503":
                    time.sleep(min(5.0, float(headers.get("Retry-After", "1"))))
                elif status != "timeout":
                    break
            time.sleep(rng.uniform(0, 2 * think))
    finally:
        conn.close()


def health_prober(port: int, phase: Phase, deadline: float, every: float = 0.25) -> None:
    """A monitor: a health check every ``every`` seconds on a fresh connection, whether
    or not the earlier ones have come back (at most 60 outstanding)."""
    outstanding = threading.BoundedSemaphore(60)

    def probe() -> None:
        try:
            started = time.monotonic()
            conn = Conn(port)
            status, _, _ = conn.send("GET", "/api/v1/health")
            conn.close()
            phase.record("health", started, time.monotonic() - started, status)
        finally:
            outstanding.release()

    probes = []
    while time.monotonic() < deadline:
        if outstanding.acquire(timeout=every):
            probes.append(threading.Thread(target=probe))
            probes[-1].start()
            time.sleep(every)
    for thread in probes:
        thread.join(TIMEOUT + 5)


class IdleHolder:
    """Holds ``count`` connections open from one client; reopens any the server closes."""

    def __init__(self, port: int, count: int) -> None:
        self.port, self.count = port, count
        self.stop = threading.Event()
        self.reopened = 0
        self.failed = 0
        self.selector = selectors.DefaultSelector()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, half: bool) -> None:
        try:
            sock = socket.create_connection((HOST, self.port), timeout=5)
            if half:
                sock.sendall(b"POST /api/v1/reports/anonymous HTTP/1.1\r\nHost: bench\r\n")
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ, half)
        except OSError:
            self.failed += 1

    def start(self) -> None:
        for i in range(self.count):
            self._open(half=bool(i % 2))
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for key, _ in self.selector.select(timeout=0.2):
                sock: Any = key.fileobj
                try:
                    data = sock.recv(4096)
                except OSError:
                    data = b""
                if not data:  # closed by the server: open another one
                    self.selector.unregister(sock)
                    sock.close()
                    self.reopened += 1
                    if not self.stop.is_set():
                        self._open(half=bool(key.data))

    def open_now(self) -> int:
        return len(self.selector.get_map())

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        for key in list(self.selector.get_map().values()):
            key.fileobj.close()  # type: ignore[union-attr]
        self.selector.close()


# ----------------------------------------------------------------------------- phases


def unloaded(port: int, token: str, acks: Acks, count: int) -> Phase:
    phase = Phase("unloaded")
    phase.started = time.monotonic()
    conn = Conn(port)
    auth = {"Authorization": f"Bearer {token}"}
    for _ in range(count):
        started = time.monotonic()
        status, _, _ = conn.send("GET", "/api/v1/health")
        phase.record("health", started, time.monotonic() - started, status)
        source_id = f"bench-{uuid.uuid4()}"
        started = time.monotonic()
        status, _, data = conn.send(
            "POST", "/api/v1/incidents", {**INCIDENT, "source_id": source_id}, auth
        )
        phase.record("incident create", started, time.monotonic() - started, status)
        if status in ("200", "201"):
            acks.incidents[source_id] = json.loads(data)["id"]
        time.sleep(0.05)
    conn.close()
    phase.seconds = time.monotonic() - phase.started
    return phase


def loaded(
    name: str, port: int, token: str, acks: Acks, clients: int, seconds: float, think: float,
    idle: int,
) -> Phase:  # fmt: skip
    phase = Phase(name)
    holder = IdleHolder(port, idle) if idle else None
    if holder:
        holder.start()
        print(f"  {holder.open_now()} idle connections open", flush=True)
    phase.started = time.monotonic()
    deadline = phase.started + seconds
    threads = [threading.Thread(target=health_prober, args=(port, phase, deadline))]
    for i in range(clients):
        if i % 2 == 0:
            args: tuple[Any, ...] = (port, token, phase, acks, deadline, think, i)
            threads.append(threading.Thread(target=incident_client, args=args))
        else:
            threads.append(
                threading.Thread(
                    target=anonymous_client, args=(port, phase, acks, deadline, think, i)
                )
            )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 4 * TIMEOUT)
    phase.seconds = time.monotonic() - phase.started
    if holder:
        phase.reopened = holder.reopened
        print(
            f"  idle connections: {holder.open_now()} open at the end, "
            f"{holder.reopened} reopened after the server closed them, {holder.failed} failed",
            flush=True,
        )
        holder.close()
    return phase


# ----------------------------------------------------------------------------- setup


def _wait_for_port(process: subprocess.Popen[str]) -> int:
    assert process.stdout is not None
    line = process.stdout.readline()
    if "serving on http://" not in line:
        raise SystemExit(f"ulinzi serve did not start: {line!r}")
    return int(line.rsplit(":", 1)[1].strip(" /\n"))


def _prepare(tmp: Path) -> tuple[dict[str, str], str, str]:
    """Migrate a throwaway PostgreSQL database; the bench organisation, its monitor's
    token and the anonymous receiver. Returns (environment, token, secret key)."""
    from django.conf import settings
    from django.db import connection

    from ulinzi.accounts import services as accounts
    from ulinzi.intake.anonymous import routing

    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    org = accounts.ensure_organisation(code="bench-load", name="Load bench", kind="nngo")
    user = accounts.ensure_user(
        username="bench-load-monitor", password=secrets.token_urlsafe(16), organisation=org,
        roles=["monitor"],
    )  # fmt: skip
    token = accounts.create_token(user=user, name="load bench")
    routing.add_receiver(organisation=org.code)
    secret = secrets.token_urlsafe(50)
    settings.SECRET_KEY = secret  # the same locators as the server's
    parts = urlsplit(os.environ["DATABASE_URL"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"])),
        ULINZI_DATA_DIR=str(tmp),
        ULINZI_SECRET_KEY=secret,
        ULINZI_LOG_LEVEL="WARNING",
        ULINZI_ANONYMOUS_LIMITS=",".join(
            f"{kind}_{scope}=10000000/3600"
            for kind in ("submit", "receipt")
            for scope in ("client", "global", "fair")
        ),
    )
    return env, token, secret


def _check_records(acks: Acks) -> dict[str, int]:
    from ulinzi.incidents.models import Incident
    from ulinzi.intake.anonymous import receipts
    from ulinzi.intake.anonymous.models import AnonymousReport

    ids = dict(
        Incident.objects.filter(source_id__startswith="bench-").values_list("source_id", "id")
    )
    counts = Counter(
        Incident.objects.filter(source_id__startswith="bench-").values_list("source_id", flat=True)
    )
    missing_incidents = sum(1 for s in acks.incidents if s not in ids)
    doubled_incidents = sum(1 for s in acks.incidents if counts.get(s, 0) > 1)
    wrong_id = sum(1 for s, i in acks.incidents.items() if s in ids and str(ids[s]) != str(i))
    locators = {receipts.locator(code): code for code in acks.receipts}
    found = set(
        AnonymousReport.objects.filter(receipt_locator__in=list(locators)).values_list(
            "receipt_locator", flat=True
        )
    )
    return {
        "incidents acknowledged": len(acks.incidents),
        "incidents in the database": Incident.objects.filter(
            source_id__startswith="bench-"
        ).count(),
        "acknowledged incidents missing": missing_incidents,
        "acknowledged incidents doubled": doubled_incidents,
        "acknowledged incidents with another id": wrong_id,
        "resends answered with another record": acks.mismatched,
        "reports acknowledged": len(acks.receipts),
        "reports in the database": AnonymousReport.objects.count(),
        "acknowledged reports missing": len(set(locators) - found),
    }


# ----------------------------------------------------------------------------- output


def _report(phase: Phase) -> dict[str, Any]:
    out: dict[str, Any] = {"phase": phase.name, "seconds": phase.seconds, "kinds": {}}
    for kind in sorted(phase.times):
        values = phase.latencies(kind)
        slices = []
        start = 0.0
        while start < phase.seconds - SLICE / 2:
            part = phase.latencies(kind, start, start + SLICE)
            if part:
                slices.append(pct(part, 0.95))
            start += SLICE
        out["kinds"][kind] = {
            "n": len(values),
            "rate": len(values) / phase.seconds if phase.seconds else 0.0,
            "p50": pct(values, 0.5),
            "p95": pct(values, 0.95),
            "p99": pct(values, 0.99),
            "worst slice p95": max(slices) if slices else pct(values, 0.95),
            "statuses": dict(phase.statuses[kind]),
        }
    out["errors"] = dict(phase.errors)
    return out


def _print_phase(r: dict[str, Any]) -> None:
    print(f"\n{r['phase']} ({r['seconds']:.0f} s)")
    print(
        f"  {'requests':<18} {'n':>6} {'per s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'worst 10 s p95':>15}  statuses"
    )
    for kind, k in r["kinds"].items():
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(k["statuses"].items()))
        print(
            f"  {kind:<18} {k['n']:>6} {k['rate']:>7.1f} {k['p50'] * 1000:>8.0f} "
            f"{k['p95'] * 1000:>8.0f} {k['p99'] * 1000:>8.0f} {k['worst slice p95'] * 1000:>15.0f}"
            f"  {statuses}"
        )
    print(f"  server errors: {sum(r['errors'].values())} {r['errors'] or ''}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench load", description=__doc__)
    parser.add_argument("--seconds", type=number(1), default=60, help="load + idle phase")
    parser.add_argument("--baseline-seconds", type=number(1), default=20, help="load phase")
    parser.add_argument("--clients", type=whole(), default=200)
    parser.add_argument("--idle", type=whole(0), default=1000)
    parser.add_argument("--think", type=number(0), default=1.0, help="mean pause between requests")
    parser.add_argument("--threads", type=whole(), default=8, help="ulinzi serve --threads")
    parser.add_argument("--unloaded", type=whole(), default=40, help="baseline requests of each")
    args = parser.parse_args(argv)
    if not (0 < args.seconds <= 600 and 0 <= args.baseline_seconds <= 600):
        raise SystemExit("--seconds and --baseline-seconds: at most 600")
    if not (1 <= args.clients <= 1000 and 0 <= args.idle <= 3000):
        raise SystemExit("--clients: 1 to 1000; --idle: 0 to 3000")

    from django.db import connection

    if connection.vendor != "postgresql" or not os.environ.get("DATABASE_URL"):
        print(
            "load benchmark skipped: it runs on PostgreSQL; set DATABASE_URL=postgres://... "
            "(a throwaway database is made beside it)"
        )
        return 0
    old_name = connection.settings_dict["NAME"]
    tmp = tempfile.TemporaryDirectory(prefix="ulinzi-bench-load-")
    processes: list[subprocess.Popen[str]] = []
    acks = Acks()
    try:
        print("load benchmark on PostgreSQL: migrating a throwaway database…", flush=True)
        env, token, _secret = _prepare(Path(tmp.name))
        logs = Path(tmp.name)
        serve = subprocess.Popen(
            [ULINZI, "serve", "--port", "0", "--threads", str(args.threads)],
            env=env, stdout=subprocess.PIPE, stderr=(logs / "serve.log").open("w"), text=True,
        )  # fmt: skip
        processes.append(serve)
        port = _wait_for_port(serve)
        worker = subprocess.Popen(
            [ULINZI, "worker"], env=env, stdout=subprocess.DEVNULL,
            stderr=(logs / "worker.log").open("w"), text=True,
        )  # fmt: skip
        processes.append(worker)
        print(f"ulinzi serve on {HOST}:{port} ({args.threads} threads), ulinzi worker", flush=True)
        Conn(port).send("GET", "/api/v1/health")  # the first request loads the URL map
        phases = [unloaded(port, token, acks, args.unloaded)]
        if args.baseline_seconds:
            print(f"load: {args.clients} clients for {args.baseline_seconds:.0f} s…", flush=True)
            phases.append(
                loaded(
                    "load", port, token, acks, args.clients, args.baseline_seconds, args.think, 0
                )
            )
        print(
            f"load + idle: {args.clients} clients and {args.idle} idle connections for "
            f"{args.seconds:.0f} s…",
            flush=True,
        )
        phases.append(
            loaded(
                "load + idle", port, token, acks, args.clients, args.seconds, args.think, args.idle
            )
        )
        time.sleep(1)
        records = _check_records(acks)
        alive = [p.poll() is None for p in processes]
        for log in ("serve.log", "worker.log"):
            lines = (logs / log).read_text().splitlines()
            print(f"{log}: {len(lines)} lines" + "".join(f"\n  {x}" for x in lines[-8:]))
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        tmp.cleanup()

    results = [_report(p) for p in phases]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"\nmachine: {os.cpu_count()} cores, load average {load:.1f} when done; "
        f"{args.clients} clients (half incidents, half anonymous), think {args.think:g} s"
    )
    for r in results:
        _print_phase(r)
    print("\nrecords")
    for name, value in records.items():
        print(f"  {name:<40} {value}")
    base = results[0]["kinds"]
    print("\nratios (p95)")
    for r in results[1:]:
        for kind in ("health", "incident create"):
            if kind in r["kinds"] and kind in base:
                ratio = r["kinds"][kind]["p95"] / base[kind]["p95"]
                print(f"  {r['phase']:<12} {kind:<16} ×{ratio:.1f} of unloaded")
    if len(results) == 3:
        for kind in ("health", "incident create", "anonymous report"):
            a, b = results[1]["kinds"].get(kind), results[2]["kinds"].get(kind)
            if a and b:
                print(f"  idle connections {kind:<16} ×{b['p95'] / a['p95']:.2f} of load alone")
    ok = all(alive)
    print("\ntargets")
    for r in results[1:]:
        errors = sum(r["errors"].values())
        health = r["kinds"].get("health", {}).get("worst slice p95", float("inf"))
        create = r["kinds"].get("incident create", {}).get("worst slice p95", float("inf"))
        checks = [
            (f"{r['phase']}: 0 server errors", errors == 0),
            (f"{r['phase']}: health p95 < 1 s in every 10 s", health < HEALTH_TARGET),
            (f"{r['phase']}: incident creation p95 < 2 s in every 10 s", create < CREATE_TARGET),
        ]
        for text, met in checks:
            print(f"  {text:<55} {'met' if met else 'MISSED'}")
            ok &= met
    exact = (
        records["acknowledged incidents missing"] == 0
        and records["acknowledged incidents doubled"] == 0
        and records["acknowledged incidents with another id"] == 0
        and records["resends answered with another record"] == 0
        and records["acknowledged reports missing"] == 0
    )
    print(
        f"  {'every acknowledged record present exactly once':<55} {'met' if exact else 'MISSED'}"
    )
    print(
        f"  {'server and worker still running at the end':<55} {'met' if all(alive) else 'MISSED'}"
    )
    return 0 if ok and exact else 1
