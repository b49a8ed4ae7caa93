# SPDX-License-Identifier: GPL-3.0-or-later
"""Large exports run as jobs off the request path (issue 19, point 2).

Two app instances over one register stand for two servers: a job queued
through one is run by the other, and followed or cancelled through either.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import update

from demine.exchange import jobs as job_work
from demine.exchange.job_runner import JobRunner
from demine.exchange.jobs import export_job
from demine.server import create_app
from demine.settings import Settings
from demine.store import jobs
from demine.store.database import Database
from demine.store.schema import Job
from tests.api.conftest import Seed


@pytest.fixture
def servers(db: Database, seed: Seed, tmp_path: Path) -> tuple[FastAPI, FastAPI]:
    settings = Settings(
        database_url=db.url,
        secret_key="s",
        export_inline_rows=2,
        jobs_dir=str(tmp_path / "jobs"),
    )
    return create_app(settings, db), create_app(settings, db)


@pytest.fixture
def import_jobs(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Settings:
    """Settings under which any upload is checked and imported by jobs;
    uploads wait in the test's own folder."""
    monkeypatch.setattr(job_work, "UPLOADS", tmp_path / "uploads")
    return Settings(
        database_url=db.url,
        secret_key="s",
        import_inline_bytes=100,
        jobs_dir=str(tmp_path / "jobs"),
    )


