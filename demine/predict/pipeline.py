# SPDX-License-Identifier: GPL-3.0-or-later
"""The runs behind the commands: build a grid, score a grid (I/O glue).

Both work chunk by chunk through :func:`~demine.predict.parallel.map_ordered`:
in this process for small grids, on a Dask cluster for national ones.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer

from demine.errors import PredictionError
from demine.geo.area import to_equal_area
from demine.i18n import _
from demine.i18n.numbers import number
from demine.predict.coordinates import Lattice, fit_lattice, locate
from demine.predict.features import LABEL, band_features
from demine.predict.grid import GridSpec, grid_crs, grid_over
from demine.predict.hazards import HazardRiskAccumulator
from demine.predict.layers import FeatureOptions, Layers, prepare_layers, region_of
from demine.predict.model import DISSIMILARITY, HIGH, LOW, RISK, RiskModel
from demine.predict.parallel import map_ordered
from demine.predict.ranks import reference_of
from demine.predict.rasters import NODATA, read_raster, write_geotiff
from demine.predict.register import read_sources
from demine.predict.scoring import score_table
from demine.predict.tables import (
    CHUNK_ROWS,
    TableWriter,
    count_rows,
    crs_of,
    grid_spec_of,
    iter_table,
)
from demine.predict.terrain import RasterLayer
from demine.store.database import Database

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class GridRequest:
    """What grid to build: cell size, region, rasters, feature options."""

    cell: float
    region: str | None = None  # a vector file; default: the admin areas
    admin_level: str | None = None
    dem: str | None = None
    landcover: str | None = None
    options: FeatureOptions = field(default_factory=FeatureOptions)


def plan_grid(db: Database, request: GridRequest) -> Layers:
    """Read the register, lay the grid over the region, index the layers."""
    src = read_sources(db, request.admin_level)
    if request.region:
        region_ll = _region_file(request.region)
    else:
        region_ll = region_of(src.areas["geom"].to_numpy(dtype=object))
    lo_x, lo_y, hi_x, hi_y = (float(b) for b in shapely.bounds(region_ll))
    bounds = (lo_x, lo_y, hi_x, hi_y)
    crs = grid_crs(bounds)
    projected, _unused = to_equal_area(np.array([region_ll], dtype=object), crs)
    region = projected[0]
    xmin, ymin, xmax, ymax = (float(b) for b in shapely.bounds(region))
    spec = grid_over((xmin, ymin, xmax, ymax), request.cell, crs)
    log.info("grid: %d x %d cells of %g m", spec.nx, spec.ny, spec.cell)
    rasters: dict[str, RasterLayer] = {}
    if request.dem:
        dem = read_raster(request.dem, bounds)
        rasters["elevation"] = dem
        rasters["slope"] = dem.slope()
    if request.landcover:
        rasters["landcover"] = read_raster(request.landcover, bounds)
    return prepare_layers(src, spec, region, request.options, rasters)


def _region_file(path: str) -> shapely.Geometry:
    try:
        frame = pyogrio.read_dataframe(path)
    except (pyogrio.errors.DataSourceError, OSError) as exc:
        raise PredictionError(
            _("%(path)s: cannot read the region (%(reason)s)", path=path, reason=exc)
        ) from None
    if frame.crs is None:
        raise PredictionError(_("%(path)s: the region file has no CRS", path=path))
    geoms = frame.to_crs(4326).geometry.to_numpy()
    polys = geoms[np.isin(shapely.get_type_id(geoms), [3, 6])]
    if not len(polys):
        raise PredictionError(_("%(path)s: the region file has no polygons", path=path))
    return shapely.union_all(shapely.make_valid(polys))


def bands(spec: GridSpec, chunk_cells: int) -> list[tuple[int, int]]:
    """Row bands of about ``chunk_cells`` cells each (at least one row)."""
    rows = max(1, chunk_cells // spec.nx)
    return [(r, min(r + rows, spec.ny)) for r in range(0, spec.ny, rows)]


def _band(layers: Layers, band: tuple[int, int]) -> pd.DataFrame:
    return band_features(layers, *band)


def build_grid(
    layers: Layers,
    out: str | Path,
    chunk_cells: int = 1_000_000,
    client: Any = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write the grid's feature table to ``out``, band by band, in cell order."""
    spec = layers.spec
    counts = {"cells": 0, "positive": 0, "negative": 0, "unknown": 0}
    columns: list[str] = []
    with TableWriter(out, crs=spec.crs, spec=spec) as writer:

        def consume(band: tuple[int, int], table: pd.DataFrame) -> None:
            if not len(table):
                return
            writer.write(table)
            y = table[LABEL].to_numpy()
            counts["cells"] += len(table)
            counts["positive"] += int((y == 1).sum())
            counts["negative"] += int((y == 0).sum())
            counts["unknown"] += int((y < 0).sum())
            columns[:] = list(table.columns)
            if progress is not None:
                progress(band[1] - band[0])

        map_ordered(_band, layers, bands(spec, chunk_cells), consume, client)
    if not counts["cells"]:
        raise PredictionError(
            _("the region holds no grid cell: is the cell too large?")
        )
    return {**counts, "columns": columns, "cell_m": spec.cell, "out": str(out)}


