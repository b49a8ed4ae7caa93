# SPDX-License-Identifier: GPL-3.0-or-later
"""Hand-computed cases of the land-release ledger."""

from __future__ import annotations

import doctest
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely import box

from demine.domain import ledger as ledger_module
from demine.domain.findings import Rule
from demine.domain.ledger import LedgerInput, compute_ledger
from demine.errors import RecordError


def make_input(hazards: dict, releases: list[tuple]) -> LedgerInput:
    """``releases``: (id, hazard_id, kind, date, geom[, reported_m2])."""
    rows = [r if len(r) == 6 else (*r, np.nan) for r in releases]
    return LedgerInput(
        hazard_ids=list(hazards),
        hazard_geoms=list(hazards.values()),
        release_ids=[r[0] for r in rows],
        release_hazard_ids=[r[1] for r in rows],
        release_kinds=[r[2] for r in rows],
        release_dates=[r[3] for r in rows],
        release_geoms=[r[4] for r in rows],
        release_reported_m2=[r[5] for r in rows],
    )


def by_rule(ledger, rule: Rule) -> list:
    return [f for f in ledger.findings if f.rule is rule]


@pytest.fixture
def strips() -> LedgerInput:
    """100 × 100 m hazard; 30 m cancelled, 30 m reduced, then a 30 m cleared
    strip overlapping the reduced one by 10 m and sticking out 10 m south."""
    return make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", "cancelled", "2024-01-01", box(0, 0, 30, 100), 3000.0),
            (2, "H", "reduced", "2024-02-01", box(30, 0, 60, 100), 3500.0),
            (3, "H", "cleared", "2024-03-01", box(50, -10, 80, 100), 3250.0),
        ],
    )


def test_strips_per_hazard(strips: LedgerInput) -> None:
    row = compute_ledger(strips).hazard_frame().loc["H"]
    assert row["total_m2"] == pytest.approx(10_000)
    assert row["cancelled_m2"] == pytest.approx(3_000)
    assert row["reduced_m2"] == pytest.approx(3_000)
    # 30 × 100 inside the hazard, less the 10 × 100 already reduced.
    assert row["cleared_m2"] == pytest.approx(2_000)
    assert row["remaining_m2"] == pytest.approx(2_000)
    assert row["released_m2"] == pytest.approx(8_000)
    assert row["releases"] == 3


def test_strips_per_release(strips: LedgerInput) -> None:
    frame = compute_ledger(strips).release_frame()
    assert frame.loc[3, "geometric_m2"] == pytest.approx(3_300)
    assert frame.loc[3, "clipped_m2"] == pytest.approx(3_000)
    assert frame.loc[3, "outside_m2"] == pytest.approx(300)
    assert frame.loc[3, "double_m2"] == pytest.approx(1_000)
    assert frame.loc[3, "effective_m2"] == pytest.approx(2_000)
    assert frame["effective_m2"].tolist() == pytest.approx([3_000, 3_000, 2_000])
    assert frame["hazard_id"].tolist() == ["H", "H", "H"]
    assert frame["kind"].tolist() == ["cancelled", "reduced", "cleared"]


def test_strips_findings(strips: LedgerInput) -> None:
    ledger = compute_ledger(strips)
    assert len(ledger.findings) == 3
    (outside,) = by_rule(ledger, Rule.RELEASE_OUTSIDE_HAZARD)
    assert (outside.entity, outside.id, outside.related_id) == ("release", 3, "H")
    assert outside.area_m2 == pytest.approx(300)
    assert "300.0 m²" in outside.message
    assert "hazard H" in outside.message
    (double,) = by_rule(ledger, Rule.DOUBLE_RELEASE)
    assert (double.id, double.related_id) == (3, 2)
    assert double.area_m2 == pytest.approx(1_000)
    (mismatch,) = by_rule(ledger, Rule.AREA_MISMATCH)
    assert mismatch.id == 2  # 3250 vs 3300 for release 3 is within 5 %
    assert "3,500.0 m²" in mismatch.message
    assert "3,000.0 m²" in mismatch.message
    assert all(f.x is None and f.y is None for f in ledger.findings)


def test_findings_located_in_wgs84(strips: LedgerInput) -> None:
    def to_wgs84(points: np.ndarray) -> np.ndarray:
        # A stand-in projection: kilometres east/north of (40°E, 40°N).
        return shapely.transform(points, lambda xy: xy / 1000 + 40)

    ledger = compute_ledger(strips, to_wgs84=to_wgs84)
    (outside,) = by_rule(ledger, Rule.RELEASE_OUTSIDE_HAZARD)
    assert 40.050 < outside.x < 40.080
    assert 39.990 < outside.y < 40.000
    (double,) = by_rule(ledger, Rule.DOUBLE_RELEASE)
    assert 40.050 < double.x < 40.060
    assert 40.000 < double.y < 40.100


