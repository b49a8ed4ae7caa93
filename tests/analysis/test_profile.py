# SPDX-License-Identifier: GPL-3.0-or-later
"""Prioritisation profiles: the shipped default, and every kind of bad profile."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from demine.analysis.priorities.criteria import CATALOGUE
from demine.analysis.priorities.profile import (
    DEFAULT_PROFILE,
    ProfileError,
    load_profile,
    parse_profile,
)


def test_default_profile_is_valid_and_covers_every_criterion() -> None:
    profile = load_profile()
    assert profile.source == str(DEFAULT_PROFILE)
    assert profile.method == "promethee"
    assert [c.name for c in profile.criteria] == list(CATALOGUE)
    assert all(c.weight > 0 for c in profile.criteria)
    assert profile.criterion("effort").direction == "cost"
    # Criterion options fall back to the catalogue, or take the profile's.
    assert profile.criterion("roads").params == {"distance_m": 500.0}
    assert profile.criterion("casualties").params["half_life_years"] == 3.0


def test_default_profile_documents_every_line() -> None:
    """Each criterion and top-level key has a comment just above it."""
    lines = DEFAULT_PROFILE.read_text(encoding="utf-8").splitlines()
    data = yaml.safe_load("\n".join(lines))
    keys = [*data, *data["criteria"]]
    for key in keys:
        at = next(
            i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:")
        )
        assert lines[at - 1].strip().startswith("#"), f"{key} has no comment above it"


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


BASE = {
    "method": "weighted",
    "criteria": {
        "people_blocked": {"weight": 2},
        "effort": {
            "weight": 1,
            "direction": "cost",
            "preference": "linear",
            "q": 1,
            "p": 5,
        },
    },
}


def with_criterion(name: str, **spec: object) -> dict[str, object]:
    criteria = {**BASE["criteria"], name: spec}  # type: ignore[dict-item]
    return {**BASE, "criteria": criteria}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (with_criterion("roads", weight=-1), "criteria.roads.weight", "negative"),
        (
            with_criterion("landmines", weight=1),
            "criteria.landmines",
            "unknown criterion",
        ),
        (
            {"criteria": {"roads": {"weight": 0}, "water": {"weight": 0}}},
            "criteria",
            "all weights are zero",
        ),
        (
            with_criterion("roads", weight=1, preference="linear", q=5, p=2),
            "criteria.roads.p",
            "p above q",
        ),
        (
            with_criterion("roads", weight=1, preference="v_shape"),
            "criteria.roads.p",
            "above 0",
        ),
        (
            with_criterion("roads", weight=1, preference="u_shape", q=0),
            "criteria.roads.q",
            "above 0",
        ),
        (with_criterion("roads", weight=1, q=-2), "criteria.roads.q", "negative"),
        (with_criterion("roads", weight="a lot"), "criteria.roads.weight", "a number"),
        (
            with_criterion("roads", weight=1, direction="up"),
            "criteria.roads.direction",
            "benefit or cost",
        ),
        (
            with_criterion("roads", weight=1, preference="gauss"),
            "criteria.roads.preference",
            "usual",
        ),
        (
            with_criterion("roads", weight=1, radius_m=3),
            "criteria.roads",
            "unknown key",
        ),
        (
            with_criterion("roads", weight=1, distance_m=-5),
            "criteria.roads.distance_m",
            "negative",
        ),
        (
            with_criterion("roads", direction="benefit"),
            "criteria.roads.weight",
            "needs a weight",
        ),
        ({**BASE, "method": "electre"}, "method", "weighted or promethee"),
        ({**BASE, "normalisation": "zscore"}, "normalisation", "minmax or rank"),
        ({**BASE, "statuses": ["closed", "burning"]}, "statuses", "hazard statuses"),
        ({**BASE, "weights": {}}, None, "unknown key(s) weights"),
        ({"method": "weighted"}, "criteria", "at least one criterion"),
        (["not", "a", "mapping"], None, "expected a mapping"),
    ],
)
def test_bad_profile_names_file_and_field(
    tmp_path: Path, data: object, field: str | None, message: str
) -> None:
    path = write(tmp_path, data)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    text = str(caught.value)
    assert text.startswith(str(path)), text
    if field is not None:
        assert f"field '{field}'" in text, text
    assert message in text, text
    assert caught.value.http_status == 422


def test_unreadable_and_invalid_yaml(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="cannot read the profile"):
        load_profile(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("criteria: [unclosed", encoding="utf-8")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)


def test_a_valid_custom_profile(tmp_path: Path) -> None:
    data = with_criterion("roads", weight=0, distance_m=250)
    profile = load_profile(write(tmp_path, data))
    assert profile.method == "weighted"
    assert [c.name for c in profile.active] == ["people_blocked", "effort"]
    assert profile.criterion("roads").params == {"distance_m": 250.0}
    effort = profile.criterion("effort")
    assert (effort.preference.q, effort.preference.p) == (1.0, 5.0)
    assert not effort.benefit
    assert profile.with_method("promethee").method == "promethee"
    with pytest.raises(ProfileError, match="unknown method"):
        profile.with_method("topsis")


def test_parse_profile_names_its_source() -> None:
    with pytest.raises(ProfileError, match=r"^api, field"):
        parse_profile({"criteria": {"roads": {"weight": -3}}}, "api")


def test_the_docs_state_the_default_weights() -> None:
    """docs/prioritise.md's table of the default profile matches the file."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "prioritise.md"
    text = docs.read_text(encoding="utf-8")
    section = text[
        text.index("## The default profile") : text.index("### Bad profiles")
    ]
    stated = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 4 and cells[1].isdigit():
            stated[cells[0].replace(" (cost)", "")] = float(cells[1])
    profile = load_profile()
    assert stated == {c.name: c.weight for c in profile.criteria}
