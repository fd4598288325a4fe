"""Model fields shared by several apps."""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from ulinzi.common import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with the envelope keys in :mod:`ulinzi.common.crypto`.

    The database only ever holds ciphertext; Python code sees plaintext. Values cannot
    be searched or compared in SQL (each encryption differs), and ``ulinzi keys rotate``
    re-encrypts every column of this kind (:mod:`ulinzi.common.keyrotation`).
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (object, list, …) kept as encrypted JSON text; ``None`` is NULL.

    Stored in a text column, so the database cannot look inside it: whatever needs a
    key of it reads it in Python.
    """

    description = "JSON encrypted at rest"
    # For django-stubs: what the attribute takes and gives (as for ``JSONField``).
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value, ensure_ascii=False))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
