# SPDX-License-Identifier: GPL-3.0-or-later
"""Opening an import file safely: the one door every file goes through.

GDAL picks its driver from a file's content, not its name, so an OGR VRT
saved as ``.geojson`` would be read as VRT and could read any file the server
can, fetch URLs through ``/vsicurl/`` or open the register itself (issue 19).
Every path that reads a file someone sent (the browser import, ``demine
import``, ODK/KoBo exports) therefore goes through :func:`gdal_source`,
:func:`unpack_shapefile` and :func:`check_archive`:

- the file's first bytes must match the format its name declares (GeoJSON
  text, a GeoPackage's SQLite header, a shapefile's file code, FlatGeobuf's
  magic bytes); anything else is refused before GDAL sees it;
- GDAL opens it with the declared driver named in the path where GDAL allows
  it (``GeoJSON:``, ``GPKG:``), and drivers that read other files or the
  network (VRT, SQLite, WFS, GDALG...) are not registered at all
  (``GDAL_SKIP``, set before GDAL starts: see :mod:`demine.safe_gdal`);
- a GeoPackage is inspected with SQLite itself, read-only and immutable,
  and refused if it holds views, virtual tables other than spatial indexes,
  or triggers calling GDAL's SQL functions or ``ATTACH``;
- a zipped shapefile is unpacked by Python (one level, no folders, no
  links, sizes counted as written) so GDAL never follows a path inside it;
  sidecars (``.prj``, ``.cpg``) must be plain files beside the ``.shp``;
- uncompressed size and feature count are limited (:class:`ImportLimits`).

Messages name the file as its sender knows it, never a GDAL driver or a
server path.
"""

from __future__ import annotations

import re
import sqlite3
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from demine.errors import SourceError
from demine.safe_gdal import harden_gdal
from demine.settings import Settings

# The only GDAL drivers an import may use, by declared format.
DRIVERS = {
    "geojson": "GeoJSON",
    "gpkg": "GPKG",
    "shapefile": "ESRI Shapefile",
    "flatgeobuf": "FlatGeobuf",
}
SHAPEFILE_PARTS = frozenset({".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn"})
SHAPEFILE_PARTS |= frozenset({".sbx", ".qmd", ".xml"})
# Words a GeoPackage's trigger must not hold: they reach outside the file.
FORBIDDEN_SQL = re.compile(
    r"\battach\b|\bload_extension\b|\bogr_|\bvirtualogr\b|\bgdal_|\bspatialite",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ImportLimits:
    """How much one import may hold: bytes once unpacked, and rows.

    The defaults are those of :class:`demine.settings.Settings`.
    """

    max_bytes: int = 1_000_000_000
    max_rows: int = 2_000_000

    @classmethod
    def from_settings(cls, settings: Settings) -> ImportLimits:
        """The limits every import of this installation reads files within."""
        return cls(settings.import_max_bytes, settings.import_max_rows)

    def check_rows(self, count: int, file: str) -> None:
        if count > self.max_rows:
            raise SourceError(
                f"holds {count:,} rows or more; one import may hold at most "
                f"{self.max_rows:,} (split the file, or ask the administrator "
                "to raise DEMINE_IMPORT_MAX_ROWS)",
                file=file,
            )

    def check_bytes(self, size: int, file: str) -> None:
        if size > self.max_bytes:
            raise SourceError(
                f"unpacks to more than {self.max_bytes:,} bytes, the most one "
                "import may hold (DEMINE_IMPORT_MAX_BYTES)",
                file=file,
            )


def display_name(path: Path | str) -> str:
    """The name the sender gave the file, without the server's folders."""
    return Path(str(path)).name


def plain_file(path: Path) -> None:
    """Refuse links, devices, virtual or remote paths: only a regular file."""
    text = str(path)
    if text.startswith("/vsi") or "://" in text:
        raise SourceError("is not a local file", file=display_name(path))
    try:
        info = path.lstat()
    except OSError:
        raise SourceError("no such file", file=str(path)) from None
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
        raise SourceError(
            "is a link or a special file; send the file itself",
            file=display_name(path),
        )


def gdal_source(path: Path, fmt: str, limits: ImportLimits) -> str:
    """What to hand GDAL for ``path`` of declared format ``fmt``, once checked.

    Raises :class:`SourceError` when the content is not of that format or is
    larger than ``limits`` allow.
    """
    if fmt not in DRIVERS:
        raise SourceError(f"cannot be read as {fmt}", file=display_name(path))
    plain_file(path)
    limits.check_bytes(path.stat().st_size, display_name(path))
    with path.open("rb") as fh:
        head = fh.read(100)
    if not _matches(fmt, head):
        raise SourceError(
            f"is not a {_FORMAT_NAMES[fmt]} file, whatever its name says; "
            "save it again in that format",
            file=display_name(path),
        )
    harden_gdal()
    resolved = path.resolve()
    if fmt == "gpkg":
        check_geopackage(resolved)
        return f"GPKG:{resolved}"
    if fmt == "shapefile":
        check_sidecars(resolved)
        return str(resolved)
    if fmt == "geojson":
        return f"GeoJSON:{resolved}"
    return str(resolved)


_FORMAT_NAMES = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shapefile": "shapefile",
    "flatgeobuf": "FlatGeobuf",
}


