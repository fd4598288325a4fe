"""Django's SQLite backend, keeping the database and the files SQLite makes beside it
(``-wal``, ``-shm``, ``-journal``) readable and writable by their owner only (0600).

They hold every record and the live session keys. SQLite creates the ``-wal`` and ``-shm``
files (again after each checkpoint that removes them) with the mode of the database file,
so the database file is created 0600 before SQLite first opens it, and any of the files
found looser — made by an older version, or copied in — is set to 0600 whenever a
connection opens.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base

SIDE_FILES = ("-wal", "-shm", "-journal")


def make_private(database: Path) -> None:
    """Create ``database`` (empty: a valid empty database) 0600 if it is missing, and set
    it and its side files to 0600 where they allow more."""
    try:
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for path in (database, *(Path(f"{database}{suffix}") for suffix in SIDE_FILES)):
        try:
            if os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except FileNotFoundError:
            continue


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = conn_params["database"]
        on_disk = not self.creation.is_in_memory_db(name) and not str(name).startswith("file:")
        if on_disk:
            make_private(Path(name))
        connection = super().get_new_connection(conn_params)
        if on_disk:
            make_private(Path(name))  # -wal and -shm exist now (journal_mode=WAL)
        return connection
