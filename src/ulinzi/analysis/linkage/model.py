"""The Splink model for incident reports: comparisons, blocking, training.

Every comparison states how two reports of the *same* incident tend to agree (m) and
how two *different* incidents agree by chance (u). Both are estimated from the data:
u by random sampling of pairs, m by expectation maximisation on blocked pairs. Nothing
in the weights is set by hand; only the shape of the comparison levels is.
"""

from __future__ import annotations

from typing import Any

import splink.comparison_library as cl
from splink import SettingsCreator, block_on
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
            CustomLevel(f"{both_days} AND {diff} = 0", "same day"),
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


def _casualties() -> cl.CustomComparison:
    k, i = (
        ("coalesce(killed_l, 0)", "coalesce(killed_r, 0)"),
        ("coalesce(injured_l, 0)", "coalesce(injured_r, 0)"),
    )
    close = " AND ".join(
        f"abs({a} - {b}) <= greatest(1, 0.25 * greatest({a}, {b}))" for a, b in (k, i)
    )
    return cl.CustomComparison(
        output_column_name="casualties",
        comparison_description="killed and injured",
        comparison_levels=[
            CustomLevel(
                "(killed_l IS NULL AND injured_l IS NULL) OR "
                "(killed_r IS NULL AND injured_r IS NULL)",
                "no counts",
            ).configure(is_null_level=True),
            CustomLevel(f"{k[0]} = {k[1]} AND {i[0]} = {i[1]}", "same counts"),
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
    by one of several routes (so a report missing one key is still met by another)."""
    coarse = "(l.precision <> 'day' OR r.precision <> 'day')"
    base = ("country", "domain")
    return [
        block_on(*base, "admin1_key", "bin_a"),
        block_on(*base, "admin1_key", "bin_b"),
        block_on(*base, "place_key", "bin_a"),
        block_on(*base, "geo_cell", "bin_a"),
        block_on(*base, "day_num", "facility_key"),
        (
            "l.country = r.country AND l.domain = r.domain AND l.admin1_key = r.admin1_key "
            f"AND l.ym = r.ym AND {coarse}"
        ),
    ]


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


# EM runs: each blocks on some fields, so it learns the m of the *other* comparisons.
TRAINING_BLOCKS = (
    ("country", "domain", "day_num"),
    ("country", "domain", "facility_name", "quarter"),
)

# Pairs that are almost surely the same incident, used (with an assumed recall) to
# estimate the prior that two random reports match.
DETERMINISTIC = (
    "l.country = r.country AND l.domain = r.domain AND l.day_num = r.day_num "
    "AND l.admin1_key = r.admin1_key AND l.facility_name = r.facility_name",
)
DETERMINISTIC_RECALL = 0.4
