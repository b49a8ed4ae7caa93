# SPDX-License-Identifier: GPL-3.0-or-later
"""Publish a scored grid to the register: the map layer and risk per hazard.

A scored table (from ``demine predict score``) becomes the ``risk_cell``
layer (each cell's square in lon/lat) and the ``hazard_risk`` criterion
(cell risk aggregated over each approved hazard by
:func:`~demine.predict.hazards.hazard_risk_table`, marked applicable when
most of its cells lie inside the model's area of applicability), replacing
what was published before.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer

from demine.errors import PredictionError
from demine.i18n import _
from demine.predict.coordinates import Locations, fit_lattice, locate
from demine.predict.hazards import hazard_risk_table
from demine.predict.model import HIGH, INSIDE, LOW, RISK
from demine.predict.register import read_hazards
from demine.predict.tables import read_table
from demine.store.database import Database
from demine.store.risk import Published, publish_risk

WGS84 = CRS.from_epsg(4326)


def _given_shapes(frame: pd.DataFrame) -> NDArray[np.object_] | None:
    """The table's own cell polygons (a GeoPackage's, or WKT text), if any."""
    if hasattr(frame, "crs") and getattr(frame, "geometry", None) is not None:
        shapes = np.asarray(frame.geometry.values, dtype=object)
    elif "geometry" in frame.columns and frame["geometry"].dtype == object:
        shapes = shapely.from_wkt(
            frame["geometry"].to_numpy(dtype=object), on_invalid="ignore"
        )
    else:
        return None
    present = ~shapely.is_missing(shapes)
    polygonal = np.isin(shapely.get_type_id(shapes), (3, 6))
    return shapes if (polygonal | ~present).all() and present.any() else None


def _squares(loc: Locations, path: Path) -> NDArray[np.object_]:
    """Squares around cell centres, sized by the lattice the centres lie on."""
    try:
        lattice = fit_lattice(loc.x, loc.y)
    except PredictionError as exc:
        raise PredictionError(
            _(
                "%(path)s: cells without polygons must lie on a regular lattice to be "
                "drawn as squares (%(reason)s); give the table a geometry column of "
                "cell polygons (WKT) or publish the GeoPackage from 'predict score'",
                path=path,
                reason=exc,
            )
        ) from None
    hx, hy = lattice.dx / 2, lattice.dy / 2
    return np.asarray(shapely.box(loc.x - hx, loc.y - hy, loc.x + hx, loc.y + hy))


def _single(shapes: NDArray[np.object_]) -> NDArray[np.object_]:
    """Polygons only: a one-part multipolygon gives its part, others their hull."""
    multi = shapely.get_type_id(shapes) == 6
    if multi.any():
        parts = shapely.get_num_geometries(shapes[multi])
        shapes = shapes.copy()
        shapes[multi] = np.where(
            parts == 1,
            shapely.get_geometry(shapes[multi], 0),
            shapely.convex_hull(shapes[multi]),
        )
    return shapes


def _to(crs_from: CRS, crs_to: CRS, geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    if crs_from.equals(crs_to):
        return geoms
    move = Transformer.from_crs(crs_from, crs_to, always_xy=True)
    return np.asarray(shapely.transform(geoms, move.transform, interleaved=False))


def scored_cells(path: Path, crs: str | None = None) -> tuple[pd.DataFrame, CRS]:
    """Cells of a scored table: ``shape`` in the table's CRS, ``risk``, ``x``, ``y``.

    Raises PredictionError if the table has no risk, no locations or no CRS.
    """
    if path.suffix.lower() in (".tif", ".tiff"):
        raise PredictionError(
            _(
                "%(path)s: publish the scored table (.gpkg, .csv, .parquet), not a "
                "GeoTIFF",
                path=path,
            )
        )
    frame = read_table(path)
    if RISK not in frame.columns:
        raise PredictionError(
            _(
                "%(path)s: no '%(risk)s' column; run 'predict score' first",
                path=path,
                risk=RISK,
            )
        )
    given = CRS.from_user_input(crs) if crs else frame.attrs.get("crs")
    loc = locate(frame, given)
    if loc is None:
        raise PredictionError(
            _(
                "%(path)s: the cells have no geometry, x / y or lon / lat columns",
                path=path,
            )
        )
    if loc.crs is None:
        raise PredictionError(
            _("%(path)s: the CRS of the cells is unknown: give --crs", path=path)
        )
    shapes = _given_shapes(frame)
    cells = pd.DataFrame(
        {
            "shape": _single(shapes) if shapes is not None else _squares(loc, path),
            RISK: pd.to_numeric(frame[RISK], errors="coerce").to_numpy(np.float64),
            "x": loc.x,
            "y": loc.y,
        }
    )
    # Tables scored before intervals and applicability existed have neither:
    # every cell then counts as inside.
    for name in (LOW, HIGH, INSIDE):
        if name in frame.columns:
            cells[name] = pd.to_numeric(frame[name], errors="coerce").to_numpy()
    return cells, loc.crs


def publish_scores(
    db: Database, path: Path, model: str | None = None, crs: str | None = None
) -> Published:
    """Store a scored table's cells and its risk per approved hazard."""
    cells, grid = scored_cells(path, crs)
    scored = cells[np.isfinite(cells[RISK].to_numpy())]
    if scored.empty:
        raise PredictionError(_("%(path)s: no cell has a risk value", path=path))
    hazards = read_hazards(db)
    in_grid = pd.Series(
        _to(WGS84, grid, hazards["geom"].to_numpy(dtype=object)),
        index=hazards["id"].to_numpy(),
    )
    per_hazard = _hazard_figures(scored, in_grid)
    lonlat = pd.DataFrame(
        {
            "geom": _to(grid, WGS84, scored["shape"].to_numpy(dtype=object)),
            "risk": scored[RISK].to_numpy(),
        }
    )
    for name in (LOW, HIGH, INSIDE):
        if name in scored:
            lonlat[name] = scored[name].to_numpy()
    return publish_risk(db, lonlat, per_hazard, model or path.stem)


def _hazard_figures(cells: pd.DataFrame, hazards: pd.Series) -> pd.DataFrame:
    """Risk per hazard, and whether most of its ground (its nearest cell, for
    a hazard smaller than a cell) lies inside the area of applicability."""
    centres = shapely.points(cells["x"].to_numpy(), cells["y"].to_numpy())
    table = hazard_risk_table(centres, cells[RISK].to_numpy(), hazards)
    if INSIDE in cells:
        flag = (cells[INSIDE].fillna(1).to_numpy() != 0).astype(np.float64)
        share = hazard_risk_table(centres, flag, hazards)["risk_mean"].to_numpy()
        applicable = ~(share < 0.5)  # a hazard no cell reached stays unscored
    else:
        applicable = np.ones(len(table), dtype=bool)
    return pd.DataFrame(
        {
            "hazard_id": table.index.to_numpy(),
            "risk": table["risk_mean"].to_numpy(),
            "risk_max": table["risk_max"].to_numpy(),
            "cells": table["cells"].to_numpy(),
            "applicable": applicable,
        }
    )
