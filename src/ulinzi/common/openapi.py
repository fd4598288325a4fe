"""The API's OpenAPI document, errors included.

django-ninja documents the responses an operation declares. Every operation can also
fail in ways its signature already tells, always as an RFC 9457
``application/problem+json`` document (:class:`ulinzi.common.problems.Problem`):

- 401 (not signed in) and 403 (not allowed) when it needs authentication;
- 404 when its path names something (``/incidents/{incident_id}``);
- 422 always (each field at fault named: a parameter or body field that breaks its
  schema, or any string with a NUL or a lone surrogate, :mod:`ulinzi.common.input_guard`);
- 400 (malformed) and 413 (too large, :mod:`ulinzi.common.input_guard`) when it takes a body;
- 412 when it takes ``If-Match`` (a stale version, :mod:`ulinzi.common.versioning`).

Those are added here, once, for every operation. Others (409, 429, 503 of the Argon2
bound, a 404 of a body's reference) an operation declares itself:
``response={201: Out, 409: Problem}``;
any declared error status is documented as problem+json, as it is answered.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from ulinzi.common.problems import MEDIA_TYPE, Problem
from ulinzi.common.versioning import HEADER

PROBLEM_REF = {"$ref": REF_TEMPLATE.format(model="Problem")}


def implied_errors(operation: Operation, details: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer by what it takes."""
    out = []
    if operation.auth_callbacks:
        out += [401, 403]
    if "{" in operation.path:
        out.append(404)
    if details.get("requestBody"):
        out += [400, 413]
    if any(p["in"] == "header" and p["name"] == HEADER for p in details.get("parameters", [])):
        out.append(412)  # a stale If-Match (ulinzi.common.versioning)
    out.append(422)  # the text rule of ulinzi.common.input_guard holds for anything sent
    return out


def file_response(media_type: str, description: str = "the file") -> dict[str, Any]:
    """``openapi_extra`` for an operation that answers with a file, not JSON."""
    media_type = media_type.split(";")[0]
    is_json = media_type.endswith("json")
    schema = {"type": "object"} if is_json else {"type": "string", "format": "binary"}
    return {
        "responses": {
            200: {"description": description, "content": {media_type: {"schema": schema}}}
        }
    }


class ErrorsDocumented(OpenAPISchema):
    """Ninja's document plus the problem+json error responses of each operation."""

    def operation_details(self, operation: Operation) -> dict[str, Any]:
        details = super().operation_details(operation)
        if "Problem" not in self.schemas:
            schema = Problem.model_json_schema(
                ref_template=REF_TEMPLATE,
                schema_generator=NinjaGenerateJsonSchema,
                mode="serialization",
            )
            self.add_schema_definitions(schema.pop("$defs", {}))
            self.schemas["Problem"] = schema
        responses: dict[int, Any] = details["responses"]
        for status in implied_errors(operation, details):
            responses.setdefault(status, {"description": HTTPStatus(status).phrase})
        for status, response in responses.items():
            content = response.get("content", {})
            if int(status) >= 400 and content.get("application/json", {}).get("schema") in (
                None,
                PROBLEM_REF,
            ):
                response["content"] = {MEDIA_TYPE: {"schema": PROBLEM_REF}}
        details["responses"] = dict(sorted(responses.items(), key=lambda kv: int(kv[0])))
        return details


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document includes the error responses."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ErrorsDocumented(api=self, path_prefix=path_prefix)
