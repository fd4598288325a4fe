"""Bad options to a benchmark get argparse's usage line and one message naming the
option and its choices, before anything runs."""

from __future__ import annotations

from typing import Any

import pytest

from ulinzi.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["analysis", "--databases", "postgresql"],
            "argument --databases: invalid choice: 'postgresql' (choose from sqlite, postgres)",
        ),
        (
            ["export", "--databases", "sqlite,mysql"],
            "argument --databases: invalid choice: 'mysql' (choose from sqlite, postgres)",
        ),
        (
            ["export", "--formats", "pdf"],
            "argument --formats: invalid choice: 'pdf' (choose from hxl, xlsx, geojson)",
        ),
        (["export", "--databases", ","], "argument --databases: name at least one of"),
        (["analysis", "--incidents", "0"], "argument --incidents: must be 1 or more, not 0"),
        (["search", "--repeat", "many"], "argument --repeat: 'many' is not a whole number"),
        (["linkage", "--threshold", "1.5"], "argument --threshold: must be from 0 to 1"),
        (["load", "--think", "nan"], "argument --think: must be 0 or more"),
        (["real-files", "--dir", "/no/such/folder"], "argument --dir: /no/such/folder is not"),
    ],
)
def test_a_bad_option_names_what_is_accepted(argv: list[str], message: str, capsys: Any) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["bench", *argv])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"ulinzi bench {argv[0]}: error: {message}" in err
    assert "Traceback" not in err
