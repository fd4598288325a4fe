"""``ulinzi bench import --rows 1000000``: import a generated HXL CSV end to end.

Generates an HXL CSV of realistic incidents (``bench/import_data.py``) and imports it
with ``run_import`` — reading, mapping, validation, encryption of the narrative, the
idempotency lookup, bulk writes of incidents, terms and history, checkpoints — into a
fresh database, in a fresh process per measurement so that peak RSS is that import's:

* SQLite: rows per second and peak RSS at 100,000 rows and at ``--rows`` (target
  ≥ 20,000 rows/s at 1M rows; RSS < 400 MB and flat between the two sizes);
* PostgreSQL (``DATABASE_URL`` when it names one, else 127.0.0.1:5432 when it answers):
  import time relative to a raw ``COPY`` of the same file into an equivalent bare table
  (same columns, typed, no index) in the same database and run (target ≤ 20×);
* with ``--reimport``, at the smaller size: a second file with the same ids and other
  values imported over the first with its changes applied (every row updated).

For SQLite the same bare-table baseline is measured (the file's rows inserted with one
``executemany`` per 5,000 rows). Wall and CPU seconds are both shown: on a shared
machine the wall time also counts waiting for a CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ulinzi.commands.options import whole

HERE = Path(__file__).resolve().parent
TARGET_RATE = 20_000
TARGET_RSS_MB = 400
TARGET_PG_RATIO = 20.0
BARE_TYPES = {
    "Date": "date", "Latitude": "double precision", "Longitude": "double precision",
    "Killed": "integer", "Killed (health workers)": "integer", "Injured": "integer",
    "Injured (health workers)": "integer", "Abducted": "integer",
}  # fmt: skip


def _pg_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return url
    try:
        socket.create_connection(("127.0.0.1", 5432), 2).close()
    except OSError:
        return None
    return "postgres://postgres@127.0.0.1:5432/postgres"


def _admin(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)


def _bare_columns() -> list[tuple[str, str]]:
    sys.path.insert(0, str(HERE))
    import import_data

    return [(name, BARE_TYPES.get(name, "text")) for name, _ in import_data.COLUMNS]


def _baseline(path: Path) -> float:
    """Seconds to load the file's rows into a bare table of the same columns."""
    from django.db import connection, transaction

    cols = _bare_columns()
    quote = connection.ops.quote_name
    names = ", ".join(quote(n) for n, _ in cols)
    typed = ", ".join(f"{quote(n)} {t}" for n, t in cols)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE bench_bare ({typed})")
    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor, path.open("rb") as fh:
        fh.readline()
        fh.readline()  # header and HXL tag rows
        if connection.vendor == "postgresql":
            sql = f"COPY bench_bare ({names}) FROM STDIN WITH (FORMAT csv)"
            with cursor.cursor.copy(sql) as cp:
                while chunk := fh.read(1 << 20):
                    cp.write(chunk)
        else:
            import csv
            import io
            import itertools

            rows = csv.reader(io.TextIOWrapper(fh, encoding="utf-8", newline=""))
            sql = f"INSERT INTO bench_bare ({names}) VALUES ({', '.join(['%s'] * len(cols))})"
            while batch := list(itertools.islice(rows, 5000)):
                cursor.executemany(sql, batch)
    return time.perf_counter() - start


def _floor() -> float:
    """Seconds the database itself takes to store the imported rows again: every
    incident, term and history row copied by ``INSERT … SELECT`` (no Python per row) into
    the same tables, with their indexes and checks, under new ids."""
    from django.db import connection, transaction

    pg = connection.vendor == "postgresql"
    tables = {
        "incidents_incident": "id",
        "incidents_incidentterm": "incident_id",
        "incidents_incidentchange": "incident_id",
    }

    def pick(table: str, key: str, col: str) -> str:
        if col == key:
            return f"md5({col}::text || 'copy')::uuid" if pg else f"'c' || substr({col}, 2)"
        return "source_id || '-copy'" if col == "source_id" else col

    start = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, key in tables.items():
            cursor.execute(f"SELECT * FROM {table} LIMIT 0")
            cols = [c[0] for c in cursor.description if c[0] != "id" or key == "id"]
            picks = ", ".join(pick(table, key, c) for c in cols)
            cursor.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {picks} FROM {table}")
    return time.perf_counter() - start


