"""Helpers for the server-rendered pages: the refusal page, finding what the acting user
may see, the step that runs one service call, says how it went and redirects, and the
page shown again, with what the user entered, after a submit refused as stale."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ulinzi.common import versioning
from ulinzi.common.problems import InvalidInput, NotAllowed, NotFound

T = TypeVar("T")


def forbidden(request: HttpRequest, message: str = "") -> HttpResponse:
    """The 403 page, saying why."""
    return render(request, "web/forbidden.html", {"message": message}, status=403)


def visible_or_404(lookup: Callable[..., T], *args: Any) -> T:
    """``lookup(*args)``, a selector scoped by the acting user; 404 when it finds nothing
    or refuses, so a page never tells what exists beyond the user's reach."""
    try:
        return lookup(*args)
    except (NotFound, NotAllowed) as exc:
        raise Http404(str(exc)) from exc


class Kept(dict[str, Any]):
    """What the user entered in a form refused as stale, by field name (a list for a
    field of several values), for the page to put back in its form; ``shown`` lists
    the free texts with their labels, which the page shows as "what you entered"
    (``web/kept.html``) even where the form is no longer offered."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shown: list[tuple[str, str]] = []


@dataclass(frozen=True)
class Again:
    """How a page shows itself again after a stale submit: ``page(kept)`` renders it as
    the record is now, with what the user entered. ``keep`` names the fields kept, each
    with the label it is listed under, or None to keep it in the form unlisted (a
    choice, the form's action); ``many`` names fields of several values."""

    page: Callable[[Kept], HttpResponse]
    keep: Mapping[str, str | None]
    many: Iterable[str] = ()

    def response(self, request: HttpRequest) -> HttpResponse:
        """The page again with status 409 and the message that someone else changed
        the record and that nothing was done."""
        kept = Kept()
        many = set(self.many)
        for name, label in self.keep.items():
            if name in many:
                kept[name] = request.POST.getlist(name)
                continue
            kept[name] = request.POST.get(name, "")
            if label is not None and kept[name].strip():
                kept.shown.append((label, kept[name]))
        messages.warning(request, versioning.STALE_KEPT_MESSAGE)
        response = self.page(kept)
        response.status_code = 409
        return response


def _problems(request: HttpRequest, exc: InvalidInput) -> None:
    for p in exc.problems:
        messages.error(request, f"{p.field}: {p.message}")


def _done(request: HttpRequest, done: str | Callable[[T], str], result: T, level: int) -> None:
    text = done(result) if callable(done) else done
    if text:
        messages.add_message(request, level, text)


def attempt(
    request: HttpRequest,
    action: Callable[[], T],
    done: str | Callable[[T], str] = "",
    *,
    level: int = messages.INFO,
) -> T | None:
    """Run a service call and return its result; on success show ``done`` (a text, or
    made from the result). Bad input, a refusal, something not found or a record
    changed since the page showed it become messages, and the result is None."""
    try:
        result = action()
    except versioning.StaleVersion:
        messages.warning(request, versioning.STALE_ACTION_MESSAGE)
        return None
    except InvalidInput as exc:
        _problems(request, exc)
        return None
    except (NotAllowed, NotFound) as exc:
        messages.error(request, str(exc))
        return None
    _done(request, done, result, level)
    return result


def act_and_redirect(
    request: HttpRequest,
    action: Callable[[], T],
    done: str | Callable[[T], str],
    to: str,
    *args: Any,
    refuse: bool = False,
    level: int = messages.INFO,
    again: Again | None = None,
) -> HttpResponse:
    """The POST step of a page: run ``action`` as :func:`attempt` does, then redirect to
    the URL named ``to`` with ``args``. With ``refuse``, a refusal is answered with the
    403 page and something not found with a 404, instead of a message. With ``again``,
    a submit refused as stale shows the page again with what the user entered."""
    try:
        result = action()
    except versioning.StaleVersion:
        if again is not None:
            return again.response(request)
        messages.warning(request, versioning.STALE_ACTION_MESSAGE)
    except InvalidInput as exc:
        _problems(request, exc)
    except NotAllowed as exc:
        if refuse:
            return forbidden(request, str(exc))
        messages.error(request, str(exc))
    except NotFound as exc:
        if refuse:
            raise Http404(str(exc)) from exc
        messages.error(request, str(exc))
    else:
        _done(request, done, result, level)
    return redirect(to, *args)
