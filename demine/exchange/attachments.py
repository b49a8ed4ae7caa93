# SPDX-License-Identifier: GPL-3.0-or-later
"""Attachments in a GeoPackage export, and back in on import.

The files go in a media table ``attachments`` (``id``, ``data``,
``content_type`` as the GeoPackage Related Tables Extension asks, plus the
file's name, caption, digest, EXIF position and the record it belongs to by
the key the export gives that record). One mapping table per layer
(``hazards_attachments``: ``base_id`` the feature's ``fid``, ``related_id``
the file) and a row in ``gpkgext_relations`` let QGIS show a hazard's photos
with the hazard. Import reads the same table, finds each record by its key
and stores the bytes in the register's file store, once per attachment key,
so importing the same file twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

from demine.attachments.blobs import BlobStore, digest
from demine.attachments.checks import inspect
from demine.errors import RecordError, SourceError
from demine.exchange.entities import LAYERS
from demine.exchange.opening import check_geopackage
from demine.i18n import _
from demine.i18n.kinds import kind_word
from demine.store import attachments as queries
from demine.store.database import Database
from demine.store.listing import MODELS
from demine.store.schema import Attachment

TABLE = "attachments"
RELATION = "media"
COLUMNS = (
    "key",
    "entity",
    "record_key",
    "filename",
    "caption",
    "sha256",
    "size_bytes",
    "taken_at",
    "exif_lon",
    "exif_lat",
)


def _key(kind: str, record_id: int, external_id: str | None) -> str:
    return external_id or f"demine:{kind}:{record_id}"


def _rows(db: Database) -> Iterator[dict[str, Any]]:
    with db.session() as session:
        attachments = queries.all_attachments(session)
        keys: dict[tuple[str, int], str] = {}
        for a in attachments:
            model = MODELS.get(a.entity)
            if model is None or (a.entity, a.record_id) in keys:
                continue
            ext = queries.external_id_of(session, a.entity, a.record_id)
            keys[(a.entity, a.record_id)] = _key(a.entity, a.record_id, ext)
        for a in attachments:
            if (a.entity, a.record_id) not in keys:
                continue  # certificates are not in the export
            yield {
                "key": _key("attachment", a.id, a.external_id),
                "entity": a.entity,
                "record_key": keys[(a.entity, a.record_id)],
                "filename": a.filename,
                "caption": a.caption,
                "sha256": a.sha256,
                "size_bytes": a.size_bytes,
                "taken_at": a.taken_at.isoformat() if a.taken_at else None,
                "exif_lon": a.exif_lon,
                "exif_lat": a.exif_lat,
                "content_type": a.media_type,
            }


def export_attachments(db: Database, store: BlobStore, gpkg: Path) -> int:
    """Add the register's attachments to an exported GeoPackage; returns how many."""
    rows = list(_rows(db))
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    with closing(sqlite3.connect(gpkg)) as conn, conn:
        conn.execute(
            f"CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, "
            "data BLOB NOT NULL, content_type TEXT NOT NULL, "
            + ", ".join(
                f"{c} {'REAL' if c.startswith('exif') else 'TEXT'}" for c in COLUMNS
            )
            + ")"
        )
        conn.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, last_change)"
            " VALUES (?, 'attributes', ?, ?)",
            (TABLE, TABLE, now),
        )
        placeholders = ", ".join("?" for _ in (*COLUMNS, "data", "content_type"))
        for row in rows:
            conn.execute(
                f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}, data, content_type) "
                f"VALUES ({placeholders})",
                (
                    *(row[c] for c in COLUMNS),
                    store.get(row["sha256"]),
                    row["content_type"],
                ),
            )
        _relate(conn, rows)
    return len(rows)