def _worker(path: Path, out: Path, changed: Path | None = None) -> None:
    """Run in a fresh process: migrate, import ``path``, measure, write JSON to ``out``;
    with ``changed`` (the same ids, other values), then re-import that with its changes
    applied (every row updated)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from ulinzi.accounts import services as accounts
    from ulinzi.intake.services import run_import

    call_command("migrate", interactive=False, verbosity=0)
    bench = accounts.ensure_organisation(code="bench", name="Benchmark partner", kind="ingo")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.perf_counter(), time.process_time()
    result = run_import(organisation=bench, path=path, progress=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures: dict[str, Any] = {
        "engine": connection.vendor,
        "rows": result.rows,
        "created": result.created,
        "rejected": result.rejected,
        "wall": wall,
        "cpu": cpu,
        "rss_mb": rss,
        "rss_before_mb": rss_before,
        "baseline": _baseline(path),
        "floor": _floor(),
    }
    if changed is not None:
        wall, cpu = time.perf_counter(), time.process_time()
        again = run_import(organisation=bench, path=changed, progress=False, apply_changes=True)
        figures["reimport_wall"] = time.perf_counter() - wall
        figures["reimport_cpu"] = time.process_time() - cpu
        figures["reimport_updated"] = again.updated
    out.write_text(json.dumps(figures))


def _measure(
    path: Path, work: Path, label: str, pg_url: str | None, changed: Path | None = None
) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ULINZI_DATA_DIR"] = str(work / label)
    env["ULINZI_LOG_LEVEL"] = "WARNING"
    dbname = None
    if pg_url:
        dbname = f"ulinzi_bench_import_{os.getpid()}"
        base = pg_url.rsplit("/", 1)[0]
        _admin(pg_url, f'DROP DATABASE IF EXISTS "{dbname}"', f'CREATE DATABASE "{dbname}"')
        env["DATABASE_URL"] = f"{base}/{dbname}"
    out = work / f"{label}.json"
    try:
        more = ["--changed", str(changed)] if changed else []
        subprocess.run(
            [sys.executable, __file__, "--worker", str(path), "--out", str(out), *more],
            env=env,
            check=True,
        )
    finally:
        if pg_url and dbname:
            _admin(pg_url, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return dict(json.loads(out.read_text()))


def _line(label: str, r: dict[str, Any]) -> str:
    floor = f"{r['floor']:>8.2f} {r['wall'] / r['floor']:>5.1f}×" if r.get("floor") else ""
    return (
        f"{label:<18} {r['rows']:>9,} {r['wall']:>8.1f} {r['cpu']:>8.1f} "
        f"{r['rows'] / r['wall']:>9,.0f} {r['rows'] / r['cpu']:>9,.0f} {r['rss_mb']:>7.0f} "
        f"{r['baseline']:>8.2f} {r['wall'] / r['baseline']:>5.1f}× {floor}"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench import", description=__doc__)
    parser.add_argument("--rows", type=whole(), default=1_000_000)
    parser.add_argument("--small", type=whole(), default=100_000, help="the smaller size")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="at the smaller size, also re-import a changed file (same ids, every row updated)",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--changed", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rows < 1 or args.small < 1:
        parser.error("--rows and --small must be at least 1")
    if args.worker:
        _worker(args.worker, args.out, args.changed)
        return 0

    sys.path.insert(0, str(HERE))
    import import_data

    work = Path(tempfile.mkdtemp(prefix="ulinzi-bench-import-"))
    sizes = sorted({min(args.small, args.rows), args.rows})
    pg_url = None if args.no_postgres else _pg_url()
    results: list[tuple[str, dict[str, Any]]] = []
    try:
        for size in sizes:
            start = time.perf_counter()
            path = import_data.write(work / f"incidents-{size}.csv", size, args.seed)
            mb = path.stat().st_size / 1e6
            took = time.perf_counter() - start
            print(f"generated {size:,} rows ({mb:,.0f} MB) in {took:.1f} s", flush=True)
            changed = None
            if args.reimport and size == sizes[0]:
                changed = import_data.write(work / f"changed-{size}.csv", size, args.seed + 1)
            results.append(
                (f"sqlite {size:,}", _measure(path, work, f"sqlite-{size}", None, changed))
            )
            print(_line(*results[-1]), flush=True)
            if pg_url and (size == args.rows or changed):
                pg = _measure(path, work, f"pg-{size}", pg_url, changed)
                results.append((f"postgres {size:,}", pg))
                print(_line(*results[-1]), flush=True)
            path.unlink()
            if changed:
                changed.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(results, pg_url)
    return 0


def _report(results: list[tuple[str, dict[str, Any]]], pg_url: str | None) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nimport benchmark ({os.cpu_count()} CPUs, load average {load})")
    print(
        f"{'run':<18} {'rows':>9} {'wall s':>8} {'cpu s':>8} {'rows/s':>9} {'rows/cpu-s':>9} "
        f"{'RSS MB':>7} {'bare s':>8} {'ratio':>6} {'floor s':>8} {'ratio':>6}"
    )
    print(
        "  bare: the file's rows into a bare table of the same columns (COPY on PostgreSQL, "
        "executemany on SQLite)\n  floor: the database copying the imported incident, term "
        "and history rows into the same tables with INSERT … SELECT"
    )
    for label, r in results:
        print(_line(label, r))
    for label, r in results:
        if "reimport_wall" in r:
            print(
                f"re-import, {label}: {r['reimport_updated']:,} rows updated in "
                f"{r['reimport_wall']:.1f} s wall, {r['reimport_cpu']:.1f} CPU s "
                f"({r['reimport_updated'] / r['reimport_wall']:,.0f} rows/s)"
            )
    sqlite = [r for label, r in results if label.startswith("sqlite")]
    big = sqlite[-1]
    rate = big["rows"] / big["wall"]
    print(
        f"\nSQLite: {rate:,.0f} rows/s wall, {big['rows'] / big['cpu']:,.0f} rows per CPU second "
        f"(target ≥ {TARGET_RATE:,}: {'met' if rate >= TARGET_RATE else 'MISSED'})"
    )
    rss = [r["rss_mb"] for r in sqlite]
    flat = rss[-1] / rss[0] if rss[0] else 0
    print(
        f"SQLite peak RSS: {' → '.join(f'{x:.0f} MB' for x in rss)} ({flat:.2f}× from the smaller "
        f"to the larger file; target < {TARGET_RSS_MB} MB and flat: "
        f"{'met' if max(rss) < TARGET_RSS_MB and flat < 1.25 else 'MISSED'})"
    )
    for label, r in results:
        if label.startswith("postgres"):
            ratio = r["wall"] / r["baseline"]
            verdict = "met" if ratio <= TARGET_PG_RATIO else "MISSED"
            print(
                f"PostgreSQL: import {r['wall']:.1f} s vs COPY {r['baseline']:.1f} s = "
                f"{ratio:.1f}× (target ≤ {TARGET_PG_RATIO:g}×: {verdict})"
            )
    if pg_url is None:
        print("PostgreSQL: not reachable (DATABASE_URL unset, nothing at 127.0.0.1:5432): skipped")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
