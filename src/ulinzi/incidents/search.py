"""Text search and sorting of the incident list, within what the reader may see.

What a search can match. Every word of the query must be found in the incident (any
order, any case). The words are looked for in what every reader of the list sees: place
names and P-codes, the source record id, the reporting organisation (code or name), the
country, domain, types, cause, perpetrator and resources *in words* (their labels in the
reader's language or in English, or their codes). The narrative is encrypted at rest, so
the database cannot look into it: it is decrypted and searched in Python, and only for the
incidents whose narrative the reader may read (:func:`policies.narrative_readable`, the
rule of the detail page), among those the other filters left, newest first and at most
:data:`NARRATIVE_SCAN_LIMIT` of them. A reader without narrative access never matches by
narrative text. A search that looked into narratives is written to the audit log (how many
were searched and matched, never the words searched for, which may name a person).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext_lazy as _

from ulinzi.accounts.access import Actor
from ulinzi.audit import services as audit
from ulinzi.common.problems import FieldProblem, InvalidInput
from ulinzi.incidents import policies
from ulinzi.incidents.models import Incident, IncidentTerm
from ulinzi.vocab import registry
from ulinzi.web.i18n import country_choices

MAX_LENGTH = 200
MAX_WORDS = 8
# Narratives decrypted for one search at most (newest first); see bench ``search``.
NARRATIVE_SCAN_LIMIT = 5000

TEXT_FIELDS = (
    "admin1_name",
    "admin1_pcode",
    "admin2_name",
    "admin2_pcode",
    "source_id",
    "organisation__code",
    "organisation__name",
)
# Single-code columns searched by their labels: column → vocabulary.
LABELLED_FIELDS = {
    "domain": "domain",
    "cause": "cause",
    "perpetrator": "perpetrator",
    "facility_type": "facility_type",
}

# Orders of the list: ``sort`` value → (label, order).
SORTS: dict[str, tuple[Any, tuple[str | OrderBy, ...]]] = {
    "-occurred_on": (_("Newest first"), ("-occurred_on", "-created_at", "-id")),
    "occurred_on": (_("Oldest first"), ("occurred_on", "created_at", "id")),
    "-created_at": (_("Recently recorded"), ("-created_at", "-id")),
    "-updated_at": (_("Recently changed"), ("-updated_at", "-id")),
    "-killed": (
        _("Most killed"),
        (F("killed").desc(nulls_last=True), "-occurred_on", "-id"),
    ),
    "-injured": (
        _("Most injured"),
        (F("injured").desc(nulls_last=True), "-occurred_on", "-id"),
    ),
}
DEFAULT_SORT = "-occurred_on"


def sort_choices() -> list[tuple[str, str]]:
    return [(key, str(label)) for key, (label, _order) in SORTS.items()]


def order(qs: QuerySet[Incident], sort: str) -> QuerySet[Incident]:
    """``qs`` in the order ``sort`` names; :class:`InvalidInput` for an unknown one."""
    if sort not in SORTS:
        raise InvalidInput([FieldProblem("sort", "is not one of the list", sort)])
    return qs.order_by(*SORTS[sort][1])


def words_of(text: str) -> list[str]:
    """The distinct words of a query, folded; :class:`InvalidInput` when too long."""
    if len(text) > MAX_LENGTH:
        raise InvalidInput(
            [FieldProblem("q", f"must be at most {MAX_LENGTH} characters", len(text))]
        )
    words = list(dict.fromkeys(w.casefold() for w in text.split()))
    if len(words) > MAX_WORDS:
        raise InvalidInput([FieldProblem("q", f"must have at most {MAX_WORDS} words")])
    return words


@dataclass(frozen=True)
class Found:
    """The incidents a search matched, and how far it looked into narratives."""

    incidents: QuerySet[Incident]
    narratives_searched: int = 0
    narratives_matched: int = 0
    narratives_left_out: bool = False  # more readable narratives than the scan limit


def _codes_named(vocabularies: list[str], word: str) -> list[str]:
    """Codes of these vocabularies whose label (reader's language or English) or code
    holds ``word``."""
    found = []
    for name in vocabularies:
        vocab = registry.get(name)
        for term in vocab.terms:
            if any(word in s.casefold() for s in (term.code, term.label(), term.label("en"))):
                found.append(term.code)
    return found


def _countries_named(word: str) -> list[str]:
    names = dict(country_choices("en"))
    for code, name in country_choices():
        names[code] = f"{names.get(code, '')} {name}"
    return [code for code, name in names.items() if word in f"{code} {name}".casefold()]


def _word_rule(word: str) -> Q:
    """Incidents where ``word`` is found in a field every reader sees."""
    q = Q()
    for name in TEXT_FIELDS:
        q |= Q(**{f"{name}__icontains": word})
    for column, vocabulary in LABELLED_FIELDS.items():
        codes = _codes_named([vocabulary], word)
        if codes:
            q |= Q(**{f"{column}__in": codes})
    countries = _countries_named(word)
    if countries:
        q |= Q(country__in=countries)
    kinds = (("type", list(registry.DOMAIN_TYPES.values())), ("resource", ["resource"]))
    for kind, vocabularies in kinds:
        codes = _codes_named(vocabularies, word)
        if codes:
            terms = IncidentTerm.objects.filter(kind=kind, code__in=codes)
            q |= Q(id__in=terms.values("incident_id"))
    return q


def search(actor: Actor, qs: QuerySet[Incident], text: str) -> Found:
    """The incidents of ``qs`` (already limited to what ``actor`` sees) that ``text``
    matches, as described in this module's docstring."""
    words = words_of(text)
    if not words:
        return Found(qs)
    rules = {word: _word_rule(word) for word in words}
    everywhere = Q()
    for rule in rules.values():
        everywhere &= rule

    readable = (
        qs.filter(policies.narrative_readable(actor))
        .exclude(narrative="")
        .order_by("-occurred_on", "-created_at")
    )
    rows = list(readable.values_list("id", "narrative")[: NARRATIVE_SCAN_LIMIT + 1])
    left_out = len(rows) > NARRATIVE_SCAN_LIMIT
    rows = rows[:NARRATIVE_SCAN_LIMIT]
    # Group the incidents by the words their narrative holds; each group still needs the
    # other words somewhere else.
    by_words: dict[frozenset[str], list[Any]] = defaultdict(list)
    for incident_id, narrative in rows:
        folded = narrative.casefold()
        held = frozenset(w for w in words if w in folded)
        if held:
            by_words[held].append(incident_id)
    matched = Q(everywhere)
    for held, ids in by_words.items():
        rest = Q(id__in=ids)
        for word in words:
            if word not in held:
                rest &= rules[word]
        matched |= rest
    if rows:
        audit.record(
            actor=actor,
            action="search",
            object_type="incidents",
            object_id="",
            fields=["narrative"],
            detail={
                "narratives_searched": len(rows),
                "narratives_matched": sum(len(ids) for ids in by_words.values()),
            },
        )
    return Found(
        qs.filter(matched),
        narratives_searched=len(rows),
        narratives_matched=sum(len(ids) for ids in by_words.values()),
        narratives_left_out=left_out,
    )
