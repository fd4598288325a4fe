#!/usr/bin/env bash
# Run the test suite on SQLite and on PostgreSQL, side by side (one process each).
# PostgreSQL is DATABASE_URL when it points to one, else 127.0.0.1:5432 when it answers.
# With CI=true PostgreSQL is required: its absence fails the run.
set -uo pipefail
BIN=.venv/bin
root="${ULINZI_TEST_DATA_DIR:-$PWD/var/test}"
mkdir -p "$root/sqlite" "$root/postgresql"

pg_url=""
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  pg_url="$DATABASE_URL"
elif "$BIN/python" -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2).close()" 2>/dev/null; then
  pg_url="postgres://postgres@127.0.0.1:5432/postgres"
fi

pg_rc=0
pg_pid=""
if [ -n "$pg_url" ]; then
  DATABASE_URL="$pg_url" ULINZI_DATA_DIR="$root/postgresql" "$BIN/pytest" -q "$@" \
    > "$root/postgresql.log" 2>&1 &
  pg_pid=$!
elif [ "${CI:-}" = "true" ]; then
  echo "ERROR: PostgreSQL is required with CI=true, but none answers at 127.0.0.1:5432 and DATABASE_URL is not set." >&2
  pg_rc=1
else
  echo "NOTE: PostgreSQL not reachable (127.0.0.1:5432, DATABASE_URL unset): PostgreSQL run skipped."
fi

echo "=== pytest on SQLite ==="
env -u DATABASE_URL ULINZI_DATA_DIR="$root/sqlite" "$BIN/pytest" -q "$@"
sqlite_rc=$?

if [ -n "$pg_pid" ]; then
  wait "$pg_pid"
  pg_rc=$?
  echo "=== pytest on PostgreSQL ($pg_url) ==="
  cat "$root/postgresql.log"
fi

if [ $sqlite_rc -ne 0 ] || [ $pg_rc -ne 0 ]; then
  echo "FAILED: SQLite exit $sqlite_rc, PostgreSQL exit $pg_rc" >&2
  exit 1
fi
