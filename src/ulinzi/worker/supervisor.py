"""Run a few ``ulinzi`` commands as child processes and stop them together.

``ulinzi demo`` runs the web server and the worker this way, so one command runs all a
user needs, and stopping it leaves nothing behind:

* Each child runs in a session of its own, so Ctrl-C in the terminal reaches only the
  supervisor, which stops the children itself: SIGTERM, then SIGKILL for any still
  running after ``grace`` seconds (a second Ctrl-C kills at once). SIGTERM and SIGHUP
  stop it the same way.
* A child stops by itself when the supervisor is gone, even killed by SIGKILL
  (:func:`exit_with_parent`).
* A child that dies is announced loudly. One marked ``restart`` (the worker) is started
  again, at most :data:`RESTARTS` times a minute; any other (the web server) stops the
  whole group.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import TextIO

PARENT_ENV = "ULINZI_SUPERVISOR_PID"
GRACE_SECONDS = 15.0
RESTARTS = 5
POLL_SECONDS = 0.5
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def ulinzi_command(*args: str) -> list[str]:
    """The command line of ``ulinzi ARGS`` with this Python."""
    return [sys.executable, "-m", "ulinzi.cli", *args]


def exit_with_parent() -> None:
    """In a child of a supervisor: send SIGTERM to this process once the supervisor is
    gone (the child is then re-parented), so a killed supervisor leaves no orphan."""
    raw = os.environ.pop(PARENT_ENV, "")
    if not raw.isdigit():
        return
    parent = int(raw)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        print("ulinzi: the supervisor is gone; stopping", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def describe_exit(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


@dataclass
class Child:
    """A command to keep running: ``name`` is what messages call it, ``note`` what they
    add when it is down (what waits for it, how to start it by hand)."""

    name: str
    argv: list[str]
    restart: bool = False
    note: str = ""
    process: subprocess.Popen[bytes] | None = None
    deaths: list[float] = field(default_factory=list)
    start_at: float | None = None


class Supervisor:
    def __init__(
        self,
        children: Sequence[Child],
        *,
        env: dict[str, str],
        grace: float = GRACE_SECONDS,
        out: TextIO | None = None,
    ) -> None:
        self.children = list(children)
        self.env = {**env, PARENT_ENV: str(os.getpid())}
        self.grace = grace
        self.out = out or sys.stdout
        self.stopping = False  # set by a signal handler: no lock may be taken there
        self.kill_now = False

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def shout(self, *lines: str) -> None:
        """A message nobody watching the terminal can miss."""
        bar = "!" * 78
        text = [bar, *(f"!! {line}" for line in lines if line), bar]
        print("\n".join(text), file=sys.stderr, flush=True)

    def run(self) -> int:
        """Start every child, watch them until told to stop, stop them; the exit code."""
        previous = {s: signal.signal(s, self._on_signal) for s in STOP_SIGNALS}
        try:
            for child in self.children:
                self._start(child)
            return self._watch()
        finally:
            self._stop_all()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            self.kill_now = True
        self.stopping = True

    def _start(self, child: Child) -> None:
        child.start_at = None
        child.process = subprocess.Popen(  # noqa: S603 - our own command line
            child.argv, env=self.env, stdin=subprocess.DEVNULL, start_new_session=True
        )
        self.say(f"{child.name} started (pid {child.process.pid})")

    def _watch(self) -> int:
        while True:
            time.sleep(POLL_SECONDS)
            if self.stopping:
                return 0
            now = time.monotonic()
            for child in self.children:
                if child.process is None:
                    if child.start_at is not None and now >= child.start_at:
                        self._start(child)
                    continue
                code = child.process.poll()
                if code is None:
                    continue
                child.process = None
                if not child.restart:
                    self.shout(f"The {child.name} stopped ({describe_exit(code)}): stopping all.")
                    return code if code > 0 else 1
                child.deaths = [t for t in child.deaths if now - t < 60] + [now]
                if len(child.deaths) > RESTARTS:
                    self.shout(
                        f"The {child.name} stopped ({describe_exit(code)}), "
                        f"{len(child.deaths)} times in a minute: it is not started again.",
                        child.note,
                    )
                else:
                    self.shout(
                        f"The {child.name} stopped unexpectedly ({describe_exit(code)}): "
                        "starting it again.",
                        child.note,
                    )
                    child.start_at = now + 1

    def _stop_all(self) -> None:
        running = [c for c in self.children if c.process is not None and c.process.poll() is None]
        if not running:
            return
        self.say(f"stopping the {' and the '.join(c.name for c in running)} ...")
        for child in running:
            assert child.process is not None
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in running:
            assert child.process is not None
            while child.process.poll() is None and not self.kill_now:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.1)
            if child.process.poll() is None:
                self.say(f"the {child.name} did not stop in time: killing it")
                child.process.kill()
            child.process.wait()
        self.say("stopped")
