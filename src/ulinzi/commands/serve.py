"""``ulinzi serve``: run the web server (waitress; static files by WhiteNoise)."""

from __future__ import annotations

import argparse
import os

HELP = "run the web server"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--threads", type=int, default=8)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from waitress import serve

    from ulinzi.wsgi import application

    print(f"Ulinzi is serving on http://{args.host}:{args.port}/", flush=True)
    serve(application, host=args.host, port=args.port, threads=args.threads, ident="ulinzi")
    return 0
