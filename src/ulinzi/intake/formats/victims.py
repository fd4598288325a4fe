"""Counts of victim groups in a file's columns (``v|group|kind|sex|age`` targets, see
``names.victim_target``) → the record's ``victims``, and what they say of the totals.

A file that gives no total for a kind gets one only when a single group, not part of
another, counts that kind (aid-worker files count aid workers alone: their killed are
the incident's killed); several groups that may overlap (health workers, aid workers,
aid health workers, educators, students in the explosive-weapons file) give no total.
A row's survivor sex and age columns ("Female", "Adult, ") split nothing: they are set on
its survivor counts when the cell names one value, else "unknown".
"""

from __future__ import annotations

from typing import Any

from ulinzi.intake import values
from ulinzi.intake.formats.names import victim_key
from ulinzi.vocab import registry

SEX = {"female": "female", "male": "male"}
AGE = {"adult": "adult", "minor": "child", "child": "child"}


def _one(value: Any, words: dict[str, str]) -> str:
    parts = [p.strip().lower() for p in values.text(value).split(",") if p.strip()]
    found = {words.get(p, "unknown") for p in parts}
    return found.pop() if len(found) == 1 else "unknown"


class Groups:
    """The plan's victim-group columns: collects a row's counts into ``victims``."""

    def __init__(self, used: dict[str, str], counts_given: set[str]) -> None:
        self.targets = [t for t in used if t.startswith("v|")]
        self.sexed = "x_victim_sex" in used
        self.aged = "x_victim_age" in used
        vocab = registry.get("victim_group")
        top: dict[str, set[str]] = {}
        for target in self.targets:
            group, kind, sex, age = victim_key(target)
            if not (sex or age or vocab.term(group).part_of):
                top.setdefault(kind, set()).add(group)
        for target in counts_given:
            kind, _, group = target.partition("_")
            if group:
                top.setdefault(kind, set()).add(group)
        self.single: dict[str, str] = {}
        self.no_total: set[str] = set()
        self.notes: list[str] = []
        for kind, groups in sorted(top.items()):
            if (
                kind in used
                or kind == "affected"
                or not any(t.startswith(f"v|{g}|{kind}|") for g in groups for t in self.targets)
            ):
                continue
            if len(groups) == 1:
                self.single[kind] = f"v|{next(iter(groups))}|{kind}||"
                self.notes.append(f"total {kind}: the {next(iter(groups))} counted, the only group")
            else:
                self.no_total.add(kind)
                self.notes.append(
                    f"no total {kind}: the file counts groups that may overlap "
                    f"({', '.join(sorted(groups))})"
                )

    def collect(self, data: dict[str, Any]) -> None:
        if not self.targets:
            return
        sex = _one(data.pop("x_victim_sex", None), SEX) if self.sexed else ""
        age = _one(data.pop("x_victim_age", None), AGE) if self.aged else ""
        found: list[dict[str, Any]] = []
        by_target: dict[str, int] = {}
        for target in self.targets:
            count = data.pop(target, None)
            if not isinstance(count, int):
                continue
            by_target[target] = count
            group, kind, own_sex, own_age = victim_key(target)
            item: dict[str, Any] = {"group": group, "kind": kind, "count": count}
            if own_sex or (sex and group == "survivors"):
                item["sex"] = own_sex or sex
            if own_age or (age and group == "survivors"):
                item["age"] = own_age or age
            found.append(item)
        data["victims"] = found
        for kind, target in self.single.items():
            if target in by_target:
                data[kind] = by_target[target]
