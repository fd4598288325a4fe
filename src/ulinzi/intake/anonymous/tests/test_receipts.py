"""Receipt codes: entropy and format, only a hash stored, one Argon2 verify per lookup."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Any

import pytest
from argon2 import PasswordHasher

from ulinzi.intake.anonymous import receipts, services
from ulinzi.intake.anonymous.models import AnonymousReport

GROUPED = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$")


def test_receipts_carry_at_least_80_bits_in_readable_groups() -> None:
    assert len(receipts.ALPHABET) == len(set(receipts.ALPHABET)) == 32
    assert not set("ILOU") & set(receipts.ALPHABET)  # no look-alikes
    assert receipts.ENTROPY_BITS == pytest.approx(100.0)
    assert receipts.LENGTH * math.log2(len(receipts.ALPHABET)) >= 80
    codes = [receipts.generate() for _ in range(3000)]
    assert len(set(codes)) == len(codes)
    for code in codes[:200]:
        assert GROUPED.match(receipts.display(code)), code
    # Every symbol equally likely: a loose chi-square bound over 60,000 symbols.
    counts = Counter("".join(codes))
    expected = len(codes) * receipts.LENGTH / 32
    chi2 = sum((counts[ch] - expected) ** 2 / expected for ch in receipts.ALPHABET)
    assert set(counts) == set(receipts.ALPHABET)
    assert chi2 < 80, chi2  # 31 degrees of freedom: p < 1e-6 beyond 80


def test_people_may_type_receipts_loosely() -> None:
    code = "0123456789ABCDEFGHJK"
    assert receipts.normalise("0123-4567-89ab-cdef-ghjk") == code
    assert receipts.normalise(" o123 4567 89AB CDEF GHJK ") == code  # O read as zero
    assert receipts.normalise("0I23-4567-89AB-CDEF-GHJK") == "0123456789ABCDEFGHJK"
    assert receipts.normalise("0123-4567-89AB-CDEF") is None
    assert receipts.normalise("0123-4567-89AB-CDEF-GHJ!") is None


def test_only_the_argon2id_hash_and_a_locator_are_stored(submit: Any, all_rows: Any) -> None:
    receipt = submit()
    report = AnonymousReport.objects.get()
    assert report.receipt_hash.startswith("$argon2id$")
    code = receipts.normalise(receipt)
    assert code is not None
    assert report.receipt_locator == receipts.locator(code)
    dump = all_rows()
    for form in (receipt, code, receipt.lower(), code[8:]):
        assert form not in dump


def test_locator_finds_one_candidate_and_old_secret_keys_still_work(
    submit: Any, settings: Any
) -> None:
    receipt = submit()
    old_secret = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-for-this-test-" + "x" * 30
    assert services.find_by_receipt(receipt) is None  # the old key is gone
    settings.SECRET_KEY_FALLBACKS = [old_secret]
    found = services.find_by_receipt(receipt)
    assert found is not None
    code = receipts.normalise(receipt)
    assert code is not None
    found.refresh_from_db()
    assert found.receipt_locator == receipts.locator(code)  # moved to the new key
    settings.SECRET_KEY_FALLBACKS = []
    assert services.find_by_receipt(receipt) is not None


@pytest.fixture
def argon2_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self: PasswordHasher, hash: Any, password: Any) -> Any:
        calls.append(str(hash))
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    return calls


def test_a_wrong_receipt_costs_one_argon2_verify_like_a_right_one(
    submit: Any, argon2_calls: list[str]
) -> None:
    receipt = submit()
    submit()  # another report in the table
    code = receipts.normalise(receipt)
    assert code is not None
    alphabet = receipts.ALPHABET
    same_locator = code[:8] + "".join(alphabet[(alphabet.index(c) + 1) % 32] for c in code[8:])
    cases = {
        "right": (receipt, True),
        "right, typed loosely": (receipt.lower().replace("-", " "), True),
        "wrong tail, right locator": (same_locator, False),
        "unknown": (receipts.display(receipts.generate()), False),
        "malformed": ("not a receipt", False),
        "empty": ("", False),
    }
    stored = AnonymousReport.objects.get(receipt_locator=receipts.locator(code)).receipt_hash
    for name, (given, opens) in cases.items():
        argon2_calls.clear()
        assert (services.find_by_receipt(given) is not None) is opens, name
        assert len(argon2_calls) == 1, (name, argon2_calls)
        if name.startswith(("right", "wrong tail")):
            assert argon2_calls[0] == stored, name
        else:
            assert argon2_calls[0] == receipts.dummy_hash(), name


def test_the_api_runs_one_verify_for_right_and_wrong_receipts(
    submit: Any, api: Any, argon2_calls: list[str]
) -> None:
    receipt = submit()
    for given, status in ((receipt, 200), ("0000-0000-0000-0000-0000", 404)):
        argon2_calls.clear()
        response = api(None).post("/api/v1/reports/anonymous/status", {"receipt": given})
        assert response.status_code == status
        assert len(argon2_calls) == 1
