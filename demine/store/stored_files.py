# SPDX-License-Identifier: GPL-3.0-or-later
"""Files kept in the register so that every server can read them.

Several ``demine serve`` processes on different hosts share nothing but the
database, so an upload waiting for its import, or a job's result, cannot stay
on the disk of the server that received or wrote it: the next request, or
the job runner that takes the job up, may be another server. Such files are
kept here in pieces of :data:`PIECE` bytes under an owner name
(``upload:<token>``, ``job:<id>``), and copied back to a local folder where
the work needs a path.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from demine.store.database import Database
from demine.store.schema import StoredChunk
from demine.store.schema.base import utcnow

PIECE = 4 * 1024 * 1024


def keep(db: Database, owner: str, paths: list[Path]) -> None:
    """Store the files ``paths`` under ``owner`` (replacing what it held)."""
    with db.session(write=True) as session:
        session.execute(delete(StoredChunk).where(StoredChunk.owner == owner))
        for path in paths:
            with path.open("rb") as source:
                _write(session, owner, path.name, source)


def keep_bytes(db: Database, owner: str, name: str, data: bytes) -> None:
    """Store ``data`` as the file ``name`` of ``owner`` (replacing it)."""
    with db.session(write=True) as session:
        session.execute(
            delete(StoredChunk).where(
                StoredChunk.owner == owner, StoredChunk.name == name
            )
        )
        _write(session, owner, name, io.BytesIO(data))


def _write(session: Session, owner: str, name: str, source: BinaryIO) -> None:
    seq = 0
    while True:
        piece = source.read(PIECE)
        if not piece and seq:
            break
        session.add(StoredChunk(owner=owner, name=name, seq=seq, content=piece))
        session.flush()
        session.expunge_all()  # a piece at a time in memory
        seq += 1
        if len(piece) < PIECE:
            break


def names(db: Database, owner: str) -> list[str]:
    """The names of the files ``owner`` holds."""
    with db.session() as session:
        return list(
            session.scalars(
                select(StoredChunk.name)
                .where(StoredChunk.owner == owner)
                .group_by(StoredChunk.name)
                .order_by(StoredChunk.name)
            )
        )


def size(db: Database, owner: str, name: str) -> int:
    """Bytes of one stored file (0 when there is none)."""
    with db.session() as session:
        total = session.scalar(
            select(func.sum(func.length(StoredChunk.content))).where(
                StoredChunk.owner == owner, StoredChunk.name == name
            )
        )
    return int(total or 0)


def pieces(db: Database, owner: str, name: str) -> Iterator[bytes]:
    """The content of one stored file, piece by piece (one query each)."""
    with db.session() as session:
        ids = list(
            session.scalars(
                select(StoredChunk.id)
                .where(StoredChunk.owner == owner, StoredChunk.name == name)
                .order_by(StoredChunk.seq)
            )
        )
    for chunk_id in ids:
        with db.session() as session:
            content = session.scalar(
                select(StoredChunk.content).where(StoredChunk.id == chunk_id)
            )
        if content is not None:
            yield bytes(content)


def read_text(db: Database, owner: str, name: str) -> str | None:
    """A small stored text file, or None when there is none."""
    content = b"".join(pieces(db, owner, name))
    return content.decode("utf-8") if content else None


def copy_out(db: Database, owner: str, folder: Path) -> list[Path]:
    """Write ``owner``'s files into ``folder``; the paths (none: nothing kept)."""
    written = []
    for name in names(db, owner):
        folder.mkdir(parents=True, exist_ok=True)
        # Names were given by the uploader: keep only the last part.
        target = folder / Path(name).name
        with target.open("wb") as sink:
            for piece in pieces(db, owner, name):
                sink.write(piece)
        written.append(target)
    return written


def drop(db: Database, owner: str) -> None:
    """Forget ``owner``'s files."""
    with db.session(write=True) as session:
        session.execute(delete(StoredChunk).where(StoredChunk.owner == owner))


def drop_older(db: Database, prefix: str, older_than: dt.timedelta) -> int:
    """Forget the files of owners named ``prefix...`` kept longer than this."""
    cutoff = utcnow() - older_than
    with db.session(write=True) as session:
        done = session.execute(
            delete(StoredChunk).where(
                StoredChunk.owner.startswith(prefix, autoescape=True),
                StoredChunk.created_at < cutoff,
            )
        )
    return int(getattr(done, "rowcount", 0) or 0)
