"""Load the whole demo: organisations and users, the two real public datasets, and
generated incidents for the other domains. Safe to run again: nothing is duplicated."""

from __future__ import annotations

from collections.abc import Callable

from ulinzi.alerts.deconfliction.demo import ensure_parties
from ulinzi.demo import generated, organisations
from ulinzi.intake.anonymous import routing as anonymous_routing

Printer = Callable[[str], None]


def load(echo: Printer = print) -> None:
    organisations.load_organisations()
    echo("demo organisations and users ready")
    anonymous_routing.configure_demo()
    ensure_parties(organisations.demo_password())
    from ulinzi.demo import real_data

    real_data.load(echo)
    new = generated.generate()
    echo(f"generated incidents for other domains: {new} new")
    from ulinzi.cases import demo as cases_demo

    cases_demo.load(echo)
