"""Every dashboard number equals a direct count of the same filter.

The dashboard's numbers come from aggregate queries; here each one is recomputed by a
plain Python loop over the incidents the user may see, from the filters in the link the
number carries, and for several panels also from the codes of its row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from ulinzi.accounts.access import actor_for
from ulinzi.accounts.models import Organisation
from ulinzi.analysis import generate, summary
from ulinzi.analysis.params import DashboardParams
from ulinzi.incidents.models import Incident
from ulinzi.incidents.selectors import visible

pytestmark = pytest.mark.django_db

Rows = list[Incident]
Measure = Callable[[Rows], int | None]
GROUP_FIELDS = {
    "all": ("killed", "injured", "abducted", "arrested", "detained"),
    "children": tuple(
        f"{k}_children" for k in ("killed", "injured", "abducted", "arrested", "detained")
    ),
    "health_workers": tuple(
        f"{k}_health_workers" for k in ("killed", "injured", "abducted", "arrested", "detained")
    ),
    "patients": tuple(
        f"{k}_patients" for k in ("killed", "injured", "abducted", "arrested", "detained")
    ),
}


def count(rows: Rows) -> int:
    return len(rows)


def total(*fields: str) -> Measure:
    """People harmed: the sum of the counts recorded; None when no row records one."""

    def measure(rows: Rows) -> int | None:
        known = [getattr(r, f) for r in rows for f in fields if getattr(r, f) is not None]
        return sum(known) if known else None

    return measure


def matches(i: Incident, q: dict[str, str]) -> bool:
    """The incident list's filters, written out by hand ("none": not recorded)."""
    q = {k: "" if v == "none" and k in ("certainty", "perpetrator") else v for k, v in q.items()}
    checks = [
        "domain" not in q or i.domain == q["domain"],
        "type" not in q or (q["type"] in i.types if q["type"] != "none" else not i.types),
        "resource" not in q
        or (q["resource"] in i.resources if q["resource"] != "none" else not i.resources),
        "country" not in q or i.country == q["country"].upper(),
        "admin1" not in q
        or i.admin1_pcode == q["admin1"]
        or i.admin1_name.lower() == q["admin1"].lower(),
        "date_from" not in q or i.occurred_on >= date.fromisoformat(q["date_from"]),
        "date_to" not in q or i.occurred_on <= date.fromisoformat(q["date_to"]),
        "certainty" not in q or i.certainty == q["certainty"],
        "cause" not in q or i.cause == q["cause"],
        "perpetrator" not in q or i.perpetrator == q["perpetrator"],
        "organisation" not in q or i.organisation.code == q["organisation"],
        "status" not in q or i.status in q["status"].split(","),
    ]
    return all(checks)


class Checker:
    def __init__(self, pool: Rows, base: dict[str, str]) -> None:
        self.pool = pool
        self.base = base
        self.checked = 0

    def by_link(self, cell: dict[str, Any], measure: Measure, what: str) -> None:
        href = cell["href"]
        assert href, what
        assert urlsplit(href).path == "/incidents/"
        self.by_query(dict(parse_qsl(urlsplit(href).query)), cell["v"], measure, what)

    def by_query(self, q: dict[str, str], shown: int | None, measure: Measure, what: str) -> None:
        expected = measure([i for i in self.pool if matches(i, q)])
        assert shown == expected, f"{what}: dashboard {shown}, direct count {expected} ({q})"
        self.checked += 1

    def by_rows(self, rows: Rows, shown: int | None, measure: Measure, what: str) -> None:
        expected = measure(rows)
        assert shown == expected, f"{what}: dashboard {shown}, direct count {expected}"
        self.checked += 1

    def counted(self, **extra: str) -> Rows:
        return [i for i in self.pool if matches(i, {**self.base, **extra})]


