"""Load the whole demo: organisations and users, the two real public datasets, generated
incidents for the other domains, cases, a finished linkage run, alert subscriptions and
an alert. Safe to run again: nothing is duplicated."""

from __future__ import annotations

from collections.abc import Callable

from ulinzi.alerts.deconfliction.demo import ensure_parties
from ulinzi.demo import generated, organisations
from ulinzi.intake.anonymous import routing as anonymous_routing

Printer = Callable[[str], None]


def load(echo: Printer = print, *, real_data: bool = True) -> None:
    """Everything; ``real_data=False`` leaves out the two public datasets (about 15,000
    incidents: the slow part), for a quick look or a test."""
    organisations.load_organisations()
    echo("demo organisations and users ready")
    anonymous_routing.configure_demo()
    ensure_parties(organisations.demo_password())
    if real_data:
        from ulinzi.demo import real_data as public

        public.load(echo)
    new = generated.generate()
    echo(f"generated incidents for other domains: {new} new")
    from ulinzi.cases import demo as cases_demo

    cases_demo.load(echo)
    from ulinzi.analysis.linkage import demo as linkage_demo

    linkage_demo.load(echo)
    from ulinzi.alerts import demo as alerts_demo

    alerts_demo.ensure_subscriptions(generated.COUNTRIES)
    alert = alerts_demo.ensure_alert()
    echo(f"alert subscriptions ready; the demo alert matched {alert.matched} of them")
