"""The catalogue of problem messages: one English message per problem code, marked for
translation and put into words in the reader's language only where a problem is shown
(the API's problem details, a form, an import's rejects).

A message reads after the field it is about ("occurred_on: is in the future"). A code may
also have a sentence of its own for a form, where the message stands beside the field
("This date is in the future.").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Message:
    after_field: Promise
    on_form: Promise | None = None
    grouped: tuple[str, ...] = ()  # whole-number parameters shown with digit grouping


CATALOGUE: dict[str, Message] = {
    # any record
    "required": Message(_("is required")),
    "unknown_field": Message(_("is not a field of an incident")),
    "one_of": Message(_("must be one of %(choices)s")),
    "not_in_vocabulary": Message(_("is not a code of vocabulary %(vocabulary)s")),
    "too_long": Message(_("is longer than %(limit)s characters")),
    "organisation_not_yours": Message(_("is not yours")),
    "organisation_which": Message(_("say which of your organisations")),
    # an incident
    "types_not_a_list": Message(_("must be a list of type codes")),
    "type_of_other_domain": Message(
        _("is not a type of %(domain)s (vocabulary %(vocabulary)s)"),
        on_form=_("Not a type of this domain: %(types)s."),
    ),
    "resources_not_a_list": Message(_("must be a list of resource codes")),
    "not_a_date": Message(_("must be a date as YYYY-MM-DD")),
    "future_date": Message(_("is in the future"), on_form=_("This date is in the future.")),
    "before_1900": Message(_("is before 1900"), on_form=_("This date is before 1900.")),
    "date_precision": Message(_("must be day, month or year")),
    "country_code": Message(
        _(
            "must be an ISO 3166 alpha-3 country code (or the code of a place outside "
            "ISO 3166, such as XNK for Nagorno-Karabakh)"
        )
    ),
    "coordinate_range": Message(_("must be a number between %(low)g and %(high)g")),
    "coordinate_alone": Message(
        _("is needed with the other coordinate"),
        on_form=_("Give both latitude and longitude, or neither."),
    ),
    "not_a_count": Message(_("must be a whole number of people, zero or more")),
    "count_too_high": Message(_("is more than %(limit)s; check the figure"), grouped=("limit",)),
    "more_than_total": Message(
        _("is more than the total %(kind)s (%(total)d)"),
        on_form=_("More than the total (%(total)d)."),
    ),
    # the victim counts of an incident
    "victims_not_a_list": Message(_("must be a list of counts {group, kind, count[, sex, age]}")),
    "victims_too_many": Message(_("holds more than %(limit)d counts")),
    "victim_not_an_object": Message(_("[%(index)d] must be an object with %(keys)s")),
    "victim_group": Message(
        _("[%(index)d] group '%(group)s' is not a code of vocabulary victim_group")
    ),
    "victim_choice": Message(_("[%(index)d] %(key)s must be one of %(choices)s")),
    "victim_count": Message(
        _("[%(index)d] count must be a whole number from 0 to %(limit)s"), grouped=("limit",)
    ),
    "victim_twice": Message(_("[%(index)d] counts %(what)s a second time")),
}


def _filled(template: Promise, message: Message, params: Mapping[str, Any]) -> str:
    shown = dict(params)
    for name in message.grouped:
        shown[name] = number_format(shown[name], force_grouping=True)
    return str(template) % shown


def after_field(code: str, params: Mapping[str, Any]) -> str:
    """The message of ``code`` with ``params``, in the active language."""
    message = CATALOGUE[code]
    return _filled(message.after_field, message, params)


def on_form(code: str, params: Mapping[str, Any]) -> str:
    """The sentence of ``code`` for a form, in the active language (its message when it
    has none)."""
    message = CATALOGUE[code]
    return _filled(message.on_form or message.after_field, message, params)
