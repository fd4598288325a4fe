"""Controlled vocabularies, loaded from the versioned JSON files in ``vocab/data``.

Each file holds one vocabulary: stable term codes, labels in English, French, Spanish
and Arabic, and aliases (spellings seen in partners' files) used when importing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from pathlib import Path

from django.utils.translation import get_language

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGUAGES = ("en", "fr", "es", "ar")

# Which vocabulary holds the incident types of each domain.
DOMAIN_TYPES: dict[str, str] = {
    "health_care_attack": "ssa_attack_type",
    "grave_violation": "mrm_violation",
    "gbv": "gbv_type",
    "seah": "seah_type",
    "protection": "protection_type",
    "education_attack": "education_attack_type",
    "aid_security": "aid_security_type",
    "food_security": "food_security_type",
}


# Code lists that live beside their models as Django choices (labels in the project
# catalogue), ``module:Class``, by the name templates use: ``{{ code|label:"need" }}``.
CHOICES: dict[str, str] = {
    "need": "ulinzi.directory.models:ServiceKind",
    "coverage": "ulinzi.directory.models:Coverage",
    "share_field": "ulinzi.cases.models.consent:ShareField",
    "consent_purpose": "ulinzi.cases.models.consent:Purpose",
    "risk_level": "ulinzi.cases.models.case:RiskLevel",
    "sex": "ulinzi.cases.models.case:Case.Sex",
    "age_group": "ulinzi.cases.models.case:Case.AgeGroup",
    "measure_kind": "ulinzi.cases.models.measures:MeasureKind",
    "measure_status": "ulinzi.cases.models.measures:MeasureStatus",
    "referral_status": "ulinzi.cases.models.referral:ReferralStatus",
    "complaint_stage": "ulinzi.cases.models.complaint:Stage",
    "complaint_outcome": "ulinzi.cases.models.complaint:Outcome",
    "assistance_kind": "ulinzi.cases.models.complaint:AssistanceKind",
    "severity": "ulinzi.alerts.models:Severity",
    "site_type": "ulinzi.alerts.deconfliction.models:SiteType",
}


@dataclass(frozen=True)
class Term:
    code: str
    labels: dict[str, str]
    aliases: tuple[str, ...] = ()
    part_of: str = ""  # the code of the term this one is a part of (a subgroup), if any
    # The incident type this term implies, by type vocabulary (``weapon``: an IED is
    # ``individual_weapons`` in ``ssa_attack_type``).
    types: dict[str, str] = field(default_factory=dict)

    def label(self, language: str | None = None) -> str:
        lang = (language or get_language() or "en")[:2]
        return self.labels.get(lang) or self.labels["en"]


@dataclass(frozen=True)
class Vocabulary:
    name: str
    version: str
    labels: dict[str, str]
    terms: tuple[Term, ...]
    source: str = ""
    _by_code: dict[str, Term] = field(default_factory=dict, compare=False, repr=False)
    _by_alias: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            self._by_code[term.code] = term
            for spelling in (term.code, term.labels.get("en", ""), *term.aliases):
                if spelling:
                    self._by_alias.setdefault(_norm(spelling), term.code)

    def codes(self) -> list[str]:
        return [t.code for t in self.terms]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def term(self, code: str) -> Term:
        return self._by_code[code]

    def label(self, code: str, language: str | None = None) -> str:
        term = self._by_code.get(code)
        return term.label(language) if term else code

    def match(self, text: str) -> str | None:
        """Map a code, label or known alias (any case) to a code."""
        return self._by_alias.get(_norm(text))

    def choices(self, language: str | None = None) -> list[tuple[str, str]]:
        return [(t.code, t.label(language)) for t in self.terms]


def _norm(text: str) -> str:
    return " ".join(str(text).strip().lower().split())


@cache
def all_vocabularies() -> dict[str, Vocabulary]:
    """Every vocabulary shipped in ``vocab/data``, by name."""
    out: dict[str, Vocabulary] = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        terms = tuple(
            Term(
                code=t["code"],
                labels=t["labels"],
                aliases=tuple(t.get("aliases", ())),
                part_of=t.get("part_of", ""),
                types=dict(t.get("types", {})),
            )
            for t in raw["terms"]
        )
        out[raw["vocabulary"]] = Vocabulary(
            name=raw["vocabulary"],
            version=raw["version"],
            labels=raw.get("labels", {}),
            terms=terms,
            source=raw.get("source", ""),
        )
    return out


def get(name: str) -> Vocabulary:
    """One vocabulary by name; ``KeyError`` if it does not exist."""
    return all_vocabularies()[name]


def types_for(domain: str) -> Vocabulary:
    return get(DOMAIN_TYPES[domain])


def _choices(name: str) -> dict[str, str]:
    """The codes and labels (active language) of the choices ``name`` in ``CHOICES``."""
    module, _, attributes = CHOICES[name].partition(":")
    found: object = import_module(module)
    for attribute in attributes.split("."):
        found = getattr(found, attribute)
    return {str(code): str(text) for code, text in found.choices}  # type: ignore[attr-defined]


def label(vocabulary: str, code: str) -> str:
    """``code`` in words, in the active language: the one place that turns a code of a
    vocabulary file or of a model's choices into its label; an unknown code is returned as
    it is."""
    if not code:
        return ""
    if vocabulary in CHOICES:
        return _choices(vocabulary).get(code, code)
    try:
        return get(vocabulary).label(code)
    except KeyError:
        return code


def all_codes() -> dict[str, list[str]]:
    """Every code a user might see in place of a word, by vocabulary (files and choices)."""
    out = {name: vocab.codes() for name, vocab in all_vocabularies().items()}
    out.update({name: list(_choices(name)) for name in CHOICES})
    return out
