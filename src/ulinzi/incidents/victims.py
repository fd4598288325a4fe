"""People harmed, counted by victim group beyond the count fields, and by sex and age.

``Incident.victims`` is a list of counts, each ``{"group", "kind", "count"}`` with
optional ``"sex"`` and ``"age"``: ``group`` a code of the ``victim_group`` vocabulary
(students, educators, aid workers, national and international aid workers, survivors of
sexual violence…: a new group is a new term of ``vocab/data/victim_group.json``, not
code), ``kind`` one of the count kinds (killed, injured, abducted, arrested, detained)
or ``affected`` (subjected to it: survivors of sexual violence),
``sex`` female / male / unknown and ``age`` child / adult / unknown (the MRM and GBVIMS
disaggregation). A count without sex or age is the group's count for that kind; one with
them is a part of it. The count fields (``killed``, ``killed_health_workers``…) keep the
totals and the three groups they always had.
"""

from __future__ import annotations

from typing import Any

from ulinzi.incidents.models import COUNT_KINDS
from ulinzi.vocab import registry

# The count kinds, and "affected": people subjected to it, neither killed nor injured nor
# deprived of liberty (survivors of sexual violence).
KINDS = (*COUNT_KINDS, "affected")
SEXES = ("female", "male", "unknown")
AGES = ("child", "adult", "unknown")
KEYS = ("group", "kind", "sex", "age", "count")
MAX_COUNT = 100_000
MAX_ITEMS = 200


class Invalid(ValueError):
    """The first count at fault: a code of the problem catalogue and its parameters."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


def clean(value: Any) -> list[dict[str, Any]]:
    """The victim counts of ``value``, checked and in a stable order; :class:`Invalid`
    names the first count at fault."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise Invalid("victims_not_a_list")
    if len(value) > MAX_ITEMS:
        raise Invalid("victims_too_many", limit=MAX_ITEMS)
    groups = registry.get("victim_group")
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for i, item in enumerate(value):
        if not isinstance(item, dict) or not set(item) <= set(KEYS):
            raise Invalid("victim_not_an_object", index=i, keys=", ".join(KEYS))
        group, kind = str(item.get("group") or ""), str(item.get("kind") or "")
        sex, age = str(item.get("sex") or ""), str(item.get("age") or "")
        if group not in groups:
            raise Invalid("victim_group", index=i, group=group)
        for name, given, allowed in (
            ("kind", kind, KINDS),
            ("sex", sex, SEXES),
            ("age", age, AGES),
        ):
            if (given or name == "kind") and given not in allowed:
                raise Invalid("victim_choice", index=i, key=name, choices=", ".join(allowed))
        count = item.get("count")
        if type(count) is not int or not 0 <= count <= MAX_COUNT:
            raise Invalid("victim_count", index=i, limit=MAX_COUNT)
        key = (group, kind, sex, age)
        if key in out:
            raise Invalid("victim_twice", index=i, what=" ".join(filter(None, key)))
        entry: dict[str, Any] = {"group": group, "kind": kind}
        if sex:
            entry["sex"] = sex
        if age:
            entry["age"] = age
        entry["count"] = count
        out[key] = entry
    return [out[k] for k in sorted(out)]


def total(victims: list[dict[str, Any]], group: str, kind: str) -> int | None:
    """The count of ``group`` for ``kind`` (the undivided one), None if not given."""
    for item in victims:
        if (
            (item["group"], item["kind"]) == (group, kind)
            and "sex" not in item
            and ("age" not in item)
        ):
            return int(item["count"])
    return None
