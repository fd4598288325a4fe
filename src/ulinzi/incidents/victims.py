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


def clean(value: Any) -> list[dict[str, Any]]:
    """The victim counts of ``value``, checked and in a stable order; ``ValueError``
    names the first count at fault."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise ValueError("must be a list of counts {group, kind, count[, sex, age]}")
    if len(value) > MAX_ITEMS:
        raise ValueError(f"holds more than {MAX_ITEMS} counts")
    groups = registry.get("victim_group")
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for i, item in enumerate(value):
        where = f"[{i}]"
        if not isinstance(item, dict) or not set(item) <= set(KEYS):
            raise ValueError(f"{where} must be an object with {', '.join(KEYS)}")
        group, kind = str(item.get("group") or ""), str(item.get("kind") or "")
        sex, age = str(item.get("sex") or ""), str(item.get("age") or "")
        if group not in groups:
            raise ValueError(f"{where} group {group!r} is not a code of vocabulary victim_group")
        if kind not in KINDS:
            raise ValueError(f"{where} kind must be one of {', '.join(KINDS)}")
        if sex and sex not in SEXES:
            raise ValueError(f"{where} sex must be one of {', '.join(SEXES)}")
        if age and age not in AGES:
            raise ValueError(f"{where} age must be one of {', '.join(AGES)}")
        count = item.get("count")
        if type(count) is not int or not 0 <= count <= MAX_COUNT:
            raise ValueError(f"{where} count must be a whole number from 0 to {MAX_COUNT:,}")
        key = (group, kind, sex, age)
        if key in out:
            raise ValueError(f"{where} counts {group} {kind} {sex} {age} a second time".strip())
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
