"""``ulinzi anonymous``: set receivers and routes from the command line."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.cli import build_parser
from ulinzi.intake.anonymous.models import Receiver, Route


def _run(*argv: str) -> int:
    args = build_parser().parse_args(["anonymous", *argv])
    return int(args.handler(args))


def test_receivers_and_routes(demo_orgs: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("show") == 0
    assert "no receiver" in capsys.readouterr().out
    assert _run("receiver", "cluster") == 0
    assert _run("route", "amani", "--category", "seah", "--country", "sdn") == 0
    out = capsys.readouterr().out
    assert "seah/SDN → amani" in out and "receiver cluster" in out
    assert list(Receiver.objects.values_list("organisation__code", flat=True)) == ["cluster"]
    assert Route.objects.get().country == "SDN"
    assert _run("route", "nobody") == 2
    assert _run("route", "amani", "--category", "theft") == 2
    assert "category" in capsys.readouterr().err
