"""Operator configuration: every variable is read by ``ulinzi/common/env.py`` in the
settings module; a value that cannot be read stops the start with a message naming the
variable; the documented production settings pass ``check --deploy``."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from ulinzi.common import env

ROOT = Path(__file__).resolve().parents[1]
ULINZI = str(Path(sys.executable).with_name("ulinzi"))


@pytest.mark.parametrize(
    ("reader", "raw", "expected"),
    [
        (lambda e: env.integer("N", 5, environ=e), "12", 12),
        (lambda e: env.integer("N", 5, environ=e), "", 5),
        (lambda e: env.integer("N", 5, environ=e), "64_000", 64000),
        (lambda e: env.number("N", 1.5, environ=e), "0.25", 0.25),
        (lambda e: env.flag("N", environ=e), "yes", True),
        (lambda e: env.flag("N", True, environ=e), "0", False),
        (lambda e: env.items("N", environ=e), " a, ,b ", ["a", "b"]),
        (lambda e: env.networks("N", environ=e), "10.0.0.0/8,::1", ["10.0.0.0/8", "::1"]),
        (lambda e: env.choice("N", "plain", ("plain", "json"), environ=e), "JSON", "json"),
        (lambda e: env.counts("N", ("intake", "outcome"), environ=e), "intake=3", {"intake": 3}),
    ],
)
def test_values_are_read(reader: Any, raw: str, expected: Any) -> None:
    assert reader({"N": raw}) == expected


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (lambda e: env.integer("V", 5, environ=e), "ten", "V='ten': expected a whole number"),
        (
            lambda e: env.integer("V", 5, minimum=1, environ=e),
            "0",
            "V='0': expected a whole number of at least 1",
        ),
        (lambda e: env.number("V", 1, environ=e), "nan", "V='nan': expected a finite number"),
        (lambda e: env.flag("V", environ=e), "maybe", "V='maybe': expected 1 or 0"),
        (lambda e: env.networks("V", environ=e), "10.0.0.1,proxy", "V: 'proxy' is not an IP"),
        (
            lambda e: env.choice("V", "plain", ("plain", "json"), environ=e),
            "xml",
            "V='xml': expected plain or json",
        ),
        (
            lambda e: env.counts("V", ("intake",), environ=e),
            "intak=3",
            "V: 'intak' is not one of intake",
        ),
        (
            lambda e: env.counts("V", ("intake",), environ=e),
            "intake=0",
            "V: 'intake=0' is not NAME=NUMBER",
        ),
    ],
)
def test_a_bad_value_names_the_variable(reader: Any, raw: str, message: str) -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        reader({"V": raw})
    assert str(raised.value).startswith(message)


def _run(tmp_path: Path, extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "ULINZI_", "DJANGO_")) and k != "DATABASE_URL"
    }
    environ.update({"ULINZI_DATA_DIR": str(tmp_path), **extra})
    return subprocess.run(
        [ULINZI, *args], env=environ, capture_output=True, text=True, timeout=120, check=False
    )


def test_a_bad_setting_stops_the_command_with_one_line(tmp_path: Path) -> None:
    done = _run(tmp_path, {"ULINZI_REFERRAL_RESPONSE_HOURS": "three days"}, "manage", "check")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "ulinzi: configuration: ULINZI_REFERRAL_RESPONSE_HOURS='three days': "
        "expected a whole number"
    )


def test_several_web_processes_without_a_shared_cache_do_not_start(tmp_path: Path) -> None:
    done = _run(tmp_path, {"ULINZI_WEB_PROCESSES": "3"}, "serve", "--port", "0")
    assert done.returncode == 2
    assert "ULINZI_WEB_PROCESSES=3 but no ULINZI_CACHE_URL" in done.stderr


def _env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _eq, value = line.partition("=")
            pairs[name.strip()] = value.strip()
    return pairs


def test_the_documented_production_settings_pass_check_deploy(tmp_path: Path) -> None:
    production = _env_file(ROOT / "deploy" / "ulinzi.env")
    production.update(ULINZI_DATA_DIR=str(tmp_path), ULINZI_KEYS_FILE=str(tmp_path / "keys.json"))
    done = _run(tmp_path, production, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "System check identified no issues" in done.stdout


def test_every_variable_of_the_settings_is_documented() -> None:
    import re

    read = set(re.findall(r'env\.\w+\(\s*"(\w+)"', (ROOT / "src/ulinzi/settings.py").read_text()))
    documented = set(re.findall(r"`(\w+)`", (ROOT / "docs/configuration.md").read_text()))
    assert len(read) >= 60
    assert read - documented == set()


def test_json_log_lines(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from ulinzi.common.log import JsonLines

    record = logging.LogRecord("ulinzi.x", logging.WARNING, __file__, 1, "a %s", ("b",), None)
    entry = json.loads(JsonLines().format(record))
    assert entry["level"] == "WARNING" and entry["logger"] == "ulinzi.x"
    assert entry["message"] == "a b" and entry["time"].endswith("+00:00")
