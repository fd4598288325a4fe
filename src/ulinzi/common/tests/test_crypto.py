"""Envelope encryption and key rotation of sensitive fields."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ulinzi.common import crypto, keyrotation
from ulinzi.incidents.models import Incident


@pytest.fixture
def keyfile(tmp_path: Path, settings: Any) -> Iterator[Path]:
    settings.ULINZI_KEYS_FILE = tmp_path / "keys.json"
    crypto.reset_cache()
    yield settings.ULINZI_KEYS_FILE
    crypto.reset_cache()


def test_roundtrip_and_key_file_permissions(keyfile: Path) -> None:
    token = crypto.encrypt("survivor address")
    assert "survivor" not in token
    assert crypto.decrypt(token) == "survivor address"
    assert keyfile.stat().st_mode & 0o077 == 0


def test_lost_key_means_a_clear_error(keyfile: Path) -> None:
    token = crypto.encrypt("x")
    keyfile.unlink()
    crypto.reset_cache()
    with pytest.raises(ValueError, match="no key"):
        crypto.decrypt(token)


@pytest.mark.django_db
def test_rotate_then_retire_keeps_every_value_readable(keyfile: Path, make_incident: Any) -> None:
    incidents = [make_incident(narrative=f"account {n}") for n in range(3)]
    old_keys = json.loads(keyfile.read_text())["keys"]
    counts = keyrotation.rotate()
    assert counts["incidents.Incident.narrative"] == 3
    assert len(json.loads(keyfile.read_text())["keys"]) == 2
    keyrotation.retire()
    keys = json.loads(keyfile.read_text())["keys"]
    assert len(keys) == 1 and keys[0] not in old_keys
    for n, incident in enumerate(incidents):
        assert Incident.objects.get(pk=incident.pk).narrative == f"account {n}"
