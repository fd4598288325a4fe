"""The preview of a staged upload: what importing it would do, nothing written."""

from __future__ import annotations

from ulinzi.intake.imports import ImportFailed
from ulinzi.intake.preview import Preview, preview_file
from ulinzi.intake.services.staging import Upload
from ulinzi.intake.services.wording import upload_message


def preview(upload: Upload) -> Preview:
    """The preview of an upload; remembers what the file is for the confirmation.

    Raises :class:`ImportFailed` with a message for the web when it cannot be imported.
    """
    meta = upload.meta
    try:
        result = preview_file(
            organisation=upload.organisation,
            path=upload.file,
            fmt=str(meta.get("format") or "auto"),
            mapping=upload.mapping,
            domain=meta.get("domain") or None,
            encoding=meta.get("encoding") or None,
            dataset=meta.get("dataset") or None,
        )
    except ImportFailed as exc:
        raise ImportFailed(upload_message(upload, exc)) from exc
    meta.update(sha256=result.sha256, size=result.size, fmt=result.fmt)
    upload.save()
    return result
