"""The XLSForm twin of the self-report form: survey, choices and settings sheets, labels
in the four shipped languages, vocabulary codes as choice names, consistent references."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from django.test import Client
from openpyxl import load_workbook

from ulinzi.incidents import validation
from ulinzi.vocab import registry

LANGS = {"en": "English (en)", "fr": "French (fr)", "ar": "Arabic (ar)", "es": "Spanish (es)"}


def _download(client: Client) -> Any:
    response = client.get("/report/xlsform.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert 'filename="ulinzi_selfreport.xlsx"' in response["Content-Disposition"]
    return load_workbook(BytesIO(response.content))


def _rows(sheet: Any) -> list[dict[str, Any]]:
    values = list(sheet.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


def test_who_may_download_it(client: Client, user: Any) -> None:
    for who in ("reporter", "monitor", "coordinator", "case_worker", "investigator"):
        client.force_login(user(who))
        assert client.get("/report/xlsform.xlsx").status_code == 200, who
    for who in ("analyst", "admin", "party_focal_point"):
        client.force_login(user(who))
        assert client.get("/report/xlsform.xlsx").status_code == 403, who
    assert Client().get("/report/xlsform.xlsx").status_code == 302


def test_the_xlsform_has_the_form_in_four_languages(client: Client, user: Any) -> None:
    client.force_login(user("reporter"))
    book = _download(client)
    assert book.sheetnames == ["survey", "choices", "settings"]
    survey, choices, settings = (_rows(book[name]) for name in book.sheetnames)
    header = [c.value for c in book["survey"][1]]
    for lang in LANGS.values():
        assert f"label::{lang}" in header and f"hint::{lang}" in header
        assert f"label::{lang}" in [c.value for c in book["choices"][1]]
    names = [q["name"] for q in survey]
    assert len(names) == len(set(names))
    # Question names are the API's field names (plus two helpers that compute `cause`).
    assert set(names) - {"conflict_related", "other_cause"} <= set(validation.EDITABLE_FIELDS)
    for q in survey:
        if q["type"] != "calculate":
            assert all(q[f"label::{lang}"] for lang in LANGS.values()), q["name"]
    types = next(q for q in survey if q["name"] == "types")
    assert types["label::French (fr)"] == "Que vous est-il arrivé, à vous ou à votre structure ?"
    assert types["label::Arabic (ar)"] != types["label::English (en)"]
    # Every list used exists; every ${reference} names a question.
    lists = {c["list_name"] for c in choices}
    for q in survey:
        if q["type"].startswith(("select_one ", "select_multiple ")):
            assert q["type"].split()[1] in lists, q["type"]
        for column in ("relevance", "calculation", "constraint"):
            for ref in re.findall(r"\$\{(\w+)\}", q[column] or ""):
                assert ref in names, (q["name"], ref)
    # The SSA vocabulary, code for code, with the vocabulary's labels.
    ssa = {c["name"]: c for c in choices if c["list_name"] == "ssa_attack_type"}
    vocab = registry.get("ssa_attack_type")
    assert list(ssa) == vocab.codes()
    for code, row in ssa.items():
        for lang, column in LANGS.items():
            assert row[f"label::{column}"] == vocab.label(code, lang)
    countries = {c["name"]: c for c in choices if c["list_name"] == "country"}
    assert countries["UKR"]["label::Spanish (es)"] == "Ucrania"
    assert countries["UKR"]["label::Arabic (ar)"] == "أوكرانيا"
    cause = next(q for q in survey if q["name"] == "cause")["calculation"]
    assert "'armed_conflict'" in cause and "${other_cause}" in cause
    assert settings[0]["form_id"] == "ulinzi_selfreport"
    assert settings[0]["default_language"] == "English (en)"
    assert settings[0]["version"]