def _relate(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """The Related Tables Extension: one mapping table per layer with files."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS gpkgext_relations (id INTEGER PRIMARY KEY "
        "AUTOINCREMENT, base_table_name TEXT NOT NULL, base_primary_column TEXT NOT "
        "NULL DEFAULT 'id', related_table_name TEXT NOT NULL, related_primary_column "
        "TEXT NOT NULL DEFAULT 'id', relation_name TEXT NOT NULL, mapping_table_name "
        "TEXT NOT NULL UNIQUE)"
    )
    conn.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, "
        "definition, scope) VALUES ('gpkgext_relations', NULL, 'gpkg_related_tables', "
        "'http://docs.opengeospatial.org/is/18-000/18-000.html', 'read-write')"
    )
    for kind in sorted({r["entity"] for r in rows}):
        layer = LAYERS[kind]
        mapping = f"{layer}_{TABLE}"
        conn.execute(
            f'CREATE TABLE "{mapping}" (base_id INTEGER NOT NULL, '
            "related_id INTEGER NOT NULL)"
        )
        conn.execute(
            f'INSERT INTO "{mapping}" (base_id, related_id) '
            f'SELECT l.fid, a.id FROM "{layer}" l JOIN {TABLE} a '
            f"ON a.entity = ? AND a.record_key = l.external_id",
            (kind,),
        )
        conn.execute(
            "INSERT INTO gpkgext_relations (base_table_name, base_primary_column, "
            "related_table_name, related_primary_column, relation_name, "
            "mapping_table_name) VALUES (?, 'fid', ?, 'id', ?, ?)",
            (layer, TABLE, RELATION, mapping),
        )
        conn.execute(
            "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, "
            "definition, scope) VALUES (?, NULL, 'gpkg_related_tables', "
            "'http://docs.opengeospatial.org/is/18-000/18-000.html', 'read-write')",
            (mapping,),
        )


def import_attachments(
    db: Database, store: BlobStore, gpkg: Path, max_bytes: int = 100_000_000
) -> int:
    """Carry a GeoPackage's attachments into the register; returns how many are new.

    Every file must match its digest and belong to a record the register
    has (import the layers first); otherwise nothing is written. The file
    goes through the import door first (:func:`check_geopackage`).
    """
    check_geopackage(gpkg)
    with closing(sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)) as conn:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TABLE,)
        ).fetchone()
        if not exists:
            return 0
        names = (*COLUMNS, "data", "content_type")
        rows = [
            dict(zip(names, r, strict=True))
            for r in conn.execute(f"SELECT {', '.join(names)} FROM {TABLE} ORDER BY id")
        ]
    problems, ready = [], []
    with db.session() as session:
        known = queries.attachment_keys(session)
        for n, row in enumerate(rows, start=1):
            if row["key"] in known:
                continue
            record_id = (
                queries.id_of_key(session, row["entity"], row["record_key"])
                if row["entity"] in MODELS
                else None
            )
            if record_id is None:
                problems.append(
                    _(
                        "row %(row)s: no %(kind)s %(key)r",
                        row=n,
                        kind=kind_word(row["entity"]),
                        key=row["record_key"],
                    )
                )
            elif digest(row["data"]) != row["sha256"]:
                problems.append(
                    _(
                        "row %(row)s: %(file)s does not match its digest",
                        row=n,
                        file=row["filename"],
                    )
                )
            else:
                # Checked by content as an upload is: a file is never trusted.
                try:
                    facts = inspect(row["data"], row["filename"], max_bytes)
                except RecordError as exc:
                    problems.append(
                        _("row %(row)s: %(problem)s", row=n, problem=exc.user_message)
                    )
                    continue
                ready.append((row, record_id, facts))
        if problems:
            raise SourceError("; ".join(problems[:20]), file=str(gpkg))
        for row, record_id, facts in ready:
            store.put(row["data"])
            thumb = store.put(facts.thumbnail) if facts.thumbnail else None
            session.add(
                Attachment(
                    entity=row["entity"],
                    record_id=record_id,
                    sha256=row["sha256"],
                    filename=row["filename"],
                    media_type=facts.media_type,
                    size_bytes=facts.size_bytes,
                    width=facts.width,
                    height=facts.height,
                    thumbnail_sha256=thumb,
                    caption=row["caption"],
                    taken_at=dt.datetime.fromisoformat(row["taken_at"])
                    if row["taken_at"]
                    else None,
                    exif_lon=row["exif_lon"],
                    exif_lat=row["exif_lat"],
                    external_id=row["key"],
                )
            )
    return len(ready)
