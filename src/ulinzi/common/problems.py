"""RFC 9457 problem details for every API error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.http import HttpResponse
from ninja import Schema
from pydantic import ConfigDict, Field

from ulinzi.common import problem_catalogue

MEDIA_TYPE = "application/problem+json"


@dataclass
class FieldProblem:
    """One thing wrong with one field of the input.

    A problem made with :meth:`of` names a ``code`` of the catalogue
    (:mod:`ulinzi.common.problem_catalogue`) and the ``params`` its message names; its
    :attr:`message` is put into words in the active language when it is read. Services
    not yet moved to codes give the ``text`` itself.
    """

    field: str
    text: str = ""
    value: Any = None
    code: str = ""
    params: dict[str, Any] = dataclass_field(default_factory=dict)

    @classmethod
    def of(cls, field: str, code: str, value: Any = None, **params: Any) -> FieldProblem:
        """The problem ``code`` of the catalogue on ``field``."""
        if code not in problem_catalogue.CATALOGUE:
            raise KeyError(f"no problem {code!r} in the catalogue")
        return cls(field, value=value, code=code, params=params)

    @property
    def message(self) -> str:
        """What is wrong, in the active language."""
        if self.code:
            return problem_catalogue.after_field(self.code, self.params)
        return str(self.text)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, "message": self.message}
        if self.code:
            out["code"] = self.code
            if self.params:
                out["params"] = self.params
        if self.value is not None:
            out["value"] = self.value
        return out


@dataclass
class InvalidInput(Exception):
    """Raised by services when input breaks a rule; the API turns it into a 422."""

    problems: list[FieldProblem] = dataclass_field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.field}: {p.message}" for p in self.problems)


class Conflict(InvalidInput):
    """The input clashes with a record that exists (the API answers 409). Its problems
    name the field, never the record: the caller may have no right to see it."""


class NotAllowed(Exception):
    """The acting user has no right to do this."""


class NotFound(Exception):
    """Nothing the acting user may see answers to this id."""


def problem(status: int, title: str, detail: str = "", **extra: Any) -> dict[str, Any]:
    """Build a problem-details document."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    return body


def problem_response(status: int, title: str, detail: str = "", **extra: Any) -> HttpResponse:
    """A problem-details document as an ``application/problem+json`` response."""
    return HttpResponse(
        json.dumps(problem(status, title, detail, **extra), default=str),
        status=status,
        content_type=MEDIA_TYPE,
    )


class FieldProblemOut(Schema):
    field: str = Field(description="where: a field name, a path such as types[1], or body")
    message: str = Field(description="what is wrong, in the language of the request")
    code: str | None = Field(None, description="the problem's code, the same in every language")
    params: dict[str, Any] | None = Field(None, description="the values its message names")
    value: Any = None


class Problem(Schema):
    """An RFC 9457 problem-details document: the body of every API error."""

    model_config = ConfigDict(extra="allow")

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldProblemOut] | None = Field(
        None, description="each field at fault (400, 413, 422)"
    )