def _risk_of(model: RiskModel, chunk: pd.DataFrame) -> pd.DataFrame:
    out = model.predict(chunk)
    return out.astype(dict.fromkeys((RISK, LOW, HIGH, DISSIMILARITY), np.float32))


def _in_worker() -> bool:
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


@dataclass
class RasterSink:
    """A risk raster filled chunk by chunk, written at the end."""

    path: Path
    lattice: Lattice
    crs: CRS
    spec: GridSpec | None
    values: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        cells = self.lattice.nx * self.lattice.ny
        if cells > 400_000_000:
            raise PredictionError(
                _(
                    "the raster would have %(cells)s pixels: too many",
                    cells=number(cells),
                )
            )
        self.values = np.full((self.lattice.ny, self.lattice.nx), NODATA, np.float32)

    def add(self, chunk: pd.DataFrame, risk: np.ndarray) -> None:
        if self.spec is not None and "cell_id" in chunk.columns:
            row, col = self.spec.rows_cols(chunk["cell_id"].to_numpy(np.int64))
            inside = np.ones(len(row), bool)
        else:
            loc = locate(chunk, self.crs)
            assert loc is not None
            row, col, inside = self.lattice.place(loc.x, loc.y)
        self.values[row[inside], col[inside]] = risk[inside]

    def close(self) -> None:
        write_geotiff(self.path, self.values, self.lattice.transform, self.crs)


def raster_sink(grid: str | Path, out: Path, crs: str | None) -> RasterSink:
    """Where each cell of ``grid`` falls in a GeoTIFF: from the grid's spec,
    or by fitting a lattice to its cell centres (one pass over them)."""
    spec = grid_spec_of(grid)
    if spec is not None:
        lattice = Lattice(spec.x0, spec.y0, spec.cell, spec.cell, spec.nx, spec.ny)
        return RasterSink(out, lattice, spec.crs, spec)
    given = CRS.from_user_input(crs) if crs else crs_of(grid)
    xs, ys, found_crs = [], [], given
    for chunk in iter_table(grid):
        loc = locate(chunk, given)
        if loc is None:
            raise PredictionError(
                _("%(grid)s: no coordinates to place cells in a GeoTIFF", grid=grid)
            )
        xs.append(loc.x)
        ys.append(loc.y)
        found_crs = loc.crs
    if found_crs is None:
        raise PredictionError(
            _(
                "%(grid)s: the CRS of its x / y columns is unknown: give --crs (or "
                "keep the .prj file beside the CSV)",
                grid=grid,
            )
        )
    lattice = fit_lattice(np.concatenate(xs), np.concatenate(ys))
    return RasterSink(out, lattice, found_crs, None)


