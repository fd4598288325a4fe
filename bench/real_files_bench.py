"""``ulinzi bench real-files [--dir DIR]``: import every real public file as a new user would.

For each data file in ``DIR`` (default ``/work/shared/data/real`` or ``$ULINZI_REAL_DATA``):
``--dry-run`` then a real import, each into an organisation of its own, with no mapping
and no ``--domain`` — rows, imported, rejected by reason (column: reason), blank, and
the domains the imported incidents got. Then every file into one organisation, in
order, to count records of one file changed by another. A throwaway SQLite database (or
``DATABASE_URL``). Prints one table per file (the figures in ``docs/imports.md``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from ulinzi.commands.options import folder

DEFAULT_DIR = Path(os.environ.get("ULINZI_REAL_DATA", "/work/shared/data/real"))
SKIP = {"insecurity_insight_schema.csv", "README.md"}


def _files(root: Path) -> list[Path]:
    found = [
        p
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name not in SKIP and p.suffix in (".csv", ".xlsx", ".json")
    ]
    return found


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ulinzi.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _org(code: str) -> Any:
    from ulinzi.accounts import services as accounts

    return accounts.ensure_organisation(code=code, name=code, kind="ingo")


def _reasons(run_id: int | None, samples: list[Any]) -> Counter[str]:
    from ulinzi.intake import rejects as rejectlog
    from ulinzi.intake.models import ImportRun

    got: Counter[str] = Counter()
    items = samples if run_id is None else rejectlog.stored(ImportRun.objects.get(pk=run_id))
    rows_seen: set[int] = set()
    for r in items:
        if r.row in rows_seen:
            continue
        rows_seen.add(r.row)
        reason = r.reason
        if "is not a number" in reason or "is not a known value" in reason:
            reason = f"{r.value!r} {reason}" if len(got) < 40 else reason
        got[f"{r.column}: {reason}"] += 1
    return got


def measure(path: Path, org: str) -> dict[str, Any]:
    from ulinzi.accounts.models import Organisation
    from ulinzi.incidents.models import Incident
    from ulinzi.intake.imports import ImportFailed
    from ulinzi.intake.services import dry_run_csv, run_import

    out: dict[str, Any] = {"file": path.name}
    organisation = Organisation.objects.get(code=org)
    try:
        dry = run_import(
            organisation=organisation,
            path=path,
            dry_run=True,
            sink=dry_run_csv(path),
            progress=False,
        )
    except ImportFailed as exc:
        out["error"] = str(exc)
        return out
    out["dry"] = (dry.rows, dry.imported, dry.rejected, dry.blank)
    result = run_import(organisation=organisation, path=path, progress=False)
    out["fmt"] = result.fmt
    out["dataset"] = result.dataset
    out["rows"] = result.rows
    out["imported"] = result.imported
    out["rejected"] = result.rejected
    out["blank"] = result.blank
    out["reasons"] = _reasons(result.run_id, [])
    out["domains"] = Counter(
        Incident.objects.filter(organisation__code=org).values_list("domain", flat=True)
    )
    out["plan"] = result.plan
    out["kept"] = result.kept
    out["untyped"] = Counter(
        Incident.objects.filter(organisation__code=org, types=[]).values_list("domain", flat=True)
    )
    return out


def cross(files: list[Path]) -> list[str]:
    """Every file into one organisation, in order: which imports changed earlier ones."""
    from ulinzi.incidents.models import Incident
    from ulinzi.intake.imports import ImportFailed
    from ulinzi.intake.services import run_import

    organisation = _org("all-in-one")
    lines = []
    for path in files:
        before = {
            pk: (dataset, at)
            for pk, dataset, at in Incident.objects.filter(
                organisation__code="all-in-one"
            ).values_list("pk", "dataset", "updated_at")
        }
        try:
            result = run_import(organisation=organisation, path=path, progress=False)
        except ImportFailed as exc:
            lines.append(f"{path.name}: not imported ({exc})")
            continue
        after = dict(Incident.objects.filter(pk__in=list(before)).values_list("pk", "updated_at"))
        changed = Counter(
            "own" if before[pk][0] == result.dataset else "other"
            for pk, at in after.items()
            if before[pk][1] != at
        )
        lines.append(
            f"{path.name} (dataset {result.dataset or '(default)'}): created "
            f"{result.created}, updated {result.updated}, unchanged {result.unchanged}, "
            f"held {result.held}; earlier records changed: {changed['own']} of its own "
            f"dataset, {changed['other']} of another"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ulinzi bench real-files")
    parser.add_argument("--dir", type=folder, default=DEFAULT_DIR)
    parser.add_argument("--plan", action="store_true", help="print each file's column plan")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    files = _files(args.dir)
    if not files:
        print(f"no data files in {args.dir}", file=sys.stderr)
        return 2
    if not args.inner:
        # A process of its own, so that its data directory is a throwaway one.
        with tempfile.TemporaryDirectory(prefix="ulinzi-real-") as tmp:
            env = {**os.environ, "ULINZI_DATA_DIR": tmp}
            options = ["--dir", str(args.dir), *(["--plan"] if args.plan else [])]
            command = [sys.executable, __file__, "--inner", *options]
            return subprocess.run(command, env=env, check=False).returncode
    _setup()
    for i, path in enumerate(files):
        org = f"file-{i}"
        _org(org)
        got = measure(path, org)
        print(f"\n## {got['file']}")
        if "error" in got:
            print(f"  cannot import: {got['error']}")
            continue
        rows, imported, rejected, blank = got["dry"]
        print(
            f"  format {got['fmt']}, dataset {got['dataset'] or '(default)'}; dry run: "
            f"rows {rows}, imported {imported}, rejected {rejected}, blank {blank}"
        )
        share = 100 * got["rejected"] / max(1, got["rows"] - got["blank"])
        print(
            f"  import: rows {got['rows']}, imported {got['imported']}, rejected "
            f"{got['rejected']} ({share:.1f} %), blank {got['blank']}"
        )
        print(f"  domains: {dict(got['domains'])}")
        for reason, n in got["reasons"].most_common(12):
            print(f"    {n:6d}  {reason}")
        print(f"  rows with no type, by domain: {dict(got['untyped'])}")
        if got["kept"]:
            print("  values not understood (rows kept, field left empty):")
            for (column, value, why), n in sorted(got["kept"].items(), key=lambda kv: -kv[1]):
                print(f"    {n:6d}  {column} = {value!r}: {why}")
        if args.plan:
            print("\n".join("    " + line for line in got["plan"]))
    print("\n## all files into one organisation")
    for line in cross(files):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