def test_order_is_by_date_not_input_order() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", "cleared", "2024-05-01", box(0, 0, 60, 100)),
            (2, "H", "reduced", "2024-01-01", box(40, 0, 100, 100)),
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.effective_m2.tolist() == pytest.approx([4_000, 6_000])
    (double,) = ledger.findings
    assert (double.id, double.related_id) == (1, 2)


def test_same_date_ties_broken_by_release_id() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            ("R-b", "H", "cleared", "2024-05-01", box(0, 0, 60, 100)),
            ("R-a", "H", "cleared", "2024-05-01", box(40, 0, 100, 100)),
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.effective_m2.tolist() == pytest.approx([4_000, 6_000])
    assert ledger.findings[0].related_id == "R-a"


def test_undated_release_counts_after_dated_ones() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", "cleared", None, box(0, 0, 60, 100)),
            (2, "H", "cleared", "2030-01-01", box(40, 0, 100, 100)),
        ],
    )
    assert compute_ledger(inp).effective_m2.tolist() == pytest.approx([4_000, 6_000])


def test_triple_overlap_counts_once() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (i, "H", kind, f"2024-0{i}-01", box(0, 0, 50, 50))
            for i, kind in [(1, "cancelled"), (2, "reduced"), (3, "cleared")]
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.effective_m2.tolist() == pytest.approx([2_500, 0, 0])
    assert ledger.double_m2.tolist() == pytest.approx([0, 2_500, 2_500])
    assert ledger.remaining_m2[0] == pytest.approx(7_500)
    pairs = sorted((f.id, f.related_id) for f in ledger.findings)
    assert pairs == [(2, 1), (3, 1), (3, 2)]


def test_adjacent_releases_are_not_double() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", "cleared", "2024-01-01", box(0, 0, 50, 100)),
            (2, "H", "cleared", "2024-02-01", box(50, 0, 100, 100)),
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.findings == []
    assert ledger.remaining_m2[0] == 0.0
    assert ledger.cleared_m2[0] == pytest.approx(10_000)


def test_small_problems_count_but_raise_no_finding() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", "cleared", "2024-01-01", box(0, 0, 50.005, 100)),
            (2, "H", "cleared", "2024-02-01", box(50, 0, 100.005, 100)),
        ],
    )
    ledger = compute_ledger(inp, min_area_m2=1.0)
    assert ledger.findings == []
    assert ledger.double_m2[1] == pytest.approx(0.5)
    assert ledger.outside_m2[1] == pytest.approx(0.5)
    assert ledger.cleared_m2[0] == pytest.approx(10_000)
    # Below 0.01% of the release's area a sliver is noise whatever min_area_m2.
    assert compute_ledger(inp, min_area_m2=0.1).findings == []
    wider = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", "cleared", "2024-01-01", box(0, 0, 50.02, 100)),
            (2, "H", "cleared", "2024-02-01", box(50, 0, 100.02, 100)),
        ],
    )
    rules = {f.rule for f in compute_ledger(wider, min_area_m2=1.0).findings}
    assert rules == {Rule.DOUBLE_RELEASE, Rule.RELEASE_OUTSIDE_HAZARD}


