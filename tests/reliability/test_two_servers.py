# SPDX-License-Identifier: GPL-3.0-or-later
"""Two ``demine serve`` processes behind a load balancer share nothing but the
register (issue 20): each has its own temporary and job folders, as on two
hosts, and a round-robin proxy sends every request to the next one.

A session made through one is valid on the other; a write through one is
read through the other at once; a photo attached through one is read
through the other; an upload received by one is imported by whichever runs
the job, and its file downloaded from either; failed logins
are counted across both; a logout through one ends the session on both.
"""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pyogrio

from demine.domain.vocab import Role
from tests.api.after_clearance import photo
from tests.reliability.harness import Server, hazard, serve, user_token
from tests.reliability.proxy import round_robin

FREE_ATTEMPTS = 4


def host(folder: Path, name: str) -> dict[str, str]:
    """The environment of a server on a host of its own: its own disk."""
    scratch = folder / name
    (scratch / "tmp").mkdir(parents=True)
    return {
        "TMPDIR": str(scratch / "tmp"),
        "DEMINE_JOBS_DIR": str(scratch / "jobs"),
        "DEMINE_EXPORT_INLINE_ROWS": "1",
        "DEMINE_IMPORT_INLINE_BYTES": "100",
        "DEMINE_LOGIN_FREE_ATTEMPTS": str(FREE_ATTEMPTS),
        "DEMINE_ATTACHMENTS_DIR": str(scratch / "attachments"),
        "DEMINE_ATTACHMENTS_IN_REGISTER": "true",
    }


def served_by(answers: list[httpx.Response]) -> set[str]:
    return {a.headers["x-upstream"] for a in answers}


def finished(client: httpx.Client, location: str) -> dict[str, Any]:
    """Follow a job (through whichever server answers) until it ends."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = client.get(location)
        assert job.status_code == 200, job.text
        if job.json()["state"] not in ("queued", "running"):
            return dict(job.json())
        time.sleep(0.1)  # polling interval, not a wait for an outcome
    raise AssertionError(f"{location} did not finish")


def test_two_servers_behind_a_proxy_share_only_the_register(
    register_url: str, tmp_path: Path
) -> None:
    user_token(register_url, "ana", Role.REVIEWER)
    password = "ana-password-long"
    with (
        serve(register_url, tmp_path, workers=1, env=host(tmp_path, "a")) as a,
        serve(register_url, tmp_path, workers=1, env=host(tmp_path, "b")) as b,
        round_robin([a.url, b.url]) as url,
        httpx.Client(base_url=url, timeout=120) as browser,
    ):
        login = browser.post(
            "/api/v1/login", json={"username": "ana", "password": password}
        )
        assert login.status_code == 200, login.text
        csrf = {"X-CSRF-Token": login.json()["csrf_token"]}

        # The session is the register's: every server knows it.
        me = [browser.get("/api/v1/me") for _ in range(4)]
        assert [m.status_code for m in me] == [200] * 4
        assert served_by(me) == {"0", "1"}

        # A write through one server is read through the other at once.
        made = browser.post(
            "/api/v1/records/hazard",
            json={"fields": hazard("Two servers")},
            headers=csrf,
        )
        assert made.status_code == 201, made.text
        record = f"/api/v1/records/hazard/{made.json()['id']}"
        read = browser.get(record)
        assert read.status_code == 200
        assert read.headers["x-upstream"] != made.headers["x-upstream"]
        counts = {_hazards(s, browser.cookies) for s in (a, b)}
        assert counts == {1}

        # A photo attached through one server is read through the other.
        picture = photo(46.905, 39.905)
        attached = browser.post(
            f"{record}/attachments",
            files={"file": ("site.jpg", picture, "image/jpeg")},
            headers=csrf,
        )
        assert attached.status_code == 201, attached.text
        copies = [
            browser.get(f"/api/v1/attachments/{attached.json()['id']}")
            for _ in range(2)
        ]
        assert served_by(copies) == {"0", "1"}
        assert [c.content for c in copies] == [picture, picture]

        _upload_imported_by_a_job(browser, csrf, (a, b))
        _export_downloaded_from_either(browser)

        # A logout through one server ends the session on both.
        out = browser.post("/api/v1/logout", headers=csrf)
        assert out.status_code == 200
        for server in (a, b):
            with httpx.Client(base_url=server.url, cookies=browser.cookies) as direct:
                assert direct.get("/api/v1/me").status_code == 401

        # Failed logins are counted in the register, whichever server sees them.
        wrong = {"username": "ana", "password": "not-the-password"}
        tries = [browser.post("/api/v1/login", json=wrong) for _ in range(6)]
        assert [t.status_code for t in tries[:FREE_ATTEMPTS]] == [401] * FREE_ATTEMPTS
        assert [t.status_code for t in tries[FREE_ATTEMPTS:]] == [429, 429]
        assert served_by(tries[FREE_ATTEMPTS:]) == {"0", "1"}


def _hazards(server: Server, cookies: httpx.Cookies) -> int:
    with httpx.Client(base_url=server.url, cookies=cookies) as direct:
        return int(direct.get("/api/v1/summary").json()["hazards"])


def _upload_imported_by_a_job(
    browser: httpx.Client, csrf: dict[str, str], servers: tuple[Server, Server]
) -> None:
    """An upload large enough to be a job, sent through one server: the job
    imports it wherever it runs, and its report is read through either."""
    features = [
        {
            "type": "Feature",
            "geometry": hazard(f"h{i}", lon=46.9 + i * 0.02)["geom"],
            "properties": {
                "name": f"Imported {i}",
                "hazard_class": "sha",
                "status": "open",
                "external_id": f"two-servers-{i}",
            },
        }
        for i in range(3)
    ]
    data = json.dumps({"type": "FeatureCollection", "features": features})
    queued = browser.post(
        "/api/v1/import",
        data={"kind": "hazard", "dry_run": "false"},
        files={"files": ("hazards.geojson", io.BytesIO(data.encode()), "")},
        headers=csrf,
    )
    assert queued.status_code == 202, queued.text
    job = finished(browser, queued.headers["location"])
    assert job["state"] == "done", job
    reports = [browser.get(job["download"]) for _ in range(2)]
    assert served_by(reports) == {"0", "1"}
    for report in reports:
        assert report.status_code == 200, report.text
        assert report.json()["counts"]["hazard"]["inserted"] == 3
    counts = {_hazards(s, browser.cookies) for s in servers}
    assert counts == {4}


def _export_downloaded_from_either(browser: httpx.Client) -> None:
    queued = browser.get("/api/v1/export?format=gpkg&kind=hazard")
    assert queued.status_code == 202, queued.text
    job = finished(browser, queued.headers["location"])
    assert job["state"] == "done", job
    files = [browser.get(job["download"]) for _ in range(2)]
    assert served_by(files) == {"0", "1"}
    assert files[0].status_code == files[1].status_code == 200
    assert files[0].content == files[1].content
    frame = pyogrio.read_dataframe(io.BytesIO(files[0].content), layer="hazards")
    assert len(frame) == 4
