# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading import files: vector layers, CSV and XLSX, into one shape.

:func:`read_source` returns a :class:`SourceTable`: the attribute columns,
the geometry already in WGS84 (vector formats), and for every row the row
number its sender sees (features count from 1; CSV and XLSX rows count the
header as row 1, as a spreadsheet does). Any failure to read is a
:class:`~demine.errors.SourceError` naming the file and, where it can be
found, the row, field and value.

Vector formats (GeoJSON, GeoPackage, Shapefile plain or zipped, FlatGeobuf)
go through GDAL (pyogrio); CSV through pandas after a strict decoding and a
field count of every row, so a truncated or malformed file is refused rather
than read in part; XLSX through openpyxl.
"""

from __future__ import annotations

import atexit
import codecs
import csv
import functools
import io
import logging
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
from numpy.typing import NDArray
from pyproj import CRS
from pyproj.exceptions import CRSError

from demine.errors import SourceError
from demine.exchange.opening import (
    ImportLimits,
    check_archive,
    display_name,
    gdal_source,
    plain_file,
    unpack_shapefile,
)
from demine.i18n import _, ngettext
from demine.i18n.numbers import number

log = logging.getLogger(__name__)

VECTOR = {
    ".geojson": "geojson",
    ".gpkg": "gpkg",
    ".shp": "shapefile",
    ".zip": "shapefile",
    ".fgb": "flatgeobuf",
    # a change file between registers that sync is a GeoPackage
    ".demine": "gpkg",
}
TABLE = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx"}
DEFAULT_LIMITS = ImportLimits()
SEPARATORS = (",", ";", "\t", "|")


@dataclass(frozen=True)
class ReadOptions:
    """How to read a file where it does not say itself.

    ``layer`` picks a GeoPackage layer or an XLSX sheet; ``crs`` is the CRS
    of a file that declares none (and of CSV/XLSX coordinates).
    """

    layer: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    crs: str | None = None
    limits: ImportLimits = DEFAULT_LIMITS


@dataclass
class SourceTable:
    """One table of an import file, ready for a mapping."""

    path: str
    format: str
    frame: pd.DataFrame
    rows: NDArray[np.int64]
    geometry: NDArray[np.object_] | None = None
    layer: str | None = None
    crs: str | None = None

    @property
    def name(self) -> str:
        """How messages name this table: the file, and the layer if chosen."""
        return f"{self.path} (layer {self.layer})" if self.layer else self.path

    def __len__(self) -> int:
        return len(self.frame)


def detect_format(path: Path) -> str:
    """``geojson``, ``gpkg``, ``shapefile``, ``flatgeobuf``, ``csv`` or ``xlsx``."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        with path.open("rb") as fh:
            head = fh.read(4096)
        return "geojson" if b"FeatureCollection" in head else "json"
    if suffix in VECTOR:
        return VECTOR[suffix]
    if suffix in TABLE:
        return TABLE[suffix]
    known = ", ".join(sorted({*VECTOR, *TABLE, ".json"}))
    raise SourceError(
        _(
            "unknown file type %(suffix)s; use %(known)s",
            suffix=suffix or "(none)",
            known=known,
        ),
        file=str(path),
    )


def list_layers(path: Path, limits: ImportLimits | None = None) -> list[str]:
    """Layer names of a vector file or sheet names of a workbook."""
    limits = limits or ImportLimits()
    fmt = detect_format(path)
    if fmt == "xlsx":
        return list(workbook_cells(path, limits))
    if fmt in ("csv", "json"):
        return []
    source = vector_source(path, fmt, limits)
    try:
        return [str(name) for name, _unused in pyogrio.list_layers(source)]
    except Exception as exc:  # GDAL raises several types for one cause
        raise SourceError(
            _broken_json(path, exc)
            or _(
                "cannot open: %(gdal_reason)s",
                gdal_reason=_gdal_reason(exc),
            ),
            file=str(path),
        ) from None


def vector_source(path: Path, fmt: str, limits: ImportLimits) -> str:
    """The checked source GDAL may open for ``path`` (zips unpacked first)."""
    if path.suffix.lower() == ".zip":
        path = _unpacked(path, limits)
    return gdal_source(path, fmt, limits)


