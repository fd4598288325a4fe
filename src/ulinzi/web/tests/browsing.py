"""A Chromium page signed in to the live server, collecting the page's errors."""

from __future__ import annotations

from typing import Any

from ulinzi.demo.organisations import demo_password


def signed_in(context: Any, base_url: str, username: str) -> tuple[Any, list[str]]:
    """A new page of ``context`` signed in as ``username``, and the list that gathers
    its uncaught errors and console errors."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo_password())
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page, errors