def test_release_of_other_hazard_does_not_count_as_double() -> None:
    inp = make_input(
        {"A": box(0, 0, 100, 100), "B": box(0, 0, 100, 100)},
        [
            (1, "A", "cleared", "2024-01-01", box(0, 0, 50, 100)),
            (2, "B", "cleared", "2024-02-01", box(0, 0, 50, 100)),
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.findings == []
    assert ledger.cleared_m2.tolist() == pytest.approx([5_000, 5_000])


def test_unknown_hazard_is_a_finding_not_an_error() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "X", "cleared", "2024-01-01", box(0, 0, 10, 10)),
            (2, None, "cleared", "2024-01-01", box(0, 0, 0.5, 0.5)),
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.cleared_m2[0] == 0
    assert ledger.outside_m2.tolist() == pytest.approx([100, 0.25])
    assert ledger.effective_m2.tolist() == [0, 0]
    first, second = ledger.findings
    assert first.rule is Rule.RELEASE_OUTSIDE_HAZARD
    assert first.related_id == "X"
    assert "hazard X" in first.message
    assert "not in the register" in first.message
    assert "no hazard" in second.message  # reported whatever its size
    assert ledger.release_frame()["hazard_id"].tolist() == [None, None]


def test_release_in_a_hole_is_outside() -> None:
    ring = box(0, 0, 100, 100).difference(box(40, 40, 60, 60))
    inp = make_input(
        {"H": ring}, [(1, "H", "cleared", "2024-01-01", box(40, 40, 60, 60))]
    )
    ledger = compute_ledger(inp)
    assert ledger.total_m2[0] == pytest.approx(9_600)
    assert ledger.outside_m2[0] == pytest.approx(400)
    assert ledger.effective_m2[0] == 0
    assert ledger.remaining_m2[0] == pytest.approx(9_600)


def test_empty_and_missing_geometries_have_no_area() -> None:
    inp = make_input(
        {"H": None, "E": shapely.Polygon()},
        [
            (1, "H", "cleared", "2024-01-01", box(0, 0, 10, 10)),
            (2, "E", "reduced", "2024-01-01", None, 500.0),
            (3, "E", "cancelled", "2024-01-01", shapely.Polygon()),
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.total_m2.tolist() == [0, 0]
    assert ledger.remaining_m2.tolist() == [0, 0]
    assert ledger.outside_m2.tolist() == pytest.approx([100, 0, 0])
    rules = sorted((f.id, f.rule.value) for f in ledger.findings)
    assert rules == [(1, "release_outside_hazard"), (2, "area_mismatch")]


def test_invalid_hazard_is_repaired_privately() -> None:
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    wkb = bowtie.wkb
    inp = make_input(
        {"H": bowtie}, [(1, "H", "cleared", "2024-01-01", box(0, 0, 5, 10))]
    )
    ledger = compute_ledger(inp)
    assert ledger.total_m2[0] == pytest.approx(50)  # two triangles of 25 m²
    assert ledger.cleared_m2[0] == pytest.approx(25)
    assert ledger.outside_m2[0] == pytest.approx(25)
    assert inp.hazard_geoms[0] is bowtie
    assert bowtie.wkb == wkb
    assert not bowtie.is_valid


def test_collection_release_keeps_its_polygons_only() -> None:
    mixed = shapely.GeometryCollection(
        [box(0, 0, 10, 10), shapely.LineString([(0, 0), (50, 50)]), box(5, 0, 15, 10)]
    )
    inp = make_input({"H": box(0, 0, 100, 100)}, [(1, "H", "cleared", "2024", mixed)])
    ledger = compute_ledger(inp)
    assert ledger.geometric_m2[0] == pytest.approx(150)  # overlapping parts once
    assert ledger.cleared_m2[0] == pytest.approx(150)


def test_mismatch_only_when_beyond_tolerance() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [(1, "H", "cleared", "2024-01-01", box(0, 0, 10, 100), 1_090.0)],
    )
    assert by_rule(compute_ledger(inp, area_tolerance=0.1), Rule.AREA_MISMATCH) == []
    (finding,) = by_rule(compute_ledger(inp, area_tolerance=0.05), Rule.AREA_MISMATCH)
    assert finding.area_m2 == pytest.approx(90)


def test_duplicate_ids_are_errors() -> None:
    with pytest.raises(RecordError) as err:
        compute_ledger(make_input({"H": box(0, 0, 1, 1)}, [
            (1, "H", "cleared", "2024", box(0, 0, 1, 1)),
            (1, "H", "cleared", "2024", box(0, 0, 1, 1)),
        ]))  # fmt: skip
    assert (err.value.entity, err.value.record) == ("release", 1)
    inp = LedgerInput(["H", "H"], [box(0, 0, 1, 1)] * 2, [], [], [], [], [])
    with pytest.raises(RecordError, match="hazard H"):
        compute_ledger(inp)


def test_unknown_kind_is_an_error() -> None:
    inp = make_input(
        {"H": box(0, 0, 1, 1)}, [(7, "H", "demined", "2024", box(0, 0, 1, 1))]
    )
    with pytest.raises(RecordError) as err:
        compute_ledger(inp)
    assert (err.value.record, err.value.field) == (7, "kind")
    assert "cancelled, reduced, cleared" in str(err.value)


def test_kind_accepts_members_and_any_case() -> None:
    from demine.domain.vocab import ReleaseKind

    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", ReleaseKind.CANCELLED, "2024", box(0, 0, 10, 100)),
            (2, "H", " Cleared", "2024", box(10, 0, 20, 100)),
        ],
    )
    ledger = compute_ledger(inp)
    assert (ledger.cancelled_m2[0], ledger.cleared_m2[0]) == (1_000, 1_000)


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError, match="release_kinds"):
        LedgerInput(["H"], [box(0, 0, 1, 1)], [1], ["H"], [], ["2024"], [None])


def test_no_releases() -> None:
    inp = LedgerInput(["H"], [box(0, 0, 10, 10)], [], [], [], [], [])
    ledger = compute_ledger(inp)
    assert ledger.remaining_m2.tolist() == [100]
    assert ledger.release_frame().empty
    assert ledger.findings_frame().empty


