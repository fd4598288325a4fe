"""The queries of one import batch: a fixed number for new rows, one more per changed row."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ulinzi.incidents import facts
from ulinzi.incidents.models import IncidentChange
from ulinzi.intake.services import run_import

from .conftest import HXL_HEADER, hxl_rows

pytestmark = pytest.mark.django_db

# The queries of an import run of one batch (the run's row, organisation, checkpoint and
# savepoints included). New rows: the id lookup and one insert per table (incidents,
# codes, history, areas, counting copy), whatever the batch's size (measured 22 on SQLite,
# 17 on PostgreSQL).
NEW_BATCH = 24
# Changed rows: one UPDATE each, and besides them the id lookup, one read of the whole
# previous versions, codes, counting copy and history once per batch (measured 24-25 on
# SQLite, 23 on PostgreSQL; the importer before took 10 a row: 117 for 10 rows, 617 for 60).
CHANGED_BATCH = 28


def _queries(org: Any, path: Any, rows: int) -> int:
    with CaptureQueriesContext(connection) as seen:
        result = run_import(
            path=path,
            organisation=org,
            domain="health_care_attack",
            batch_size=rows,
            progress=False,
        )
    assert result.rows == rows and result.rejected == 0
    return len(seen.captured_queries)


@pytest.mark.parametrize("rows", [10, 60])
def test_a_batch_of_new_rows_costs_the_same_queries_at_any_size(
    org: Any, write_csv: Any, rows: int
) -> None:
    count = _queries(org, write_csv("new.csv", [*HXL_HEADER, *hxl_rows(rows)]), rows)
    assert count <= NEW_BATCH


@pytest.mark.parametrize("rows", [10, 60])
def test_a_batch_of_changed_rows_costs_one_query_more_per_row(
    org: Any, write_csv: Any, rows: int
) -> None:
    data = hxl_rows(rows)
    _queries(org, write_csv("v1.csv", [*HXL_HEADER, *data]), rows)
    for row in data:
        row[5] = 9  # killed
        row[4] = "militarization"  # types
        row[7] += " Corrected."
    count = _queries(org, write_csv("v2.csv", [*HXL_HEADER, *data]), rows)
    assert count <= CHANGED_BATCH + rows
    # Each changed row kept its previous version and its counting copy is in step.
    assert IncidentChange.objects.exclude(previous=None).count() == rows
    assert facts.differences() == []