def _matches(fmt: str, head: bytes) -> bool:
    if fmt == "geojson":
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        return text.startswith(b"{")
    if fmt == "gpkg":
        # Some tools leave the application id 0; the GPKG driver, named in
        # the path, then decides whether it is a GeoPackage.
        return head.startswith(b"SQLite format 3\x00")
    if fmt == "shapefile":
        # File code 9994, big-endian, then five unused zero words.
        return head[:4] == b"\x00\x00\x27\x0a"
    if fmt == "flatgeobuf":
        return head[:3] == b"fgb" and head[4:7] == b"fgb"
    return False


def check_geopackage(path: Path) -> None:
    """Refuse a GeoPackage whose SQL could reach outside the file.

    Read with SQLite itself, read-only and immutable (no journal, no
    ``-wal``/``-shm`` files made or removed), before GDAL opens it.
    """
    name = display_name(path)
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        raise SourceError(
            "cannot be read as a GeoPackage (damaged or truncated?)", file=name
        ) from None
    try:
        rows = conn.execute(
            "SELECT type, name, COALESCE(sql, '') FROM sqlite_master"
        ).fetchall()
    except sqlite3.DatabaseError:
        raise SourceError(
            "cannot be read as a GeoPackage (damaged or truncated?)", file=name
        ) from None
    finally:
        conn.close()
    for kind, obj, sql in rows:
        if kind == "view":
            raise SourceError(
                f"holds a database view ({obj}); export its layers as tables",
                file=name,
            )
        virtual = kind == "table" and re.match(r"\s*create\s+virtual", sql, re.I)
        if virtual and not re.search(r"using\s+rtree", sql, re.I):
            raise SourceError(
                f"holds a virtual table ({obj}) that could read other files",
                file=name,
            )
        if kind == "trigger" and FORBIDDEN_SQL.search(sql):
            raise SourceError(
                f"holds a trigger ({obj}) that reaches outside the file",
                file=name,
            )


def check_sidecars(shp: Path) -> None:
    """A shapefile's other parts must be plain files in its own folder."""
    stem = shp.stem.lower()
    for part in shp.parent.iterdir():
        if part.stem.lower() != stem or part == shp:
            continue
        if part.is_symlink() or not part.is_file():
            raise SourceError(
                f"its part {part.name} is a link or a special file; send the "
                "shapefile's files themselves",
                file=display_name(shp),
            )


def unpack_shapefile(archive: Path, folder: Path, limits: ImportLimits) -> Path:
    """Unpack a zipped shapefile into ``folder``; the path of its ``.shp``.

    Only the shapefile's own parts are taken, flat (no folders), as plain
    files; a nested archive, a link or more than ``limits.max_bytes`` once
    unpacked is refused. GDAL then reads plain files, never ``/vsizip/``.
    """
    name = display_name(archive)
    plain_file(archive)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.infolist() if not m.is_dir()]
            shps = [m for m in members if m.filename.lower().endswith(".shp")]
            if len(shps) != 1:
                raise SourceError(
                    f"must hold exactly one shapefile (.shp); it holds {len(shps)}",
                    file=name,
                )
            stem = _member_name(shps[0].filename)[:-4]
            total = 0
            for member in members:
                base = _member_name(member.filename)
                suffix = Path(base).suffix.lower()
                if Path(base).stem != stem or suffix not in SHAPEFILE_PARTS:
                    continue
                if _is_link(member):
                    raise SourceError(
                        f"{member.filename} is a link; send the files themselves",
                        file=name,
                    )
                total = _copy_member(zf, member, folder / _safe(base), total, limits)
    except zipfile.BadZipFile:
        raise SourceError("is not a readable zip archive", file=name) from None
    shp = folder / _safe(f"{stem}.shp")
    if not shp.exists():
        raise SourceError("holds no shapefile (.shp)", file=name)
    return shp


def _member_name(filename: str) -> str:
    return filename.replace("\\", "/").rsplit("/", 1)[-1]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip(".") or "layer"


def _is_link(member: zipfile.ZipInfo) -> bool:
    mode = member.external_attr >> 16
    return stat.S_ISLNK(mode)


def _copy_member(
    zf: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    target: Path,
    total: int,
    limits: ImportLimits,
) -> int:
    """Write one member, counting bytes as they come (headers can lie)."""
    with zf.open(member) as src, target.open("wb") as out:
        while chunk := src.read(1 << 20):
            total += len(chunk)
            limits.check_bytes(total, display_name(zf.filename or target))
            out.write(chunk)
    return total


def check_archive(path: Path, limits: ImportLimits) -> None:
    """Refuse a zip-based file (XLSX, a form server's export) too large unpacked.

    Sums what each member declares and reads nothing else: a member that
    lies about its size is stopped by :func:`read_member`.
    """
    plain_file(path)
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(m.file_size for m in zf.infolist())
    except zipfile.BadZipFile:
        return  # the reader says what is wrong with it
    limits.check_bytes(total, display_name(path))


def read_member(zf: zipfile.ZipFile, name: str, limits: ImportLimits) -> bytes:
    """One member's bytes, stopped at ``limits.max_bytes`` whatever it declares."""
    parts: list[bytes] = []
    total = 0
    with zf.open(name) as src:
        while chunk := src.read(1 << 20):
            total += len(chunk)
            limits.check_bytes(total, display_name(zf.filename or name))
            parts.append(chunk)
    return b"".join(parts)
