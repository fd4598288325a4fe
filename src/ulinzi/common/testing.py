"""Helpers for the test suite that production code never imports."""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2Hasher(Argon2PasswordHasher):
    """Argon2id with small costs, so tests that create many users stay quick."""

    algorithm = "argon2_fast_tests"
    time_cost = 1
    memory_cost = 256
    parallelism = 1
