"""Django's SQLite backend, with the database files readable by their owner only
(``ENGINE = "ulinzi.common.sqlite"``; see :mod:`.base`)."""
