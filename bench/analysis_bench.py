"""``ulinzi bench analysis --incidents 1000000``: the dashboard's aggregate queries on
SQLite and PostgreSQL, beside the same aggregates computed by DuckDB over a Parquet copy
of the same rows (the reference), all in one run.

For each database (PostgreSQL only when it answers) a worker process:

1. opens a bench database (``bench/out/analysis-N.sqlite3``, or the PostgreSQL database
   ``ulinzi_bench_analysis_N``), migrates it, and bulk-generates N incidents in batches
   unless they are already there (``--fresh`` regenerates); three organisations, the
   bench analyst belongs to one and another shares its attacks on health care with it;
2. runs every aggregate query of the dashboard ``--repeat`` times for several filter
   combinations, as that analyst (visibility and duplicate exclusion included), and
   times each; then the whole dashboard document;
3. the first worker also writes the incidents and their type/resource rows to Parquet
   (``bench/out/analysis-N/``), and DuckDB runs the same aggregates over it.

It prints p50/p95 per query and database, and the ratio to DuckDB. Target: p95 < 300 ms
on PostgreSQL at 1M incidents.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ulinzi.commands.options import names, whole

DATABASES = ("sqlite", "postgres")  # the databases it can time
ROOT = Path(__file__).resolve().parent
OUT = ROOT / "out"
PG_SERVER = os.environ.get("ULINZI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
TARGET_MS = 300.0
COMBOS: dict[str, dict[str, str]] = {
    "everything": {},
    "one country": {"country": "SDN"},
    "one year": {"date_from": "2024-01-01", "date_to": "2024-12-31"},
    "health, country, year, weekly by type": {
        "domain": "health_care_attack",
        "country": "UKR",
        "date_from": "2023-01-01",
        "date_to": "2023-12-31",
        "interval": "week",
        "stack": "type",
    },
}


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
        return True
    except Exception:
        return False


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench analysis", description=__doc__)
    parser.add_argument("--incidents", type=whole(), default=100_000)
    parser.add_argument("--repeat", type=whole(), default=15)
    parser.add_argument(
        "--databases", type=names(*DATABASES), default=list(DATABASES), help="sqlite, postgres"
    )
    parser.add_argument("--fresh", action="store_true", help="regenerate the incidents")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--duckdb", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return _worker(args)
    results: dict[str, dict[str, Any]] = {}
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average at the start {load}", flush=True)
    for db in args.databases:
        if db == "postgres" and not _pg_reachable():
            print(f"PostgreSQL not reachable at {PG_SERVER}: skipped", flush=True)
            continue
        env = {**os.environ, "DATABASE_URL": _url(db, args.incidents)}
        env["ULINZI_DATA_DIR"] = str(OUT / "analysis-data")
        cmd = [sys.executable, __file__, "--worker", db, "--incidents", str(args.incidents)]
        cmd += ["--repeat", str(args.repeat)] + (["--fresh"] if args.fresh else [])
        if not results:
            cmd.append("--duckdb")
        print(f"== {db}: {args.incidents:,} incidents", flush=True)
        with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) as worker:
            assert worker.stdout is not None
            for line in worker.stdout:
                if line.startswith("RESULT "):
                    results.update(json.loads(line[7:]))
                else:
                    print(line, end="", flush=True)
        if worker.returncode != 0:
            print(f"{db} worker failed ({worker.returncode})", flush=True)
            return worker.returncode
    _report(results, args.incidents)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine: {os.cpu_count()} cores, load average at the end {load}")
    return 0


def _url(db: str, n: int) -> str:
    if db == "sqlite":
        return f"sqlite:///{OUT / f'analysis-{n}.sqlite3'}"
    return f"{PG_SERVER}/ulinzi_bench_analysis_{n}"


def _report(results: dict[str, dict[str, Any]], n: int) -> None:
    engines = [e for e in ("sqlite", "postgres", "duckdb") if e in results]
    print(f"\nDashboard aggregates over {n:,} incidents: p50 / p95 in ms")
    header = f"{'filters':<40} {'query':<24}" + "".join(f"{e:>20}" for e in engines)
    print(header + ("   pg p95 ÷ duckdb p95" if {"postgres", "duckdb"} <= set(results) else ""))
    keys = list(results[engines[0]]) if engines else []
    worst_pg = 0.0
    for key in keys:
        combo, query = key.split("|")
        line = f"{combo:<40} {query:<24}"
        for e in engines:
            t = results[e].get(key)
            line += f"{'' if t is None else f'{t[0]:.1f} / {t[1]:.1f}':>20}"
        pg, dk = results.get("postgres", {}).get(key), results.get("duckdb", {}).get(key)
        if pg and dk:
            line += f"   {pg[1] / max(dk[1], 0.01):8.1f}×"
        if pg and query != "whole dashboard":
            worst_pg = max(worst_pg, pg[1])
        print(line)
    if "postgres" in results:
        verdict = "met" if worst_pg < TARGET_MS else "NOT met"
        print(
            f"\nworst PostgreSQL p95 of one query: {worst_pg:.1f} ms"
            f" (target {TARGET_MS:.0f} ms: {verdict})"
        )


# --------------------------------------------------------------------------- worker


def _worker(args: argparse.Namespace) -> int:
    db = args.worker
    n = args.incidents
    if db == "postgres":
        _ensure_pg_database(os.environ["DATABASE_URL"].rsplit("/", 1)[1])
    OUT.mkdir(exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    actor = _prepare(n, fresh=args.fresh)
    timings = {db: _time_queries(actor, args.repeat)}
    if args.duckdb:
        from ulinzi.accounts.models import Organisation

        own = Organisation.objects.get(code="bench-a").pk
        sharing = Organisation.objects.get(code="bench-b").pk
        timings["duckdb"] = _duckdb(n, args.repeat, own, sharing, args.fresh)
    print("RESULT " + json.dumps(timings), flush=True)
    return 0


def _ensure_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(n: int, *, fresh: bool) -> Any:
    from datetime import date

    from django.db import connection

    from ulinzi.accounts import services as accounts
    from ulinzi.accounts.access import actor_for
    from ulinzi.analysis import generate
    from ulinzi.incidents.models import Incident, IncidentFact, IncidentTerm

    orgs = [
        accounts.ensure_organisation(code=code, name=f"Bench {code}", kind="ingo")
        for code in ("bench-a", "bench-b", "bench-c")
    ]
    user = accounts.ensure_user(
        username="bench-analyst", password="bench-password", organisation=orgs[0], roles=["analyst"]
    )
    accounts.ensure_agreement(
        provider=orgs[1],
        recipient=orgs[0],
        domains=["health_care_attack"],
        valid_from=date(2000, 1, 1),
    )
    have = Incident.objects.count()
    if fresh or have != n:
        IncidentFact.objects.all().delete()
        IncidentTerm.objects.all().delete()
        Incident.objects.all().delete()
        started = time.perf_counter()

        def progress(done: int) -> None:
            if done % 100_000 == 0 or done == n:
                print(f"  generated {done:,} ({time.perf_counter() - started:.0f} s)", flush=True)

        generate.bulk_load(n, orgs, generate.Options(seed=42), batch=5000, progress=progress)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("VACUUM ANALYZE incidents_incident")
                cursor.execute("VACUUM ANALYZE incidents_incidentterm")
                cursor.execute("VACUUM ANALYZE incidents_incidentfact")
            else:
                cursor.execute("ANALYZE")
        print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
    else:
        print(f"  reusing {have:,} incidents already there", flush=True)
    return actor_for(user)


def _measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    fn()  # warm the caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95


def _queries(actor: Any, query: dict[str, str]) -> dict[str, Callable[[], Any]]:
    from ulinzi.analysis import aggregates, summary
    from ulinzi.analysis.params import EXCLUDED_STATUSES, DashboardParams

    p = DashboardParams.from_query(query)
    qs = aggregates.counted(actor, p.filters)
    f = p.filters
    out: dict[str, Callable[[], Any]] = {
        "time cube": lambda: aggregates.time_cube(qs, p.interval),
        "place cube": lambda: aggregates.place_cube(qs),
        "resources hit": lambda: aggregates.resource_counts(qs),
        "harm by type": lambda: aggregates.harm_by_type(qs, f.type),
        "harm by resource": lambda: aggregates.harm_by_resource(qs, f.type, f.resource),
        "harm by victim group": lambda: aggregates.harm_by_victim_group(qs, f.type),
        "not counted": lambda: aggregates.status_counts(actor, f, EXCLUDED_STATUSES),
        "map points": lambda: aggregates.points(qs),
    }
    if p.stack == "type":
        out["types over time"] = lambda: aggregates.types_over_time(qs, p.interval, f.type)
    out["whole dashboard"] = lambda: summary.build(actor, p)
    return out


def _time_queries(actor: Any, repeat: int) -> dict[str, tuple[float, float]]:
    from ulinzi.analysis.aggregates import session

    out: dict[str, tuple[float, float]] = {}
    for combo, query in COMBOS.items():
        for name, fn in _queries(actor, query).items():
            if name == "whole dashboard":
                out[f"{combo}|{name}"] = _measure(fn, max(3, repeat // 3))
                continue

            def in_session(fn: Callable[[], Any] = fn) -> Any:
                with session():
                    return fn()

            out[f"{combo}|{name}"] = _measure(in_session, repeat)
        print(f"  timed: {combo}", flush=True)
    return out


# --------------------------------------------------------------------------- DuckDB


def _export_parquet(folder: Path) -> None:
    """Copy the incidents and their terms from the database to Parquet (via CSV)."""
    import csv

    import duckdb
    from django.db import connection

    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "incidents": (
            "SELECT id, organisation_id, domain, occurred_on, country, admin1_pcode, admin1_name,"
            " lat, lon, cause, certainty, perpetrator, status, killed, injured, abducted,"
            " arrested, detained, killed_children, injured_children, abducted_children,"
            " arrested_children, detained_children, killed_health_workers,"
            " injured_health_workers, abducted_health_workers, arrested_health_workers,"
            " detained_health_workers, killed_patients, injured_patients, abducted_patients,"
            " arrested_patients, detained_patients FROM incidents_incident"
        ),
        "terms": "SELECT incident_id, kind, code FROM incidents_incidentterm",
    }
    for name, sql in tables.items():
        csv_path = folder / f"{name}.csv"
        with connection.cursor() as cursor, csv_path.open("w", newline="") as fh:
            cursor.execute(sql)
            writer = csv.writer(fh)
            writer.writerow([c[0] for c in cursor.description])
            while rows := cursor.fetchmany(20_000):
                writer.writerows(["" if v is None else str(v) for v in row] for row in rows)
        columns = {c: _duck_type(c) for c in next(csv.reader(csv_path.open()))}
        duck = duckdb.connect()
        duck.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', header=true, columns={columns!r}))"
            f" TO '{folder / f'{name}.parquet'}' (FORMAT parquet)"
        )
        duck.close()
        csv_path.unlink()


def _duck_type(column: str) -> str:
    if column == "occurred_on":
        return "DATE"
    if column in ("lat", "lon"):
        return "DOUBLE"
    if column == "organisation_id" or column.startswith(
        ("killed", "injured", "abducted", "arrested", "detained")
    ):
        return "BIGINT"
    return "VARCHAR"


def _duckdb_where(query: dict[str, str], own: int, sharing: int, statuses: str) -> str:
    where = [
        f"(organisation_id = {own} OR"
        f" (organisation_id = {sharing} AND domain = 'health_care_attack'))",
        f"status IN ({statuses})",
    ]
    for name in ("domain", "country", "certainty"):
        if name in query:
            where.append(f"{name} = '{query[name]}'")
    if "date_from" in query:
        where.append(f"occurred_on >= DATE '{query['date_from']}'")
    if "date_to" in query:
        where.append(f"occurred_on <= DATE '{query['date_to']}'")
    return " AND ".join(where)


def _duckdb_sql(query: dict[str, str], own: int, sharing: int) -> dict[str, str]:
    """The dashboard's queries (same names) in DuckDB SQL over the Parquet copy."""
    base = "SELECT * FROM i WHERE " + _duckdb_where(
        query, own, sharing, "'draft', 'submitted', 'verified'"
    )
    unit = "week" if query.get("interval") == "week" else "month"
    period = f"date_trunc('{unit}', occurred_on)"
    kinds = ("killed", "injured", "abducted", "arrested", "detained")
    people = lambda g: " + ".join(f"coalesce({k}{g}, 0)" for k in kinds)  # noqa: E731
    sums = ", ".join(f"sum({k})" for k in kinds)
    typed = "LEFT JOIN t ty ON ty.incident_id = b.id AND ty.kind = 'type'"
    out = {
        "time cube": f"SELECT domain, cause, {period} p, count(*), {sums} FROM ({base}) b"
        " GROUP BY ALL",
        "place cube": "SELECT country, admin1_pcode, admin1_name, certainty, count(*),"
        f" sum(killed), sum(injured), count(lat) FROM ({base}) b GROUP BY ALL",
        "resources hit": f"SELECT r.code, count(*) FROM ({base}) b JOIN t r"
        " ON r.incident_id = b.id AND r.kind = 'resource' GROUP BY ALL",
        "harm by type": f"SELECT domain, perpetrator, ty.code, count(*) FROM ({base}) b {typed}"
        " GROUP BY ALL",
        "harm by resource": f"SELECT b.perpetrator, ty.code, r.code, count(*) FROM ({base}) b"
        " JOIN t ty ON ty.incident_id = b.id AND ty.kind = 'type'"
        " JOIN t r ON r.incident_id = b.id AND r.kind = 'resource'"
        " WHERE b.domain = 'health_care_attack' GROUP BY ALL",
        "harm by victim group": f"SELECT b.domain, b.perpetrator, ty.code, count(*),"
        f" sum({people('')}), sum({people('_children')}), sum({people('_health_workers')}),"
        f" sum({people('_patients')}) FROM ({base}) b"
        " JOIN t ty ON ty.incident_id = b.id AND ty.kind = 'type'"
        " WHERE b.domain <> 'health_care_attack' GROUP BY ALL",
        "not counted": "SELECT status, count(*) FROM i WHERE "
        + _duckdb_where(query, own, sharing, "'duplicate', 'rejected'")
        + " GROUP BY ALL",
        "map points": f"SELECT CAST(lat * 10 AS INTEGER) la, CAST(lon * 10 AS INTEGER) lo,"
        f" count(*) n FROM ({base}) b WHERE lat IS NOT NULL AND lon IS NOT NULL"
        " GROUP BY ALL ORDER BY n DESC LIMIT 5000",
    }
    if query.get("stack") == "type":
        out["types over time"] = (
            f"SELECT {period} p, coalesce(ty.code, '') k, count(*) FROM ({base}) b {typed}"
            " GROUP BY ALL"
        )
    return out


