"""Versions of mutable records, so that no acknowledged change is lost.

Every mutable record has a ``version`` (1 when created, one more at each change). The API
sends it as a strong ``ETag`` (``"3"``) on reads and writes; a write that sends
``If-Match`` is refused with 412 (:class:`StaleVersion`, answered with the current
version) when the record has moved on. A write without it changes only the fields it
names, on the current row, locked for the time of the write (:func:`lock`), and moves
the version on in the same ``UPDATE`` (:func:`save`). Web forms carry the version in a
hidden field (:class:`VersionField`, :func:`posted`) and show a stale save as a
conflict, keeping what the user typed (:func:`saved_now`, :func:`rebound`; a page's
smaller action forms through :class:`ulinzi.common.views.Again`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Header

from ulinzi.common.problems import FieldProblem, InvalidInput

HEADER = "If-Match"
# The If-Match parameter of an API write (documented in the OpenAPI).
IF_MATCH: Any = Header(
    None,
    alias=HEADER,
    description="the ETag you read; a stale one is refused with 412 and the current version",
)
_ONE_TAG = re.compile(r'^\s*(?:W/)?"(\d{1,18})"\s*$')

F = TypeVar("F", bound=forms.Form)


class StaleVersion(Exception):
    """The record is at ``current``, not at the version the writer started from."""

    def __init__(self, current: int, what: str = "record") -> None:
        super().__init__(
            f"the {what} was changed by someone else: it is now at version {current}; "
            "read it again and apply your change to that"
        )
        self.current = current


def version_field() -> models.PositiveIntegerField:
    """The ``version`` column every mutable record has."""
    return models.PositiveIntegerField(default=1, editable=False)


def etag(version: int) -> str:
    """The ETag of a record at ``version``."""
    return f'"{version}"'


def set_etag(response: HttpResponse, record: Any) -> None:
    """Send the record's version as the response's ``ETag``."""
    response["ETag"] = etag(record.version)


def expected(header: str | None) -> int | None:
    """The version an ``If-Match`` value asks for; None when absent or ``*`` (any)."""
    if header is None or header.strip() in ("", "*"):
        return None
    found = _ONE_TAG.match(header)
    if found is None:
        raise InvalidInput(
            [FieldProblem(HEADER, 'send one ETag as this API gave it, e.g. "3", or *', header)]
        )
    return int(found.group(1))


def posted(request: HttpRequest) -> int | None:
    """The version a page's form was shown at (its hidden ``version``), if it sent one."""
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() and len(value) < 19 else None


def posted_each(request: HttpRequest) -> dict[str, int]:
    """The versions a page's form lists one per item (``version-<id>``), by item id."""
    found = {}
    for key in request.POST:
        value = request.POST.get(key, "")
        if key.startswith("version-") and value.isdigit() and len(value) < 19:
            found[key.removeprefix("version-")] = int(value)
    return found


def check(wanted: int | None, record: Any, what: str = "record") -> None:
    """Refuse with :class:`StaleVersion` when ``wanted`` is given and is not the
    record's version."""
    if wanted is not None and wanted != record.version:
        raise StaleVersion(record.version, what)


def lock(record: models.Model) -> None:
    """Read ``record`` again as it is now and lock its row until the surrounding
    transaction ends (PostgreSQL: ``SELECT ... FOR UPDATE``; SQLite takes its write lock
    when the transaction begins, Ulinzi's transactions being ``IMMEDIATE``). Call inside
    ``transaction.atomic``, then check the rights on what it holds now, then
    :func:`check` the version the writer sent."""
    manager = type(record)._default_manager
    record.refresh_from_db(from_queryset=manager.select_for_update())


def save(record: models.Model, fields: Iterable[str] | None = None) -> None:
    """Write the record (only ``fields`` when given) and one more on its version in the
    same ``UPDATE`` (``version = version + 1``: two writers never share a version, even
    without a lock); the record then holds its new version."""
    record.version = models.F("version") + 1  # type: ignore[attr-defined]
    record.save(update_fields=None if fields is None else [*fields, "version"])
    record.refresh_from_db(fields=["version"])


class VersionField(forms.IntegerField):
    """The version a form was filled in from, sent back with it (hidden)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault(
            "error_messages",
            {"required": _("This page is out of date: open the record again to edit it.")},
        )
        super().__init__(**kwargs)


def _labels(choices: Iterable[Any]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for value, label in choices:
        if isinstance(label, (list, tuple)):  # a group of choices
            labels.update(_labels(label))
        else:
            labels[str(value)] = str(label)
    return labels


def _shown(field: forms.Field, value: Any) -> str:
    """A saved value as the form's field names it."""
    if value in (None, "", [], ()):
        return "—"
    labels = _labels(getattr(field, "choices", ()))
    if isinstance(value, (list, tuple)):
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    return labels.get(str(value), str(value))


def saved_now(form: forms.Form, current: Mapping[str, Any]) -> dict[str, str]:
    """After a stale save: for each field where what the user entered differs from the
    record as saved now, the saved value, named as the field names it. The user's
    input stays in the form."""
    return {
        name: _shown(field, current[name])
        for name, field in form.fields.items()
        if name in current
        and not isinstance(field, VersionField)
        and field.has_changed(current[name], form[name].data)
    }


def rebound(form_class: type[F], data: Any, version: int, **kwargs: Any) -> F:
    """The form bound again to what the user sent, now based on ``version``, so that a
    second save keeps their input over what is saved now."""
    data = data.copy()
    data["version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


CONFLICT_MESSAGE = _(
    "Someone else saved this record while you were editing it. What is saved now is "
    "shown beside each field where it differs from what you entered; what you entered "
    "is kept. Check it and save again to keep it."
)
STALE_KEPT_MESSAGE = _(
    "Someone else changed this record after you opened it, so nothing was done. It is "
    "shown as it is now, with what you entered kept: check it and send again."
)
STALE_ACTION_MESSAGE = _(
    "Someone else changed this record after you opened it, so nothing was done. Check "
    "it as it is now and send again."
)
