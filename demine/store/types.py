# SPDX-License-Identifier: GPL-3.0-or-later
"""A geometry column type that works on SQLite and on PostGIS.

On PostgreSQL the column is a native ``geometry(<type>, 4326)`` (so QGIS and
GiST indexes see real geometry); values travel as hex EWKB, which PostGIS both
accepts as input and prints as output, so no SQL functions wrap the values.
On SQLite the column is a BLOB holding ISO WKB. Either way Python sees Shapely
geometries. Empty geometries are stored as NULL.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import LargeBinary
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

WGS84 = 4326


class PostGISGeometry(UserDefinedType[Any]):
    """The native PostGIS column type; only its DDL matters."""

    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = WGS84) -> None:
        self.geometry_type = geometry_type
        self.srid = srid

    def get_col_spec(self, **kw: Any) -> str:
        return f"geometry({self.geometry_type},{self.srid})"


class Geometry(TypeDecorator[BaseGeometry]):
    """Shapely geometry in WGS84, native on PostGIS and WKB on SQLite.

    ``geometry_type`` is the PostGIS type name (``MULTIPOLYGON``, ``POINT``,
    ``GEOMETRY`` ...). Already-encoded values (bytes or hex text, as made by
    :func:`encode_many` for bulk writes) pass through unchanged.
    """

    impl = LargeBinary
    cache_ok = True

    def __init__(self, geometry_type: str = "GEOMETRY", srid: int = WGS84) -> None:
        super().__init__()
        self.geometry_type = geometry_type.upper()
        self.srid = srid

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(
                PostGISGeometry(self.geometry_type, self.srid)
            )
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or isinstance(value, bytes | str):
            return value
        return encode_one(value, dialect.name, self.srid)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return shapely.from_wkb(value)

    def copy(self, **kw: Any) -> Geometry:
        return Geometry(self.geometry_type, self.srid)


def encode_one(geom: BaseGeometry | None, dialect_name: str, srid: int = WGS84) -> Any:
    """Encode one geometry for the given dialect (None for empty)."""
    if geom is None or geom.is_empty:
        return None
    if dialect_name == "postgresql":
        return shapely.to_wkb(
            shapely.set_srid(geom, srid), hex=True, include_srid=True, flavor="extended"
        )
    return shapely.to_wkb(geom)


def encode_many(geoms: np.ndarray, dialect_name: str, srid: int = WGS84) -> list[Any]:
    """Vectorised :func:`encode_one` for bulk inserts and COPY."""
    geoms = np.asarray(geoms, dtype=object)
    empty = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    out = np.full(len(geoms), None, dtype=object)
    keep = ~empty
    if keep.any():
        if dialect_name == "postgresql":
            out[keep] = shapely.to_wkb(
                shapely.set_srid(geoms[keep], srid),
                hex=True,
                include_srid=True,
                flavor="extended",
            )
        else:
            out[keep] = shapely.to_wkb(geoms[keep])
    return out.tolist()


def decode_many(values: Any) -> np.ndarray:
    """Decode a column of stored WKB/hex EWKB values into Shapely geometries."""
    arr = np.asarray(values, dtype=object)
    out = np.full(len(arr), None, dtype=object)
    present = np.array([v is not None for v in arr], dtype=bool)
    if present.any():
        out[present] = shapely.from_wkb(arr[present])
    return out


def _register_reflection() -> None:
    """Let reflection (Alembic's comparison, inspectors) know PostGIS columns."""
    from sqlalchemy.dialects.postgresql.base import ischema_names

    ischema_names.setdefault("geometry", PostGISGeometry)


_register_reflection()
