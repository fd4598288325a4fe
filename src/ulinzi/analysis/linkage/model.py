"""The Splink model for incident reports: comparisons, blocking, training.

Every comparison states how two reports of the *same* incident tend to agree (m) and
how two *different* incidents agree by chance (u). Both are estimated from the data:
u by random sampling of pairs, m by expectation maximisation on blocked pairs. Nothing
in the weights is set by hand; only the shape of the comparison levels is.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_library as cl
from splink import SettingsCreator
from splink.comparison_level_library import CustomLevel, ElseLevel, NullLevel
from splink.internals.dialects import SplinkDialect

HAVERSINE_KM = (
    "(2 * 6371 * asin(sqrt(power(sin(radians(lat_r - lat_l) / 2), 2) + "
    "cos(radians(lat_l)) * cos(radians(lat_r)) * power(sin(radians(lon_r - lon_l) / 2), 2))))"
)


def _date() -> cl.CustomComparison:
    """Dates with their precision: a month-precision date agrees with any day of its
    month; day-precision dates are compared by the number of days between them."""
    both_days = "precision_l = 'day' AND precision_r = 'day'"
    diff = "abs(day_num_l - day_num_r)"
    return cl.CustomComparison(
        output_column_name="occurred",
        comparison_description="occurred date, precision-aware",
        comparison_levels=[
            NullLevel("ym"),
            # (day_key: country, domain and day, set only for day-precision dates.)
            CustomLevel("day_key_l = day_key_r", "same day").configure(
                tf_adjustment_column="day_key", tf_adjustment_weight=1.0
            ),
            CustomLevel(f"{both_days} AND {diff} <= 1", "within 1 day"),
            CustomLevel(f"{both_days} AND {diff} <= 3", "within 3 days"),
            CustomLevel(
                f"NOT ({both_days}) AND (ym_l = ym_r OR "
                "((precision_l = 'year' OR precision_r = 'year') AND yr_l = yr_r))",
                "same month or year (coarse precision)",
            ),
            CustomLevel(f"{both_days} AND {diff} <= 10", "within 10 days"),
            ElseLevel(),
        ],
    )


def _location(jw: str) -> cl.CustomComparison:
    """One comparison for *where*: points with their precision radius, district code or
    name, then province. (Separate comparisons for each would count the same evidence
    twice, since they are far from independent.)"""
    points = "lat_l IS NOT NULL AND lat_r IS NOT NULL"
    slack = "geo_km_l + geo_km_r"
    place_jw = f"{jw}(place_l, place_r)"
    return cl.CustomComparison(
        output_column_name="location",
        comparison_description="points (precision-aware distance), district, province",
        comparison_levels=[
            # Neither records anything below the country: when sources leave places out
            # alike (one copied the other, or both from one account), that is evidence too.
            CustomLevel("sparse_l AND sparse_r", "neither records a place"),
            CustomLevel(
                "(lat_l IS NULL OR lat_r IS NULL) AND (admin1_key_l IS NULL OR "
                "admin1_key_r IS NULL) AND (admin2_pcode_l IS NULL OR admin2_pcode_r IS NULL) "
                "AND (place_l IS NULL OR place_r IS NULL)",
                "not comparable",
            ).configure(is_null_level=True),
            CustomLevel(f"{points} AND {HAVERSINE_KM} <= 2 + {slack}", "points close"),
            CustomLevel(f"admin2_pcode_l = admin2_pcode_r OR {place_jw} >= 0.92", "same district"),
            CustomLevel(
                f"{points} AND {HAVERSINE_KM} <= 25 + 2 * ({slack})", "points within 25 km"
            ),
            CustomLevel(f"{place_jw} >= 0.8", "similar district name"),
            CustomLevel(
                f"admin1_pcode_l = admin1_pcode_r OR {jw}(admin1_name_l, admin1_name_r) >= 0.88",
                "same province",
            ),
            ElseLevel(),
        ],
    )


COUNTS = (("killed_l", "killed_r"), ("injured_l", "injured_r"),
          ("killed_hw_l", "killed_hw_r"), ("injured_hw_l", "injured_hw_r"))  # fmt: skip


def _casualties() -> cl.CustomComparison:
    """Killed and injured, in all and among health workers, each compared only where
    both reports record it (a count a source does not record is unknown, not 0; one
    source may count only health workers, another everyone). Equal counts with people
    hurt weigh more than two reports of nobody hurt, and more the rarer the counts are."""

    def each(test: str) -> str:
        return " AND ".join(f"({a} IS NULL OR {b} IS NULL OR {test.format(a=a, b=b)})"
                            for a, b in COUNTS)  # fmt: skip

    comparable = " OR ".join(f"({a} IS NOT NULL AND {b} IS NOT NULL)" for a, b in COUNTS)
    same = f"({comparable}) AND {each('{a} = {b}')}"
    hurt = " OR ".join(f"({a} IS NOT NULL AND {b} IS NOT NULL AND {a} >= 1)" for a, b in COUNTS)
    close = each("abs({a} - {b}) <= greatest(1, 0.25 * greatest({a}, {b}))")
    return cl.CustomComparison(
        output_column_name="casualties",
        comparison_description="killed and injured, where both record them",
        comparison_levels=[
            CustomLevel(f"NOT ({comparable})", "no counts to compare").configure(
                is_null_level=True
            ),
            # Term frequency of the counts: "0 killed, 1 injured" agrees by chance far
            # more often than "3 killed, 12 injured" (counts_key: both recorded alike,
            # someone hurt).
            CustomLevel("counts_key_l = counts_key_r", "same counts, someone hurt").configure(
                tf_adjustment_column="counts_key", tf_adjustment_weight=1.0
            ),
            CustomLevel(f"{same} AND ({hurt})", "same counts where both record them"),
            CustomLevel(same, "same counts, nobody hurt"),
            CustomLevel(close, "close counts"),
            ElseLevel(),
        ],
    )


def comparisons(dialect: str = "duckdb") -> list[Any]:
    """The comparisons, in the SQL of ``dialect`` ("duckdb", or "spark" for Splink's
    Spark engine, whose Jaro-Winkler function has another name)."""
    jw = SplinkDialect.from_string(dialect).jaro_winkler_function_name
    return [
        _date(),
        _location(jw),
        cl.ArrayIntersectAtSizes("types", [2, 1]),
        _casualties(),
        cl.ExactMatch("facility_type"),
        cl.JaroWinklerAtThresholds("facility_name", [0.95, 0.9]),
        cl.ExactMatch("perpetrator"),
        # Organisations consolidate their own duplicates: how rarely two reports of one
        # organisation are the same incident is learnt like everything else.
        cl.ExactMatch("source"),
    ]


def prediction_blocking() -> list[Any]:
    """Pairs worth comparing: same country and domain, and close in time *and* place
    by one of several routes (so a report missing one key is still met by another).

    A report with nothing below the country (``sparse``: no province, district, point
    or facility, as in the WHO SSA public export) is met by country, domain and date
    alone: the same 8-day window (two offset windows), or the same month when a date
    has only month precision. Each such route is written twice, the sparse report on
    either side, so the database filters that side before it joins."""
    coarse = "(l.precision <> 'day' OR r.precision <> 'day')"
    same = "l.country = r.country AND l.domain = r.domain"
    two_sources = "l.source <> r.source"
    sparse_routes = [
        f"{side}.sparse AND {same} AND {two_sources} AND l.{key} = r.{key}{extra}"
        for key, extra in (("bin_a", ""), ("bin_b", ""), ("ym", f" AND {coarse}"))
        for side in ("l", "r")
    ]
    keyed = (
        ("admin1_key", "bin_a"), ("admin1_key", "bin_b"), ("place_key", "bin_a"),
        ("geo_cell", "bin_a"), ("day_num", "facility_key"),
    )  # fmt: skip
    routes = [
        *(f"{same} AND {_equal(*keys)}" for keys in keyed),
        f"{same} AND l.admin1_key = r.admin1_key AND l.ym = r.ym AND {coarse}",
        # Same day and the same killed and injured (someone hurt), wherever it happened:
        # meets two reports whose place names do not agree.
        f"{same} AND {two_sources} AND l.day_num = r.day_num AND l.counts_key = r.counts_key",
        *sparse_routes,
    ]
    return [f"{route} AND {NOT_OWN_DISTINCT}" for route in routes]


def _equal(*columns: str) -> str:
    return " AND ".join(f"l.{c} = r.{c}" for c in columns)


# Not two records of one source that names its records by event, with two different
# ids: by that source's own word two events, never a pair to score, train on or link.
# (``own_source`` is the source of such a record, else NULL; written without the
# ``source`` column, which EM would then leave untrained.)
NOT_OWN_DISTINCT = (
    "coalesce(l.own_source <> r.own_source OR l.source_record = r.source_record, TRUE)"
)


def settings(dialect: str = "duckdb") -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(dialect),
        blocking_rules_to_generate_predictions=prediction_blocking(),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        max_iterations=20,
        em_convergence=0.001,
    )


# EM sessions: each blocks on some fields, so it learns the m of the *other*
# comparisons. Each session is a list of alternatives tried in order, each alternative
# columns to be equal and an extra SQL condition: data without facility names learns the
# date from pairs of two sources with the same casualty counts (two or more hurt) in
# the same quarter instead, or else from reports alone in their day and province.
TrainingBlock = tuple[tuple[str, ...], str]
TRAINING_SESSIONS: tuple[tuple[TrainingBlock, ...], ...] = (
    ((("country", "domain", "day_num"), ""),),
    (
        (("country", "domain", "facility_name", "quarter"), ""),
        (
            ("country", "domain", "counts_key", "quarter"),
            "l.source <> r.source AND coalesce(l.killed, 0) + coalesce(l.injured, 0) >= 2",
        ),
        # Neither: two sources' only reports of a day in one province, a quarter apart
        # at most, that agree on the perpetrator.
        (
            ("country", "domain", "admin1_key", "perpetrator", "bin_a"),
            "l.source <> r.source AND l.alone_place AND r.alone_place",
        ),
    ),
)


def training_rule(block: TrainingBlock) -> str:
    """The SQL of one EM session's blocking."""
    columns, extra = block
    rule = f"{_equal(*columns)} AND {NOT_OWN_DISTINCT}"
    return f"{rule} AND {extra}" if extra else rule


