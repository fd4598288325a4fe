"""Template filters that turn vocabulary codes into labels in the page's language."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from ulinzi.vocab import registry

register = template.Library()


@register.filter
def label(code: str, vocabulary: str) -> str:
    """``{{ incident.cause|label:"cause" }}``"""
    if not code:
        return ""
    try:
        return registry.get(vocabulary).label(code)
    except KeyError:
        return code


@register.filter
def type_labels(codes: Iterable[str], domain: str) -> str:
    """``{{ incident.types|type_labels:incident.domain }}``"""
    try:
        vocab = registry.types_for(domain)
    except KeyError:
        return ", ".join(codes)
    return ", ".join(vocab.label(c) for c in codes)


@register.filter
def labels(codes: Iterable[str], vocabulary: str) -> str:
    return ", ".join(label(c, vocabulary) for c in codes)


@register.simple_tag
def query_with(query: dict[str, str], **changes: str) -> str:
    """The current filters as a query string, with some values replaced."""
    from urllib.parse import urlencode

    merged = {**query, **{k: v for k, v in changes.items() if v is not None}}
    return urlencode({k: v for k, v in merged.items() if v})
