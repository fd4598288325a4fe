"""Files kept under the data directory (staged uploads, rejected rows, exports), encrypted
with the envelope keys of :mod:`ulinzi.common.crypto`, written and read in chunks.

Format, version 1: the line ``ULINZI-ENCRYPTED-FILE-1``, then records. A record is a
4-byte big-endian length and that many bytes of a Fernet token
(:func:`crypto.encrypt_bytes`: AES-128-CBC + HMAC-SHA256). The plaintext of record *i*
is an 8-byte big-endian header — *i*, with the top bit set on the last record — and then
the data: exactly :data:`CHUNK` bytes in every record but the last, which holds 0 to
:data:`CHUNK`. So a reader seeks to any offset without reading what comes before, keeps
one chunk in memory, and refuses a file whose records were swapped, dropped or cut
short. A file is written under a temporary name and renamed when complete, so a reader
never meets half a file.
"""

from __future__ import annotations

import errno
import io
import os
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from django.conf import settings

from ulinzi.common import crypto

MAGIC = b"ULINZI-ENCRYPTED-FILE-1\n"
CHUNK = 64 * 1024
_LAST = 1 << 63
PARTIAL = ".partial"


class DamagedFile(ValueError):
    """The file is in this format but cannot be read back (cut short, altered, or no key
    in the key file opens it)."""


