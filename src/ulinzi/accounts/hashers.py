"""Password hashing: Django's Argon2 hasher, run inside an Argon2 slot
(:mod:`ulinzi.common.slowhash`) so sign-ins cannot take every request thread."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher

from ulinzi.common.slowhash import slot


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Django's Argon2 hasher (algorithm ``argon2``: existing hashes still check), in one
    lane instead of eight: the same work (2 passes over 100 MiB) in one thread, so a
    check takes one core, which is what the slots count; a hash made with other costs
    is redone at the next sign-in. Hashing and checking wait for a slot, or raise
    :class:`~ulinzi.common.slowhash.Busy`."""

    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        with slot():
            return str(super().encode(password, salt))

    def verify(self, password: str, encoded: str) -> bool:
        with slot():
            return bool(super().verify(password, encoded))
