"""Password hashing: Django's Argon2 hasher, run inside an Argon2 slot
(:mod:`ulinzi.common.slowhash`) so sign-ins cannot take every request thread."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

from ulinzi.common.slowhash import slot


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Same algorithm and hashes as Django's (``argon2``); hashing and checking wait for
    a slot, or raise :class:`~ulinzi.common.slowhash.Busy`."""

    def encode(self, password: str, salt: str) -> str:
        with slot():
            return str(super().encode(password, salt))

    def verify(self, password: str, encoded: str) -> bool:
        with slot():
            return bool(super().verify(password, encoded))
