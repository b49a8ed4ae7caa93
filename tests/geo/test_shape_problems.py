# SPDX-License-Identifier: GPL-3.0-or-later
"""Faults of drawn shapes in the drawer's words, with their place."""

from __future__ import annotations

import shapely

from demine.geo.shape_problems import ShapeProblem, shape_problems
from demine.i18n.language import use_language


def test_a_bow_tie_crosses_itself_where_its_edges_cross() -> None:
    bow_tie = shapely.Polygon([(46.0, 40.0), (46.2, 40.2), (46.2, 40.0), (46.0, 40.2)])
    assert shape_problems(bow_tie) == [
        ShapeProblem("The boundary crosses itself here.", 46.1, 40.1)
    ]


def test_valid_flat_and_empty_shapes() -> None:
    assert shape_problems(shapely.box(46.0, 40.0, 46.1, 40.1)) == []
    assert shape_problems(None) == [ShapeProblem("Nothing is drawn yet.")]
    hole_outside = shapely.Polygon(
        shapely.box(0, 0, 1, 1).exterior.coords,
        [shapely.box(2, 2, 3, 3).exterior.coords],
    )
    [problem] = shape_problems(hole_outside)
    assert problem.message == "A hole lies outside the area here."
    # GEOS names a corner of the stray hole.
    assert hole_outside.interiors[0].coords[:].count((problem.lon, problem.lat)) >= 1


def test_problems_speak_the_readers_language() -> None:
    bow_tie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    with use_language("ru"):
        [problem] = shape_problems(bow_tie)
    assert problem.message == "Граница пересекает саму себя здесь."
