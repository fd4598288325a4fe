"""The self-report form's fields and how they become an incident.

The page's script (``static/selfreport/report.js``) builds the same JSON for
``POST /api/v1/incidents``; :func:`incident_data` is the server's copy of that mapping,
used when the form is posted without JavaScript, and the XLSForm computes the same
``cause``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DOMAIN = "health_care_attack"
# "Was it related to the armed conflict?" yes → armed_conflict; don't know → unknown;
# no → one of these (default: other).
NON_CONFLICT_CAUSES = ("workplace", "criminal", "civil_unrest", "pandemic_related", "other")
CONFLICT_ANSWERS = ("yes", "no", "unknown")
COUNTS = ("killed", "injured")
TEXTS = ("admin1_name", "facility_type", "perpetrator", "narrative")


def cause_for(conflict_related: str, other_cause: str = "") -> str:
    if conflict_related == "yes":
        return "armed_conflict"
    if conflict_related == "no":
        return other_cause if other_cause in NON_CONFLICT_CAUSES else "other"
    return "unknown"


def _get_list(values: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(values, "getlist", None)
    if getlist is not None:
        return [str(v) for v in getlist(name)]
    raw = values.get(name) or []
    return [str(v) for v in (raw if isinstance(raw, list | tuple) else [raw])]


def incident_data(values: Mapping[str, Any]) -> dict[str, Any]:
    """Form values (a ``QueryDict`` or a dict) → the incident fields."""
    data: dict[str, Any] = {
        "domain": DOMAIN,
        "types": _get_list(values, "types"),
        "resources": _get_list(values, "resources"),
        "occurred_on": str(values.get("occurred_on") or ""),
        "country": str(values.get("country") or ""),
        "cause": cause_for(
            str(values.get("conflict_related") or ""), str(values.get("other_cause") or "")
        ),
    }
    for name in TEXTS:
        text = str(values.get(name) or "").strip()
        if text:
            data[name] = text
    for name in COUNTS:
        raw = str(values.get(name) or "").strip()
        if raw:
            data[name] = raw  # validation turns it into a number or names the problem
    source_id = str(values.get("source_id") or "").strip()
    if source_id:
        data["source_id"] = source_id
    return data
