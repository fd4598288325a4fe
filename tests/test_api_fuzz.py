"""Schemathesis over every operation of the API's own OpenAPI document, as five callers.

Each operation is called with cases generated from its documented parameters and body
(valid and invalid ones), as anonymous, ``monitor``, ``coordinator`` (with a 2FA-bound
token, so the case and complaint endpoints answer), ``analyst`` and ``reporter``. A
response fails the test when it is a 5xx, or when its status, content type, headers or
body are not what the document says.

Database state: the demo organisations and users (``cluster``, ``amani``, the two public
data publishers, the deconfliction parties), the anonymous receiver, a few generated
incidents and the demo cases, complaints and services — created once for this module
and rolled back after it. Generation has a fixed seed (the same cases every run) and is
bounded by ``ULINZI_FUZZ_EXAMPLES`` (default 3 per operation, each sent as all five
callers); to fuzz wide outside the suite, set it higher and ``ULINZI_FUZZ_COVERAGE=1``
(docs/api.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ulinzi.wsgi import application

EXAMPLES = int(os.environ.get("ULINZI_FUZZ_EXAMPLES", "3"))
# The coverage phase adds every boundary and negative case the schemas define (about
# 40 per operation): for wide runs outside the suite.
COVERAGE = os.environ.get("ULINZI_FUZZ_COVERAGE") == "1"
CALLERS = (None, "monitor", "coordinator", "analyst", "reporter")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 2026,
        "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture(scope="module")
def tokens(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str | None, str]]:
    """The demo world, made once for the module in a transaction rolled back at its end."""
    from ulinzi.accounts.models import User
    from ulinzi.accounts.services import create_token
    from ulinzi.alerts.deconfliction.demo import ensure_parties
    from ulinzi.cases import demo as cases_demo
    from ulinzi.demo import generated, organisations
    from ulinzi.intake.anonymous import routing

    # As Django's test client does: requests must not close the connection, which
    # holds this module's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    with django_db_blocker.unblock(), transaction.atomic():
        organisations.load_organisations()
        routing.configure_demo()
        ensure_parties(organisations.demo_password())
        generated.generate(count=20)
        cases_demo.load(lambda _line: None)
        made: dict[str | None, str] = {
            name: create_token(user=User.objects.get(username=name), two_factor=True)
            for name in CALLERS
            if name is not None
        }
        try:
            yield made
        finally:
            transaction.set_rollback(True)
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(database=None, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case: Any, tokens: dict[str | None, str], db: Any) -> None:
    """Each generated case is sent once as every caller."""
    for caller in CALLERS:
        headers = {"Authorization": f"Bearer {tokens[caller]}"} if caller else {}
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as exc:
            exc.add_note(f"as {caller or 'an anonymous caller'}")
            raise
