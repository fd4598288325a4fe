"""The site the journeys walk: its own database (seeded by :mod:`tests.journeys.seed`),
a real ``ulinzi serve`` and a real ``ulinzi worker`` process on loopback, and a real SMTP
server on loopback (aiosmtpd, in the test process) that the worker sends email to. One
per test session; stopped (and its PostgreSQL database dropped) at the end."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ulinzi.alerts.tests.servers import MailSink

ULINZI = str(Path(sys.executable).with_name("ulinzi"))
ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 120


@dataclass
class Site:
    url: str
    port: int
    data_dir: Path
    shots: Path
    inbox: MailSink = field(default_factory=MailSink)
    smtp: Any = None  # the aiosmtpd controller serving ``inbox``
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    drop_database: str = ""
    # The authenticator secret each user enrolled, and the last time step used.
    secrets: dict[str, str] = field(default_factory=dict)
    last_step: dict[str, int] = field(default_factory=dict)

    def mail(self) -> list[tuple[str, str, str]]:
        """Every email the SMTP server has received so far: (to, subject, plain text)."""
        out = []
        for _, message in list(self.inbox.messages):
            part = message.get_body(preferencelist=("plain",))
            body = part.get_content() if part is not None else ""
            out.append((str(message.get("To", "")), str(message.get("Subject", "")), body))
        return out

    def stop(self) -> None:
        try:
            for process in self.processes:
                process.terminate()
            for process in self.processes:
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        finally:
            if self.smtp is not None:
                self.smtp.stop()
            if self.drop_database:
                _drop_postgres(self.drop_database)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database(data_dir: Path) -> tuple[str, str, str]:
    """(DATABASE_URL of the parent, name for the seed, name to drop afterwards)."""
    parent = os.environ.get("DATABASE_URL", "")
    if parent.startswith("postgres"):
        name = f"ulinzi_journeys_{os.getpid()}"
        return parent, name, name
    return "", str(data_dir / "journeys.sqlite3"), ""


def _drop_postgres(name: str) -> None:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start(data_dir: Path) -> Site:
    """Seed a fresh database under ``data_dir``, start the server and the worker, wait
    until the server answers."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True, mode=0o700)
    parent_url, name, drop = _database(data_dir)
    port, smtp_port = _free_port(), _free_port()
    url = f"http://localhost:{port}"
    own = ("PYTEST", "ULINZI_SMTP_", "ULINZI_EMAIL_")  # mail goes to the journeys' server
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.journeys.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
        ULINZI_DATA_DIR=str(data_dir),
        ULINZI_SECRET_KEY="journeys-" + os.urandom(16).hex(),
        ULINZI_LOG_LEVEL="WARNING",
        ULINZI_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        ULINZI_SMTP_HOST="127.0.0.1",
        ULINZI_SMTP_PORT=str(smtp_port),
        ULINZI_SITE_URL=url,
        # A loaded machine must not turn a sign-in into "busy, try again".
        ULINZI_ARGON2_WAIT="60",
        ULINZI_ANONYMOUS_LIMITS=",".join(
            f"{kind}_{scope}=100000/3600"
            for kind in ("submit", "receipt")
            for scope in ("client", "global", "fair")
        ),
    )
    if parent_url:
        env["DATABASE_URL"] = parent_url
    seeded = subprocess.run(
        [sys.executable, "-c", "from tests.journeys.seed import main; main()", name],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=START_SECONDS,
    )  # fmt: skip
    if seeded.returncode != 0:
        raise RuntimeError(f"seeding the journeys' database failed:\n{seeded.stderr}")
    if parent_url:
        env["DATABASE_URL"] = urlunsplit(urlsplit(parent_url)._replace(path="/" + name))
    else:
        env["DATABASE_URL"] = f"sqlite:///{name}"
    shots = data_dir / "screenshots"
    site = Site(url, port, data_dir, shots, drop_database=drop)
    site.shots.mkdir()
    logs = data_dir / "logs"
    logs.mkdir()
    try:
        from aiosmtpd.controller import Controller

        site.smtp = Controller(site.inbox, hostname="127.0.0.1", port=smtp_port)
        site.smtp.start()
        for command in (["serve", "--port", str(port), "--threads", "4"], ["worker"]):
            site.processes.append(
                subprocess.Popen(
                    [ULINZI, *command],
                    env=env,
                    cwd=ROOT,
                    stdin=subprocess.DEVNULL,
                    stdout=(logs / f"{command[0]}.out").open("wb"),
                    stderr=(logs / f"{command[0]}.err").open("wb"),
                )
            )
        _wait_for(site)
    except BaseException:
        site.stop()
        raise
    return site


def _wait_for(site: Site) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        for process in site.processes:
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[1]} stopped: see {site.data_dir}/logs")
        conn = http.client.HTTPConnection("127.0.0.1", site.port, timeout=10)
        try:
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer in {START_SECONDS} s")
        time.sleep(0.3)
