"""Fixtures of the import tests: an organisation, a private data directory, file writers."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "demo" / "fixtures"
SSA_FILE = FIXTURES / "who_ssa_attacks_2017_2024.csv"
II_FILE = FIXTURES / "insecurity_insight_attacks_on_health_care_2016_2023.xlsx"


@pytest.fixture(autouse=True)
def _data_dir(settings: Any, tmp_path: Path) -> Path:
    """Reject reports of each test go to its own directory."""
    settings.DATA_DIR = tmp_path / "var"
    settings.DATA_DIR.mkdir()
    return settings.DATA_DIR


@pytest.fixture
def org(db: Any) -> Any:
    from ulinzi.accounts import services as accounts

    return accounts.ensure_organisation(code="partner", name="Partner", kind="ingo")


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv("a.csv", rows)`` → path; rows are lists of cells (header first)."""

    def write(name: str, rows: Sequence[Sequence[Any]], encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        with path.open("w", newline="", encoding=encoding) as fh:
            csv.writer(fh).writerows(rows)
        return path

    return write


HXL_HEADER = [
    ["Event ID", "Date", "Country ISO", "Admin 1", "Type", "Killed", "Injured", "Description"],
    ["#meta+id", "#date+occurred", "#country+code", "#adm1+name", "#event+type",
     "#affected+killed", "#affected+injured", "#description"],
]  # fmt: skip


def hxl_rows(count: int, start: int = 0) -> list[list[Any]]:
    """``count`` valid incident rows matching :data:`HXL_HEADER`."""
    return [
        [
            f"EV-{i:06d}",
            f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}",
            ("UKR", "SDN", "COD")[i % 3],
            f"Province {i % 7}",
            ("heavy_weapons", "Setting fire | Sexual assault", "obstruction")[i % 3],
            i % 4,
            i % 5,
            f"Narrative of incident {i}.",
        ]
        for i in range(start, start + count)
    ]