# Pairs that are almost surely the same incident, used (with an assumed recall) to
# estimate the prior that two random reports match: same day, province and facility;
# or, where a facility name is missing, same day, the same killed and injured counts
# (someone hurt), two different sources and the same province (or none, when one
# report has nothing below the country); or two sources whose only reports of that day
# in that province (or, for a report with nothing below the country, in that country)
# agree on the perpetrator and, where both record them, the counts.
_SAME_DAY = "l.country = r.country AND l.domain = r.domain AND l.day_num = r.day_num"
DETERMINISTIC = tuple(f"{rule} AND {NOT_OWN_DISTINCT}" for rule in (
    f"{_SAME_DAY} AND l.admin1_key = r.admin1_key AND l.facility_name = r.facility_name",
    f"{_SAME_DAY} AND l.counts_key = r.counts_key AND l.source <> r.source "
    "AND (l.facility_name IS NULL OR r.facility_name IS NULL) "
    "AND (l.sparse OR r.sparse OR l.admin1_key = r.admin1_key)",
    f"{_SAME_DAY} AND l.source <> r.source AND l.perpetrator = r.perpetrator AND "
    "((l.alone_place AND r.alone_place AND l.admin1_key = r.admin1_key) OR "
    "((l.sparse OR r.sparse) AND l.alone_day AND r.alone_day)) AND "
    "coalesce(l.killed = r.killed, TRUE) AND coalesce(l.injured = r.injured, TRUE) AND "
    "coalesce(l.killed_hw = r.killed_hw, TRUE) AND coalesce(l.injured_hw = r.injured_hw, TRUE)",
))  # fmt: skip
DETERMINISTIC_RECALL = 0.4
