"""``/api/v1/exports/{hxl,geojson,xlsx}``: anonymised or partner exports as a file.

The disclosure report comes in the ``X-Ulinzi-Disclosure`` header (compact JSON), and
for XLSX also as a sheet and for GeoJSON as the ``ulinzi_disclosure`` member.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable

from django.http import FileResponse, HttpRequest
from ninja import Query, Router

from ulinzi.common.api_auth import actor
from ulinzi.common.openapi import file_response
from ulinzi.common.problems import NotAllowed
from ulinzi.incidents.filters import FilterQuery
from ulinzi.reports import policies, services, writers

router = Router(tags=["exports"])


class ExportParams(FilterQuery):
    level: str = "public"
    k: str | None = None


def _endpoint(fmt: str) -> Callable[..., FileResponse]:
    def export(request: HttpRequest, params: Query[ExportParams]) -> FileResponse:
        who = actor(request)
        if not policies.can_export(who):
            raise NotAllowed("exports are for coordinators and analysts")
        values = params.dict()
        req = services.parse_request(
            fmt=fmt, level=values.pop("level"), k=values.pop("k"), filters=values
        )
        out = tempfile.TemporaryFile()
        report = services.export(actor=who, request=req, out=out, via="api")
        out.seek(0)
        response = FileResponse(
            out,
            as_attachment=True,
            filename=req.filename(),
            content_type=writers.CONTENT_TYPES[fmt],
        )
        summary = {k: v for k, v in report.items() if k != "partitions"}  # headers stay small
        response["X-Ulinzi-Disclosure"] = json.dumps(summary, separators=(",", ":"), default=str)
        return response

    export.__name__ = f"export_{fmt}"
    return export


for _fmt in writers.FORMATS:
    router.get(
        f"/{_fmt}",
        summary=f"Export incidents as {_fmt.upper()} (public or partners level)",
        operation_id=f"export_{_fmt}",
        openapi_extra=file_response(writers.CONTENT_TYPES[_fmt], "the export"),
    )(_endpoint(_fmt))
