"""``ulinzi export``: anonymised (public) or partner exports as HXL CSV, GeoJSON or XLSX.

Writes the file and, beside it, ``NAME.EXT.disclosure.json`` (records in and out, k
achieved, cells suppressed, fields removed, generalisation). Every export is audited.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HELP = "export incidents with disclosure control (HXL CSV, GeoJSON, XLSX)"

FILTERS = (
    "country",
    "admin1",
    "domain",
    "type",
    "resource",
    "cause",
    "certainty",
    "perpetrator",
    "organisation",
    "status",
    "date_from",
    "date_to",
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", required=True, choices=("hxl", "geojson", "xlsx"))
    parser.add_argument("--level", default="public", choices=("public", "partners"))
    parser.add_argument(
        "--k", default=None, help="smallest group size (public: 5 and up, default 5)"
    )
    for name in FILTERS:
        parser.add_argument("--" + name.replace("_", "-"), dest=name, default=None)
    parser.add_argument(
        "--as",
        dest="username",
        default=None,
        help="export only what this user may export (default: the whole database)",
    )
    parser.add_argument("--output", "-o", default=None, help="file to write (default: a name)")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ulinzi.accounts.access import actor_for
    from ulinzi.accounts.models import User
    from ulinzi.common.problems import InvalidInput, NotAllowed
    from ulinzi.reports import services

    filters = {name: getattr(args, name) for name in FILTERS if getattr(args, name)}
    try:
        request = services.parse_request(
            fmt=args.format, level=args.level, k=args.k, filters=filters
        )
    except InvalidInput as exc:
        for problem in exc.problems:
            print(
                f"ulinzi export: --{problem.field.replace('_', '-')}: {problem.message}",
                file=sys.stderr,
            )
        return 2
    who = None
    if args.username:
        user = User.objects.filter(username=args.username, is_active=True).first()
        if user is None:
            print(f"ulinzi export: no active user named {args.username!r}", file=sys.stderr)
            return 2
        who = actor_for(user)
    path = Path(args.output or request.filename())
    try:
        report = services.export_to_path(actor=who, request=request, path=path, via="cli")
    except NotAllowed as exc:
        path.unlink(missing_ok=True)
        print(f"ulinzi export: {exc}", file=sys.stderr)
        return 3
    summary = {
        key: report.get(key)
        for key in ("records_in", "records_out", "records_suppressed", "k_achieved")
    }
    print(f"wrote {path} and {services.sidecar_path(path)}")
    print(json.dumps(summary))
    return 0
