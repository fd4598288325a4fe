"""Envelope encryption of sensitive fields with keys kept outside the database.

Keys live in a JSON file (``ULINZI_KEYS_FILE``, default ``$ULINZI_DATA_DIR/keys.json``)
as a list of Fernet keys, newest first. Values are encrypted with the newest key and
decrypted with any key in the list, so ``ulinzi keys rotate`` can add a key, re-encrypt
rows in the background and retire the old key without downtime.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_lock = threading.Lock()
PREFIX = "enc:v1:"


def _keys_path() -> Path:
    return Path(settings.ULINZI_KEYS_FILE)


def load_keys() -> list[str]:
    """Return the key list, creating a first key on first use."""
    path = _keys_path()
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                json.dump({"keys": [Fernet.generate_key().decode()]}, fh)
        keys: list[str] = json.loads(path.read_text())["keys"]
    if not keys:
        raise RuntimeError(f"{path} holds no keys")
    return keys


@lru_cache(maxsize=4)
def _fernet_for(path: str, mtime_ns: int) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in load_keys()])


def _fernet() -> MultiFernet:
    """Keys for the current key file; a rotation by another process is picked up at once."""
    path = _keys_path()
    if not path.exists():
        load_keys()
    return _fernet_for(str(path), path.stat().st_mtime_ns)


def reset_cache() -> None:
    """Forget cached keys (after rotation or in tests)."""
    _fernet_for.cache_clear()


def is_ciphertext(value: str) -> bool:
    """Whether ``value`` was written by :func:`encrypt` (and not stored in clear)."""
    return value.startswith(PREFIX)


def encrypt(plaintext: str) -> str:
    """Encrypt text with the newest key."""
    return PREFIX + _fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """Decrypt a value written by :func:`encrypt`."""
    return _decrypt_with(_fernet(), token)


def _decrypt_with(fernet: MultiFernet, token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("value is not an Ulinzi ciphertext")
    try:
        return fernet.decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("no key in the key file can decrypt this value") from exc


def encrypter() -> Callable[[str], str]:
    """:func:`encrypt` with the key set looked up once, for many values in a row (bulk
    writes); take a new one per batch so that a rotation is picked up."""
    fernet = _fernet()

    def encrypt_one(plaintext: str) -> str:
        return PREFIX + fernet.encrypt(plaintext.encode()).decode()

    return encrypt_one


def decrypter() -> Callable[[str], str]:
    """:func:`decrypt` with the key set looked up once (bulk reads)."""
    fernet = _fernet()
    return lambda token: _decrypt_with(fernet, token)


def rotate_token(token: str) -> str:
    """Re-encrypt a ciphertext under the newest key."""
    return PREFIX + _fernet().rotate(token[len(PREFIX) :].encode()).decode()


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt bytes with the newest key; the token is returned as raw bytes (a Fernet
    token without its base64 armour), for files."""
    return base64.urlsafe_b64decode(_fernet().encrypt(data))


def decrypt_bytes(token: bytes) -> bytes:
    """Decrypt a token written by :func:`encrypt_bytes`."""
    try:
        return _fernet().decrypt(base64.urlsafe_b64encode(token))
    except InvalidToken as exc:
        raise ValueError("no key in the key file can decrypt this data") from exc


def rotate_bytes(token: bytes) -> bytes:
    """Re-encrypt a token of :func:`encrypt_bytes` under the newest key."""
    try:
        rotated = _fernet().rotate(base64.urlsafe_b64encode(token))
    except InvalidToken as exc:
        raise ValueError("no key in the key file can decrypt this data") from exc
    return base64.urlsafe_b64decode(rotated)


def add_key() -> None:
    """Put a new key first in the key file; older keys stay for decryption."""
    path = _keys_path()
    keys = load_keys()
    keys.insert(0, Fernet.generate_key().decode())
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"keys": keys}, fh)
    tmp.replace(path)
    reset_cache()


def retire_old_keys() -> None:
    """Keep only the newest key (after every row was re-encrypted)."""
    path = _keys_path()
    keys = load_keys()[:1]
    path.write_text(json.dumps({"keys": keys}))
    reset_cache()
