"""HTML → PDF with WeasyPrint, when it (and the Pango library it needs) can be loaded."""

from __future__ import annotations

from functools import cache


@cache
def unavailable_reason() -> str:
    """Why PDF rendering cannot work here, or '' when it can."""
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        return "the weasyprint package is not installed"
    except OSError as exc:  # the Pango/HarfBuzz system libraries are missing
        return f"a system library WeasyPrint needs is missing ({exc}); run scripts/ensure-pango.sh"
    return ""


def available() -> bool:
    return not unavailable_reason()


def render(html: str, *, base_url: str | None = None) -> tuple[bytes, int]:
    """The PDF bytes and its number of pages."""
    import weasyprint

    document = weasyprint.HTML(string=html, base_url=base_url).render()
    return document.write_pdf() or b"", len(document.pages)
