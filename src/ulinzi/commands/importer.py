"""``ulinzi import``: import a file of incidents (SSA export, HXL, CSV/XLSX, Kobo JSON)."""

from __future__ import annotations

import argparse
import sys

HELP = "import incidents from a file (SSA export, HXL, CSV/XLSX with a mapping, Kobo JSON)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", help="the file to import")
    parser.add_argument("--org", required=True, help="code of the organisation the data is from")
    parser.add_argument(
        "--format",
        dest="fmt",
        default="auto",
        choices=("auto", "ssa", "hxl", "csv", "xlsx", "kobo"),
        help="what the file is (auto: look inside)",
    )
    parser.add_argument("--mapping", help="JSON file mapping columns to incident fields")
    parser.add_argument("--domain", help="domain of every row when no column gives it")
    parser.add_argument("--encoding", help="text encoding of a CSV/JSON file (default UTF-8)")
    parser.add_argument(
        "--dataset",
        help="the organisation's dataset the rows belong to (source ids are unique within "
        "one); default: the family the file's columns identify, else the default dataset",
    )
    parser.add_argument(
        "--apply-changes",
        action="store_true",
        help="apply rows that change the domain or many fields of records already held "
        "(without it they are held and listed)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="read, validate and report; write nothing"
    )
    parser.add_argument(
        "--show-rejects", type=int, default=50, help="how many rejected rows to print"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--batch-size", type=int, default=5000, help="rows per transaction and checkpoint"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.accounts.models import Organisation
    from ulinzi.intake.imports import ImportFailed
    from ulinzi.intake.services import dry_run_csv, run_import

    organisation = Organisation.objects.filter(code=args.org).first()
    if organisation is None:
        print(f"ulinzi import: no organisation with code {args.org!r}", file=sys.stderr)
        return 2
    try:
        result = run_import(
            organisation=organisation,
            path=args.path,
            fmt=args.fmt,
            mapping=args.mapping,
            domain=args.domain,
            dry_run=args.dry_run,
            sink=dry_run_csv(args.path) if args.dry_run else None,
            progress=not args.no_progress and sys.stderr.isatty(),
            encoding=args.encoding,
            batch_size=max(1, args.batch_size),
            dataset=args.dataset,
            apply_changes=args.apply_changes,
        )
    except ImportFailed as exc:
        print(f"ulinzi import: {exc}", file=sys.stderr)
        return 2
    print("\n".join(result.plan))
    rate = result.rows / result.seconds if result.seconds else 0.0
    head = "dry run (nothing written)" if result.dry_run else f"import run {result.run_id}"
    if result.resumed:
        head += " (resumed from its checkpoint)"
    print(
        f"\n{head}: {result.rows:,} rows in {result.seconds:.1f} s ({rate:,.0f} rows/s)\n"
        f"  created {result.created:,}  updated {result.updated:,}  "
        f"unchanged {result.unchanged:,}  rejected {result.rejected:,}  blank {result.blank:,}"
        + (f"  held {result.held:,}" if result.held else "")
    )
    if result.held:
        print(
            f"\nheld, not applied ({result.held:,}): these rows would change the domain or "
            "many fields of a record already held; import again with --apply-changes to "
            "apply them (the previous versions stay in the history)"
        )
        for held in result.held_sample[: max(0, args.show_rejects)]:
            print(f"  {held.line()}")
    if result.kept:
        rows = sum(result.kept.values())
        print(f"\nvalues not understood, left out of the rows that were kept ({rows:,}):")
        for (column, value, reason), n in result.kept.items():
            print(f"  {n:6,} × {column} = {value!r}: {reason}")
    if result.rejected:
        shown = result.rejects_sample[: max(0, args.show_rejects)]
        print(f"\nrejected rows ({result.rejected:,}; first problems):")
        for reject in shown:
            print(f"  {reject.line()}")
    if result.rejects_path is not None and result.rejected:
        print(
            f"\nall rejects (encrypted): {result.rejects_path}\n"
            f"  read them with: ulinzi keys decrypt {result.rejects_path}"
        )
    return 0
