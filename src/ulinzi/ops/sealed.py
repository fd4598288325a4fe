"""The encrypted container of a backup, written and read as a stream (one chunk in memory).

Format, version 1: the line ``ULINZI-BACKUP-1``, then one line of JSON (the header: how
the key is derived, its salt, and a check value that tells a wrong passphrase from a
changed archive), then records. A record is a 4-byte big-endian length
and that many bytes of AES-256-GCM ciphertext (with its 16-byte tag) of up to
:data:`CHUNK` bytes of plaintext. Record *i* uses the nonce *i* (12 bytes, big-endian)
and, as associated data, the header line and *i* with the top bit set on the last
record: so records cannot be reordered, dropped, cut short or moved between archives.
The key is never reused: each archive has its own random salt.

The key comes from the operator's passphrase (scrypt, n=2**15, r=8, p=1) or from a key
file of 32 random bytes (base64; HKDF-SHA256 with the salt), made by
``ulinzi backup --new-key-file``.
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ULINZI-BACKUP-1\n"
CHUNK = 1024 * 1024
_LAST = 1 << 63
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class BadArchive(ValueError):
    """Not a backup, the wrong passphrase or key, or a damaged archive."""


class Secret:
    """The operator's passphrase or key file: derives an archive's key from its header."""

    def __init__(self, *, passphrase: str | None = None, key: bytes | None = None) -> None:
        if (passphrase is None) == (key is None):
            raise ValueError("give a passphrase or a key, not both")
        if passphrase is not None and len(passphrase) < 12:
            raise ValueError("the passphrase must have at least 12 characters")
        if key is not None and len(key) != 32:
            raise ValueError("the key file must hold 32 bytes (base64)")
        self.passphrase = passphrase
        self.key = key

    @classmethod
    def from_key_file(cls, path: Path) -> Secret:
        try:
            raw = base64.b64decode(path.read_text().strip(), validate=True)
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a backup key file ({exc})") from None
        return cls(key=raw)

    def header(self) -> dict[str, Any]:
        salt = base64.b64encode(secrets.token_bytes(16)).decode()
        if self.passphrase is not None:
            return {"kdf": "scrypt", **SCRYPT, "salt": salt}
        return {"kdf": "hkdf-sha256", "salt": salt}

    def derive(self, header: dict[str, Any]) -> bytes:
        salt = base64.b64decode(header["salt"])
        if header.get("kdf") == "scrypt":
            if self.passphrase is None:
                raise BadArchive("this archive was made with a passphrase, not a key file")
            kdf = Scrypt(salt=salt, length=32, n=header["n"], r=header["r"], p=header["p"])
            return kdf.derive(self.passphrase.encode())
        if header.get("kdf") == "hkdf-sha256":
            if self.key is None:
                raise BadArchive("this archive was made with a key file, not a passphrase")
            hkdf = HKDF(hashes.SHA256(), length=32, salt=salt, info=b"ulinzi-backup-1")
            return hkdf.derive(self.key)
        raise BadArchive(f"unknown key derivation {header.get('kdf')!r}")


def new_key_file(path: Path) -> None:
    """Write a new random backup key (base64), readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")


def _check_value(key: bytes) -> str:
    """Tells a wrong passphrase or key from a changed archive (reveals nothing of the key)."""
    return hmac.new(key, b"ulinzi-backup-key-check", "sha256").hexdigest()[:32]


def _aad(header_line: bytes, index: int, last: bool) -> bytes:
    return header_line + struct.pack(">Q", index | (_LAST if last else 0))


def _nonce(index: int) -> bytes:
    return struct.pack(">IQ", 0, index)


class SealedWriter:
    """A write-only binary stream that encrypts what it is given into ``out``."""

    def __init__(self, out: IO[bytes], secret: Secret) -> None:
        header = secret.header()
        key = secret.derive(header)
        header["check"] = _check_value(key)
        self._header_line = json.dumps(header, sort_keys=True).encode() + b"\n"
        self._aead = AESGCM(key)
        self._out = out
        self._buffer = bytearray()
        self._index = 0
        out.write(MAGIC + self._header_line)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep one back: the last record is marked
            self._record(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        """Write the last record (possibly empty). Nothing may be written after."""
        self._record(bytes(self._buffer), last=True)
        self._buffer.clear()
        self._out.flush()

    def _record(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(
            _nonce(self._index), plain, _aad(self._header_line, self._index, last)
        )
        self._out.write(struct.pack(">I", len(sealed)) + sealed)
        self._index += 1


def _exactly(source: IO[bytes], size: int) -> bytes:
    data = source.read(size)
    if len(data) != size:
        raise BadArchive("the archive is cut short")
    return data


def open_sealed(source: IO[bytes], secret: Secret) -> Iterator[bytes]:
    """The plaintext of a sealed stream, chunk by chunk; :class:`BadArchive` if it is
    not one, the passphrase or key is wrong, or it was changed or cut short."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BadArchive("not an Ulinzi backup (it does not start with ULINZI-BACKUP-1)")
    header_line = source.readline(4096)
    try:
        header = json.loads(header_line)
    except ValueError:
        raise BadArchive("the archive's header is damaged") from None
    key = secret.derive(header)
    if not hmac.compare_digest(str(header.get("check", "")), _check_value(key)):
        raise BadArchive("wrong passphrase or key for this archive")
    aead = AESGCM(key)
    index = 0
    while True:
        size = struct.unpack(">I", _exactly(source, 4))[0]
        if size > CHUNK + 16:
            raise BadArchive("the archive is damaged (a record is too large)")
        sealed = _exactly(source, size)
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(index), sealed, _aad(header_line, index, last))
                break
            except InvalidTag:
                continue
        else:
            raise BadArchive(f"the archive was changed or damaged (record {index})")
        yield plain
        index += 1
        if last:
            if source.read(1):
                raise BadArchive("the archive has data after its last record")
            return


class SealedReader:
    """A read-only binary stream over :func:`open_sealed` (for ``tarfile`` "r|")."""

    def __init__(self, source: IO[bytes], secret: Secret) -> None:
        self._chunks = open_sealed(source, secret)
        self._chunk = b""
        self._at = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size >= 0 else float("inf")
        while wanted > 0:
            if self._at >= len(self._chunk):
                self._chunk = next(self._chunks, b"")
                self._at = 0
                if not self._chunk:
                    break
            take = int(min(wanted, len(self._chunk) - self._at))
            parts.append(self._chunk[self._at : self._at + take])
            self._at += take
            wanted -= take
        return b"".join(parts)
