# SPDX-License-Identifier: GPL-3.0-or-later
"""Importing files into the register: all or nothing, upserting by identity.

:func:`import_files` stages every file (:mod:`demine.exchange.staging`),
then in one transaction looks up which rows update records already in the
register (same ``uid``, else same ``external_id``), reserves ids for the
new ones, resolves
references between records (to the register and within the import), checks
the rules that need the register (a closed hazard takes no release; closure
is final; a confirmed hazard is downgraded only after technical survey),
writes through the bulk paths, recomputes the land-release ledger and the
status it implies. Any problem anywhere: every problem is reported in one
:class:`~demine.errors.ImportRejectedError` and the transaction is rolled
back, so the register is unchanged. ``dry_run`` does all of it and rolls
back at the end, so its counts are exactly what the import would do.

Given ``audit_user_id`` (an import a person makes in the browser), every
record written gets an audit event in the same transaction: ``import`` for a
new record, ``import-update`` for a changed one, with the record before and
after and the file and row it came from. The command line passes no user
and writes no events, so its bulk path does no extra work.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import Connection

from demine.errors import ImportRejectedError, SourceError
from demine.exchange.entities import IDENTITY_KEYS, KINDS
from demine.exchange.formats import ReadOptions
from demine.exchange.mapping import Mapping
from demine.exchange.parsing import map_distinct
from demine.exchange.references import resolve_references
from demine.exchange.rules import check_before_write, settle_hazards
from demine.exchange.staging import Batch, PlaceIndex, stage
from demine.exchange.withdrawal import (
    edition_prefixes,
    reinstate_withdrawn,
    row_source,
    stored_families,
    withdraw_missing,
    withdraw_stale,
)
from demine.exchange.writing import write_batch
from demine.geo.validation import (
    ENTRY_RULES,
    EntryRules,
    GeometryKind,
    check_geometries,
)
from demine.i18n import _, ngettext
from demine.store.audit import insert_events, record_values
from demine.store.bulk import check_foreign_keys, foreign_keys_deferred
from demine.store.database import Database
from demine.store.loading import recompute_ledger
from demine.store.schema.base import utcnow
from demine.store.upsert import ids_by_key, reserve_ids

log = logging.getLogger(__name__)

StartProgress = Callable[[str, int], Callable[[int], None]]


@dataclass
class KindCounts:
    """What an import did (or would do) to one table."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    withdrawn: int = 0


@dataclass
class ImportResult:
    """The outcome of an import or a dry run."""

    counts: dict[str, KindCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: an edition whose withdrawals the caller did not confirm: rolled back
    declined: bool = False

    @property
    def withdrawn(self) -> int:
        return sum(c.withdrawn for c in self.counts.values())

    def as_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "declined": self.declined,
            "files": self.files,
            "counts": {k: vars(v) for k, v in self.counts.items()},
            "warnings": self.warnings,
        }


class _DryRunError(Exception):
    """Raised at the end of a dry run to roll the transaction back."""


Confirm = Callable[["ImportResult"], bool]


def import_files(
    db: Database,
    kind: str,
    paths: Sequence[Path],
    *,
    mapping: Mapping | None = None,
    read: ReadOptions | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    review_state: str | None = None,
    progress: StartProgress | None = None,
    audit_user_id: int | None = None,
    rules: EntryRules | None = None,
    edition: bool = False,
    confirm: Confirm | None = None,
) -> ImportResult:
    """Import ``paths`` as ``kind`` (or every layer, for ``register``).

    With ``audit_user_id`` each record written gets an audit event naming
    that user. With ``rules``, rows of doubtful geometry (outside the
    country, too large, slivers) are named in the result's warnings; they
    load all the same, and ``demine validate`` keeps reporting them.
    ``edition``: the files are a new edition of the mapping's
    source, and its records they no longer hold are withdrawn
    (:mod:`demine.exchange.withdrawal`); ``confirm`` sees the result before
    it is committed and may refuse it (``declined``, nothing written).
    Raises :class:`~demine.errors.SourceError` for a file that cannot be
    read and :class:`~demine.errors.ImportRejectedError` listing every bad
    row; in both cases nothing is written.
    """
    db.require_initialised()
    own = db.file()
    for path in paths:
        # GDAL would open the live register with SQLite calls of its own;
        # nothing but demine's own connections touches that file.
        if own is not None and Path(path).resolve() == own:
            raise SourceError(
                _("is the register itself; export it first to import it"),
                file=str(path),
            )
    prefixes = None
    if edition:
        if mapping is None:
            raise SourceError(
                _(
                    "--edition needs a mapping (its ids say which records are "
                    "the source's)"
                )
            )
        prefixes = edition_prefixes(mapping)
    staging = stage(
        kind,
        paths,
        mapping=mapping,
        read=read or ReadOptions(),
        today=today or dt.date.today(),
        places=PlaceIndex(db),
        review_state=review_state,
    )
    result = ImportResult(
        warnings=staging.warnings, files=staging.files, dry_run=dry_run
    )
    if rules is not None:
        result.warnings += doubtful_rows(staging.batches, rules)
    _run(
        db,
        staging.batches,
        result,
        progress,
        staging.problems,
        audit_user_id,
        edition=prefixes,
        confirm=confirm,
    )
    return result


