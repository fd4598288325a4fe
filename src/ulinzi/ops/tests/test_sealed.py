"""The backup container (ops/sealed.py): what goes in comes out, in records of one
chunk; a wrong secret, a changed byte, a cut or reordered archive are refused."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from ulinzi.ops.sealed import CHUNK, BadArchive, SealedReader, SealedWriter, Secret, new_key_file

PASSPHRASE = "twelve or more characters"


def _seal(data: bytes, secret: Secret, pieces: int = 7) -> bytes:
    out = io.BytesIO()
    writer = SealedWriter(out, secret)
    step = max(1, len(data) // pieces)
    for at in range(0, len(data), step):
        writer.write(data[at : at + step])
    writer.close()
    return out.getvalue()


def _open(sealed: bytes, secret: Secret) -> bytes:
    reader = SealedReader(io.BytesIO(sealed), secret)
    parts = []
    while part := reader.read(10240):
        parts.append(part)
    return b"".join(parts)


@pytest.mark.parametrize("size", [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK + 12345])
def test_what_goes_in_comes_out(size: int) -> None:
    data = os.urandom(size)
    secret = Secret(passphrase=PASSPHRASE)
    sealed = _seal(data, secret)
    assert _open(sealed, secret) == data
    assert len(sealed) < size + 200 + 20 * (size // CHUNK + 1)  # 20 bytes a record


def test_a_key_file_works_and_is_not_a_passphrase(tmp_path: Path) -> None:
    new_key_file(tmp_path / "backup.key")
    assert (tmp_path / "backup.key").stat().st_mode & 0o777 == 0o600
    secret = Secret.from_key_file(tmp_path / "backup.key")
    sealed = _seal(b"records", secret)
    assert _open(sealed, secret) == b"records"
    with pytest.raises(BadArchive, match="made with a key file, not a passphrase"):
        _open(sealed, Secret(passphrase=PASSPHRASE))


def test_refusals() -> None:
    secret = Secret(passphrase=PASSPHRASE)
    data = os.urandom(2 * CHUNK + 10)
    sealed = _seal(data, secret)
    with pytest.raises(BadArchive, match="wrong passphrase or key"):
        _open(sealed, Secret(passphrase="another passphrase entirely"))
    changed = bytearray(sealed)
    changed[len(changed) // 2] ^= 1
    with pytest.raises(BadArchive, match="changed or damaged"):
        _open(bytes(changed), secret)
    with pytest.raises(BadArchive, match="cut short"):
        _open(sealed[:-10], secret)
    # Without its last record (10 bytes sealed: 4 + 10 + 16) the one before is not
    # marked last, so the archive reads as cut short.
    with pytest.raises(BadArchive, match="cut short"):
        _open(sealed[:-30], secret)
    with pytest.raises(BadArchive, match="not an Ulinzi backup"):
        _open(b"PK\x03\x04 something else", secret)
    with pytest.raises(ValueError, match="at least 12 characters"):
        Secret(passphrase="short")