def is_encrypted(path: Path) -> bool:
    """Whether ``path`` is a file in this module's format."""
    try:
        with path.open("rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except (IsADirectoryError, FileNotFoundError):
        return False


class Writer(io.RawIOBase):
    """A write-only stream of plaintext that lands encrypted at ``path`` on
    :meth:`commit`; closed without a commit, nothing is left behind."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.size = 0  # plaintext bytes written
        self._tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{PARTIAL}")
        descriptor = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(descriptor, "wb")
        self._fh.write(MAGIC)
        self._buffer = bytearray()
        self._index = 0
        self._committed = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        self._buffer += view
        self.size += len(view)
        if len(self._buffer) > CHUNK:
            # Keep the last full chunk: it may turn out to be the file's last record.
            cut = (len(self._buffer) - 1) // CHUNK * CHUNK
            for start in range(0, cut, CHUNK):
                self._record(self._buffer[start : start + CHUNK], last=False)
            del self._buffer[:cut]
        return len(view)

    def tell(self) -> int:
        return self.size

    def stream(self) -> IO[bytes]:
        """This writer, typed as the binary stream it is (for writers of CSV, zip…)."""
        return cast("IO[bytes]", self)

    def _record(self, data: bytes | bytearray, *, last: bool) -> None:
        header = (self._index | (_LAST if last else 0)).to_bytes(8, "big")
        token = crypto.encrypt_bytes(header + bytes(data))
        self._fh.write(len(token).to_bytes(4, "big"))
        self._fh.write(token)
        self._index += 1

    def commit(self) -> None:
        """Write the last record and put the file in place."""
        if self.closed:
            raise ValueError("the file was already closed")
        self._record(self._buffer, last=True)
        self._buffer.clear()
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        self._committed = True
        super().close()

    def close(self) -> None:
        if not self.closed and not self._committed:
            self._fh.close()
            self._tmp.unlink(missing_ok=True)
        super().close()


@contextmanager
def create(path: Path) -> Iterator[Writer]:
    """``with create(path) as out: out.write(...)``: the file is there, whole and
    encrypted (0600), once the block ends without an error; never otherwise."""
    writer = Writer(path)
    try:
        yield writer
    except BaseException:
        writer.close()
        raise
    writer.commit()


def write(path: Path, data: bytes | Iterable[bytes]) -> int:
    """Write ``data`` (bytes, or chunks of them) encrypted at ``path``; returns its size."""
    with create(path) as out:
        if isinstance(data, bytes | bytearray):
            out.write(data)
        else:
            for chunk in data:
                out.write(chunk)
    return out.size


class Reader(io.RawIOBase):
    """The plaintext of an encrypted file: readable and seekable, one chunk in memory."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.name = str(path)
        self._fh = path.open("rb")
        try:
            self._open()
        except BaseException:
            self._fh.close()
            raise

    def _open(self) -> None:
        if self._fh.read(len(MAGIC)) != MAGIC:
            raise DamagedFile(f"{self.name} is not an encrypted file of Ulinzi")
        end = os.fstat(self._fh.fileno()).st_size
        self._pos = 0
        self._cached: tuple[int, bytes] | None = None
        first_length = self._length_at(len(MAGIC))
        self._stride = 4 + first_length  # every record but the last has this size
        body = end - len(MAGIC)
        self._count = max(1, -(-body // self._stride))
        last_at = len(MAGIC) + (self._count - 1) * self._stride
        if last_at + 4 + self._length_at(last_at) != end:
            raise DamagedFile(f"{self.name} is cut short or has bytes added")
        last = self._chunk(self._count - 1)
        self.size = (self._count - 1) * CHUNK + len(last)

    def _length_at(self, offset: int) -> int:
        self._fh.seek(offset)
        raw = self._fh.read(4)
        if len(raw) != 4:
            raise DamagedFile(f"{self.name} is cut short")
        return int.from_bytes(raw, "big")

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        offset = len(MAGIC) + index * self._stride
        length = self._length_at(offset)
        token = self._fh.read(length)
        try:
            plain = crypto.decrypt_bytes(token)
        except ValueError as exc:
            raise DamagedFile(f"{self.name}: {exc}") from exc
        header = int.from_bytes(plain[:8], "big")
        last = index == self._count - 1
        data = plain[8:]
        if header != (index | (_LAST if last else 0)) or (not last and len(data) != CHUNK):
            raise DamagedFile(f"{self.name}: record {index} is out of place")
        self._cached = (index, data)
        return data

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._pos >= self.size:
            return 0
        index, offset = divmod(self._pos, CHUNK)
        data = self._chunk(index)
        n = min(len(buffer), len(data) - offset)
        memoryview(buffer).cast("B")[:n] = data[offset : offset + n]
        self._pos += n
        return n

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise OSError(errno.EINVAL, "negative seek position")  # as a plain file does
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
            self._cached = None
        super().close()


def open_read(path: Path) -> IO[bytes]:
    """The bytes of ``path``, decrypted when it is in this format and as they are
    otherwise (a file from outside, or one kept before files were encrypted)."""
    if is_encrypted(path):
        return io.BufferedReader(Reader(path), CHUNK)
    return path.open("rb")


def read_bytes(path: Path) -> bytes:
    with open_read(path) as fh:
        return fh.read()


def seal(path: Path) -> bool:
    """Encrypt a plaintext file in place; returns whether it had to be."""
    if is_encrypted(path) or not path.is_file():
        return False
    with path.open("rb") as plain, create(path) as out:
        while chunk := plain.read(CHUNK * 16):
            out.write(chunk)
    return True


def rotate(path: Path) -> None:
    """Re-encrypt an encrypted file under the newest key (readers that have it open keep
    reading the old copy)."""
    with open_read(path) as plain, create(path) as out:
        while chunk := plain.read(CHUNK * 16):
            out.write(chunk)


def _kept_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(PARTIAL):
                path = Path(folder) / name
                if not path.is_symlink() and is_encrypted(path):
                    yield path


def rotate_all(root: Path | None = None) -> tuple[int, list[Path]]:
    """Re-encrypt every encrypted file under the data directory; returns how many, and
    the files no key in the key file opens (left as they are)."""
    done, unreadable = 0, []
    for path in _kept_files(Path(root or settings.DATA_DIR)):
        try:
            rotate(path)
        except DamagedFile:
            unreadable.append(path)
        else:
            done += 1
    return done, unreadable


def unseal(path: Path) -> bool:
    """Decrypt an encrypted file in place (migrating back); returns whether it was one."""
    if not is_encrypted(path):
        return False
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}{PARTIAL}")
    with (
        open_read(path) as plain,
        os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out,
    ):
        while chunk := plain.read(CHUNK * 16):
            out.write(chunk)
    os.replace(tmp, path)
    return True


def kept(folder: Path, pattern: str) -> list[Path]:
    """The regular files under ``folder`` matching the glob ``pattern`` (for migrations
    that seal or unseal what an app keeps there)."""
    if not folder.is_dir():
        return []
    return [p for p in sorted(folder.glob(pattern)) if p.is_file() and not p.is_symlink()]
