"""Model fields shared by several apps."""

from __future__ import annotations

from typing import Any

from django.db import models

from ulinzi.common import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest with the envelope keys in :mod:`ulinzi.common.crypto`.

    The database only ever holds ciphertext; Python code sees plaintext.
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
