"""Make the database the journeys run on: the schema, the demo organisations, users
(one per role in each), parties, anonymous routing, alert subscriptions, the services
directory and risk instruments, and a third organisation with a case worker of its own.
Nobody has an authenticator yet: those who need one enrol it in the browser.
Run in a process of its own, before the server and the worker start, with the
environment they will have (``python -c "from tests.journeys.seed import main; main()"
NAME``); prints the database's name.

Passwords are hashed with small Argon2 costs (:class:`QuickArgon2`, which the journeys'
server uses too: tests/journeys/settings.py).
"""

from __future__ import annotations

import os
import sys

from django.contrib.auth.hashers import Argon2PasswordHasher

THIRD = ("ngo3", "Third organisation (journeys)", "case_worker3")


class QuickArgon2(Argon2PasswordHasher):
    """Argon2 with the test suite's costs, under Django's own algorithm name."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django

    django.setup()
    from django.db import connection

    name = sys.argv[1] if len(sys.argv) > 1 else os.environ["ULINZI_JOURNEYS_DB"]
    # The schema straight from the models (as Django's test runner makes it without
    # migrations): the encrypting data migrations have nothing to do on an empty database.
    connection.settings_dict["TEST"].update(NAME=name, MIGRATE=False)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)

    from ulinzi.accounts import services as accounts
    from ulinzi.alerts import demo as alerts_demo
    from ulinzi.alerts.deconfliction.demo import ensure_parties
    from ulinzi.cases.services import risk
    from ulinzi.demo import generated, organisations
    from ulinzi.directory import demo as directory_demo
    from ulinzi.intake.anonymous import routing

    organisations.load_organisations()
    routing.configure_demo()
    password = organisations.demo_password()
    ensure_parties(password)
    alerts_demo.ensure_subscriptions(generated.COUNTRIES)
    directory_demo.load()
    risk.sync_instruments()
    code, title, username = THIRD
    org = accounts.ensure_organisation(code=code, name=title, kind="nngo")
    accounts.ensure_user(
        username=username, password=password, organisation=org, roles=["case_worker"]
    )
    print(connection.settings_dict["NAME"], flush=True)


if __name__ == "__main__":
    main()
