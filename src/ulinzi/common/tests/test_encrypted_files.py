"""Files kept encrypted under the data directory: round trip, seeking, damage detected,
nothing half-written, key rotation, and large uploads that never touch the disk in clear."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ulinzi.common import crypto, encrypted_files, keyrotation
from ulinzi.common.encrypted_files import CHUNK, MAGIC, DamagedFile
from ulinzi.common.uploads import EncryptedUploadHandler

MARKER = b"zqxsurvivorstory"


@pytest.fixture
def keyfile(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.ULINZI_KEYS_FILE = tmp_path / "keys.json"
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    crypto.reset_cache()
    yield settings.ULINZI_KEYS_FILE
    crypto.reset_cache()


def _data(size: int) -> bytes:
    pattern = MARKER + bytes(range(256))
    return (pattern * (size // len(pattern) + 1))[:size]


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 200_003])
def test_round_trip_seek_and_nothing_in_clear(keyfile: Path, tmp_path: Path, size: int) -> None:
    data = _data(size)
    path = tmp_path / "f.csv"
    pieces = [data[i : i + 10_000] for i in range(0, size, 10_000)]
    assert encrypted_files.write(path, pieces) == size
    stored = path.read_bytes()
    assert stored.startswith(MAGIC) and (size == 0 or MARKER not in stored)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name != "keys.json" and p.is_file()] == [
        "f.csv"
    ]
    with encrypted_files.open_read(path) as fh:
        assert fh.read() == data
        assert fh.seek(0, os.SEEK_END) == size
        for offset in {0, size // 3, max(0, size - 7), CHUNK - 3}:
            if offset <= size:
                fh.seek(offset)
                assert fh.read(CHUNK + 10) == data[offset : offset + CHUNK + 10]


def test_a_plain_file_is_read_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "partner.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert not encrypted_files.is_encrypted(path)
    assert encrypted_files.read_bytes(path) == b"a,b\n1,2\n"


def _records(path: Path) -> tuple[bytes, list[bytes]]:
    raw = path.read_bytes()[len(MAGIC) :]
    records = []
    while raw:
        length = int.from_bytes(raw[:4], "big")
        records.append(raw[: 4 + length])
        raw = raw[4 + length :]
    return MAGIC, records


@pytest.mark.parametrize("damage", ["cut", "swap", "drop_last", "flip", "extra"])
def test_damage_is_detected(keyfile: Path, tmp_path: Path, damage: str) -> None:
    path = tmp_path / "f.bin"
    encrypted_files.write(path, _data(3 * CHUNK + 100))
    magic, records = _records(path)
    if damage == "cut":
        body = b"".join(records)[:-10]
    elif damage == "swap":
        body = b"".join([records[1], records[0], *records[2:]])
    elif damage == "drop_last":
        body = b"".join(records[:-1])
    elif damage == "flip":
        joined = bytearray(b"".join(records))
        joined[CHUNK // 2] ^= 1
        body = bytes(joined)
    else:
        body = b"".join(records) + records[-1]
    path.write_bytes(magic + body)
    with pytest.raises(DamagedFile):
        with encrypted_files.open_read(path) as fh:
            fh.read()


def test_an_error_while_writing_leaves_nothing(keyfile: Path, tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    with pytest.raises(RuntimeError), encrypted_files.create(path) as out:
        out.write(_data(3 * CHUNK))
        raise RuntimeError("the export failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "keys.json"]


@pytest.mark.django_db
def test_rotation_re_encrypts_files_and_retire_keeps_them_readable(
    keyfile: Path, settings: Any
) -> None:
    data_dir = Path(settings.DATA_DIR)
    (data_dir / "imports").mkdir()
    kept = data_dir / "imports" / "1-x-rejects.csv"
    encrypted_files.write(kept, _data(CHUNK + 5))
    plain = data_dir / "imports" / "partner.csv"  # a file from outside: not Ulinzi's to touch
    plain.write_bytes(b"as it came")
    before = kept.read_bytes()
    counts = keyrotation.rotate()
    assert counts[keyrotation.FILES] == 1 and counts[keyrotation.UNREADABLE_FILES] == 0
    assert kept.read_bytes() != before and plain.read_bytes() == b"as it came"
    old_keys = json.loads(keyfile.read_text())["keys"][1:]
    keyrotation.retire()
    assert not set(old_keys) & set(json.loads(keyfile.read_text())["keys"])
    assert encrypted_files.read_bytes(kept) == _data(CHUNK + 5)


def test_a_file_no_key_opens_is_reported_not_fatal(keyfile: Path, settings: Any) -> None:
    stray = Path(settings.DATA_DIR) / "stray.bin"
    encrypted_files.write(stray, b"under a key since lost")
    keyfile.unlink()
    crypto.reset_cache()
    done, unreadable = encrypted_files.rotate_all()
    assert (done, unreadable) == (0, [stray])


def test_seal_and_unseal_in_place(keyfile: Path, tmp_path: Path) -> None:
    path = tmp_path / "old-rejects.csv"
    path.write_bytes(MARKER)
    assert encrypted_files.seal(path) and not encrypted_files.seal(path)
    assert MARKER not in path.read_bytes()
    assert encrypted_files.unseal(path) and path.read_bytes() == MARKER


def test_a_large_upload_is_written_encrypted_and_read_back(keyfile: Path, settings: Any) -> None:
    handler = EncryptedUploadHandler(None)
    handler.new_file("file", "partner.csv", "text/csv", None)
    data = _data(5 * CHUNK + 17)
    for start in range(0, len(data), 8192):
        handler.receive_data_chunk(data[start : start + 8192], start)
    folder = Path(settings.DATA_DIR) / "tmp"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    (written,) = list(folder.iterdir())
    assert MARKER not in written.read_bytes()
    uploaded = handler.file_complete(len(data))
    assert list(folder.iterdir()) == []  # open, but no name left on disk
    assert b"".join(uploaded.chunks()) == data and uploaded.size == len(data)
    uploaded.close()


def test_an_interrupted_upload_leaves_nothing(keyfile: Path, settings: Any) -> None:
    handler = EncryptedUploadHandler(None)
    handler.new_file("file", "partner.csv", "text/csv", None)
    handler.receive_data_chunk(_data(CHUNK * 2), 0)
    handler.upload_interrupted()
    assert list((Path(settings.DATA_DIR) / "tmp").iterdir()) == []
