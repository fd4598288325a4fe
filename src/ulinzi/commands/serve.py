"""``ulinzi serve``: run the web server (waitress; static files by WhiteNoise).

waitress reads each request whole in its event loop before a thread runs it, so a slow
or idle client costs a socket, never a request thread. Its defaults let one client stop
the service: 100 connections at most, accepted through ``select()``, and idle ones
closed only after 120 s, checked every 30 s. Here the connection limit is in the
thousands (``poll()``, the open-files limit raised to match) and a connection idle for
``--channel-timeout`` seconds is closed within a second or two of that. The server
(:mod:`ulinzi.commands.server`) accepts every waiting connection in one turn of the
event loop and answers health checks ahead of the queue. A limit per client needs the
reverse proxy in front (``deploy/nginx.conf``, docs/architecture.md).
"""

from __future__ import annotations

import argparse
import os
from typing import Any

HELP = "run the web server"
THREADS = 8
CONNECTION_LIMIT = 2000
CHANNEL_TIMEOUT = 10


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "")
    try:
        return int(text) if text else default
    except ValueError:
        raise SystemExit(f"{name}={text!r}: expected a whole number") from None


def _setting(name: str, default: int) -> int:
    """The operator's value from Django settings (read from the environment there)."""
    from django.conf import settings

    return int(getattr(settings, name, default))


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument(
        "--port", type=int, default=_env_int("PORT", 8000), help="0 picks a free port"
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=_setting("ULINZI_THREADS", THREADS),
        help=f"request threads (ULINZI_THREADS, default {THREADS})",
    )
    parser.add_argument(
        "--connection-limit",
        type=int,
        default=_setting("ULINZI_CONNECTION_LIMIT", CONNECTION_LIMIT),
        help=f"open connections at most (ULINZI_CONNECTION_LIMIT, default {CONNECTION_LIMIT})",
    )
    parser.add_argument(
        "--channel-timeout",
        type=int,
        default=_setting("ULINZI_CHANNEL_TIMEOUT", CHANNEL_TIMEOUT),
        help="seconds an idle connection stays open "
        f"(ULINZI_CHANNEL_TIMEOUT, default {CHANNEL_TIMEOUT})",
    )
    parser.set_defaults(handler=run)


def server_options(
    *,
    threads: int = THREADS,
    connection_limit: int = CONNECTION_LIMIT,
    channel_timeout: int = CHANNEL_TIMEOUT,
) -> dict[str, Any]:
    """waitress's settings for production (the tests run the same)."""
    from django.conf import settings

    return {
        "threads": threads,
        "connection_limit": connection_limit,
        "channel_timeout": channel_timeout,
        "cleanup_interval": max(1, min(channel_timeout // 4, 5)),
        "asyncore_use_poll": True,  # select() stops at 1,024 descriptors
        "backlog": 2048,
        "ident": "ulinzi",
        # Forwarding headers reach Django, which believes them only from the proxies in
        # ULINZI_TRUSTED_PROXIES (common/clients.py); waitress would drop them all.
        "clear_untrusted_proxy_headers": False,
        # Refuse a larger body before reading it; Django refuses smaller ones that break
        # its own limits (ulinzi.common.input_guard, docs/api.md).
        "max_request_body_size": settings.ULINZI_UPLOAD_MAX_BYTES,
    }


def _allow_open_files(wanted: int) -> None:
    """Raise the soft open-files limit towards ``wanted`` (up to the hard limit)."""
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def run(args: argparse.Namespace) -> int:
    from ulinzi.commands import server as waitress_server
    from ulinzi.worker.supervisor import exit_with_parent
    from ulinzi.wsgi import application

    exit_with_parent()
    options = server_options(
        threads=getattr(args, "threads", THREADS),
        connection_limit=getattr(args, "connection_limit", CONNECTION_LIMIT),
        channel_timeout=getattr(args, "channel_timeout", CHANNEL_TIMEOUT),
    )
    _allow_open_files(options["connection_limit"] + options["threads"] + 64)
    server = waitress_server.create(application, host=args.host, port=args.port, **options)
    print(f"Ulinzi is serving on http://{args.host}:{server.effective_port}/", flush=True)
    server.run()  # until interrupted; waitress then stops its threads
    return 0
