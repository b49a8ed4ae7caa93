# SPDX-License-Identifier: GPL-3.0-or-later
"""Risk publication from the browser: an administrator uploads a scored grid,
a job publishes it with the same core as ``demine predict publish``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from fastapi.testclient import TestClient

from demine.store.database import Database
from demine.store.risk import published
from tests.api.conftest import PASSWORD
from tests.api.test_jobs import wait_for


def _log_in(client: TestClient, username: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token[1]},
    )
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/map").text)
    assert found is not None
    return found[1]


def _scores(path: Path, risk: list[float]) -> Path:
    lon, lat = np.meshgrid([46.70, 46.71, 46.72], [39.80, 39.81])
    frame = pd.DataFrame({"lon": lon.ravel(), "lat": lat.ravel(), "risk": risk})
    frame.to_csv(path, index=False)
    return path


def _upload(client: TestClient, csrf: str, path: Path, model: str = "") -> Any:
    with path.open("rb") as f:
        return client.post(
            "/admin/risk",
            data={"csrf_token": csrf, "model": model},
            files={"scores": (path.name, f, "text/csv")},
            follow_redirects=False,
        )


def test_administrator_publishes_a_scored_grid_from_the_browser(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    csrf = _log_in(client, "admin")
    assert "No risk is published yet" in client.get("/admin/risk").text
    grid = _scores(tmp_path / "scores.csv", list(np.linspace(0, 1, 6)))
    queued = _upload(client, csrf, grid, "spring model")
    assert queued.status_code == 303
    job_id = int(queued.headers["location"].rsplit("/", 1)[1])
    assert "Publishing the risk of scores.csv" in client.get(f"/jobs/{job_id}").text
    job = wait_for(client, job_id, {})
    assert job["state"] == "done", job
    now = published(db)
    assert now["cells"] == 6
    assert now["model"] == "spring model"
    # The approved CHA lies under the grid: it gets a risk.
    assert now["hazards"] >= 1
    page = client.get("/admin/risk").text
    assert "spring model" in page
    assert 'id="risk-published"' in page


def test_a_bad_grid_fails_its_job_and_nothing_changes(
    client: TestClient, db: Database, tmp_path: Path
) -> None:
    csrf = _log_in(client, "admin")
    bad = _scores(tmp_path / "bad.csv", [0.2, 1.5, 0.1, 0.1, 0.1, 0.1])
    queued = _upload(client, csrf, bad)
    job_id = int(queued.headers["location"].rsplit("/", 1)[1])
    job = wait_for(client, job_id, {})
    assert job["state"] == "failed"
    assert "risk must be a number from 0 to 1; row 2 has 1.5" in job["error"]
    assert published(db)["cells"] == 0
    text = tmp_path / "notes.txt"
    text.write_text("risk\n")
    refused = _upload(client, csrf, text)
    assert refused.status_code == 422
    assert "a scored grid is a .gpkg, .csv, .parquet file" in refused.text


def test_only_administrators_publish(as_role: dict[str, TestClient]) -> None:
    assert as_role["reviewer"].get("/admin/risk").status_code == 403
    assert as_role["admin"].get("/admin/risk").status_code == 200
