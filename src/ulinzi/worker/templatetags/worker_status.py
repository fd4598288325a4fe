"""``{% worker_notice %}``: on a page whose content waits on background work, say plainly
when no worker has been seen recently, and what to start."""

from __future__ import annotations

from typing import Any

from django import template

from ulinzi.worker import heartbeat

register = template.Library()


@register.inclusion_tag("worker/notice.html")
def worker_notice() -> dict[str, Any]:
    """The notice, hidden while a worker is seen (a page that polls may show it later:
    ``imports/run.js``). Put it inside ``{% if %}`` what the page waits for."""
    return {"absent": not heartbeat.seen_recently(), "last_seen": heartbeat.last_seen()}
