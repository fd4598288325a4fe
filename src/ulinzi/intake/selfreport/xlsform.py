"""The self-report form as an XLSForm (KoboToolbox / ODK), generated with openpyxl.

Question names are the incident API's field names, so submissions exported from
KoboToolbox/ODK map onto incidents one to one. Labels come in the four shipped
languages (``label::English (en)``...): question texts from this app's translations,
choices from the controlled vocabularies, country names from ISO 3166 (pycountry).
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from typing import Any

import pycountry
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from ulinzi.geo.countries import all_countries
from ulinzi.intake.selfreport import mapping
from ulinzi.vocab import registry

LANGUAGES = (("en", "English"), ("fr", "French"), ("ar", "Arabic"), ("es", "Spanish"))
FORM_ID = "ulinzi_selfreport"
FORM_REVISION = "1"
COLUMNS = ("type", "name", "label", "hint", "required", "relevance", "constraint",
           "constraint_message", "calculation", "appearance")  # fmt: skip
TRANSLATED = ("label", "hint", "constraint_message")

# name: (type, label, hint, extra columns)
QUESTIONS: list[tuple[str, str, Any, Any, dict[str, Any]]] = [
    ("select_multiple ssa_attack_type", "types",
     _("What happened to you or your facility?"), _("Choose all that apply."), {}),
    ("date", "occurred_on", _("When did it happen?"), "",
     {"required": "yes", "constraint": ". <= today()",
      "constraint_message": _("The date cannot be in the future.")}),
    ("select_one country", "country", _("Country"), "",
     {"required": "yes", "appearance": "minimal"}),
    ("text", "admin1_name", _("Province or region"), "", {}),
    ("select_one facility_type", "facility_type", _("Type of facility"), "", {}),
    ("select_multiple resource", "resources", _("What was affected?"), "", {}),
    ("integer", "killed", _("People killed"), "",
     {"constraint": ". >= 0", "constraint_message": _("Zero or more.")}),
    ("integer", "injured", _("People injured"), "",
     {"constraint": ". >= 0", "constraint_message": _("Zero or more.")}),
    ("select_one perpetrator", "perpetrator", _("Who did it?"), "", {}),
    ("select_one conflict_related", "conflict_related",
     _("Was it related to the armed conflict?"), "", {"required": "yes"}),
    ("select_one other_cause", "other_cause", _("What was it, then?"), "",
     {"relevance": "${conflict_related} = 'no'"}),
    ("text", "narrative", _("What happened, in your words"),
     _("Do not write names of patients or colleagues."), {"appearance": "multiline"}),
    ("calculate", "cause", "", "", {"calculation": (
        "if(${conflict_related} = 'yes', 'armed_conflict', "
        "if(${conflict_related} = 'no', "
        "if(string-length(${other_cause}) > 0, ${other_cause}, 'other'), 'unknown'))")}),
    ("calculate", "domain", "", "", {"calculation": f"'{mapping.DOMAIN}'"}),
]  # fmt: skip
CONFLICT_ANSWERS = {"yes": _("Yes"), "no": _("No"), "unknown": _("I don't know")}
VOCAB_LISTS = {
    "ssa_attack_type": "ssa_attack_type",
    "facility_type": "facility_type",
    "resource": "resource",
    "perpetrator": "perpetrator",
}


def _column(base: str, language: tuple[str, str]) -> str:
    return f"{base}::{language[1]} ({language[0]})"


def _in(language: str, text: Any) -> str:
    if not text:
        return ""
    with translation.override(language):
        return str(text)


@cache
def _country_names(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def choices() -> list[tuple[str, str, dict[str, str]]]:
    """(list_name, name, {language: label}) for every choice of the form."""
    rows: list[tuple[str, str, dict[str, str]]] = []
    for list_name, vocab in VOCAB_LISTS.items():
        for term in registry.get(vocab).terms:
            rows.append((list_name, term.code, {code: term.label(code) for code, _n in LANGUAGES}))
    for code, label in CONFLICT_ANSWERS.items():
        rows.append(("conflict_related", code, {lang: _in(lang, label) for lang, _n in LANGUAGES}))
    causes = registry.get("cause")
    for code in mapping.NON_CONFLICT_CAUSES:
        rows.append(
            ("other_cause", code, {lang: causes.label(code, lang) for lang, _n in LANGUAGES})
        )
    for country in all_countries():
        rows.append(
            (
                "country",
                country.iso3,
                {lang: _country_names(lang).gettext(country.name) for lang, _n in LANGUAGES},
            )
        )
    return rows


def build() -> bytes:
    """The XLSForm workbook (survey, choices, settings) as ``.xlsx`` bytes."""
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    header: list[str] = []
    for column in COLUMNS:
        if column in TRANSLATED:
            header += [_column(column, lang) for lang in LANGUAGES]
        else:
            header.append(column)
    survey.append(header)
    for kind, name, label, hint, extra in QUESTIONS:
        values = {"type": kind, "name": name, **extra}
        row: list[str] = []
        for column in COLUMNS:
            if column in TRANSLATED:
                text = {"label": label, "hint": hint}.get(column, values.get(column, ""))
                row += [_in(lang, text) for lang, _n in LANGUAGES]
            else:
                row.append(str(values.get(column, "")))
        survey.append(row)
    sheet = book.create_sheet("choices")
    sheet.append(["list_name", "name", *[_column("label", lang) for lang in LANGUAGES]])
    for list_name, name, labels in choices():
        sheet.append([list_name, name, *[labels[code] for code, _n in LANGUAGES]])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    versions = "-".join(sorted({registry.get(v).version for v in VOCAB_LISTS.values()}))
    settings.append(
        [
            _in("en", _("Ulinzi: report an attack on health care")),
            FORM_ID,
            f"{FORM_REVISION}-{versions}",
            _column("", LANGUAGES[0]).removeprefix("::"),
        ]
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
