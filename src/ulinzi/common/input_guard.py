"""Refuse, before any view sees it, input that no field may hold.

Two rules, for every request (API and pages alike):

- **Size.** A body larger than Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB; more
  than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` form fields or ``DATA_UPLOAD_MAX_NUMBER_FILES``
  files) is refused with 413. A file upload (a ``multipart/form-data`` page post) may be
  larger, up to ``ULINZI_UPLOAD_MAX_BYTES`` for the whole request.
- **Text.** No string anywhere in the request (path, query parameters, form fields, JSON
  bodies: keys and values, at any depth) may contain a NUL character, which neither
  PostgreSQL nor the encryption of sensitive fields can take, or a lone surrogate
  (``\\ud800``-``\\udfff`` without its pair), which is not Unicode text at all.

The API answers with ``application/problem+json`` naming each field at fault (422, or
413 for size); a page answers with the 400 page saying the same.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from ulinzi.common.problems import FieldProblem, problem_response

API_PREFIX = "/api/"
_SURROGATE = re.compile("[\ud800-\udfff]")
# Bytes without which a JSON body cannot decode to a NUL or a lone surrogate: the escapes
# \u0000 and \ud800-\udfff, a raw surrogate (json.loads decodes bytes with
# "surrogatepass"), and any NUL byte (UTF-16 and UTF-32 bodies are full of them).
_SUSPECT_JSON = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})|\xed[\xa0-\xbf]|\x00")
_TOO_BIG = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def text_fault(value: str) -> str | None:
    """Why ``value`` cannot be stored as text, or None when it can. The rule of record."""
    if "\x00" in value:
        return "contains a NUL character (\\u0000), which text cannot hold"
    if _SURROGATE.search(value):
        return "contains a lone surrogate (\\ud800-\\udfff), which is not valid Unicode"
    return None


def _json_faults(value: Any, at: str) -> Iterator[FieldProblem]:
    if isinstance(value, str):
        if fault := text_fault(value):
            yield FieldProblem(at or "body", fault)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_faults(item, f"{at}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{at}.{key}" if at else str(key)
            if fault := text_fault(key):
                yield FieldProblem(name, f"the name {fault}")
            else:
                yield from _json_faults(item, name)


def _pairs_faults(pairs: Iterator[tuple[str, str]]) -> Iterator[FieldProblem]:
    for key, value in pairs:
        if fault := text_fault(key):
            yield FieldProblem(key, f"the name {fault}")
        elif fault := text_fault(value):
            yield FieldProblem(key, fault)


def _path_faults(request: HttpRequest) -> list[FieldProblem]:
    fault = text_fault(request.path_info)
    if fault is None:
        return []
    try:
        named = [(k, str(v)) for k, v in resolve(request.path_info).kwargs.items()]
    except Resolver404:
        named = []
    return list(_pairs_faults(iter(named))) or [FieldProblem("path", fault)]


def _body_faults(request: HttpRequest, is_api: bool) -> Iterator[FieldProblem]:
    content_type = request.content_type or ""
    if not is_api and content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for key, values in request.POST.lists():
            yield from _pairs_faults((key, v) for v in values)
        for key, files in request.FILES.lists():
            yield from _pairs_faults((key, f.name or "") for f in files)
        return
    body = request.body
    if not body or not _SUSPECT_JSON.search(body):
        return
    try:
        data = json.loads(body)
    except ValueError:
        return  # not JSON: the view says so
    yield from _json_faults(data, "")


def faults(request: HttpRequest) -> list[FieldProblem]:
    """Everything in ``request`` that breaks the text rule, each with where it is."""
    is_api = request.path_info.startswith(API_PREFIX)
    found = _path_faults(request)
    for key, values in request.GET.lists():
        found.extend(_pairs_faults((key, v) for v in values))
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        found.extend(_body_faults(request, is_api))
    return found


def upload_max_bytes() -> int:
    return int(settings.ULINZI_UPLOAD_MAX_BYTES)


def _too_big(request: HttpRequest, is_api: bool) -> HttpResponse:
    limit = (
        upload_max_bytes()
        if request.content_type == "multipart/form-data" and not is_api
        else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )
    detail = f"the request is larger than this server takes ({limit:,} bytes)"
    if is_api:
        return problem_response(
            413, "Request too large", detail, errors=[{"field": "body", "message": detail}]
        )
    message = _("The request is larger than this server takes (%(limit)s bytes).") % {
        "limit": f"{limit:,}"
    }
    return render(request, "400.html", {"message": message}, status=413)


def _refused(request: HttpRequest, is_api: bool, found: list[FieldProblem]) -> HttpResponse:
    detail = "; ".join(f"{p.field}: {p.message}" for p in found)
    if is_api:
        return problem_response(422, "Invalid input", detail, errors=[p.as_dict() for p in found])
    return render(request, "400.html", {"problems": found}, status=400)


class InputGuardMiddleware:
    """Apply the size and text rules above to every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        is_api = request.path_info.startswith(API_PREFIX)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > upload_max_bytes():
            return _too_big(request, is_api)
        try:
            found = faults(request)
        except _TOO_BIG:
            return _too_big(request, is_api)
        if found:
            return _refused(request, is_api, found)
        return self.get_response(request)
