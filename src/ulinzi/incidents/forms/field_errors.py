"""Problems found by the incident rules, shown beside the fields they name, in the
page's language and in the form's own words (:func:`problem_catalogue.on_form`)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from ulinzi.common import problem_catalogue
from ulinzi.common.problems import FieldProblem
from ulinzi.incidents.forms.widgets import type_label

# Types of another domain are named together, in one sentence on the types field.
WRONG_TYPE = "type_of_other_domain"


def show(form: forms.Form, problems: Iterable[FieldProblem]) -> None:
    """Add ``problems`` to ``form``: each on the field it names (the form as a whole for
    a field the form does not have). A field that already shows an error (its input could
    not be read) shows only that one."""
    shown = set(form.errors)
    problems = list(problems)
    wrong_types = [p for p in problems if p.code == WRONG_TYPE]
    if wrong_types and "types" not in shown:
        named = ", ".join(type_label(str(p.value)) for p in wrong_types)
        form.add_error("types", problem_catalogue.on_form(WRONG_TYPE, {"types": named}))
    for p in problems:
        name = p.field.split("[")[0]
        if p.code == WRONG_TYPE or name in shown:
            continue
        text = problem_catalogue.on_form(p.code, p.params) if p.code else p.message
        form.add_error(name if name in form.fields else None, text)
