"""Certainty of a linked incident from the certainty of its independent accounts.

The WHO SSA grades certainty on the *source*: **possible** is a media report or a
non-partner reporting on itself; **probable** is one eyewitness or *two secondary
accounts*; **confirmed** is a partner reporting on itself or as eyewitness, *two
eyewitnesses*, or probable plus photo/video/satellite or police/international media.

Reports linked into one incident are accounts of it. Accounts from the same organisation
are not independent (they count once, at their best grade). Then:

* any confirmed account → **confirmed**;
* two independent probable accounts (the grade of an eyewitness account) → **confirmed**
  ("two eyewitnesses");
* one probable account → **probable** (probable plus a *possible* account stays probable:
  the SSA raises it only for photo/video/satellite or police/international media, which
  the record does not tell us);
* two independent possible accounts ("two secondary accounts") → **probable**;
* one possible account → **possible**; rumours alone stay **rumour**.
"""

from __future__ import annotations

from collections.abc import Iterable

RANK = {"": 0, "rumour": 1, "possible": 2, "probable": 3, "confirmed": 4}


def combine(accounts: Iterable[tuple[object, str]]) -> str:
    """Certainty of an incident from ``(organisation, certainty)`` of each report."""
    best: dict[object, str] = {}
    for organisation, certainty in accounts:
        grade = certainty if certainty in RANK else ""
        if RANK[grade] > RANK[best.get(organisation, "")]:
            best[organisation] = grade
        else:
            best.setdefault(organisation, best.get(organisation, ""))
    grades = list(best.values())
    probable = sum(1 for g in grades if g == "probable")
    possible = sum(1 for g in grades if g == "possible")
    if "confirmed" in grades or probable >= 2:
        return "confirmed"
    if probable == 1 or possible >= 2:
        return "probable"
    if possible == 1:
        return "possible"
    return "rumour" if "rumour" in grades else ""


def higher(a: str, b: str) -> str:
    """The higher of two grades."""
    return a if RANK.get(a, 0) >= RANK.get(b, 0) else b
