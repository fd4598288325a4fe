"""Read the incidents a release is built from: only the fields it needs, in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from ulinzi.incidents.models import COUNT_FIELDS, COUNT_KINDS, Incident

CHUNK = 5000

PUBLIC_FIELDS = (
    "country",
    "domain",
    "occurred_on",
    "occurred_precision",
    "types",
    "resources",
    "facility_type",
    "cause",
    "certainty",
    *COUNT_KINDS,
)
PARTNER_FIELDS = (
    "id",
    "organisation__name",
    "country",
    "admin1_pcode",
    "admin1_name",
    "occurred_on",
    "occurred_precision",
    "domain",
    "types",
    "resources",
    "facility_type",
    "cause",
    "certainty",
    "perpetrator",
    "status",
    *COUNT_FIELDS,
)


def read(qs: QuerySet[Incident], fields: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    return qs.order_by().values_list(*fields).iterator(chunk_size=CHUNK)


def read_public(qs: QuerySet[Incident]) -> Iterator[tuple[Any, ...]]:
    """The public fields, with the date and the JSON lists read as text: the same few
    texts repeat, so each is decoded once (see :func:`.public_release.build_public`)."""
    as_text = {name: Cast(name, TextField()) for name in ("occurred_on", "types", "resources")}
    fields = [f"x_{f}" if f in as_text else f for f in PUBLIC_FIELDS]
    return (
        qs.order_by()
        .annotate(**{f"x_{k}": v for k, v in as_text.items()})
        .values_list(*fields)
        .iterator(chunk_size=CHUNK)
    )