def _duckdb(n: int, repeat: int, own: int, sharing: int, fresh: bool) -> dict[str, Any]:
    import duckdb

    folder = OUT / f"analysis-{n}"
    if fresh or not (folder / "terms.parquet").exists():
        started = time.perf_counter()
        _export_parquet(folder)
        print(f"  Parquet copy written in {time.perf_counter() - started:.0f} s", flush=True)
    duck = duckdb.connect()
    duck.execute(f"CREATE VIEW i AS SELECT * FROM '{folder / 'incidents.parquet'}'")
    duck.execute(f"CREATE VIEW t AS SELECT * FROM '{folder / 'terms.parquet'}'")
    _check_against_django(duck, own, sharing)
    out: dict[str, tuple[float, float]] = {}
    for combo, query in COMBOS.items():
        sqls = _duckdb_sql(query, own, sharing)
        for name, sql in sqls.items():
            out[f"{combo}|{name}"] = _measure(lambda s=sql: duck.execute(s).fetchall(), repeat)
        out[f"{combo}|whole dashboard"] = _measure(
            lambda s=sqls: [duck.execute(q).fetchall() for q in s.values()], max(3, repeat // 3)
        )
    duck.close()
    return out


def _check_against_django(duck: Any, own: int, sharing: int) -> None:
    """The reference must count what the dashboard counts."""
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.analysis import aggregates
    from ulinzi.analysis.params import DashboardParams

    actor = actor_for(User.objects.get(username="bench-analyst"))
    for query in COMBOS.values():
        p = DashboardParams.from_query(query)
        cube = aggregates.time_cube(aggregates.counted(actor, p.filters), p.interval)
        ours = (sum(r["n"] for r in cube), sum(r["killed"] for r in cube))
        sql = _duckdb_sql(query, own, sharing)["time cube"]
        theirs = duck.execute(f'SELECT sum("count_star()"), sum("sum(killed)") FROM ({sql})')
        found = theirs.fetchone()
        assert found is not None and ours == (found[0], found[1] or 0), (ours, found)
    print("  DuckDB reference agrees with the dashboard's counts", flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
