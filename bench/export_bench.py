"""``ulinzi bench export --incidents 1000000``: time anonymised exports of every row.

Uses the analysis benchmark's databases (``bench/out/analysis-N.sqlite3`` and the
PostgreSQL database ``ulinzi_bench_analysis_N``), generating the incidents when they are
not there. For each database a worker process times, in one run:

- the baseline: reading the exported fields of every counted row, doing nothing else;
- a public-level export (HXL CSV, XLSX, GeoJSON): one read, generalisation search,
  k-anonymity suppression, small-cell suppression of the tables, writing;
- a partners-level HXL export (exact rows, streamed).

It prints seconds, rows per second and the ratio to the baseline. Target: a public
export of 1M incidents in under 60 s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from ulinzi.commands.options import names, whole

DATABASES = ("sqlite", "postgres")
FORMATS = ("hxl", "xlsx", "geojson")
ROOT = Path(__file__).resolve().parent
TARGET_S = 60.0


def _analysis_bench() -> Any:
    spec = importlib.util.spec_from_file_location(
        "ulinzi_bench_analysis", ROOT / "analysis_bench.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench export", description=__doc__)
    parser.add_argument("--incidents", type=whole(), default=100_000)
    parser.add_argument("--databases", type=names(*DATABASES), default=list(DATABASES))
    parser.add_argument("--formats", type=names(*FORMATS), default=list(FORMATS))
    parser.add_argument("--fresh", action="store_true", help="regenerate the incidents")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    analysis = _analysis_bench()
    if args.worker:
        return _worker(args, analysis)
    results: dict[str, dict[str, Any]] = {}
    for db in args.databases:
        if db == "postgres" and not analysis._pg_reachable():
            print(f"PostgreSQL not reachable at {analysis.PG_SERVER}: skipped", flush=True)
            continue
        env = {**os.environ, "DATABASE_URL": analysis._url(db, args.incidents)}
        env["ULINZI_DATA_DIR"] = str(analysis.OUT / "analysis-data")
        cmd = [sys.executable, __file__, "--worker", db, "--incidents", str(args.incidents)]
        cmd += ["--formats", ",".join(args.formats)] + (["--fresh"] if args.fresh else [])
        print(f"== {db}: {args.incidents:,} incidents", flush=True)
        with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True) as worker:
            assert worker.stdout is not None
            for line in worker.stdout:
                if line.startswith("RESULT "):
                    results[db] = json.loads(line[7:])
                else:
                    print(line, end="", flush=True)
        if worker.returncode != 0:
            print(f"{db} worker failed ({worker.returncode})", flush=True)
            return worker.returncode
    _report(results, args.incidents)
    return 0


def _report(results: dict[str, dict[str, Any]], n: int) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nExports of {n:,} generated incidents (seconds; ratio to reading the same rows)")
    print(f"load average now {load} (1, 5, 15 min) on {os.cpu_count()} cores")
    for db, timings in results.items():
        base = timings["baseline read"]["seconds"]
        for name, t in timings.items():
            ratio = t["seconds"] / base if base else 0.0
            extra = f"  {t['detail']}" if t.get("detail") else ""
            extra += f"  (load {t['load']:.1f})" if "load" in t else ""
            print(f"{db:<9} {name:<22} {t['seconds']:8.1f} s  {ratio:6.1f}×{extra}")
        for name, t in timings.items():
            if name.startswith("public"):
                verdict = "met" if t["seconds"] < TARGET_S else "NOT met"
                print(f"{db:<9} {name}: target {TARGET_S:.0f} s {verdict}")


def _worker(args: argparse.Namespace, analysis: Any) -> int:
    db = args.worker
    if db == "postgres":
        analysis._ensure_pg_database(os.environ["DATABASE_URL"].rsplit("/", 1)[1])
    analysis.OUT.mkdir(exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from ulinzi.reports import services
    from ulinzi.reports.release.model import PUBLIC_FIELDS

    call_command("migrate", interactive=False, verbosity=0)
    analysis._prepare(args.incidents, fresh=args.fresh)
    timings: dict[str, dict[str, Any]] = {}

    request = services.parse_request(fmt="hxl", level="public")
    started = time.perf_counter()
    read = sum(1 for _ in services.scoped(None, request).values_list(*PUBLIC_FIELDS).iterator(5000))
    timings["baseline read"] = {
        "seconds": time.perf_counter() - started,
        "detail": f"{read:,} rows",
        "load": os.getloadavg()[0],
    }

    runs = [("public", fmt) for fmt in args.formats] + [("partners", "hxl")]
    for level, fmt in runs:
        req = services.parse_request(fmt=fmt, level=level)
        with tempfile.TemporaryFile() as out:
            started = time.perf_counter()
            report = services.export(actor=None, request=req, out=out, via="bench")
            seconds = time.perf_counter() - started
            size = out.tell()
        detail = (
            f"{report.get('records_out', 0):,} of {report.get('records_in', 0):,} records out, "
            f"k={report.get('k_achieved')}, {size / 1e6:.1f} MB, "
            + ", ".join(
                f"{k} {v}"
                for k, v in (report.get("generalisation") or {}).items()
                if k in ("period", "casualties", "types")
            )
        )
        load = os.getloadavg()[0]
        timings[f"{level} {fmt}"] = {"seconds": seconds, "detail": detail, "load": load}
        print(f"  {level} {fmt}: {seconds:.1f} s (load average {load:.1f})", flush=True)
    print("RESULT " + json.dumps(timings), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
