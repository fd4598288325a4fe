"""Which organisation an actor acts for when recording something: one definition for
incidents, case files, complaints, directory services, alerts, subscriptions and
deconfliction registrations."""

from __future__ import annotations

from collections.abc import Collection

from ulinzi.accounts.models import Organisation
from ulinzi.common.problems import FieldProblem, InvalidInput, NotAllowed


def choose(allowed: Collection[int], code: str | None, *, refusal: str) -> Organisation:
    """The organisation ``code`` names among the ``allowed`` ids, or the only one allowed.

    :class:`InvalidInput` on the field ``organisation`` when ``code`` names one not
    allowed, or names none and several are; :class:`NotAllowed` (``refusal``) when
    ``code`` names none and none is allowed.
    """
    if code:
        org = Organisation.objects.filter(code=code, pk__in=list(allowed)).first()
        if org is None:
            raise InvalidInput([FieldProblem.of("organisation", "organisation_not_yours", code)])
        return org
    if not allowed:
        raise NotAllowed(refusal)
    if len(allowed) > 1:
        raise InvalidInput([FieldProblem.of("organisation", "organisation_which")])
    return Organisation.objects.get(pk=next(iter(allowed)))
