# SPDX-License-Identifier: GPL-3.0-or-later
"""What a file is, by its bytes: type, size, picture size, EXIF position.

The type comes from the file's first bytes (``filetype``: magic numbers, no
system library), never from its name or the browser's word; a picture must
also open in Pillow, which catches a PDF renamed ``.jpg`` and a truncated
photo alike. Pictures get a JPEG thumbnail, and their EXIF GPS position is
read so it can be compared with the record's place.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from demine.errors import RecordError
from demine.i18n import _
from demine.i18n.numbers import number

ALLOWED = {
    "image/jpeg": "photo",
    "image/png": "picture",
    "image/tiff": "scanned map",
    "image/webp": "picture",
    "application/pdf": "document",
}
THUMBNAIL_PX = 320
# Pillow refuses pictures beyond this many pixels (decompression bombs).
MAX_PIXELS = 80_000_000
_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769
_DATETIME_ORIGINAL = 0x9003


@dataclass(frozen=True)
class FileFacts:
    media_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None
    lon: float | None = None
    lat: float | None = None
    taken_at: dt.datetime | None = None


def inspect(data: bytes, filename: str, max_bytes: int) -> FileFacts:
    """The facts of an upload, or RecordError naming the file and the problem."""
    where = filename[:120] or _("the file")
    if not data:
        raise RecordError(_("%(file)s is empty", file=where), field="file")
    if len(data) > max_bytes:
        raise RecordError(
            _(
                "%(file)s is %(size)s bytes; the limit is %(limit)s",
                file=where,
                size=number(len(data)),
                limit=number(max_bytes),
            ),
            field="file",
        )
    kind = filetype.guess(data)
    media = kind.mime if kind is not None else None
    if media not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise RecordError(
            _(
                "%(file)s is not a photo, scan or PDF (%(type)s); attach one of "
                "%(allowed)s",
                file=where,
                type=media or _("unknown type"),
                allowed=allowed,
            ),
            field="file",
        )
    if media == "application/pdf":
        return FileFacts(media, len(data))
    return _picture(data, media, where)


def _picture(data: bytes, media: str, where: str) -> FileFacts:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            width, height = image.size
            exif = image.getexif()
            lon, lat = _position(exif)
            taken = _taken(exif)
            thumb = ImageOps.exif_transpose(image).convert("RGB")
            thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
            out = io.BytesIO()
            thumb.save(out, "JPEG", quality=80)
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise RecordError(
            _("%(file)s is a damaged or unreadable picture", file=where), field="file"
        ) from None
    return FileFacts(media, len(data), width, height, out.getvalue(), lon, lat, taken)


def _degrees(value: object, ref: object) -> float | None:
    try:
        d, m, s = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    sign = -1.0 if str(ref).strip().upper() in ("S", "W") else 1.0
    return sign * (d + m / 60.0 + s / 3600.0)


def _position(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(_GPS_IFD)
    if not gps or 2 not in gps or 4 not in gps:
        return None, None
    lat = _degrees(gps[2], gps.get(1, "N"))
    lon = _degrees(gps[4], gps.get(3, "E"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lon, lat


def _taken(exif: Image.Exif) -> dt.datetime | None:
    text = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(0x0132)
    try:
        return dt.datetime.strptime(str(text), "%Y:%m:%d %H:%M:%S").replace(
            tzinfo=dt.UTC
        )
    except ValueError:
        return None
