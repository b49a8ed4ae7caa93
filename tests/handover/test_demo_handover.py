# SPDX-License-Identifier: GPL-3.0-or-later
"""A hazard of the demo register from clearance to a verified certificate.

The whole path a user takes: build the demo, find land waiting for handover,
write the completion report, issue the certificate, record the handover,
open the public service; then read the QR code off the printed certificate
and follow it as a resident would.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import zxingcpp
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from demine.cli import app as cli
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.schema import Hazard, Place

runner = CliRunner()
BASE = "https://land.example.az"


def run(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def run_json(*args: str) -> Any:
    return json.loads(run(*args, "--json"))


def test_demo_hazard_to_verified_certificate(
    db_url: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("DEMINE_PUBLIC_BASE_URL", BASE)
    run_json("demo", "--db", db_url, "--scale", "small", "--seed", "1")
    waiting = run_json("handover", "waiting", "--db", db_url)
    assert waiting["hazards"] > 0
    hazard = waiting["hazard_ids"][0]
    report = tmp_path / "completion.pdf"
    run("handover", "completion", str(hazard), "--db", db_url, "--out", str(report))
    assert len(pdfium.PdfDocument(report)) >= 1
    paper = tmp_path / "certificate.pdf"
    made = run_json(
        "handover", "certificate", str(hazard), "--db", db_url,
        "--issued-by", "National authority", "--recipient", "District executive",
        "--land-use", "agriculture", "--out", str(paper),
    )  # fmt: skip
    run(
        "handover", "record", made["number"], "--db", db_url,
        "--received-by", "Head of the municipality", "--on", made["issued_on"],
    )  # fmt: skip
    run("public", "open", "--db", db_url, "--layer", "released_land=0",
        "--layer", "hazardous_area=500")  # fmt: skip
    after = run_json("handover", "waiting", "--db", db_url)
    assert after["hazards"] == waiting["hazards"] - 1

    page = pdfium.PdfDocument(io.BytesIO(paper.read_bytes()))[0]
    [code] = zxingcpp.read_barcodes(page.render(scale=3).to_pil())
    assert code.text.startswith(f"{BASE}/public/certificates/")

    db = Database(db_url)
    try:
        with db.session() as session:
            settlement = session.scalar(
                select(Place.name)
                .join(Hazard, Hazard.settlement_id == Place.id)
                .where(Hazard.id == hazard)
            )
        resident = TestClient(create_app(Settings(database_url=db_url), db))
        verified = resident.get(code.text.removeprefix(BASE))
        assert verified.status_code == 200
        assert made["number"] in verified.text
        assert "genuine" in verified.text
        assert "Handed over on" in verified.text
        lookup = resident.get(
            "/api/v1/public/lookup", params={"settlement": settlement}
        ).json()
        numbers = {r["certificate"] for r in lookup["released"]}
        assert made["number"] in numbers
        assert lookup["hazardous"]["count"] > 0
    finally:
        db.dispose()
