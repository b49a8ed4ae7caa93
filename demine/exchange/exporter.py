# SPDX-License-Identifier: GPL-3.0-or-later
"""Exporting the register: a GeoPackage of everything, or one entity a file.

Every entity becomes one layer named after it (``hazards``, ``releases`` ...)
with the register's field names, vocabularies as their text, references as
the other record's external id, or its uid when it has none (an EO model by
its model name), lists as comma-separated text and the areas the register
derives (``area_m2``, ``remaining_m2`` ...) for reading. Entities without
geometry become attribute tables, which GeoPackage, ``ogrinfo`` and QGIS all
list. Every record carries its ``uid``, the identity an import matches
first, so a record entered in the browser (no external id) is recognised
when the file comes back.

Files written here import again without a mapping, to the same register
content, and into the register they came from as nothing new and nothing
changed: that is the round trip ``tests/exchange/test_roundtrip.py`` checks
for every format and every entity.
"""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import shapely
from sqlalchemy import ColumnElement
from sqlalchemy.engine import Connection

from demine.errors import SourceError
from demine.exchange.entities import BBOX, KINDS, LAYERS, EntitySpec, entity
from demine.i18n import _
from demine.i18n.numbers import number
from demine.store.bulk import read_frame
from demine.store.database import Database

log = logging.getLogger(__name__)

FORMATS = ("gpkg", "geojson", "csv", "xlsx", "shapefile", "flatgeobuf")
SUFFIX_FORMAT = {
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".shp": "shapefile",
    ".zip": "shapefile",
    ".fgb": "flatgeobuf",
}
DRIVERS = {
    "gpkg": "GPKG",
    "geojson": "GeoJSON",
    "shapefile": "ESRI Shapefile",
    "flatgeobuf": "FlatGeobuf",
}
# Excel refuses longer cells and more rows.
XLSX_CELL = 32_767
XLSX_ROWS = 1_048_575
DBF_TEXT = 254
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx")

Progress = Callable[[str, int], Callable[[int], None]]


