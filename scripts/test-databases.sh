#!/usr/bin/env bash
# Run the test suite on SQLite, then on PostgreSQL.
# PostgreSQL is DATABASE_URL when it points to one, else 127.0.0.1:5432 when it answers.
# With CI=true PostgreSQL is required: its absence fails the run.
set -uo pipefail
BIN=.venv/bin
export ULINZI_DATA_DIR="${ULINZI_TEST_DATA_DIR:-$PWD/var/test}"
mkdir -p "$ULINZI_DATA_DIR"

pg_url=""
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  pg_url="$DATABASE_URL"
elif "$BIN/python" -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2).close()" 2>/dev/null; then
  pg_url="postgres://postgres@127.0.0.1:5432/postgres"
fi

echo "=== pytest on SQLite ==="
env -u DATABASE_URL "$BIN/pytest" -q "$@"
sqlite_rc=$?

pg_rc=0
if [ -n "$pg_url" ]; then
  echo "=== pytest on PostgreSQL ($pg_url) ==="
  DATABASE_URL="$pg_url" "$BIN/pytest" -q "$@"
  pg_rc=$?
elif [ "${CI:-}" = "true" ]; then
  echo "ERROR: PostgreSQL is required with CI=true, but none answers at 127.0.0.1:5432 and DATABASE_URL is not set." >&2
  pg_rc=1
else
  echo "NOTE: PostgreSQL not reachable (127.0.0.1:5432, DATABASE_URL unset): PostgreSQL run skipped."
fi

if [ $sqlite_rc -ne 0 ] || [ $pg_rc -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc" >&2
  exit 1
fi
