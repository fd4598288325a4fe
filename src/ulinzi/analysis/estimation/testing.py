"""Test helper: shorter latent-class chains, for tests that exercise the whole
``estimate()`` (the estimator's own accuracy is tested with its production lengths in
``ulinzi bench estimate`` and with explicit lengths in its unit tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ulinzi.analysis.estimation import lcmcr

if TYPE_CHECKING:
    import pytest


def short_chains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lcmcr, "WARM_UP", 100)
    monkeypatch.setattr(lcmcr, "BURN_IN", 300)
    monkeypatch.setattr(lcmcr, "ITERATIONS", 600)
