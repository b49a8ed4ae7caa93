# SPDX-License-Identifier: GPL-3.0-or-later
"""The main job end to end: build the demo register, summarise, validate, repair."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from demine.cli import app
from demine.store.database import normalise_url

runner = CliRunner()
RULES = {
    "oversized",
    "sliver",
    "invalid_geometry",
    "empty_geometry",
    "too_few_vertices",
    "duplicate_geometry",
    "duplicate_vertex",
    "long_segment",
    "overlap",
    "outside_extent",
    "swapped_coordinates",
    "release_outside_hazard",
    "double_release",
    "area_mismatch",
    "wrong_geometry_type",
    "status_mismatch",
}


def run_json(*args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def demo_url(db_url: str) -> str:
    run_json("demo", "--db", db_url, "--scale", "small", "--seed", "1")
    return db_url


def test_demo_summary_has_the_national_figures(demo_url: str) -> None:
    data = run_json("summary", "--db", demo_url)
    area = data["area_m2"]
    assert data["hazards"] > 300
    assert area["total"] > 0
    assert min(area["cancelled"], area["reduced"], area["cleared"]) > 0
    # The ledger conserves area: every m² is released once or remains.
    parts = area["cancelled"] + area["reduced"] + area["cleared"] + area["remaining"]
    assert parts == pytest.approx(area["total"], rel=1e-9)
    assert min(data["items"]["ap_mine"], data["items"]["at_mine"]) > 0
    assert data["items"]["uxo"] > data["items"]["at_mine"]
    assert data["casualties"]["killed"] + data["casualties"]["injured"] > 0
    assert data["casualties"]["injured"] > data["casualties"]["killed"]


def test_summary_breakdowns_add_up(demo_url: str) -> None:
    total = run_json("summary", "--db", demo_url)
    for by in ("admin", "org", "method", "year"):
        rows = run_json("summary", "--db", demo_url, "--by", by)["by"]["rows"]
        # admin areas hold the areas below them (issue 16): the top ones add up
        rows = [r for r in rows if r.get("depth", 0) == 0]
        assert sum(r["released_m2"] for r in rows) == pytest.approx(
            total["area_m2"]["released"], rel=1e-9
        )
        assert sum(r["items_total"] for r in rows) == total["items_total"]


def test_demo_is_reproducible_from_the_seed(demo_url: str, tmp_path) -> None:
    other = f"sqlite:///{tmp_path / 'again.sqlite'}"
    run_json("demo", "--db", other, "--seed", "1")
    again, first = (
        run_json("summary", "--db", other),
        run_json("summary", "--db", demo_url),
    )
    assert again.pop("area_m2") == pytest.approx(first.pop("area_m2"), rel=1e-12)
    assert again == first


def test_demo_refuses_a_register_that_has_data(demo_url: str) -> None:
    result = runner.invoke(app, ["demo", "--db", demo_url])
    assert result.exit_code == 1
    assert "already holds a register" in result.output


def test_validate_finds_the_planted_dirt(demo_url: str) -> None:
    findings = run_json("validate", "--db", demo_url)
    assert findings, "the demo register carries deliberate dirt"
    for f in findings:
        assert {"rule", "entity", "id", "message"} <= set(f)
        assert f["rule"] in RULES
        assert f["message"]
    rules = {f["rule"] for f in findings}
    assert {"invalid_geometry", "double_release", "swapped_coordinates"} <= rules


def test_repair_is_recorded_and_not_silent(demo_url: str) -> None:
    before = run_json("validate", "--db", demo_url)
    invalid = {f["id"] for f in before if f["rule"] == "invalid_geometry"}
    assert invalid
    report = run_json("validate", "--db", demo_url, "--repair", "--summary")
    assert report["repaired"] >= len(invalid)
    assert "invalid_geometry" not in report["counts"]
    engine = create_engine(normalise_url(demo_url))
    with engine.connect() as conn:
        logged = conn.execute(
            text("SELECT entity, record_id, rule, before_wkb FROM geometry_repair")
        ).all()
    engine.dispose()
    assert {r.record_id for r in logged if r.entity == "hazard"} >= {
        i for i in invalid if isinstance(i, int)
    }
    assert all(r.before_wkb for r in logged)


def test_areas_agree_with_postgis_geography(demo_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("compares with PostGIS ST_Area(geography)")
    engine = create_engine(normalise_url(demo_url))
    with engine.connect() as conn:
        worst = conn.execute(
            text(
                "SELECT max(abs(ST_Area(geom::geography) - area_m2) / area_m2) "
                "FROM hazard WHERE ST_IsValid(geom) AND area_m2 > 0"
            )
        ).scalar_one()
    engine.dispose()
    assert worst < 0.001