def _unpacked(archive: Path, limits: ImportLimits) -> Path:
    plain_file(archive)
    info = archive.stat()
    return _unpack_once(str(archive.resolve()), info.st_mtime_ns, info.st_size, limits)


@functools.lru_cache(maxsize=8)
def _unpack_once(archive: str, mtime_ns: int, size: int, limits: ImportLimits) -> Path:
    # Listing the layers and reading them unpacks once; the folder goes at exit.
    folder = Path(tempfile.mkdtemp(prefix="demine-unzip-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    try:
        return unpack_shapefile(Path(archive), folder, limits)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def read_source(
    path: Path, options: ReadOptions, *, prefer_layer: str | None = None
) -> SourceTable:
    """Read ``path``; ``prefer_layer`` is taken when several layers and no choice."""
    if not path.exists():
        raise SourceError(_("no such file"), file=str(path))
    fmt = detect_format(path)
    if fmt == "csv":
        return read_csv(path, options)
    if fmt == "xlsx":
        return read_xlsx(path, options, prefer_layer)
    if fmt == "json":
        raise SourceError(
            _(
                "not a GeoJSON FeatureCollection; form submissions load with 'demine "
                "import submissions'"
            ),
            file=str(path),
        )
    return read_vector(path, fmt, options, prefer_layer)


def choose_layer(
    path: Path, layers: list[str], wanted: str | None, prefer: str | None
) -> str | None:
    """The layer to read: the one asked for, the only one, or the preferred."""
    if wanted is not None:
        if wanted not in layers:
            raise SourceError(
                _(
                    "no layer %(wanted)r; layers: %(values)s",
                    wanted=wanted,
                    values=", ".join(layers),
                ),
                file=str(path),
            )
        return wanted
    if len(layers) <= 1:
        return layers[0] if layers else None
    if prefer is not None and prefer in layers:
        return prefer
    raise SourceError(
        _(
            "has %(n)s layers; choose one with --layer: %(values)s",
            n=len(layers),
            values=", ".join(layers),
        ),
        file=str(path),
    )


def read_vector(
    path: Path, fmt: str, options: ReadOptions, prefer_layer: str | None
) -> SourceTable:
    """A GDAL-readable vector layer, reprojected to WGS84."""
    limits = options.limits
    layer = choose_layer(path, list_layers(path, limits), options.layer, prefer_layer)
    many = fmt == "gpkg"
    source = vector_source(path, fmt, limits)
    try:
        count = int(pyogrio.read_info(source, layer=layer)["features"])
        limits.check_rows(count, display_name(path))
        frame = pyogrio.read_dataframe(
            source,
            layer=layer,
            encoding=options.encoding,
            read_geometry=True,
            fid_as_index=False,
            max_features=limits.max_rows + 1,
        )
    except SourceError:
        raise
    except UnicodeDecodeError as exc:
        raise _encoding_error(path, exc, options.encoding) from None
    except Exception as exc:
        raise SourceError(
            _broken_json(path, exc)
            or _(
                "cannot read: %(gdal_reason)s",
                gdal_reason=_gdal_reason(exc),
            ),
            file=str(path),
        ) from None
    limits.check_rows(len(frame), display_name(path))
    geoms = None
    crs = None
    if "geometry" in frame.columns:
        geoms, crs = _to_wgs84(path, frame, options.crs)
        frame = pd.DataFrame(frame.drop(columns="geometry"))
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return SourceTable(str(path), fmt, frame, rows, geoms, layer if many else None, crs)


def source_crs(path: Path | str, declared: Any, assumed: str | None) -> CRS:
    """The CRS the file's coordinates are in: declared, else assumed, else WGS84."""
    try:
        if declared is not None:
            return CRS.from_user_input(declared)
        if assumed is not None:
            return CRS.from_user_input(assumed)
    except CRSError as exc:
        raise SourceError(
            _("unknown CRS: %(reason)s", reason=exc), file=str(path)
        ) from None
    log.warning("%s declares no CRS; reading it as WGS84 (EPSG:4326)", path)
    return CRS.from_epsg(4326)


def _to_wgs84(
    path: Path, frame: Any, assumed: str | None
) -> tuple[NDArray[np.object_], str]:
    crs = source_crs(path, frame.crs, assumed)
    geo = frame.set_crs(crs, allow_override=True) if frame.crs != crs else frame
    if not crs.equals(CRS.from_epsg(4326)):
        geo = geo.to_crs(4326)
    geoms = np.asarray(geo.geometry.values, dtype=object)
    # GeoPandas gives None for features without geometry; keep it that way.
    return geoms, crs.to_string()


def _gdal_reason(exc: Exception) -> str:
    """GDAL's reason, without server paths or the driver names they carry."""
    text = str(exc).strip() or type(exc).__name__
    text = re.sub(r"(?:[A-Za-z ]+:)?(/[^\s:'\"]+)+/([^/\s:'\"]+)", r"\2", text)
    text = re.sub(r"\s+", " ", text)
    return text.split("; It might help", 1)[0]


def _broken_json(path: Path, exc: Exception) -> str | None:
    """For a GeoJSON GDAL cannot parse, where it breaks off, in plain words.

    GDAL's own text ("Failed to read GeoJSON data; At line 1, character 48:
    Unterminated string") names its parser, not what the user can do.
    """
    match = re.search(r"line (\d+), character (\d+)", str(exc))
    if not match or path.suffix.lower() not in (".geojson", ".json"):
        return None
    line = int(match.group(1))
    with path.open("rb") as fh:
        head = b"".join(fh.readline() for _unused in range(line))
    features = len(re.findall(rb'"type"\s*:\s*"Feature"', head))
    return _(
        "the file is not complete GeoJSON: it breaks off in feature %(feature)s "
        "(line %(line)s, character %(character)s). It may be truncated; "
        "export or copy it again",
        feature=max(features, 1),
        line=line,
        character=match.group(2),
    )


def _encoding_error(
    path: Path, exc: UnicodeDecodeError, encoding: str | None
) -> SourceError:
    """Where in a vector file the undecodable text is: feature, field, value.

    GDAL hands over one field's bytes at a time, so they are looked up in
    the file to find the feature (GeoJSON) they belong to.
    """
    hint = _(
        "set the file's encoding (source.encoding in the mapping, or "
        "--encoding), e.g. latin-1 or cp1252"
    )
    name = encoding or "UTF-8"
    bad = bytes(exc.object)
    value = bad.decode("utf-8", "backslashreplace")[:80]
    data = path.read_bytes() if path.suffix.lower() in (".geojson", ".json") else b""
    pos = data.find(bad) if bad else -1
    if pos < 0:
        return SourceError(
            _(
                "is not %(name)s text (%(reason)s); %(hint)s",
                name=name,
                reason=exc.reason,
                hint=hint,
            ),
            file=str(path),
            value=value,
        )
    keys = re.findall(rb'"([^"]+)"\s*:\s*"?$', data[max(0, pos - 200) : pos])
    field = keys[-1].decode("utf-8", "replace") if keys else None
    features = len(re.findall(rb'"type"\s*:\s*"Feature"', data[:pos]))
    return SourceError(
        _("is not %(name)s text; %(hint)s", name=name, hint=hint),
        file=str(path),
        row=max(features, 1),
        field=field,
        value=value,
    )


# -- CSV -------------------------------------------------------------------


def read_csv(path: Path, options: ReadOptions) -> SourceTable:
    """A CSV file, strictly decoded and checked row by row before parsing."""
    plain_file(path)
    options.limits.check_bytes(path.stat().st_size, display_name(path))
    data = path.read_bytes()
    text = decode(path, data, options.encoding, options.delimiter)
    if not text.strip():
        raise SourceError(_("is empty"), file=str(path))
    sep = options.delimiter or sniff_delimiter(text)
    header = next(csv.reader(io.StringIO(text.split("\n", 1)[0]), delimiter=sep))
    header = [h.strip() for h in header]
    _check_header(path, header)
    engine = _csv_engine()
    # Arrow's reader refuses rows of the wrong width itself, so a plain file
    # (no quotes, no blank lines) needs no row-by-row count first.
    plain = engine == "pyarrow" and '"' not in text and "\n\n" not in text.strip()
    rows = None if plain else _check_rows(path, text, sep, len(header))
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=True,
            engine=engine,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        _check_rows(path, text, sep, len(header))  # names the row, if it can
        raise SourceError(
            _("is not valid CSV: %(reason)s", reason=exc), file=str(path)
        ) from None
    frame.columns = header
    options.limits.check_rows(len(frame), display_name(path))
    if rows is None:
        rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return SourceTable(str(path), "csv", frame, rows[: len(frame)])


def _csv_engine() -> str:
    """Arrow's CSV reader where installed: four times pandas' own."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return "c"
    return "pyarrow"


def decode(path: Path, data: bytes, encoding: str | None, delimiter: str | None) -> str:
    """The file's text; undecodable bytes name their row, field and value."""
    name = encoding or "utf-8-sig"
    try:
        # A byte-order mark is how Excel writes UTF-8: "utf-8" accepts it too.
        if codecs.lookup(name).name == "utf-8":
            name = "utf-8-sig"
        text = data.decode(name)
    except LookupError:
        raise SourceError(
            _("unknown encoding %(encoding)r", encoding=encoding), file=str(path)
        ) from None
    except UnicodeDecodeError as exc:
        raise _csv_encoding_error(path, data, exc, encoding, delimiter) from None
    if encoding and _is_mojibake(data, encoding):
        raise SourceError(
            _(
                "is declared %(encoding)s but is UTF-8 text (accents would come out "
                "as 'Ã©'); remove the encoding setting",
                encoding=encoding,
            ),
            file=str(path),
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _is_mojibake(data: bytes, encoding: str) -> bool:
    """A one-byte encoding declared for text that is valid, non-ASCII UTF-8."""
    try:
        if len("é".encode(encoding)) != 1 or data.isascii():
            return False
        data.decode("utf-8")
    except (UnicodeError, LookupError):
        return False
    return True


def _csv_encoding_error(
    path: Path,
    data: bytes,
    exc: UnicodeDecodeError,
    encoding: str | None,
    delimiter: str | None,
) -> SourceError:
    start = exc.start
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", start)
    line_bytes = data[line_start : line_end if line_end >= 0 else len(data)]
    head = data.split(b"\n", 1)[0].decode("utf-8", "replace")
    sep = delimiter or sniff_delimiter(head)
    header = next(csv.reader([head], delimiter=sep), [])
    prefix = data[line_start:start].decode("utf-8", "replace")
    index = len(next(csv.reader([prefix], delimiter=sep), [""])) - 1
    fields = next(
        csv.reader([line_bytes.decode("utf-8", "backslashreplace")], delimiter=sep),
        [],
    )
    field = header[index].strip() if 0 <= index < len(header) else None
    value = fields[index] if 0 <= index < len(fields) else None
    return SourceError(
        _(
            "is not %(encoding)s text; set the file's encoding (source.encoding in the "
            "mapping, or --encoding), e.g. latin-1 or cp1252",
            encoding=encoding or "UTF-8",
        ),
        file=str(path),
        row=data.count(b"\n", 0, start) + 1,
        field=field,
        value=value,
    )


def sniff_delimiter(text: str) -> str:
    """The separator used most in the header line."""
    head = text.split("\n", 1)[0]
    counts = {sep: head.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def _check_header(path: Path, header: list[str]) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if not name:
            raise SourceError(
                _("column %(i)s of the header has no name", i=i), file=str(path), row=1
            )
        if name in seen:
            raise SourceError(
                _(
                    "column %(name)r appears twice in the header (columns %(seen)s "
                    "and %(i)s)",
                    name=name,
                    seen=seen[name],
                    i=i,
                ),
                file=str(path),
                row=1,
                field=name,
            )
        seen[name] = i


def _check_rows(path: Path, text: str, sep: str, width: int) -> NDArray[np.int64]:
    """Row numbers (header = 1) of the data rows, blank lines skipped.

    Every row must have as many fields as the header: otherwise the file is
    truncated or malformed, and which row says so.
    """
    if '"' in text:
        reader = csv.reader(io.StringIO(text), delimiter=sep)
        counts = [(reader.line_num, len(fields)) for fields in reader if fields]
    else:
        lines = text.split("\n")
        counts = [(n, line.count(sep) + 1) for n, line in enumerate(lines, 1) if line]
    bad = [(n, c) for n, c in counts if c != width]
    if bad:
        row, count = bad[0]
        more = (
            ngettext(
                " (%(num)s more row like it)",
                " (%(num)s more rows like it)",
                len(bad) - 1,
                num=number(len(bad) - 1),
            )
            if len(bad) > 1
            else ""
        )
        last = row == counts[-1][0] and not text.endswith("\n")
        why = _("; the file looks truncated") if last and count < width else ""
        raise SourceError(
            _(
                "has %(count)s fields where the header has %(width)s%(why)s%(more)s",
                count=count,
                width=width,
                why=why,
                more=more,
            ),
            file=str(path),
            row=row,
        )
    if '"' in text and text.count('"') % 2:
        raise SourceError(_("has an unclosed quote; is it truncated?"), file=str(path))
    return np.asarray([n for n, _unused in counts[1:]], dtype=np.int64)


# -- XLSX ------------------------------------------------------------------


def _open_workbook(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(
            _(
                "is not a readable XLSX workbook (damaged or truncated?): %(reason)s",
                reason=exc,
            ),
            file=str(path),
        ) from None


def workbook_cells(
    path: Path, limits: ImportLimits | None = None
) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values, read once per version of the file.

    Opening a workbook costs a scan of every sheet, so a register import
    that reads fourteen sheets opens it once, not fourteen times. The
    workbook's unpacked size and each sheet's rows are limited.
    """
    limits = limits or ImportLimits()
    check_archive(path, limits)
    stat = path.stat()
    return _cells(str(path.resolve()), stat.st_mtime_ns, stat.st_size, limits)


@functools.lru_cache(maxsize=2)
def _cells(
    path: str, mtime_ns: int, size: int, limits: ImportLimits
) -> dict[str, list[tuple[Any, ...]]]:
    book = _open_workbook(Path(path))
    try:
        return {name: _sheet_rows(book[name], path, limits) for name in book.sheetnames}
    except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
        raise SourceError(
            _("is damaged or truncated: %(reason)s", reason=exc), file=path
        ) from None
    finally:
        book.close()


def _sheet_rows(sheet: Any, path: str, limits: ImportLimits) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for row in sheet.iter_rows(values_only=True):
        rows.append(row)
        if len(rows) > limits.max_rows + 1:  # the header is not a row
            limits.check_rows(len(rows) - 1, display_name(path))
    return rows


def read_xlsx(path: Path, options: ReadOptions, prefer: str | None) -> SourceTable:
    """One sheet of a workbook: header in row 1, typed cells as Excel typed them."""
    sheets = workbook_cells(path, options.limits)
    sheet_name = choose_layer(path, list(sheets), options.layer, prefer)
    assert sheet_name is not None
    cells = sheets[sheet_name]
    if not cells:
        raise SourceError(
            _("sheet %(sheet_name)r is empty", sheet_name=sheet_name), file=str(path)
        )
    header = [("" if h is None else str(h)).strip() for h in cells[0]]
    while header and not header[-1]:
        header.pop()
    _check_header(path, header)
    width = len(header)
    numbers, records = [], []
    for n, row in enumerate(cells[1:], start=2):
        values = list(row[:width]) + [None] * (width - len(row))
        if any(v is not None and str(v).strip() for v in values):
            numbers.append(n)
            records.append(values)
    frame = pd.DataFrame(records, columns=header, dtype=object)
    rows = np.asarray(numbers, dtype=np.int64)
    return SourceTable(str(path), "xlsx", frame, rows, layer=sheet_name)
