"""Sub-commands of ``ulinzi``; each module offers ``HELP`` and ``configure(parser)``."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

MODULES = (
    "demo", "serve", "worker", "token", "keys", "alerts", "bench", "export", "anonymous",
    "importer", "cases", "link", "estimate", "facts", "backup", "restore",
)  # fmt: skip
# Modules whose sub-command name differs (``import`` is a Python keyword).
NAMES = {"importer": "import"}


def register_all() -> dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]]:
    out = {}
    for name in MODULES:
        module = importlib.import_module(f"ulinzi.commands.{name}")
        out[NAMES.get(name, name)] = (module.HELP, module.configure)
    return out
