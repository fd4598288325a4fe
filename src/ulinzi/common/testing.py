"""Helpers for the test suite that production code never imports."""

from __future__ import annotations

from ulinzi.accounts.hashers import BoundedArgon2PasswordHasher


class FastArgon2Hasher(BoundedArgon2PasswordHasher):
    """Argon2id with small costs, so tests that create many users stay quick."""

    algorithm = "argon2_fast_tests"
    time_cost = 1
    memory_cost = 256
    parallelism = 1


def no_name_lookups(host: str, port: int) -> list[str]:
    """The suite's webhook resolver: tests send nothing off loopback, so no DNS either; a
    test that needs a name gives its own table (``ULINZI_WEBHOOK_RESOLVER``)."""
    raise OSError(f"the tests resolve no names ({host})")
