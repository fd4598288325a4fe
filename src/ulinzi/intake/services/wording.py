"""The importer's messages as the web upload pages word them."""

from __future__ import annotations

from ulinzi.intake.services.staging import Upload

# The command line's words in the importer's messages, as the upload form names them.
WEB_WORDS = (
    ("use --format xlsx or auto", "choose the format XLSX or automatic"),
    ("name its encoding with --encoding", "choose its text encoding"),
    ("pass --domain", "choose a domain"),
    ("--encoding", "the text encoding"),
    ("--org", "the organisation"),
)


def web_message(message: str) -> str:
    """The importer's message, with the command line's option names put as the upload
    form names them."""
    for cli, web in WEB_WORDS:
        message = message.replace(cli, web)
    return message


def upload_message(upload: Upload, exc: Exception) -> str:
    """The importer's message about an upload, naming files as the user knows them."""
    message = str(exc)
    if upload.mapping is not None:
        message = message.replace(str(upload.mapping), str(upload.meta.get("mapping_name")))
    return web_message(message.replace(str(upload.folder) + "/file/", ""))
