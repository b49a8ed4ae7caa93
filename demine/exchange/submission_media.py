# SPDX-License-Identifier: GPL-3.0-or-later
"""Photos and signed forms that come with ODK Central or KoBoToolbox submissions.

ODK Central's export "with media" is a zip whose ``media/`` folder holds the
files a submission's image or file questions name; KoBoToolbox exports the
files apart, so a folder of them can be given. Any answer of a submission
that names one of those files (by its base name, as both tools write it)
becomes an attachment of the record the submission made, the record whose
external id is the submission's ``instanceID``. Each file is checked by
content like an upload; attaching it again (a re-import) adds nothing.
"""

from __future__ import annotations

import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

from demine.attachments.blobs import BlobStore
from demine.attachments.checks import inspect
from demine.attachments.records import _store
from demine.errors import RecordError, SourceError
from demine.exchange.opening import (
    ImportLimits,
    check_archive,
    display_name,
    plain_file,
    read_member,
)
from demine.i18n import _
from demine.store import attachments as queries
from demine.store.database import Database

# Which record a submission made, looked for in this order.
RECORD_KINDS = (
    "hazard",
    "activity",
    "accident",
    "eore_session",
    "qm_finding",
    "eo_item",
)


def media_files(
    path: Path, folder: Path | None = None, limits: ImportLimits | None = None
) -> dict[str, bytes]:
    """Files by base name: a Central zip's ``media/`` entries, and ``folder``'s.

    Read through the import door (:mod:`demine.exchange.opening`): members are
    stopped at the import's byte limit whatever they declare, and a folder
    gives only its regular files, never links.
    """
    limits = limits or ImportLimits()
    found: dict[str, bytes] = {}
    if path.suffix.lower() == ".zip":
        check_archive(path, limits)
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    parts = PurePosixPath(name).parts
                    if "media" in parts[:-1] and not name.endswith("/"):
                        found[parts[-1]] = read_member(archive, name, limits)
        except zipfile.BadZipFile as exc:
            raise SourceError(
                _("is not a readable zip: %(problem)s", problem=exc), file=str(path)
            ) from None
    if folder is not None:
        if not folder.is_dir():
            raise SourceError(_("no such folder of media files"), file=str(folder))
        total = 0
        for item in sorted(folder.rglob("*")):
            if item.is_file() and not item.is_symlink():
                plain_file(item)
                total += item.stat().st_size
                limits.check_bytes(total, display_name(folder))
                found[item.name] = item.read_bytes()
    return found


def _record_of(session: Any, instance: str) -> tuple[str, dict[str, Any]] | None:
    found = queries.record_of_key(session, RECORD_KINDS, instance)
    if found is None:
        return None
    kind, record_id, geom = found
    return kind, {"id": record_id, "geom": _geojson(geom)}


def _geojson(geom: Any) -> dict[str, Any] | None:
    from shapely.geometry import mapping

    return mapping(geom) if geom is not None else None


def named_media(main: Any, media: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(submission, answer, file name) of every answer naming a media file."""
    if not media or main is None or "_instance" not in main:
        return []
    wanted: list[tuple[str, str, str]] = []
    for _index, row in main.iterrows():
        instance = str(row["_instance"])
        for column, value in row.items():
            if column == "_instance" or not isinstance(value, str):
                continue
            name = PurePosixPath(value.strip()).name
            if name and name in media:
                wanted.append((instance, str(column), name))
    return wanted


def check_submission_media(
    main: Any, media: dict[str, bytes], *, file: str, max_bytes: int
) -> None:
    """Check every media file the submissions name, before anything is written."""
    problems = []
    for instance, column, name in named_media(main, media):
        try:
            inspect(media[name], name, max_bytes)
        except RecordError as exc:
            problems.append(
                _(
                    "%(submission)s, %(answer)s: %(problem)s",
                    submission=instance,
                    answer=column,
                    problem=exc.user_message,
                )
            )
    if problems:
        raise SourceError("; ".join(problems[:20]), file=file)


def attach_submission_media(
    db: Database,
    store: BlobStore,
    main: Any,
    media: dict[str, bytes],
    *,
    file: str,
    max_bytes: int,
    user_id: int | None = None,
) -> int:
    """Attach ``media`` named in the submissions ``main`` (a DataFrame with
    ``_instance``) to the records they made; returns how many files are new.

    A file that fails its check is reported with the submission and answer
    naming it; then nothing of the media is written.
    """
    wanted = named_media(main, media)
    problems, ready = [], []
    with db.session() as session:
        known = queries.attachment_keys(session)
        for instance, column, name in wanted:
            key = f"{instance}/{name}"[:120]
            if key in known:
                continue
            target = _record_of(session, instance)
            if target is None:
                problems.append(
                    _(
                        "%(submission)s: no record made by this submission",
                        submission=instance,
                    )
                )
                continue
            try:
                facts = inspect(media[name], name, max_bytes)
            except RecordError as exc:
                problems.append(
                    _(
                        "%(submission)s, %(answer)s: %(problem)s",
                        submission=instance,
                        answer=column,
                        problem=exc.user_message,
                    )
                )
                continue
            ready.append((target, name, facts, key))
            known.add(key)
    if problems:
        raise SourceError("; ".join(problems[:20]), file=file)
    for (kind, record), name, facts, key in ready:
        _store(db, store, kind, record, name, media[name], facts, user_id, None, key)
    return len(ready)