def check_all(data: dict[str, Any], pool: Rows, params: DashboardParams) -> int:
    base = params.filters.as_query()
    c = Checker(pool, base)
    t = data["totals"]
    c.by_link(t["incidents"], count, "incidents")
    for kind in ("killed", "injured", "abducted", "arrested", "detained"):
        c.by_link(t[kind], total(kind), kind)
    c.by_link(t["facilities_hit"], count, "facilities hit")
    for x in data["not_counted"]:
        c.by_link(x["incidents"], count, f"not counted {x['status']}")
        assert x["status"] in ("duplicate", "rejected")

    def series_panel(
        panel: dict[str, Any], measure_of: Callable[[str], Measure], name: str
    ) -> None:
        for s in panel["series"]:
            for v, (lo, hi) in zip(s["values"], panel["bounds"], strict=True):
                what = f"{name} {s['key']} {lo}"
                assert s["href"], what
                q = dict(parse_qsl(urlsplit(s["href"]).query))
                c.by_query({**q, "date_from": lo, "date_to": hi}, v, measure_of(s["key"]), what)
                if not s["key"] and params.stack == "type":  # incidents without a type
                    rows = [i for i in c.counted(date_from=lo, date_to=hi) if not i.types]
                    c.by_rows(rows, v, count, what)
        if name != "casualties" and params.stack == "domain":
            all_values = sum(sum(s["values"]) for s in panel["series"])
            assert all_values == t["incidents"]["v"], name

    series_panel(data["over_time"], lambda k: count, "over time")
    series_panel(data["casualties"], lambda k: total(k), "casualties")
    series_panel(data["causes"], lambda k: count, "causes")

    for r in data["harm_health"]["rows"]:
        codes = r["codes"]
        c.by_link(r["total"], count, f"harm {codes}")
        for cell, col in zip(r["cells"], data["harm_health"]["columns"], strict=True):
            c.by_link(cell, count, f"harm {codes} {col['key']}")
            assert f"resource={col['key']}" in cell["href"]
        rows = [
            i
            for i in c.counted(domain="health_care_attack", type=codes["type"])
            if i.perpetrator == codes["perpetrator"]
        ]
        c.by_rows(rows, r["total"]["v"], count, f"harm by perpetrator {codes}")
    if data["harm_health"]["untyped"]:
        cell = {"v": data["harm_health"]["untyped"], "href": data["harm_health"]["untyped_href"]}
        c.by_link(cell, count, "attacks without a type")
    for r in data["harm_other"]["rows"]:
        codes = r["codes"]
        rows = [
            i
            for i in c.counted(domain=codes["domain"], type=codes["type"])
            if i.perpetrator == codes["perpetrator"]
        ]
        c.by_link(r["total"], count, f"harm other {codes}")
        c.by_rows(rows, r["total"]["v"], count, f"harm other {codes}")
        for cell, col in zip(r["cells"], data["harm_other"]["columns"], strict=True):
            c.by_rows(rows, cell["v"], total(*GROUP_FIELDS[col["key"]]), f"{codes} {col['key']}")
    for a in data["areas"]:
        c.by_link(a["incidents"], count, f"area {a['name']}")
        c.by_link(a["killed"], total("killed"), f"area {a['name']} killed")
        c.by_link(a["injured"], total("injured"), f"area {a['name']} injured")
    for x in data["certainty"]:
        c.by_link(x["incidents"], count, f"certainty {x['key']}")
        rows = [i for i in c.counted() if i.certainty == x["key"]]
        c.by_rows(rows, x["incidents"]["v"], count, f"certainty {x['key'] or 'not graded'}")
    assert sum(x["incidents"]["v"] for x in data["certainty"]) == t["incidents"]["v"]
    for x in data["countries"]:
        c.by_link(x["incidents"], count, f"country {x['iso3']}")
        c.by_link(x["killed"], total("killed"), f"country {x['iso3']} killed")
    assert sum(x["incidents"]["v"] for x in data["countries"]) == t["incidents"]["v"]
    located = [i for i in c.counted() if i.lat is not None and i.lon is not None]
    c.by_rows(located, data["points_located"], count, "located")
    assert sum(p["n"] for p in data["points"]) == len(located)
    return c.checked


@pytest.fixture
def generated(demo_orgs: dict[str, Organisation]) -> dict[str, Organisation]:
    outsider = Organisation.objects.create(code="outsider", name="No agreement", kind="nngo")
    orgs = [demo_orgs["cluster"], demo_orgs["amani"], demo_orgs["who-ssa"], outsider]
    generate.bulk_load(
        400,
        orgs,
        generate.Options(seed=11, health_share=0.6, countries=("UKR", "SDN", "COD", "SYR", "HTI")),
    )
    return {**demo_orgs, "outsider": outsider}


COMBOS: list[dict[str, str]] = [
    {},
    {"domain": "health_care_attack"},
    {"country": "sdn", "date_from": "2019-03-10", "date_to": "2023-08-20"},
    {"stack": "type", "interval": "week", "certainty": "confirmed", "date_from": "2020-01-01"},
    {"stack": "type", "domain": "protection"},
    {"cause": "armed_conflict", "admin1": "", "certainty": "probable"},
    {"perpetrator": "non_state_armed_group", "interval": "week"},
    {"organisation": "amani", "status": "verified"},
    {
        "resource": "facility",
        "interval": "week",
        "date_from": "2018-02-01",
        "date_to": "2018-11-30",
    },
    {"type": "heavy_weapons"},
]


CASES = [("coordinator", c) for c in COMBOS] + [("analyst2", COMBOS[0]), ("analyst2", COMBOS[3])]


@pytest.mark.parametrize(("username", "query"), CASES, ids=[f"{u}-{c}" for u, c in CASES])
def test_every_number_equals_a_direct_count(
    generated: Any, user: Any, query: dict[str, str], username: str
) -> None:
    actor = actor_for(user(username))
    pool = list(visible(actor).select_related("organisation"))
    params = DashboardParams.from_query(query)
    data = summary.build(actor, params)
    assert data["totals"]["incidents"]["v"] > 0 or query.get("organisation"), query
    checked = check_all(data, pool, params)
    assert checked > 40


def test_an_admin1_filter_counts_the_same_as_the_area_row(generated: Any, user: Any) -> None:
    actor = actor_for(user("coordinator"))
    pool = list(visible(actor).select_related("organisation"))
    first = summary.build(actor, DashboardParams.from_query({}))["areas"][0]
    query = dict(parse_qsl(urlsplit(first["incidents"]["href"]).query))
    params = DashboardParams.from_query(query)
    data = summary.build(actor, params)
    assert data["totals"]["incidents"]["v"] == first["incidents"]["v"]
    check_all(data, pool, params)