# Doubtful rows an import names one by one; more are counted.
DOUBTS_LISTED = 20


def doubtful_rows(batches: dict[str, Batch], rules: EntryRules) -> list[str]:
    """Warnings for the rows whose geometry is doubtful, naming file and row."""
    out: list[str] = []
    total = 0
    for kind, batch in batches.items():
        expected = ENTRY_GEOMETRY.get(kind)
        if expected is None or "geom" not in batch.frame:
            continue
        found = check_geometries(
            kind,
            np.arange(len(batch)),
            batch.frame["geom"].to_numpy(dtype=object),
            extent=rules.extent,
            expected=expected,
            check_overlap=False,
            plausible=rules.plausible if expected == "polygon" else None,
        )
        for finding in found:
            if finding.rule not in ENTRY_RULES:
                continue
            total += 1
            if total <= DOUBTS_LISTED:
                pos = int(finding.id)
                what = finding.message.split(": ", 1)[-1]
                out.append(f"{batch.files[pos]} row {batch.rows[pos]}: {what}")
    if total > DOUBTS_LISTED:
        out.append(f"… and {total - DOUBTS_LISTED:,} more rows of doubtful geometry")
    return out


ENTRY_GEOMETRY: dict[str, GeometryKind] = {
    "hazard": "polygon",
    "release": "polygon",
    "eo_item": "point",
    "accident": "point",
}


def _run(
    db: Database,
    batches: dict[str, Batch],
    result: ImportResult,
    progress: StartProgress | None,
    problems: list[SourceError],
    audit_user_id: int | None = None,
    *,
    edition: dict[str, list[str]] | None = None,
    confirm: Confirm | None = None,
) -> None:
    """One transaction: checks against the register, then the writes.

    Problems found while staging are reported together with those found
    against the register (unknown references ...), then nothing is written.
    """
    try:
        with (
            db.connect(write=True) as conn,
            foreign_keys_deferred(conn),
            conn.begin(),
        ):
            write_batches(
                conn,
                batches,
                result,
                progress,
                problems,
                audit_user_id=audit_user_id,
                edition=edition,
            )
            if result.dry_run:
                raise _DryRunError
            if confirm is not None and not confirm(result):
                result.declined = True
                raise _DryRunError
    except _DryRunError:
        log.info("dry run: rolled back")


def reinstate_records(
    db: Database, kind: str, prefix: str, *, dry_run: bool = False
) -> int:
    """Approve again the withdrawn ``kind`` records whose ids start with
    ``prefix``; each reinstatement is audited. Returns how many."""
    db.require_initialised()
    reinstated = 0
    try:
        with db.transaction(write=True) as conn:
            reinstated, events = reinstate_withdrawn(conn, kind, prefix)
            if dry_run:
                raise _DryRunError
            at = utcnow()
            for event in events:
                event.update(user_id=None, at=at)
            insert_events(conn, events)
    except _DryRunError:
        log.info("dry run: rolled back")
    return reinstated


def import_batches(
    db: Database,
    batches: dict[str, Batch],
    *,
    dry_run: bool = False,
    files: Sequence[str] = (),
    problems: Sequence[SourceError] = (),
    audit_user_id: int | None = None,
    rules: EntryRules | None = None,
) -> ImportResult:
    """Write already-staged batches (form submissions use this)."""
    result = ImportResult(files=list(files), dry_run=dry_run)
    if rules is not None:
        result.warnings += doubtful_rows(batches, rules)
    _run(db, batches, result, None, list(problems), audit_user_id)
    return result


def _files(files: Sequence[str]) -> str:
    if len(files) == 1:
        return files[0]
    return ngettext("%(num)d file", "%(num)d files", len(files))


