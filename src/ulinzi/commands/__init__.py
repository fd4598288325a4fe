"""Sub-commands of ``ulinzi``; each module offers ``HELP`` and ``configure(parser)``."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

MODULES = ("demo", "serve", "worker", "token", "keys", "alerts", "bench", "export", "anonymous")


def register_all() -> dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]]:
    out = {}
    for name in MODULES:
        module = importlib.import_module(f"ulinzi.commands.{name}")
        out[name] = (module.HELP, module.configure)
    return out
