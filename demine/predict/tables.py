# SPDX-License-Identifier: GPL-3.0-or-later
"""Grid tables in and out (I/O): CSV, GeoPackage, Parquet, any GDAL vector.

Tables are read whole or in chunks of rows, and written chunk by chunk, so a
national grid never has to sit in memory at once. A table's CRS travels in
``frame.attrs["crs"]``: from the GeoPackage, from Parquet metadata, or from a
``.prj`` file beside a CSV (the GIS convention; ``demine predict grid``
writes one), since a CSV cannot say which projection its ``x`` / ``y`` use.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from demine.errors import PredictionError
from demine.i18n import _
from demine.predict.columns import labels_of
from demine.predict.coordinates import locate
from demine.predict.grid import GridSpec

log = logging.getLogger(__name__)

CHUNK_ROWS = 500_000
GRID_KEY = b"demine:grid"
CRS_KEY = b"demine:crs"
LAYER = "cells"


def kind_of(path: str | Path) -> str:
    """``csv``, ``gpkg``, ``parquet`` or ``vector`` (anything GDAL reads)."""
    suffix = Path(path).suffix.lower()
    return {".csv": "csv", ".gpkg": "gpkg", ".parquet": "parquet"}.get(suffix, "vector")


def _missing(path: Path) -> PredictionError:
    return PredictionError(_("%(path)s: no such file", path=path))


def grid_spec_of(path: str | Path) -> GridSpec | None:
    """The grid spec a Parquet grid carries in its metadata, if any."""
    if kind_of(path) != "parquet":
        return None
    import pyarrow.parquet as pq

    meta = pq.read_schema(path).metadata or {}
    return GridSpec.from_json(meta[GRID_KEY].decode()) if GRID_KEY in meta else None


def crs_of(path: str | Path) -> CRS | None:
    """The CRS a table states (GeoPackage, Parquet metadata, ``.prj``)."""
    path = Path(path)
    kind = kind_of(path)
    if kind == "csv":
        prj = path.with_suffix(".prj")
        return CRS.from_wkt(prj.read_text("utf-8")) if prj.exists() else None
    if kind == "parquet":
        import pyarrow.parquet as pq

        meta = pq.read_schema(path).metadata or {}
        return CRS.from_wkt(meta[CRS_KEY].decode()) if CRS_KEY in meta else None
    info = pyogrio.read_info(path)
    return CRS.from_user_input(info["crs"]) if info.get("crs") else None


def count_rows(path: str | Path) -> int | None:
    """Rows of a table, cheaply (metadata, or counting CSV lines)."""
    path = Path(path)
    kind = kind_of(path)
    if not path.exists():
        raise _missing(path)
    if kind == "parquet":
        import pyarrow.parquet as pq

        return int(pq.read_metadata(path).num_rows)
    if kind == "csv":
        lines = 0
        with path.open("rb") as fh:
            while block := fh.read(1 << 24):
                lines += block.count(b"\n")
        return max(lines - 1, 0)
    try:
        return int(pyogrio.read_info(path)["features"])
    except pyogrio.errors.DataSourceError as exc:
        raise PredictionError(
            _("%(path)s: cannot read the table (%(reason)s)", path=path, reason=exc)
        ) from None


def iter_table(
    path: str | Path, chunk_rows: int = CHUNK_ROWS, columns: list[str] | None = None
) -> Iterator[pd.DataFrame]:
    """Chunks of rows of a table, in order; ``attrs["crs"]`` set if known."""
    path = Path(path)
    if not path.exists():
        raise _missing(path)
    crs = crs_of(path)
    kind = kind_of(path)
    try:
        for chunk in _chunks(path, kind, chunk_rows, columns):
            chunk.attrs["crs"] = crs
            yield chunk
    except (pyogrio.errors.DataSourceError, pd.errors.ParserError, OSError) as exc:
        raise PredictionError(
            _("%(path)s: cannot read the table (%(reason)s)", path=path, reason=exc)
        ) from None


def _chunks(
    path: Path, kind: str, chunk_rows: int, columns: list[str] | None
) -> Iterator[pd.DataFrame]:
    if kind == "csv":
        yield from pd.read_csv(path, chunksize=chunk_rows, usecols=columns)
    elif kind == "parquet":
        import pyarrow.parquet as pq

        with pq.ParquetFile(path) as pf:
            for batch in pf.iter_batches(batch_size=chunk_rows, columns=columns):
                yield batch.to_pandas()
    else:
        total = pyogrio.read_info(path)["features"]
        for start in range(0, max(total, 1), chunk_rows):
            frame = pyogrio.read_dataframe(
                path, columns=columns, skip_features=start, max_features=chunk_rows
            )
            yield frame


def read_table(
    path: str | Path, label: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> pd.DataFrame:
    """A whole table; with ``label``, only its labelled rows (1 / 0).

    Reading labelled rows chunk by chunk keeps a national grid, mostly
    unknown cells, within memory; ``attrs["unknown"]`` counts the rows left.
    """
    parts: list[pd.DataFrame] = []
    unknown = 0
    crs = None
    for chunk in iter_table(path, chunk_rows):
        crs = chunk.attrs.get("crs")
        if label is not None:
            y = labels_of(chunk, label)
            unknown += int((y < 0).sum())
            chunk = chunk[y >= 0]
        parts.append(chunk)
    if not parts:
        raise PredictionError(_("%(path)s: the table is empty", path=path))
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    if isinstance(parts[0], gpd.GeoDataFrame) and not isinstance(
        frame, gpd.GeoDataFrame
    ):
        frame = gpd.GeoDataFrame(frame, geometry=parts[0].geometry.name, crs=crs)
    frame.attrs["crs"] = crs
    frame.attrs["unknown"] = unknown
    return frame


class TableWriter:
    """Write a table chunk by chunk to CSV, GeoPackage or Parquet.

    GeoPackage rows need a geometry: the chunk's own (a GeoDataFrame), the
    cell squares of ``spec`` (with a ``cell_id`` column), or points at the
    cells' coordinates.
    """

    def __init__(
        self, path: str | Path, crs: CRS | None = None, spec: GridSpec | None = None
    ) -> None:
        self.path = Path(path)
        self.kind = kind_of(path)
        if self.kind == "vector":
            raise PredictionError(
                _(
                    "%(path)s: write .csv, .gpkg or .parquet (or .tif for risk)",
                    path=path,
                )
            )
        self.crs = crs
        self.spec = spec
        self.rows = 0
        self._parquet: Any = None
        self._schema: Any = None
        if self.path.exists():
            self.path.unlink()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def write(self, chunk: pd.DataFrame) -> None:
        """Append ``chunk`` to the table."""
        if self.kind == "csv":
            self._write_csv(chunk)
        elif self.kind == "parquet":
            self._write_parquet(chunk)
        else:
            self._write_gpkg(chunk)
        self.rows += len(chunk)

    def _write_csv(self, chunk: pd.DataFrame) -> None:
        if isinstance(chunk, gpd.GeoDataFrame):
            chunk = pd.DataFrame(chunk).assign(
                **{chunk.geometry.name: shapely.to_wkt(chunk.geometry.values)}
            )
        first = self.rows == 0
        chunk.to_csv(self.path, mode="w" if first else "a", header=first, index=False)
        if first and self.crs is not None:
            self.path.with_suffix(".prj").write_text(self.crs.to_wkt(), "utf-8")

    def _write_parquet(self, chunk: pd.DataFrame) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if isinstance(chunk, gpd.GeoDataFrame):
            name = chunk.geometry.name
            chunk = pd.DataFrame(chunk).assign(
                **{name: shapely.to_wkb(chunk[name].values)}
            )
        # The CRS travels in the file's own metadata, not in pandas attrs.
        chunk = chunk.copy(deep=False)
        chunk.attrs = {}
        if self._parquet is None:
            table = pa.Table.from_pandas(chunk, preserve_index=False)
            meta = dict(table.schema.metadata or {})
            if self.crs is not None:
                meta[CRS_KEY] = self.crs.to_wkt().encode()
            if self.spec is not None:
                meta[GRID_KEY] = self.spec.to_json().encode()
            self._schema = table.schema.with_metadata(meta)
            self._parquet = pq.ParquetWriter(self.path, self._schema)
        table = pa.Table.from_pandas(chunk, schema=self._schema, preserve_index=False)
        self._parquet.write_table(table, row_group_size=CHUNK_ROWS)

    def _write_gpkg(self, chunk: pd.DataFrame) -> None:
        frame = self._geo(chunk)
        pyogrio.write_dataframe(
            frame, self.path, layer=LAYER, driver="GPKG", append=self.rows > 0
        )

    def _geo(self, chunk: pd.DataFrame) -> gpd.GeoDataFrame:
        if isinstance(chunk, gpd.GeoDataFrame):
            return chunk
        if self.spec is not None and "cell_id" in chunk.columns:
            ids = chunk["cell_id"].to_numpy(dtype=np.int64)
            return gpd.GeoDataFrame(chunk, geometry=self.spec.boxes(ids), crs=self.crs)
        loc = locate(chunk, self.crs)
        if loc is None:
            raise PredictionError(
                _(
                    "cannot write a GeoPackage: the table has no geometry or "
                    "coordinates; write .csv instead"
                )
            )
        if "geometry" in chunk.columns:
            # A column of WKT text, as in CSV grids: keep the shapes themselves.
            text = chunk["geometry"].astype(object).to_numpy()
            shapes = shapely.from_wkt(text, on_invalid="ignore")
            rest = chunk.drop(columns="geometry")
            return gpd.GeoDataFrame(rest, geometry=shapes, crs=loc.crs)
        points = shapely.points(loc.x, loc.y)
        return gpd.GeoDataFrame(chunk, geometry=points, crs=loc.crs)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
