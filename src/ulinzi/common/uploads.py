"""Uploads too large to keep in memory go to an encrypted file, never a plaintext one.

Django keeps an upload of up to ``FILE_UPLOAD_MAX_MEMORY_SIZE`` (2.5 MB) in memory and
writes a larger one to a temporary file in clear. :class:`EncryptedUploadHandler`, next
after the memory handler in ``FILE_UPLOAD_HANDLERS``, writes it encrypted instead
(:mod:`ulinzi.common.encrypted_files`, 64 KiB at a time) under ``$ULINZI_DATA_DIR/tmp``,
and hands the view a file that reads it back decrypted; the file's name is removed as
soon as it is open, so nothing is left behind when the request ends or the process dies.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from ulinzi.common import encrypted_files


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / "tmp"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


class EncryptedUploadHandler(FileUploadHandler):
    """Streams an uploaded file into an encrypted file (memory: one chunk)."""

    writer: encrypted_files.Writer | None = None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.path = _folder() / secrets.token_hex(16)
        self.writer = encrypted_files.Writer(self.path)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.writer is not None
        self.writer.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        assert self.writer is not None
        self.writer.commit()
        try:
            plain = encrypted_files.open_read(self.path)
        finally:
            self.path.unlink()
        return UploadedFile(
            file=plain,
            name=self.file_name,
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        if self.writer is not None:
            self.writer.close()  # an unfinished file is removed
