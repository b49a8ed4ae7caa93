# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading point coordinates from stored WKB."""

from __future__ import annotations

import numpy as np
import shapely

from demine.store.layer_frames import _point_coordinates


def test_plain_points_are_read_from_the_bytes_as_shapely_reads_them() -> None:
    points = shapely.points(np.array([[46.5, 39.75], [-0.125, 51.5], [180.0, -90.0]]))
    blobs = tuple(shapely.to_wkb(points))
    assert np.array_equal(_point_coordinates(blobs), shapely.get_coordinates(points))


def test_other_wkb_falls_back_to_shapely() -> None:
    # Big-endian and 3D points are valid WKB the fast path does not take.
    big = shapely.to_wkb(shapely.Point(1.5, 2.5), byte_order=0)
    deep = shapely.to_wkb(shapely.Point(3.0, 4.0, 5.0), output_dimension=3)
    plain = shapely.to_wkb(shapely.Point(6.0, 7.0))
    got = _point_coordinates((big, plain))
    assert got.tolist() == [[1.5, 2.5], [6.0, 7.0]]
    assert _point_coordinates((deep, plain)).tolist() == [[3.0, 4.0], [6.0, 7.0]]
    assert _point_coordinates(()).shape == (0, 2)
