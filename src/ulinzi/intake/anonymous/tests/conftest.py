"""Fixtures for the anonymous intake tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

REPORT = {
    "category": "seah",
    "what_happened": "A distribution officer asked for sex in exchange for food vouchers.",
    "country": "UKR",
    "admin1_name": "Kharkivska",
    "occurred_on": "2025-03",
    "contact_preference": "only through the receipt",
}


@pytest.fixture(autouse=True)
def _no_counts_left_behind() -> Iterator[None]:
    """Rate-limit counters live in the cache: start and leave it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def receiving(demo_orgs: dict[str, Any]) -> dict[str, Any]:
    """The demo routing: the cluster receives every anonymous report."""
    from ulinzi.intake.anonymous.routing import configure_demo

    configure_demo()
    return demo_orgs


@pytest.fixture
def submit(receiving: dict[str, Any], api: Any) -> Callable[..., str]:
    """Submit a report through the API; returns the receipt."""

    def make(**changes: Any) -> str:
        response = api(None).post("/api/v1/reports/anonymous", {**REPORT, **changes})
        assert response.status_code == 201, response.content
        return str(response.json()["receipt"])

    return make


@pytest.fixture
def all_rows(db: Any) -> Callable[[], str]:
    """Every row of every table of the database, as text (for "is it stored?" checks)."""
    from django.db import connection

    def dump() -> str:
        out: list[str] = []
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                out.extend(f"{table}: {row!r}" for row in cursor.fetchall())
        return "\n".join(out)

    return dump