def bearer(seed: Seed, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {seed.tokens[role]}"}


def wait_for(client: TestClient, job_id: int, headers: dict[str, str]) -> Any:
    """Poll the job until it ends (the runner thread works meanwhile)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=headers).json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.05)  # polling interval, not a wait for an outcome
    raise AssertionError(f"job {job_id} did not finish: {job}")


def test_large_export_is_a_job_any_server_runs(
    servers: tuple[FastAPI, FastAPI], seed: Seed
) -> None:
    first, second = servers
    viewer = bearer(seed, "viewer")
    # Not entered: this server's job runner is not started; it only queues.
    a = TestClient(first)
    refused = a.get("/transfer/export?kind=register&format=xlsx", headers=viewer)
    assert refused.status_code == 413
    assert "export job" in refused.text
    started = a.post(
        "/api/v1/jobs/export",
        json={"kind": "register", "format": "xlsx"},
        headers=viewer,
    )
    assert started.status_code == 202, started.text
    job_id = started.json()["id"]
    again = a.post("/api/v1/jobs/export", json={"format": "gpkg"}, headers=viewer)
    assert again.status_code == 409  # one at a time per user
    other = a.get(f"/api/v1/jobs/{job_id}", headers=bearer(seed, "clerk"))
    assert other.status_code == 404  # nobody else's business
    # The second server, which shares only the register, runs it.
    with TestClient(second) as b:
        done = wait_for(b, job_id, viewer)
        assert done["state"] == "done", done
        assert done["progress"] == 1.0
        file = b.get(done["download"], headers=viewer)
        assert file.status_code == 200
        book = load_workbook(io.BytesIO(file.content), read_only=True)
        names = [r[0] for r in book["hazards"].iter_rows(min_row=2, values_only=True)]
        assert len(names) == 2  # the viewer sees the approved hazards only


def test_cancelled_export_stops_between_layers(
    db: Database, seed: Seed, tmp_path: Path
) -> None:
    from demine.store.users import get_principal

    who = get_principal(db, seed.users["reviewer"])
    assert who is not None
    job_id = jobs.submit(db, "export", who, {"kind": "register", "format": "gpkg"})
    layers_written: list[str] = []

    def cancelling_export(
        db: Database, who: Any, params: Any, folder: Path, progress: Any
    ) -> Path:
        def watched(done: float, message: str) -> None:
            if message.startswith("writing"):
                layers_written.append(message)
                if len(layers_written) == 2:
                    # The person presses Cancel while the second layer starts.
                    jobs.cancel(db, job_id, who)
            progress(done, message)

        return export_job(db, who, params, folder, watched)

    runner = JobRunner(db, {"export": cancelling_export}, tmp_path / "jobs")
    runner.folder.mkdir(parents=True)
    assert runner.run_one()
    view = jobs.get(db, job_id, who, seen=False)
    assert view.state == "cancelled"
    assert view.error == "cancelled on request"
    assert len(layers_written) == 2  # it stopped: no third layer was begun
    assert not list((tmp_path / "jobs").rglob("*.gpkg"))


def test_export_stops_when_its_client_has_gone(
    db: Database, seed: Seed, tmp_path: Path
) -> None:
    from demine.store.users import get_principal

    who = get_principal(db, seed.users["viewer"])
    assert who is not None
    job_id = jobs.submit(db, "export", who, {"kind": "register", "format": "gpkg"})
    with db.session() as session:
        session.execute(
            update(Job).values(
                client_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
            )
        )
    runner = JobRunner(db, {"export": export_job}, tmp_path / "jobs")
    runner.folder.mkdir(parents=True)
    assert runner.run_one()
    view = jobs.get(db, job_id, who, seen=False)
    assert view.state == "cancelled"
    assert "nobody was waiting" in (view.error or "")


def test_browser_export_job_page(servers: tuple[FastAPI, FastAPI]) -> None:
    from tests.web.test_pages import log_in

    first, _ = servers
    with TestClient(first) as browser:
        token = log_in(browser, "viewer")
        started = browser.post(
            "/transfer/export",
            data={"csrf_token": token, "kind": "hazard", "format": "gpkg"},
            follow_redirects=False,
        )
        assert started.status_code == 303
        page = browser.get(started.headers["location"])
        assert 'id="job"' in page.text
        job_id = int(started.headers["location"].rsplit("/", 1)[1])
        done = wait_for(browser, job_id, {})
        assert done["state"] == "done"
        file = browser.get(done["download"])
        path = Path(first.state.settings.jobs_dir) / "check.gpkg"
        path.write_bytes(file.content)
        assert len(pyogrio.read_dataframe(path, layer="hazards")) == 2


def test_large_import_is_checked_and_imported_by_jobs(
    db: Database, seed: Seed, import_jobs: Settings
) -> None:
    import re

    from tests.web.test_pages import log_in
    from tests.web.test_transfer import hazard_file, hazard_names

    with TestClient(create_app(import_jobs, db)) as browser:
        token = log_in(browser, "reviewer")
        data = hazard_file(("job-1", "sha", 39.5), ("job-2", "cha", 39.6))
        sent = browser.post(
            "/transfer/import",
            data={"csrf_token": token, "kind": "hazards"},
            files={"files": ("big.geojson", data, "application/geo+json")},
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text[:300]
        check = int(sent.headers["location"].rsplit("/", 1)[1])
        assert wait_for(browser, check, {})["state"] == "done"
        preview = browser.get(f"/transfer/jobs/{check}")
        assert preview.status_code == 200
        new = r'data-kind="hazard"><th scope="row">[^<]*</th><td>2</td>'
        assert re.search(new, preview.text), preview.text
        assert not {"job-1", "job-2"} & hazard_names(browser)
        upload = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
        confirmed = browser.post(
            "/transfer/import/confirm",
            data={"csrf_token": token, "token": upload},
            follow_redirects=False,
        )
        assert confirmed.status_code == 303
        run = int(confirmed.headers["location"].rsplit("/", 1)[1])
        assert wait_for(browser, run, {})["state"] == "done"
        result = browser.get(f"/transfer/jobs/{run}")
        assert 'id="result"' in result.text
        assert {"job-1", "job-2"} <= hazard_names(browser)


def test_api_import_of_large_files_is_checked_and_imported_by_jobs(
    db: Database, seed: Seed, tmp_path: Path, import_jobs: Settings
) -> None:
    """POST /api/v1/import under the web's limits: a large upload becomes a
    job whose file is the answer a small one gets; the upload is removed."""
    from tests.web.test_transfer import hazard_file, hazard_names

    reviewer = bearer(seed, "reviewer")
    data = hazard_file(("api-job-1", "sha", 39.5), ("api-job-2", "cha", 39.6))
    files = {"files": ("big.geojson", data, "application/geo+json")}
    with TestClient(create_app(import_jobs, db), headers=reviewer) as api:
        viewer = api.post(
            "/api/v1/import",
            data={"kind": "hazards"},
            files=files,
            headers=bearer(seed, "viewer"),
        )
        assert viewer.status_code == 403
        reports = []
        for dry_run in ("true", "false"):
            queued = api.post(
                "/api/v1/import",
                data={"kind": "hazards", "dry_run": dry_run},
                files=files,
                headers=reviewer,
            )
            assert queued.status_code == 202, queued.text
            assert queued.headers["location"] == f"/api/v1/jobs/{queued.json()['id']}"
            assert queued.json()["kind"] == "import"
            done = wait_for(api, queued.json()["id"], reviewer)
            assert done["state"] == "done", done
            report = api.get(done["download"], headers=reviewer)
            assert report.headers["content-type"].startswith("application/json")
            reports.append(report.json())
            if dry_run == "true":
                assert not {"api-job-1", "api-job-2"} & hazard_names(api)
        checked, imported = reports
        assert checked["dry_run"] is True
        assert checked["counts"]["hazard"]["inserted"] == 2
        assert checked["files"] == ["big.geojson"]
        assert imported["dry_run"] is False
        assert imported["counts"]["hazard"]["inserted"] == 2
        assert {"api-job-1", "api-job-2"} <= hazard_names(api)
        # The API has no confirmation step: nothing of either upload waits.
        assert not list((tmp_path / "uploads").iterdir())


def test_api_import_job_lists_bad_rows_as_the_answer_would(
    db: Database, seed: Seed, tmp_path: Path, import_jobs: Settings
) -> None:
    import json

    from tests.web.test_transfer import hazard_file

    reviewer = bearer(seed, "reviewer")
    bad = hazard_file(("bad-job-1", "sha", 39.5), ("bad-job-2", "probable", 39.6))
    with TestClient(create_app(import_jobs, db)) as api:
        queued = api.post(
            "/api/v1/import",
            data={"kind": "hazards", "dry_run": "false"},
            files={"files": ("h.geojson", bad, "application/geo+json")},
            headers=reviewer,
        )
        assert queued.status_code == 202, queued.text
        done = wait_for(api, queued.json()["id"], reviewer)
        report = api.get(done["download"], headers=reviewer)
    body = report.json()
    assert body["status"] == 422
    assert ("h.geojson", 2, "hazard_class") in {
        (p["file"], p["row"], p["field"]) for p in body["problems"]
    }
    assert str(tmp_path) not in json.dumps(body)  # files by their own names


def test_api_import_obeys_the_import_limits(db: Database, seed: Seed) -> None:
    """The bomb limits hold on the API's import as on the page's (issue 19)."""
    from tests.web.test_transfer import hazard_file

    settings = Settings(database_url=db.url, secret_key="s", import_max_rows=1)
    data = hazard_file(("limit-1", "sha", 39.5), ("limit-2", "cha", 39.6))
    with TestClient(create_app(settings, db)) as api:
        answer = api.post(
            "/api/v1/import",
            data={"kind": "hazards"},
            files={"files": ("two.geojson", data, "application/geo+json")},
            headers=bearer(seed, "reviewer"),
        )
    assert answer.status_code == 422, answer.text
    assert "DEMINE_IMPORT_MAX_ROWS" in answer.json()["error"]
    assert answer.json()["problems"][0]["file"] == "two.geojson"


def test_api_export_of_many_rows_is_a_job(
    servers: tuple[FastAPI, FastAPI], seed: Seed
) -> None:
    first, _ = servers  # export_inline_rows=2
    viewer = bearer(seed, "viewer")
    with TestClient(first) as api:
        small = api.get("/api/v1/export?kind=hazards&format=csv", headers=viewer)
        assert small.status_code == 200, small.text  # two rows: at once
        queued = api.get("/api/v1/export?format=gpkg", headers=viewer)
        assert queued.status_code == 202, queued.text
        assert queued.headers["location"] == f"/api/v1/jobs/{queued.json()['id']}"
        assert queued.json()["parameters"] == {"kind": "register", "format": "gpkg"}
        busy = api.get("/api/v1/export?format=xlsx", headers=viewer)
        assert busy.status_code == 409  # one job at a time per user
        done = wait_for(api, queued.json()["id"], viewer)
        assert done["state"] == "done", done
        file = api.get(done["download"], headers=viewer)
        assert file.status_code == 200
    path = Path(first.state.settings.jobs_dir) / "api.gpkg"
    path.write_bytes(file.content)
    assert len(pyogrio.read_dataframe(path, layer="hazards")) == 2
