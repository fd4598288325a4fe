"""Settings of the journeys' server and worker: Ulinzi's own, with the Argon2 costs the
rest of the test suite uses (conftest.py) for passwords and receipts, so that a sign-in
costs milliseconds instead of a core-second. Everything else is production's."""

from ulinzi.settings import *  # noqa: F403

PASSWORD_HASHERS = ["tests.journeys.seed.QuickArgon2"]
ULINZI_RECEIPT_ARGON2 = {"time_cost": 1, "memory_cost": 256, "parallelism": 1}
