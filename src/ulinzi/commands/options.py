"""Types of command-line options that argparse checks, so that a bad value gets the usage
line and one message naming the option and what it accepts, never a traceback."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path


def names(*choices: str) -> Callable[[str], list[str]]:
    """A comma-separated list of some of ``choices`` (``sqlite,postgres``)."""
    shown = ", ".join(choices)

    def parse(text: str) -> list[str]:
        given = [part.strip() for part in text.split(",") if part.strip()]
        if not given:
            raise argparse.ArgumentTypeError(f"name at least one of {shown}")
        wrong = [part for part in given if part not in choices]
        if wrong:
            raise argparse.ArgumentTypeError(
                f"invalid choice: {', '.join(map(repr, wrong))} (choose from {shown})"
            )
        return list(dict.fromkeys(given))

    return parse


def whole(low: int = 1) -> Callable[[str], int]:
    """A whole number, ``low`` or more."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be {low} or more, not {value}")
        return value

    return parse


def number(low: float = 0.0, high: float | None = None) -> Callable[[str], float]:
    """A number from ``low`` (up to ``high`` if given)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if value != value or value < low or (high is not None and value > high):  # NaN too
            limit = f"from {low:g} to {high:g}" if high is not None else f"{low:g} or more"
            raise argparse.ArgumentTypeError(f"must be {limit}, not {text}")
        return value

    return parse


def folder(text: str) -> Path:
    """A folder that exists."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is not a folder")
    return path
