"""Receipt codes: long random secrets the anonymous reporter keeps.

A receipt is 20 symbols from Crockford's base-32 alphabet (no I, L, O, U), drawn with
:mod:`secrets`: 100 bits of entropy, shown as five groups of four (``7KQ2-M9XA-...``).
It is stored only as

- an Argon2id hash of the whole code (``argon2-cffi``), the slow proof, and
- a *locator*: HMAC-SHA256, under a key derived from ``SECRET_KEY``, of the first two
  groups (40 bits). It is unique, so a lookup finds at most one candidate row without
  scanning hashes; 60 bits remain that only the Argon2 hash can confirm.

A client may draw the receipt itself (the report page does, with
``crypto.getRandomValues``, so that sending twice is one report): :func:`parse` takes
only the two forms the server writes, canonical or in groups.

Every lookup runs exactly one Argon2 verification — against the candidate, or against a
dummy hash when there is none or the code is malformed — so a wrong receipt costs the
same time as a right one. Keys in ``SECRET_KEY_FALLBACKS`` still find old receipts.
Hashing and verification run in an Argon2 slot (:mod:`ulinzi.common.slowhash`): when
every slot is taken they raise ``Busy`` (503) rather than queue behind each other.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from django.conf import settings

from ulinzi.common.slowhash import slot

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS = 5
GROUP_SIZE = 4
LOCATOR_GROUPS = 2
LENGTH = GROUPS * GROUP_SIZE
ENTROPY_BITS = LENGTH * math.log2(len(ALPHABET))
# Crockford's reading rules: what people type for what they see.
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})
_SEPARATORS = str.maketrans("", "", " -_.\t\n")
_GROUP = f"[{ALPHABET}]{{{GROUP_SIZE}}}"
_EXACT = re.compile(f"(?:{_GROUP}){{{GROUPS}}}|{_GROUP}(?:-{_GROUP}){{{GROUPS - 1}}}")


def generate() -> str:
    """A new receipt in canonical form (20 symbols, no separators)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    """``7KQ2M9XA...`` → ``7KQ2-M9XA-...`` (readable groups)."""
    return "-".join(code[i : i + GROUP_SIZE] for i in range(0, len(code), GROUP_SIZE))


def normalise(text: str) -> str | None:
    """What a person typed → the canonical code, or ``None`` if it cannot be one."""
    code = str(text).upper().translate(_SEPARATORS).translate(_CONFUSABLE)
    if len(code) != LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def parse(text: str) -> str | None:
    """A receipt drawn by a client → the canonical code, or ``None`` unless it is exactly
    20 symbols of the alphabet, upper case, bare or as ``XXXX-XXXX-XXXX-XXXX-XXXX``."""
    if not _EXACT.fullmatch(text):
        return None
    return text.replace("-", "")


def _locator_keys() -> list[bytes]:
    secrets_in_force = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        hmac.new(str(s).encode(), b"ulinzi.anonymous.receipt-locator", hashlib.sha256).digest()
        for s in secrets_in_force
    ]


def locator(code: str) -> str:
    """The locator of a canonical code under the current key."""
    return locators(code)[0]


def locators(code: str) -> list[str]:
    """The locator under the current key first, then under each fallback key."""
    head = code[: LOCATOR_GROUPS * GROUP_SIZE].encode()
    return [hmac.new(key, head, hashlib.sha256).hexdigest() for key in _locator_keys()]


def _params() -> tuple[int, int, int]:
    """Argon2id costs: argon2-cffi's defaults (RFC 9106 low-memory: 3 passes over
    64 MiB) in one lane, unless ``ULINZI_RECEIPT_ARGON2`` overrides them (the test suite
    makes them small). One lane does the same work as four in one thread, so a hash
    takes one core, which is what the Argon2 slots count (:mod:`ulinzi.common.slowhash`)."""
    default = PasswordHasher()
    given: dict[str, Any] = getattr(settings, "ULINZI_RECEIPT_ARGON2", {}) or {}
    return (
        int(given.get("time_cost", default.time_cost)),
        int(given.get("memory_cost", default.memory_cost)),
        int(given.get("parallelism", 1)),
    )


@cache
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def hasher() -> PasswordHasher:
    return _hasher_for(*_params())


@cache
def _dummy_hash_for(time_cost: int, memory_cost: int, parallelism: int) -> str:
    return _hasher_for(time_cost, memory_cost, parallelism).hash(generate())


def dummy_hash() -> str:
    """A hash with the current costs that no receipt matches."""
    return _dummy_hash_for(*_params())


def hash_code(code: str) -> str:
    with slot():  # bounded Argon2 work (may raise slowhash.Busy)
        return hasher().hash(code)


def verify(stored_hash: str | None, code: str | None) -> bool:
    """One Argon2 verification, whatever the input: ``stored_hash`` and ``code`` may be
    ``None`` (no candidate, malformed code), then the dummy hash stands in."""
    candidate = code if code is not None else "-" * LENGTH
    try:
        with slot():  # bounded Argon2 work (may raise slowhash.Busy)
            ok = hasher().verify(stored_hash or dummy_hash(), candidate)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return bool(ok) and stored_hash is not None and code is not None
