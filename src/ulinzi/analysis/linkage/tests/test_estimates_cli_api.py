"""``ulinzi estimate --counts``, ``ulinzi link``, and ``GET /api/v1/estimates`` on linked data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ulinzi.accounts.models import Organisation
from ulinzi.analysis.estimation.testing import short_chains
from ulinzi.analysis.linkage import services
from ulinzi.analysis.linkage.testing import load_synthetic
from ulinzi.cli import main

SOURCES = {"moh": "cluster", "who": "who-ssa", "ngo": "amani", "media": "insecurity-insight",
           "cluster": "cluster"}  # fmt: skip


def _published_style_table(path: Path) -> int:
    """Four lists as a study would publish them (one 0/1 column per list and a count),
    drawn from a known total with a dependence between two lists."""
    rng = np.random.default_rng(8)
    total = 1200
    caught = rng.random((total, 4)) < [0.35, 0.3, 0.25, 0.3]
    caught[:, 1] |= caught[:, 0] & (rng.random(total) < 0.2)
    lines = ["ministry,who,ngo,media,count"]
    for h in range(1, 16):
        bits = [(h >> (3 - j)) & 1 for j in range(4)]
        n = int(np.all(caught == np.array(bits, dtype=bool), axis=1).sum())
        lines.append(",".join(map(str, bits)) + f",{n}")
    path.write_text("\n".join(lines) + "\n")
    return total


def test_counts_cli_prints_estimate_interval_and_models(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    short_chains(monkeypatch)
    path = tmp_path / "overlap.csv"
    total = _published_style_table(path)
    assert main(["estimate", "--counts", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["lists"] == ["ministry", "who", "ngo", "media"]
    low, high = out["interval"]
    assert low <= out["estimate"] <= high
    assert low <= total <= high
    assert out["models"][0]["model"].startswith("[") and out["loglinear"]["interval"]
    assert out["caveats"]
    lc = out["latent_class"]
    assert lc["interval"][0] <= total <= lc["interval"][1]
    assert lc["seed"] == 2016 and out["guidance"]
    assert main(["estimate", "--counts", str(path), "--seed", "9"]) == 0
    assert json.loads(capsys.readouterr().out)["latent_class"]["seed"] == 9


def test_counts_cli_names_the_problem(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b,c,count\n1,0,x,3\n")
    assert main(["estimate", "--counts", str(path)]) == 2
    assert "line 2" in capsys.readouterr().err
    assert main(["estimate", "--counts", str(tmp_path / "missing.csv")]) == 2


@pytest.mark.django_db
def test_link_command_and_estimates_api(
    demo_orgs: dict[str, Organisation], api: Any, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    short_chains(monkeypatch)
    load_synthetic(500, seed=41, orgs={s: demo_orgs[o] for s, o in SOURCES.items()})
    assert main(["link"]) == 0
    out = capsys.readouterr()
    summary = json.loads(out.out.split("\n", 2)[-1])
    assert summary["state"] == "done" and summary["clusters"] > 0
    # The fallback is said, with its reason, in the output and on stderr.
    assert summary["trained_on_this_data"] is False
    assert "fewer than the 1,500" in summary["model"]
    assert "synthetic reference set" in summary["model"]
    assert "warning: not trained on this data" in out.err
    from ulinzi.incidents.models import Incident

    country = Incident.objects.values_list("country", flat=True).first()
    response = api("coordinator").get(f"/api/v1/estimates?country={country}&period=2017..2024")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["sources"] == 4  # cluster, who-ssa, amani, insecurity-insight
    assert body["interval"][0] <= body["estimate"] <= body["interval"][1]
    assert body["documented"] >= 1 and body["caveats"]
    # Both estimators, each with its interval, and which one to read.
    lc = body["latent_class"]
    assert lc["interval"][0] <= lc["estimate"] <= lc["interval"][1]
    assert lc["estimate"] >= body["documented"]
    assert set(lc["convergence"]) >= {"rhat", "effective_draws", "converged"}
    assert body["guidance"] and all(isinstance(g, str) and g for g in body["guidance"])
    bad = api("analyst").get("/api/v1/estimates?country=X&period=soon")
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert "country" in fields
    assert api("monitor").get(f"/api/v1/estimates?country={country}&period=2020").status_code == 403
    assert services.latest_trained_model() is None  # 500 reports: reference model reused
