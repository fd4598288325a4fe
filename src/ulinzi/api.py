"""The JSON API under ``/api/v1/``: routers from each app, errors as problem+json."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from pydantic import Field

from ulinzi.accounts.api import router as accounts_router
from ulinzi.alerts.api import router as alerts_router
from ulinzi.alerts.deconfliction.api import router as deconfliction_router
from ulinzi.analysis.api import router as analysis_router
from ulinzi.analysis.linkage.api import estimates_router
from ulinzi.analysis.linkage.api import router as linkage_router
from ulinzi.audit.api import router as audit_router
from ulinzi.cases.api.cases import router as cases_router
from ulinzi.cases.api.complaints import router as complaints_router
from ulinzi.cases.api.referrals import router as referrals_router
from ulinzi.common import versioning
from ulinzi.common.api_auth import API_AUTH
from ulinzi.common.openapi import DocumentedAPI
from ulinzi.common.problems import (
    MEDIA_TYPE,
    Conflict,
    InvalidInput,
    NotAllowed,
    NotFound,
    problem,
)
from ulinzi.common.slowhash import Busy, busy_response
from ulinzi.directory.api import router as directory_router
from ulinzi.incidents.api import router as incidents_router
from ulinzi.intake.anonymous.api import router as anonymous_router
from ulinzi.ops.access import is_operator
from ulinzi.ops.health import report as health_report
from ulinzi.reports.api import router as exports_router
from ulinzi.vocab.api import router as vocab_router
from ulinzi.web.api_docs import VendoredSwagger

log = logging.getLogger(__name__)

api = DocumentedAPI(
    title="Ulinzi API",
    version="1",
    description=(
        "Incidents in shared vocabularies, intake, cases, alerts and analysis.\n\n"
        "Reads and writes of one mutable record send its version as a strong `ETag` "
        '(`"3"`; also `version` in the body). Send it back as `If-Match` on a PATCH or '
        "action: if the record changed since, the write is refused with 412 "
        "problem+json carrying the current `version` (and its `ETag`). Without "
        "`If-Match`, a write changes only the fields it names, on the record as it is now."
    ),
    urls_namespace="api",
    auth=API_AUTH,
    docs=VendoredSwagger(),
)


def _problem_response(status: int, body: dict[str, Any]) -> HttpResponse:
    return HttpResponse(json.dumps(body, default=str), status=status, content_type=MEDIA_TYPE)


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("body", "payload", "types", 1)`` → ``types[1]``."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "form", "header", "cookie"):
        parts = parts[1:]
        if parts and parts[0] == "payload":
            parts = parts[1:]
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "body"


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        message = str(err.get("msg", "is not valid"))
        if err.get("type") == "json_invalid" or "parse" in message.lower():
            message = "the request body is not valid JSON"
        errors.append({"field": _field_path(err.get("loc", ())), "message": message})
    return _problem_response(
        422,
        problem(
            422,
            "Invalid input",
            "; ".join(f"{e['field']}: {e['message']}" for e in errors),
            errors=errors,
        ),
    )


@api.exception_handler(InvalidInput)
def on_invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    errors = [p.as_dict() for p in exc.problems]
    return _problem_response(422, problem(422, "Invalid input", str(exc), errors=errors))


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    errors = [p.as_dict() for p in exc.problems]
    return _problem_response(409, problem(409, "Conflict", str(exc), errors=errors))


@api.exception_handler(versioning.StaleVersion)
def on_stale_version(request: HttpRequest, exc: versioning.StaleVersion) -> HttpResponse:
    body = problem(412, "Precondition failed", str(exc), version=exc.current)
    response = _problem_response(412, body)
    response["ETag"] = versioning.etag(exc.current)
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _problem_response(
        401, problem(401, "Not signed in", "send Authorization: Bearer TOKEN or sign in")
    )


@api.exception_handler(NotAllowed)
def on_not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return _problem_response(403, problem(403, "Forbidden", str(exc)))


@api.exception_handler(NotFound)
def on_not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return _problem_response(404, problem(404, "Not found", str(exc)))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:
        errors = [{"field": "body", "message": f"{exc}: send a JSON object"}]
        return _problem_response(
            400, problem(400, "Malformed request", f"body: {exc}", errors=errors)
        )
    return _problem_response(exc.status_code, problem(exc.status_code, str(exc)))


@api.exception_handler(Busy)
def on_busy(request: HttpRequest, exc: Busy) -> HttpResponse:
    return busy_response(request, _problem_response(503, problem(503, "Busy", str(exc))), exc)


@api.exception_handler(Exception)
def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("unhandled error on %s", request.path)
    return _problem_response(500, problem(500, "Internal error", "the error was logged"))


class DatabaseOut(Schema):
    reachable: bool
    vendor: str | None = Field(None, description="operator only: sqlite or postgresql")
    error: str | None = Field(None, description="operator only: the error's kind")


class CacheOut(Schema):
    reachable: bool
    shared: bool | None = Field(
        None, description="operator only: a cache shared by every web process (Redis)"
    )
    error: str | None = Field(None, description="operator only: the error's kind")


class WorkerOut(Schema):
    running: bool = Field(description="a worker renewed its heartbeat within the stale time")
    alive: int | None = Field(None, description="operator only: workers running")
    last_seen: str | None = Field(None, description="operator only: the latest heartbeat")
    queue_depth: int | None = Field(None, description="operator only: tasks waiting")
    oldest_task_age_seconds: float | None = Field(None, description="operator only")


class HealthOut(Schema):
    status: str = Field(
        description="ok; degraded when no worker runs; down (503) when the database or "
        "the cache does not answer"
    )
    database: DatabaseOut
    cache: CacheOut
    worker: WorkerOut


@api.get("/health", auth=None, tags=["system"], response={200: HealthOut, 503: HealthOut})
def health(request: HttpRequest) -> HttpResponse:
    """Database, cache and worker, for anyone; the operator (monitoring token or
    superuser) also gets the worker's last heartbeat and the task queue's depth."""
    status, body = health_report(operator=is_operator(request))
    return HttpResponse(json.dumps(body), status=status, content_type="application/json")


api.add_router("/vocabularies", vocab_router)
api.add_router("/incidents", incidents_router)
api.add_router("/alerts", alerts_router)
api.add_router("/deconfliction", deconfliction_router)
api.add_router("/reports/anonymous", anonymous_router)
api.add_router("/services", directory_router)
api.add_router("/cases", cases_router)
api.add_router("/referrals", referrals_router)
api.add_router("/complaints", complaints_router)
api.add_router("/accounts", accounts_router)
api.add_router("/audit", audit_router)
api.add_router("/analysis", analysis_router)
api.add_router("/linkage", linkage_router)
api.add_router("/estimates", estimates_router)
api.add_router("/exports", exports_router)