def score_grid(
    model: RiskModel,
    grid: str | Path,
    outs: list[Path],
    chunk_rows: int = CHUNK_ROWS,
    client: Any = None,
    crs: str | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Score every cell of ``grid``; write each of ``outs`` (CSV, GeoPackage,
    Parquet, GeoTIFF) with rows in the input's order.

    The grid is the region: a first pass reads an evenly spaced sample of
    its rows (:mod:`~demine.predict.ranks`) that cells are ranked among.
    GeoTIFFs hold the risk; tables hold every output column."""
    given = CRS.from_user_input(crs) if crs else None
    tables = [
        TableWriter(p, crs=given or crs_of(grid), spec=grid_spec_of(grid))
        for p in outs
        if p.suffix.lower() not in (".tif", ".tiff")
    ]
    rasters = [
        raster_sink(grid, p, crs) for p in outs if p.suffix.lower() in (".tif", ".tiff")
    ]
    stats = {"cells": 0, "risk_sum": 0.0, "risk_max": 0.0, "outside": 0}
    model = _with_reference(model, grid, chunk_rows)

    def consume(chunk: pd.DataFrame, scored: pd.DataFrame) -> None:
        scored.index = chunk.index
        for writer in tables:
            writer.write(
                pd.concat(
                    [chunk.drop(columns=list(scored.columns), errors="ignore"), scored],
                    axis=1,
                )
            )
        risk = scored[RISK].to_numpy()
        for sink in rasters:
            sink.add(chunk, risk)
        stats["cells"] += len(chunk)
        stats["outside"] += int((scored["applicable"] == 0).sum())
        stats["risk_sum"] += float(np.nansum(risk))
        stats["risk_max"] = max(stats["risk_max"], float(np.nanmax(risk, initial=0)))
        if progress is not None:
            progress(len(chunk))

    chunks = _checked(model, iter_table(grid, chunk_rows))
    wanted = set(model.features.features)

    def features_only(chunk: pd.DataFrame) -> pd.DataFrame:
        return chunk[[c for c in chunk.columns if c in wanted]]

    try:
        map_ordered(_risk_of, model, chunks, consume, client, payload=features_only)
    finally:
        for writer in tables:
            writer.close()
    for sink in rasters:
        sink.close()
    mean = stats["risk_sum"] / stats["cells"] if stats["cells"] else math.nan
    return {
        "cells": stats["cells"],
        "risk_mean": mean,
        "risk_max": stats["risk_max"],
        "outside_applicability": stats["outside"],
        "outputs": [str(p) for p in outs],
    }


def _with_reference(model: RiskModel, grid: str | Path, chunk_rows: int) -> RiskModel:
    """The model ranking cells among a sample of the grid's own rows."""
    wanted = list(model.features.features)

    def matrix_of(chunk: pd.DataFrame) -> np.ndarray:
        return model.matrix(chunk[[c for c in chunk.columns if c in wanted]])

    rows = count_rows(grid) or 0
    header = next(iter_table(grid, 1)).columns
    present = [c for c in wanted if c in header] or None
    chunks = iter_table(grid, chunk_rows, columns=present)
    return model.with_reference(reference_of(chunks, matrix_of, rows))


def _checked(
    model: RiskModel, chunks: Iterator[pd.DataFrame]
) -> Iterator[pd.DataFrame]:
    """Chunks, the first one checked against the model (with a clear message)."""
    first = True
    for chunk in chunks:
        if first:
            score_table(model, chunk.head(1))  # raises on incompatible columns
            first = False
        yield chunk


def hazard_risks(
    risk_table: str | Path, hazards: pd.DataFrame, crs: str | None = None
) -> pd.DataFrame:
    """Mean and maximum risk per hazard from a scored grid, read in chunks."""
    given = CRS.from_user_input(crs) if crs else crs_of(risk_table)
    if Path(risk_table).suffix.lower() in (".tif", ".tiff"):
        raise PredictionError(
            _("aggregate from the scored table (.gpkg, .csv, .parquet)")
        )
    acc: HazardRiskAccumulator | None = None
    for chunk in iter_table(risk_table):
        if RISK not in chunk.columns:
            raise PredictionError(
                _(
                    "%(risk_table)s: no '%(risk)s' column; score it first",
                    risk_table=risk_table,
                    risk=RISK,
                )
            )
        loc = locate(chunk, given)
        if loc is None or loc.crs is None:
            raise PredictionError(
                _(
                    "%(risk_table)s: cell locations or their CRS unknown: give --crs",
                    risk_table=risk_table,
                )
            )
        if acc is None:
            to_grid = Transformer.from_crs("EPSG:4326", loc.crs, always_xy=True)
            polys = shapely.transform(
                hazards["geom"].to_numpy(dtype=object),
                to_grid.transform,
                interleaved=False,
            )
            acc = HazardRiskAccumulator(polys)
        acc.add(shapely.points(loc.x, loc.y), chunk[RISK].to_numpy(dtype=np.float64))
    if acc is None:
        raise PredictionError(
            _("%(risk_table)s: the table is empty", risk_table=risk_table)
        )
    table = acc.table()
    keep = [
        c
        for c in ("id", "external_id", "name", "hazard_class", "status")
        if c in hazards
    ]
    out = pd.concat([hazards[keep].reset_index(drop=True), table], axis=1)
    return out.rename(columns={"id": "hazard_id"})
