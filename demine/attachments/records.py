# SPDX-License-Identifier: GPL-3.0-or-later
"""Attach a file to a record, list a record's files, read one back.

A file goes with a record its uploader may see and write; it is read by
whoever may see the record (anonymous readers never: photos show people and
places). The upload is checked by content before anything is written; the
bytes are stored first and the row after, so a row never names a missing
file (a crash between leaves only an unreferenced file, harmless).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.ops import nearest_points

from demine.attachments.blobs import BlobStore
from demine.attachments.checks import FileFacts, inspect
from demine.errors import AuthenticationError, NotFoundError, PermissionDeniedError
from demine.geo.area import geodesic_distance
from demine.i18n import _
from demine.settings import Settings
from demine.store.attachments import attachments_for
from demine.store.audit import record_event
from demine.store.database import Database
from demine.store.listing import MODELS, get_record, to_dict
from demine.store.schema import Attachment
from demine.store.users import Principal


def with_warning(row: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """The row, and a warning when the photo was taken far from the record."""
    far = row.get("distance_m")
    if far is not None and far > settings.attachment_distance_warn_m:
        row["warning"] = _(
            "This photo was taken %(km)s km from the record's place: check that it "
            "belongs to this record.",
            km=round(far / 1000, 1),
        )
    return row


# Record kinds that take attachments: the register's, and handover certificates.
ATTACHABLE = frozenset(MODELS) | {"handover"}


def distance_to(
    record_geom: dict[str, Any] | None, lon: float, lat: float
) -> float | None:
    """Metres from a point to a record's geometry (0 inside it), or None."""
    if not record_geom:
        return None
    geom = shape(record_geom)
    if geom.is_empty:
        return None
    point = shapely.Point(lon, lat)
    if geom.covers(point):
        return 0.0
    nearest = nearest_points(geom, point)[0]
    start = np.array([[nearest.x, nearest.y]])
    return float(geodesic_distance(start, np.array([[lon, lat]]))[0])


def _record(
    db: Database, kind: str, record_id: int, who: Principal | None
) -> dict[str, Any]:
    if who is None:
        raise AuthenticationError(_("log in to see attachments"))
    if kind not in ATTACHABLE:
        raise NotFoundError(_("no such kind of record: %(kind)r", kind=kind))
    if kind == "handover":
        from demine.store.schema import Handover

        with db.session() as session:
            cert = session.get(Handover, record_id)
            if cert is None:
                raise NotFoundError(_("no handover with id %(id)s", id=record_id))
            return to_dict(cert)
    return get_record(db, kind, record_id, who)


def attach(
    db: Database,
    store: BlobStore,
    kind: str,
    record_id: int,
    filename: str,
    data: bytes,
    who: Principal | None,
    *,
    max_bytes: int,
    caption: str | None = None,
    external_id: str | None = None,
) -> dict[str, Any]:
    """Check and store ``data`` as an attachment of the record; returns its row.

    ``warning`` in the answer says when the photo's EXIF position is farther
    from the record than the caller's threshold allows (the caller decides).
    """
    record = _record(db, kind, record_id, who)
    assert who is not None
    if not who.can_write:
        raise PermissionDeniedError(_("only those who write records may attach files"))
    facts = inspect(data, filename, max_bytes)
    return _store(
        db, store, kind, record, filename, data, facts, who.id, caption, external_id
    )


def _store(
    db: Database,
    store: BlobStore,
    kind: str,
    record: dict[str, Any],
    filename: str,
    data: bytes,
    facts: FileFacts,
    user_id: int | None,
    caption: str | None,
    external_id: str | None,
) -> dict[str, Any]:
    sha = store.put(data)
    thumb = store.put(facts.thumbnail) if facts.thumbnail else None
    distance = None
    if facts.lon is not None and facts.lat is not None:
        distance = distance_to(record.get("geom"), facts.lon, facts.lat)
    with db.session() as session:
        row = Attachment(
            entity=kind,
            record_id=record["id"],
            sha256=sha,
            filename=filename[:255] or "file",
            media_type=facts.media_type,
            size_bytes=facts.size_bytes,
            width=facts.width,
            height=facts.height,
            thumbnail_sha256=thumb,
            taken_at=facts.taken_at,
            exif_lon=facts.lon,
            exif_lat=facts.lat,
            distance_m=distance,
            caption=caption,
            uploaded_by_id=user_id,
            external_id=external_id,
        )
        session.add(row)
        session.flush()
        after = to_dict(row)
        record_event(
            session,
            user_id=user_id,
            action="attach",
            entity=kind,
            record_id=record["id"],
            before=None,
            after=after,
        )
        return after


def attachments_of(
    db: Database, kind: str, record_id: int, who: Principal | None
) -> list[dict[str, Any]]:
    _record(db, kind, record_id, who)
    with db.session() as session:
        return [to_dict(r) for r in attachments_for(session, kind, record_id)]


def read_attachment(
    db: Database,
    store: BlobStore,
    attachment_id: int,
    who: Principal | None,
    thumbnail: bool = False,
) -> tuple[dict[str, Any], bytes]:
    """An attachment's row and bytes (or its thumbnail), if ``who`` sees its record."""
    with db.session() as session:
        row = session.get(Attachment, attachment_id)
        if row is None:
            raise NotFoundError(_("no attachment with id %(id)s", id=attachment_id))
        found = to_dict(row)
    _record(db, found["entity"], found["record_id"], who)
    sha = found["thumbnail_sha256"] if thumbnail else found["sha256"]
    if sha is None:
        raise NotFoundError(_("this attachment has no thumbnail"))
    return found, store.get(sha)
