"""``ulinzi backup``: one encrypted archive of an instance, and its restore.

The archive (:mod:`ulinzi.ops.sealed` around a tar stream) holds ``manifest.json``, the
envelope key file (``keys.json``), the secret key, the database dump in parts of
:data:`PART` bytes (:mod:`ulinzi.ops.dumps`), and every file kept under the data
directory (staged uploads, rejects, exports, mail) under ``files/``. Left out: the
SQLite files themselves (the dump stands for them), ``static/`` (rebuilt), ``tmp/``.

A restore reads the whole archive once to check it (passphrase, every record) before it
writes anything, then restores into a fresh data directory and an empty database.
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder

from ulinzi.common import crypto
from ulinzi.ops import dumps
from ulinzi.ops.sealed import BadArchive, SealedReader, SealedWriter, Secret, open_sealed

PART = 16 * 1024 * 1024
FORMAT = 1
SKIPPED_DIRS = {"static", "tmp"}


class RestoreRefused(RuntimeError):
    """The target is not fresh, or the archive does not fit it; the message says why."""


def _data_dir() -> Path:
    return Path(settings.DATA_DIR).resolve()


def _skipped(path: Path, extra: set[Path]) -> bool:
    data = _data_dir()
    rel = path.relative_to(data)
    if rel.parts[0] in SKIPPED_DIRS or path in extra:
        return True
    name = path.name
    return name.startswith(".backup-") or name.endswith((".partial", ".sqlite3-journal"))


def _kept_files(extra: set[Path]) -> Iterator[Path]:
    for root, dirs, files in os.walk(_data_dir()):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.is_file() and not path.is_symlink() and not _skipped(path, extra):
                yield path


def _own_files() -> set[Path]:
    """Files the archive holds in their own way (or not at all)."""
    data = _data_dir()
    own = {Path(settings.ULINZI_KEYS_FILE).resolve(), data / "secret_key"}
    if dumps.engine() == "sqlite":
        db = Path(str(settings.DATABASES["default"]["NAME"])).resolve()
        own |= {db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")}
    return own


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
    tar.addfile(info, io.BytesIO(data))


def _migrations() -> list[list[str]]:
    return [
        [app, name]
        for app, name in MigrationRecorder.Migration.objects.values_list("app", "name").order_by(
            "app", "name"
        )
    ]


def write(out: IO[bytes], secret: Secret, *, skip: Path | None = None) -> dict[str, Any]:
    """Write the archive of this instance to ``out``; returns its manifest."""
    kind = dumps.engine()
    crypto.load_keys()  # made on first use: an instance that encrypted nothing yet
    sealed = SealedWriter(out, secret)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "engine": kind,
        "migrations": _migrations(),
        "secret_key_from": "environment" if settings.ULINZI_SECRET_KEY_FROM_ENV else "file",
    }
    with tarfile.open(fileobj=sealed, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        _add(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
        _add(tar, "keys.json", Path(settings.ULINZI_KEYS_FILE).read_bytes())
        _add(tar, "secret_key", settings.SECRET_KEY.encode())
        buffer, parts = bytearray(), 0
        for chunk in dumps.dump():
            buffer += chunk
            while len(buffer) >= PART:
                _add(tar, f"database/{parts:06d}", bytes(buffer[:PART]))
                del buffer[:PART]
                parts += 1
        _add(tar, f"database/{parts:06d}", bytes(buffer))
        extra = _own_files() | ({skip.resolve()} if skip else set())
        files = 0
        for path in _kept_files(extra):
            rel = path.relative_to(_data_dir()).as_posix()
            info = tar.gettarinfo(str(path), arcname=f"files/{rel}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with path.open("rb") as fh:
                tar.addfile(info, fh)
            files += 1
    sealed.close()
    manifest.update(database_parts=parts + 1, files=files)
    return manifest


def verify(source: IO[bytes], secret: Secret) -> int:
    """Read the whole archive, checking every record; returns its plaintext size."""
    return sum(len(chunk) for chunk in open_sealed(source, secret))


def _check_fresh() -> None:
    keys = Path(settings.ULINZI_KEYS_FILE)
    if keys.exists():
        raise RestoreRefused(f"{keys} exists: restore needs a fresh data dir and key file")
    allowed = {"secret_key", "static", "tmp"}
    if dumps.engine() == "sqlite":
        db = Path(str(settings.DATABASES["default"]["NAME"]))
        allowed |= {db.name, db.name + "-wal", db.name + "-shm"}
    found = sorted(p.name for p in _data_dir().iterdir() if p.name not in allowed)
    if found:
        raise RestoreRefused(
            f"{_data_dir()} is not fresh (it holds {', '.join(found[:5])}): "
            "restore needs an empty data dir"
        )
    if not dumps.is_empty():
        raise RestoreRefused("the database is not empty: restore needs a fresh one")


def _safe_target(name: str) -> Path:
    rel = PurePosixPath(name).relative_to("files")
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise BadArchive(f"the archive holds an unsafe path: {name!r}")
    return _data_dir().joinpath(*rel.parts)


def _write_private(path: Path, source: IO[bytes] | bytes) -> None:
    for folder in reversed(path.parents):
        if not folder.exists():
            folder.mkdir(mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        if isinstance(source, bytes):
            fh.write(source)
        else:
            while chunk := source.read(1024 * 1024):
                fh.write(chunk)


def restore(source: IO[bytes], secret: Secret) -> dict[str, Any]:
    """Restore the archive (already checked by :func:`verify`) into this fresh instance."""
    _check_fresh()
    reader = SealedReader(source, secret)
    manifest: dict[str, Any] = {}
    restored = {"files": 0}
    with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
        members: Iterator[tarfile.TarInfo] = iter(tar)
        for member in members:
            if not member.isfile():
                raise BadArchive(f"the archive holds something not a file: {member.name!r}")
            data = tar.extractfile(member)
            assert data is not None
            if member.name == "manifest.json":
                manifest = json.loads(data.read())
                if manifest.get("format") != FORMAT:
                    raise BadArchive(f"archive format {manifest.get('format')} is not {FORMAT}")
            elif member.name == "keys.json":
                _write_private(Path(settings.ULINZI_KEYS_FILE), data.read())
            elif member.name == "secret_key":
                manifest["secret_key"] = data.read().decode()
            elif member.name.startswith("database/"):
                dumps.load(manifest["engine"], _parts(tar, member, members))
                restored["database"] = 1
            elif member.name.startswith("files/"):
                _write_private(_safe_target(member.name), data)
                restored["files"] += 1
            else:
                raise BadArchive(f"the archive holds an unknown entry: {member.name!r}")
    # The old secret key keeps sessions, receipts and signed links valid: it goes to
    # the data dir unless this instance takes its key from ULINZI_SECRET_KEY.
    secret_key = manifest.pop("secret_key", "")
    if not settings.ULINZI_SECRET_KEY_FROM_ENV:
        _write_private(_data_dir() / "secret_key", secret_key.encode())
    manifest["secret_key_kept"] = (
        not settings.ULINZI_SECRET_KEY_FROM_ENV or secret_key == settings.SECRET_KEY
    )
    return {**manifest, "restored_files": restored["files"]}


def _parts(
    tar: tarfile.TarFile, first: tarfile.TarInfo, members: Iterator[tarfile.TarInfo]
) -> Iterator[bytes]:
    """The database parts, read one after another from the tar stream."""
    member: tarfile.TarInfo | None = first
    while member is not None:
        data = tar.extractfile(member)
        assert data is not None
        while chunk := data.read(1024 * 1024):
            yield chunk
        if member.size < PART:  # the last part is the short one (maybe empty)
            return
        member = next(members, None)
        if member is None or not member.name.startswith("database/"):
            raise BadArchive("the archive's database is cut short")
