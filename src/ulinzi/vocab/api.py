"""``/api/v1/vocabularies``: the shared vocabularies (public reference data)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from ulinzi.common.problems import NotFound
from ulinzi.vocab import registry

router = Router(tags=["vocabularies"])


class TermOut(Schema):
    code: str
    labels: dict[str, str]


class VocabularyOut(Schema):
    name: str
    version: str
    source: str
    labels: dict[str, str]
    terms: list[TermOut]


def _out(v: registry.Vocabulary) -> dict[str, object]:
    return {
        "name": v.name,
        "version": v.version,
        "source": v.source,
        "labels": v.labels,
        "terms": [{"code": t.code, "labels": t.labels} for t in v.terms],
    }


@router.get("", response=list[VocabularyOut], auth=None, summary="Every vocabulary")
def list_vocabularies(request: HttpRequest) -> list[dict[str, object]]:
    """Public: vocabularies are shared reference data, open to anyone."""
    return [_out(v) for v in registry.all_vocabularies().values()]


@router.get("/{name}", response=VocabularyOut, auth=None, summary="One vocabulary")
def get_vocabulary(request: HttpRequest, name: str) -> dict[str, object]:
    try:
        return _out(registry.get(name))
    except KeyError as exc:
        raise NotFound(f"no vocabulary {name}") from exc