def write_batches(
    conn: Connection,
    batches: dict[str, Batch],
    result: ImportResult,
    progress: StartProgress | None,
    earlier: Sequence[SourceError] = (),
    *,
    audit_user_id: int | None = None,
    edition: dict[str, list[str]] | None = None,
) -> None:
    """Everything after staging, inside the caller's transaction.

    With ``audit_user_id`` (and not a dry run) the records written get
    their audit events, read back once the ledger and statuses are settled.
    """
    ordered = {k: batches[k] for k in KINDS if k in batches}
    problems: list[SourceError] = list(earlier)
    ids: dict[str, np.ndarray] = {}
    existing: dict[str, np.ndarray] = {}
    for kind, batch in ordered.items():
        for key in IDENTITY_KEYS:
            problems += _duplicates(batch, key)
        ids[kind], existing[kind], clashes = _assign_ids(conn, batch)
        problems += clashes
    problems += resolve_references(conn, ordered, ids)
    problems += check_before_write(conn, ordered, ids, existing, result.warnings)
    if problems:
        raise ImportRejectedError(problems, _files(result.files))
    audit = audit_user_id is not None and not result.dry_run
    # The stored records the import may change, read before it does.
    before = {
        kind: record_values(conn, kind, ids[kind][existing[kind]].tolist())
        for kind in ordered
        if audit and existing[kind].any()
    }
    families = {kind: stored_families(conn, batch) for kind, batch in ordered.items()}
    for kind, batch in ordered.items():
        advance = progress(kind, len(batch)) if progress else None
        inserted, updated = write_batch(conn, batch, ids[kind], existing[kind], advance)
        result.counts[kind] = KindCounts(
            inserted, updated, int(existing[kind].sum()) - updated
        )
    family_events: list[dict[str, Any]] = []
    for kind, batch in ordered.items():
        known = families[kind]
        if known is None:
            continue
        withdrawn, events = withdraw_stale(
            conn, batch, ids[kind], existing[kind], known, audited=audit
        )
        result.counts[kind].withdrawn = withdrawn
        family_events += events
    source = _("edition %(files)s", files=_files(result.files))
    for kind, kind_prefixes in (edition or {}).items():
        made = ids.get(kind, np.zeros(0, dtype=np.int64))
        withdrawn, events = withdraw_missing(conn, kind, kind_prefixes, made, source)
        result.counts.setdefault(kind, KindCounts()).withdrawn += withdrawn
        family_events += events
    check_foreign_keys(conn, list(ordered))
    if "hazard" in ordered or "release" in ordered:
        recompute_ledger(conn)
        problems = settle_hazards(conn, ordered, ids, existing)
        if problems:
            raise ImportRejectedError(problems, _files(result.files))
    if family_events and not result.dry_run:
        at = utcnow()
        for event in family_events:
            event.update(user_id=audit_user_id, at=at)
        insert_events(conn, family_events)
    if audit:
        at = utcnow()
        for kind, batch in ordered.items():
            events = _audit_events(
                conn, batch, ids[kind], existing[kind], before.get(kind, {})
            )
            for event in events:
                event.update(user_id=audit_user_id, at=at)
            insert_events(conn, events)


def _audit_events(
    conn: Connection,
    batch: Batch,
    ids: np.ndarray,
    existing: np.ndarray,
    before: dict[int, dict[str, Any]],
) -> list[dict[str, Any]]:
    """One event per record of ``batch`` the import created or changed.

    A record the import matched but left as it was keeps its version and
    gets no event. ``after`` also names the file and row it came from.
    """
    after = record_values(conn, batch.kind, ids.tolist())
    events: list[dict[str, Any]] = []
    for pos, record_id in enumerate(ids.tolist()):
        now = after[record_id]
        was = before.get(record_id) if existing[pos] else None
        if was is not None and was.get("version") == now.get("version"):
            continue
        now["source"] = row_source(batch.files[pos], batch.rows[pos])
        events.append(
            {
                "action": "import-update" if existing[pos] else "import",
                "entity": batch.kind,
                "record_id": record_id,
                "before": was,
                "after": now,
            }
        )
    return events


def _duplicates(batch: Batch, column: str) -> list[SourceError]:
    """Rows of one import that share a uid or external id, each naming the other."""
    if column not in batch.frame:
        return []
    keys = batch.frame[column]
    dup = (keys.notna() & keys.duplicated(keep=False)).to_numpy(dtype=bool)
    positions = np.flatnonzero(dup)
    holders: dict[object, list[int]] = {}
    for pos in positions:
        holders.setdefault(keys.iat[pos], []).append(int(pos))
    out = []
    for pos in positions:
        same = holders[keys.iat[pos]]
        other = same[0] if same[0] != pos else same[1]
        out.append(
            SourceError(
                _(
                    "is used by more than one row of this import (also %(file)s row "
                    "%(row)s)",
                    file=batch.files[other],
                    row=batch.rows[other],
                ),
                file=str(batch.files[pos]),
                row=int(batch.rows[pos]),
                field=column,
                value=keys.iat[pos],
            )
        )
    return out


def _assign_ids(
    conn: Connection, batch: Batch
) -> tuple[np.ndarray, np.ndarray, list[SourceError]]:
    """Ids of the batch's rows: the stored record's for updates, new ones else.

    A row is the stored record with its ``uid``, else the one with its
    ``external_id``. A row whose uid names one record and whose external id
    another is a problem: the file and the register disagree on identity.
    """
    n = len(batch)
    ids = np.zeros(n, dtype=np.int64)
    existing = np.zeros(n, dtype=bool)
    problems = batch.problems()
    for column in IDENTITY_KEYS:
        if column not in batch.frame:
            continue
        keys = batch.frame[column]
        found = ids_by_key(conn, batch.kind, column, keys.dropna().unique())
        if not found:
            continue
        matched = np.array(
            [-1 if m is None else int(m) for m in map_distinct(keys, found.get)],
            dtype=np.int64,
        )
        hit = matched >= 0
        problems.add(
            hit & existing & (matched != ids),
            column,
            keys,
            "belongs to another record of the register than the row's uid",
        )
        fresh = hit & ~existing
        ids[fresh] = matched[fresh]
        existing |= fresh
    ids[~existing] = reserve_ids(conn, batch.kind, int((~existing).sum()))
    return ids, existing, problems.items