def export_format(path: Path, fmt: str | None) -> str:
    """The format asked for, or the one the file name implies."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise SourceError(
                _(
                    "unknown format %(fmt)r; use one of %(values)s",
                    fmt=fmt,
                    values=", ".join(FORMATS),
                )
            )
        return fmt
    found = SUFFIX_FORMAT.get(path.suffix.lower())
    if found is None:
        raise SourceError(
            _(
                "cannot tell the format from the file name; use --format (%(values)s)",
                values=", ".join(FORMATS),
            ),
            file=str(path),
        )
    return found


def export_register(
    db: Database,
    path: Path,
    *,
    kinds: Sequence[str] | None = None,
    fmt: str | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write ``kinds`` (default: all) to ``path``; returns rows per layer.

    GeoPackage and XLSX hold any number of entities (one layer or sheet
    each). The other formats hold one: for several, ``path`` is a folder
    that gets one file per entity, named after its layer (``hazards.geojson``
    ...); entities a Shapefile cannot hold (no geometry, or geometry of
    several types) go in CSV files there.
    """
    db.require_initialised()
    fmt = export_format(path, fmt)
    wanted = list(kinds) if kinds else list(KINDS)
    frames: dict[str, pd.DataFrame] = {}
    keys: dict[str, dict[int, str]] = {}
    with db.transaction() as conn:
        for kind in wanted:
            frames[kind] = entity_frame(conn, kind, keys)
    if fmt not in ("gpkg", "xlsx") and (len(wanted) > 1 or path.is_dir()):
        return _export_folder(path, fmt, frames, progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove(path, fmt)
    if fmt == "xlsx":
        return write_workbook(path, frames)
    counts = {}
    with _unsynced():
        for kind, frame in frames.items():
            advance = progress(LAYERS[kind], len(frame)) if progress else None
            write_layer(path, fmt, kind, frame)
            counts[LAYERS[kind]] = len(frame)
            if advance is not None:
                advance(len(frame))
    log.info("exported %d layers to %s", len(counts), path)
    return counts


@contextmanager
def _unsynced() -> Iterator[None]:
    """Let GDAL write a new GeoPackage without a disk sync per layer.

    The file is new and useless until complete, so waiting for each layer
    to reach the disk (three times slower) buys nothing.
    """
    key = "OGR_SQLITE_SYNCHRONOUS"
    before = pyogrio.get_gdal_config_option(key)
    pyogrio.set_gdal_config_options({key: "OFF"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({key: before})


FOLDER_SUFFIX = {
    "geojson": ".geojson",
    "csv": ".csv",
    "shapefile": ".shp",
    "flatgeobuf": ".fgb",
}


def _export_folder(
    folder: Path, fmt: str, frames: dict[str, pd.DataFrame], progress: Progress | None
) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for kind, frame in frames.items():
        target_fmt = fmt
        if fmt == "shapefile" and not _fits_shapefile(frame):
            # Rather than truncate a long WKT or note, or drop a geometry
            # type, the entity travels whole as CSV next to the Shapefiles.
            log.info("%s do not fit a Shapefile: written as CSV", LAYERS[kind])
            target_fmt = "csv"
        path = folder / f"{LAYERS[kind]}{FOLDER_SUFFIX[target_fmt]}"
        _remove(path, target_fmt)
        write_layer(path, target_fmt, kind, frame)
        counts[LAYERS[kind]] = len(frame)
        if progress is not None:
            progress(LAYERS[kind], len(frame))(len(frame))
    log.info("exported %d files to %s", len(counts), folder)
    return counts


def _fits_shapefile(frame: pd.DataFrame) -> bool:
    """One geometry type, and no text longer than a DBF field holds."""
    if "geometry" not in frame.columns:
        return False
    geoms = frame["geometry"].to_numpy(dtype=object)
    present = geoms[~shapely.is_missing(geoms)]
    if len({_family(g) for g in present}) > 1:
        return False
    return _too_long(frame, DBF_TEXT, _utf8_bytes) is None


def _remove(path: Path, fmt: str) -> None:
    if fmt == "shapefile" and path.suffix.lower() == ".shp":
        for suffix in SHAPEFILE_PARTS:
            path.with_suffix(suffix).unlink(missing_ok=True)
    elif path.exists():
        path.unlink()


def entity_frame(
    conn: Connection,
    kind: str,
    keys: dict[str, dict[int, str]] | None = None,
    where: ColumnElement[bool] | None = None,
) -> pd.DataFrame:
    """One entity as exported: readable, typed columns, ``geometry`` last.

    Columns carry their type even when every value is missing (so an empty
    date column is still a date field). ``keys`` caches, across calls, how
    other entities' records are named; ``where`` picks some of the records.
    """
    keys = {} if keys is None else keys
    spec = entity(kind)
    stored = read_frame(conn, kind, where=where)
    out: dict[str, Any] = {}
    for fs in spec.fields:
        if fs.name in BBOX or fs.name == spec.main_geometry:
            continue  # the bbox is an index, not content
        values = stored[fs.column]
        if fs.type == "ref":
            assert fs.ref is not None
            values = values.map(_keys(conn, fs.ref, keys), na_action="ignore")
        elif fs.type == "vocabs":
            values = values.map(_joined, na_action="ignore")
        elif fs.type == "json":
            values = values.map(_json_text, na_action="ignore")
        elif fs.type == "geometry":
            values = values.map(_wkt, na_action="ignore")
        out[fs.name] = _typed(fs.type, values)
    frame = pd.DataFrame(out)
    if spec.main_geometry is not None:
        frame["geometry"] = stored[spec.main_geometry].to_numpy(dtype=object)
    return frame


def _typed(kind: str, values: pd.Series) -> Any:
    """The column in a dtype that keeps its type through Arrow, nulls and all."""
    import pyarrow as pa

    if kind == "int":
        return pd.to_numeric(values).astype("Int64")
    if kind == "float":
        return pd.to_numeric(values).astype("Float64")
    if kind == "bool":
        return values.astype("boolean")
    if kind == "date":
        dates = pd.to_datetime(values).dt.date
        items = [None if pd.isna(d) else d for d in dates]
        return pd.array(items, dtype=pd.ArrowDtype(pa.date32()))
    items = [None if v is None or v is pd.NA or v != v else str(v) for v in values]
    return pd.array(items, dtype=pd.ArrowDtype(pa.string()))


def _reference_keys(stored: pd.DataFrame) -> pd.Series:
    """How a file names each record: its external id, else its uid."""
    ids = stored["external_id"].astype(object)
    return ids.where(ids.notna(), stored["uid"].astype(object))


def _keys(
    conn: Connection, target: str, cache: dict[str, dict[int, str]]
) -> dict[int, str]:
    """id -> the key a file uses for a record of ``target``."""
    if target not in cache:
        columns = ["id", "uid", "external_id"]
        columns += ["model"] if target == "eo_model" else []
        frame = read_frame(conn, target, columns)
        # An EO model is known by its model name; anything else by its id.
        keys = frame["model"] if target == "eo_model" else _reference_keys(frame)
        cache[target] = dict(zip(frame["id"].tolist(), keys.tolist(), strict=True))
    return cache[target]


def _joined(value: Any) -> str | None:
    items = [str(getattr(v, "value", v)) for v in (value or [])]
    return ", ".join(items) if items else None


def _json_text(value: Any) -> str | None:
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else None


def _wkt(value: Any) -> str | None:
    if value is None or value.is_empty:
        return None
    return str(shapely.to_wkt(value, rounding_precision=-1))


def write_layer(path: Path, fmt: str, kind: str, frame: pd.DataFrame) -> None:
    """Write one entity's frame in ``fmt`` (appending a layer to a GeoPackage)."""
    spec = entity(kind)
    if fmt == "csv":
        _write_csv(path, frame)
    elif fmt == "xlsx":
        write_workbook(path, {kind: frame})
    elif fmt == "shapefile":
        _write_shapefile(path, spec, frame)
    else:
        _write_vector(path, fmt, LAYERS[kind], frame, _geometry_kind(spec))


def _geometry_kind(spec: EntitySpec) -> str | None:
    if spec.main_geometry is None:
        return None
    return spec.by_name[spec.main_geometry].geometry


GEOMETRY_TYPES = {"polygon": "MultiPolygon", "point": "Point", "any": "Unknown"}


def _write_vector(
    path: Path, fmt: str, layer: str, frame: pd.DataFrame, geometry: str | None
) -> None:
    import geopandas as gpd

    options: dict[str, Any] = {"driver": DRIVERS[fmt], "layer": layer}
    if fmt == "gpkg":
        # GPKG 1.3 so that the GDAL of older distributions (Debian 12 has
        # 3.6) reads it without a warning.
        options["dataset_options"] = {"VERSION": "1.3"}
    if fmt == "geojson":
        options["layer_options"] = {"RFC7946": "NO", "WRITE_NAME": "NO"}
    data: Any = frame
    missing = "geometry" not in frame.columns or frame["geometry"].isna().any()
    if fmt == "flatgeobuf" and missing:
        # FlatGeobuf's spatial index cannot hold features without geometry.
        options["layer_options"] = {"SPATIAL_INDEX": "NO"}
    if "geometry" in frame.columns:
        data = gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
        options["geometry_type"] = GEOMETRY_TYPES.get(geometry or "any", "Unknown")
    elif fmt in ("geojson", "flatgeobuf"):
        data = gpd.GeoDataFrame(frame, geometry=[None] * len(frame), crs=4326)
    _write(data, path, options)


def _write(data: Any, path: Path, options: dict[str, Any]) -> None:
    options = {k: v for k, v in options.items() if v is not None}
    # Through Arrow, dates become Date fields and empty columns keep types.
    pyogrio.write_dataframe(data, path, use_arrow=True, **options)


def _text_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Plain Python values, geometry as WKT in ``geometry``: for CSV and XLSX."""
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        values = frame[name]
        if name == "geometry":
            values = values.map(_wkt, na_action="ignore")
        out[name] = values.astype(object).where(values.notna(), None)
    return out


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    _text_frame(frame).to_csv(path, index=False, date_format="%Y-%m-%d")


def write_workbook(
    path: Path,
    frames: dict[str, pd.DataFrame],
    on_rows: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """One sheet per entity, written in one pass (openpyxl's write-only mode).

    ``on_rows`` is told the rows written so far every 10,000 rows; it may
    raise to stop the export (a cancelled job).
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    counts = {}
    written = 0
    for kind, frame in frames.items():
        text = _text_frame(frame)
        if len(text) > XLSX_ROWS:
            raise SourceError(
                _(
                    "%(layers)s: %(n)s rows do not fit in an XLSX sheet; export a "
                    "GeoPackage or CSV",
                    layers=LAYERS[kind],
                    n=number(len(text)),
                ),
                file=str(path),
            )
        _check_lengths(path, kind, text, XLSX_CELL, "an XLSX cell")
        sheet = book.create_sheet(LAYERS[kind])
        sheet.append(list(text.columns))
        for row in text.itertuples(index=False, name=None):
            sheet.append(row)
            written += 1
            if on_rows is not None and written % 10_000 == 0:
                on_rows(written)
        counts[LAYERS[kind]] = len(frame)
    book.save(path)
    return counts


def _check_lengths(
    path: Path, kind: str, frame: pd.DataFrame, limit: int, where: str
) -> None:
    found = _too_long(frame, limit, len)
    if found is None:
        return
    name, pos, length = found
    raise SourceError(
        _(
            "%(layers)s: %(name)s holds %(length)s characters, more than "
            "%(where)s takes (%(limit)s); export a GeoPackage instead",
            layers=LAYERS[kind],
            name=name,
            length=number(length),
            where=where,
            limit=number(limit),
        ),
        file=str(path),
        row=pos + 2,
        field=name,
    )


def _utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _too_long(
    frame: pd.DataFrame, limit: int, measure: Callable[[str], int]
) -> tuple[str, int, int] | None:
    """The first text value longer than ``limit``: (column, position, length).

    Every column is looked at whatever its dtype (Arrow strings included).
    """
    for name in frame.columns:
        if name == "geometry":
            continue
        lengths = np.array(
            [measure(v) if isinstance(v, str) else 0 for v in frame[name].tolist()],
            dtype=np.int64,
        )
        if (lengths > limit).any():
            pos = int(np.argmax(lengths > limit))
            return str(name), pos, int(lengths[pos])
    return None


def _write_shapefile(path: Path, spec: EntitySpec, frame: pd.DataFrame) -> None:
    if "geometry" not in frame.columns:
        raise SourceError(
            _(
                "%(layer)s have no geometry; a Shapefile needs one (use CSV, XLSX or "
                "GeoPackage)",
                layer=spec.layer,
            ),
            file=str(path),
        )
    geoms = frame["geometry"].to_numpy(dtype=object)
    present = geoms[~shapely.is_missing(geoms)]
    kinds = {_family(g) for g in present}
    if len(kinds) > 1:
        raise SourceError(
            _(
                "%(layer)s mix geometry types (%(values)s); a Shapefile holds one "
                "(use GeoPackage)",
                layer=spec.layer,
                values=", ".join(sorted(kinds)),
            ),
            file=str(path),
        )
    _check_dbf_text(path, spec, frame)
    short = {fs.name: fs.short for fs in spec.fields}
    data = frame.rename(columns=short)
    if path.suffix.lower() != ".zip":
        _write_vector(path, "shapefile", path.stem, data, _geometry_kind(spec))
        return
    # A zipped Shapefile: write the parts in a scratch folder, then zip them.
    with tempfile.TemporaryDirectory() as scratch:
        target = Path(scratch) / f"{path.stem}.shp"
        _write_vector(target, "shapefile", path.stem, data, _geometry_kind(spec))
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for part in sorted(Path(scratch).iterdir()):
                archive.write(part, part.name)


def _check_dbf_text(path: Path, spec: EntitySpec, frame: pd.DataFrame) -> None:
    """Refuse, naming the record, text a DBF field would cut at 254 bytes."""
    found = _too_long(frame, DBF_TEXT, _utf8_bytes)
    if found is None:
        return
    name, pos, length = found
    raise SourceError(
        _(
            "%(layer)s: %(field)s of %(record)s is %(length)s bytes long, and a "
            "Shapefile text field holds %(limit)s; export a GeoPackage or CSV, or "
            "a folder with --format shapefile (such entities go in it as CSV)",
            layer=spec.layer,
            field=name,
            record=str(frame["external_id"].iloc[pos]),
            length=number(length),
            limit=number(DBF_TEXT),
        ),
        file=str(path),
        row=pos + 1,
        field=name,
    )


def _family(geom: Any) -> str:
    return str(geom.geom_type).removeprefix("Multi")