def test_from_frames_and_frames() -> None:
    hazards = pd.DataFrame({"id": [10, 20], "geometry": [box(0, 0, 10, 10)] * 2})
    releases = pd.DataFrame(
        {
            "id": ["a", "b"],
            "hazard_id": [10, 10],
            "kind": ["cleared", "reduced"],
            "released_on": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "geometry": [box(0, 0, 5, 10), box(0, 0, 10, 10)],
            "area_m2": [50.0, None],
        }
    )
    ledger = compute_ledger(LedgerInput.from_frames(hazards, releases))
    frame = ledger.hazard_frame()
    assert frame.index.name == "hazard_id"
    assert frame.loc[10, ["cleared_m2", "reduced_m2", "remaining_m2"]].tolist() == [
        50,
        50,
        0,
    ]
    assert frame.loc[20, "remaining_m2"] == 100
    findings = ledger.findings_frame()
    assert findings["rule"].tolist() == ["double_release"]
    assert findings.loc[0, "related_id"] == "a"


def test_docstring_examples() -> None:
    for module in (ledger_module,):
        result = doctest.testmod(module)
        assert result.failed == 0
        assert result.attempted > 0


def test_dates_in_any_usual_form() -> None:
    inp = make_input(
        {"H": box(0, 0, 100, 100)},
        [
            (1, "H", "cleared", date(2024, 3, 1), box(0, 0, 60, 100)),
            (2, "H", "cleared", np.datetime64("2024-02-01"), box(40, 0, 100, 100)),
            (3, "H", "cleared", pd.Timestamp("2024-01-01 08:00"), box(0, 0, 1, 1)),
        ],
    )
    ledger = compute_ledger(inp)
    assert ledger.effective_m2.tolist() == pytest.approx([3_999, 6_000, 1])


def test_unreadable_date_is_an_error() -> None:
    with pytest.raises(RecordError) as err:
        make_input(
            {"H": box(0, 0, 1, 1)},
            [
                (1, "H", "cleared", "2024-01-01", box(0, 0, 1, 1)),
                (2, "H", "cleared", "31/12/2024", box(0, 0, 1, 1)),
            ],
        )
    assert (err.value.record, err.value.field) == (2, "released_on")


def test_overlay_slivers_are_dropped() -> None:
    # Found by the property tests: the difference leaves a sliver triangle of
    # 4e-15 m² in release 9, and GEOS 3.14 then intersected the multipolygon
    # carrying it with release 7 as if it covered all of release 7.
    hazard = shapely.from_wkt(
        "POLYGON ((26.467156727579006 56.678784026555626, 21.91341716182545 "
        "58.61939766255644, 18.08658283817455 58.61939766255644, "
        "15.380602337443566 55.91341716182545, 15.380602337443566 "
        "52.08658283817455, 18.08658283817455 49.38060233744357, "
        "22.64190827054903 43.3139222946321, 42.81512640931862 "
        "40.325139491217115, 26.467156727579006 56.678784026555626))"
    )
    releases = shapely.from_wkt(
        [
            "POLYGON ((49.90409403669295 33.621927251873934, 25.0558056051828 "
            "47.21153209674149, 39.222148834901986 24.842651938487272, "
            "45.53553390593274 25.464466094067262, 49.90409403669295 "
            "33.621927251873934))",
            "POLYGON ((37.045084971874736 47.93892626146236, 31.454915028125264 "
            "49.75528258147577, 27 45, 33 26, 39.47213595499958 "
            "40.29771798166021, 37.045084971874736 47.93892626146236))",
            "POLYGON ((41.392304845413264 42, 31.85069615336618 "
            "61.9860792743855, 26.669872981077805 38.5, 26.669872981077805 "
            "33.5, 31 31, 35.33012701892219 33.5, 41.392304845413264 42))",
        ]
    )
    inp = make_input(
        {"H": hazard},
        [
            (i, "H", "cancelled", "2023", g)
            for i, g in zip((7, 8, 9), releases, strict=True)
        ],
    )
    ledger = compute_ledger(inp)
    union = shapely.union_all(shapely.intersection(releases, hazard))
    assert ledger.effective_m2.sum() == pytest.approx(union.area, rel=1e-9)
    parts = shapely.get_parts(ledger.effective_geoms)
    assert (shapely.area(parts) > 1e-6).all()
    seven, nine = ledger.effective_geoms[0], ledger.effective_geoms[2]
    assert shapely.intersection(nine, seven).area < 1e-9


def test_numpy_ids_become_plain_values() -> None:
    inp = make_input(
        {np.int64(1): box(0, 0, 10, 10)},
        [
            (np.int64(5), np.int64(1), "cleared", "2024-01-01", box(0, 0, 5, 10)),
            (np.int64(6), np.int64(1), "cleared", None, box(0, 0, 5, 10)),
        ],
    )
    (finding,) = compute_ledger(inp).findings
    assert type(finding.id) is int
    assert type(finding.related_id) is int
    assert json.dumps(finding.as_dict())
