# SPDX-License-Identifier: GPL-3.0-or-later
"""Row counts per scale. The national scale takes seconds, so it is only
checked through its preset here; ``python -m demine.demo`` times it."""

from __future__ import annotations

import pandas as pd
import pytest

from demine.demo import SCALES, generate
from demine.demo.figures import CASUALTIES

Tables = dict[str, pd.DataFrame]


@pytest.mark.parametrize("scale", ["small", "medium"])
def test_row_counts(scale: str, request: pytest.FixtureRequest) -> None:
    tables = request.getfixturevalue(scale)
    size = SCALES[scale]
    assert len(tables["hazard"]) == size.hazards
    assert len(tables["release"]) == pytest.approx(size.releases, rel=0.05)
    assert len(tables["eo_item"]) == size.eo_items
    assert len(tables["victim"]) == size.victims
    assert len(tables["team"]) == size.teams
    assert len(tables["activity"]) > len(tables["hazard"]) * 0.3


def test_small_is_a_test_sized_register(small: Tables) -> None:
    assert 400 <= len(small["hazard"]) <= 600
    assert len(small["victim"]) >= 20


def test_national_preset_matches_the_published_figures() -> None:
    national = SCALES["national"]
    assert national.hazards == 100_000
    assert national.releases == 300_000
    assert national.eo_items == 1_000_000
    assert national.victims == CASUALTIES
    assert national.suspected_m2 / 10_000 == pytest.approx(1_166_702)
    assert national.released_m2 / 10_000 == pytest.approx(140_000)


def test_unknown_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scale"):
        generate("huge")  # type: ignore[arg-type]
