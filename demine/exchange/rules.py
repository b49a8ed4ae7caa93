# SPDX-License-Identifier: GPL-3.0-or-later
"""The rules of :mod:`demine.domain.status` applied to a whole import.

Before writing: a new release must not land on a hazard the register has
closed (or, for reduction and clearance, suspended); an updated hazard may
only change status as IMAS 07.11 allows, and a confirmed hazard becomes
suspected again only after a technical survey. After writing and
recomputing the ledger: hazards that imported releases worked on take the
status the ledger implies (closed when nothing remains), and a hazard the
import says is closed must have nothing left to release.

A file that is a snapshot of a register (hazards with their releases, as
``demine export`` writes them) passes: the rules look at what the register
held before the import, and new hazards arrive in their final state.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain import status
from demine.domain.labels import in_sentence
from demine.domain.vocab import (
    ActivityType,
    HazardClass,
    HazardStatus,
    ReviewState,
)
from demine.errors import SourceError, TransitionError
from demine.exchange.staging import Batch
from demine.i18n import _, ngettext
from demine.i18n.numbers import number
from demine.store.accreditation import scope_problems
from demine.store.editing import closing_tolerance_m2
from demine.store.lookups import last_release_on, technically_surveyed
from demine.store.upsert import read_by_ids, update_frame


def _problem(
    batch: Batch, pos: int, field: str, value: object, reason: str
) -> SourceError:
    return SourceError(
        reason,
        file=str(batch.files[pos]),
        row=int(batch.rows[pos]),
        field=field,
        value=value,
    )


def check_before_write(
    conn: Connection,
    batches: dict[str, Batch],
    ids: dict[str, np.ndarray],
    existing: dict[str, np.ndarray],
    warnings: list[str],
) -> list[SourceError]:
    """Status rules that compare the import with the register as it stands."""
    problems: list[SourceError] = []
    stored = _stored_hazards(conn, batches, ids, existing)
    if "release" in batches:
        problems += _releases_allowed(batches["release"], existing["release"], stored)
    if "activity" in batches:
        problems += _activities_in_scope(conn, batches["activity"])
    if "hazard" in batches:
        warnings += _keep_worked_status(
            batches["hazard"], ids["hazard"], existing["hazard"], stored
        )
        problems += _hazard_changes(
            conn, batches, ids["hazard"], existing["hazard"], stored
        )
    return problems


def _activities_in_scope(conn: Connection, batch: Batch) -> list[SourceError]:
    """Activities outside their organisation's accreditation scope."""
    found = scope_problems(conn, batch.frame, dt.date.today())
    column = "organisation" if "organisation" in batch.frame else "organisation_id"
    return [
        _problem(batch, pos, column, batch.frame[column].iat[pos], reason)
        for pos, reason in found
    ]


def _stored_hazards(
    conn: Connection,
    batches: dict[str, Batch],
    ids: dict[str, np.ndarray],
    existing: dict[str, np.ndarray],
) -> pd.DataFrame:
    """Status and class, as the register holds them, of hazards the import
    touches (its releases' hazards and its updated hazards)."""
    wanted: set[int] = set()
    if "release" in batches and "hazard_id" in batches["release"].frame:
        refs = batches["release"].frame["hazard_id"].dropna()
        wanted.update(int(v) for v in refs)
    if "hazard" in batches:
        wanted.update(int(i) for i in ids["hazard"][existing["hazard"]])
    frame = read_by_ids(conn, "hazard", ["status", "hazard_class"], sorted(wanted))
    return frame.set_index("id")


def _releases_allowed(
    batch: Batch, existing: np.ndarray, stored: pd.DataFrame
) -> list[SourceError]:
    if "hazard_id" not in batch.frame or "kind" not in batch.frame:
        return []
    out = []
    hazard_ids = batch.frame["hazard_id"]
    kinds = batch.frame["kind"]
    for pos in np.flatnonzero(~existing & hazard_ids.notna().to_numpy(dtype=bool)):
        hid = int(hazard_ids.iat[pos])
        if hid not in stored.index or kinds.iat[pos] is None:
            continue  # a hazard new in this import arrives in its final state
        try:
            status.check_release(hid, stored.at[hid, "status"], kinds.iat[pos])
        except TransitionError as exc:
            reason = _reason(exc)
            out.append(
                _problem(
                    batch, int(pos), "hazard", batch.frame["hazard"].iat[pos], reason
                )
            )
    return out


# Statuses the register reaches by recording work, not by being told.
WORKED = (HazardStatus.WORKED_ON.value, HazardStatus.CLOSED.value)


def _keep_worked_status(
    batch: Batch, ids: np.ndarray, existing: np.ndarray, stored: pd.DataFrame
) -> list[str]:
    """A file saying "open" of a hazard the register has worked on since
    is out of date, not wrong: keep the register's status.

    Re-importing a survey layer after clearance has begun would otherwise
    ask to reopen hazards, which IMAS 07.11 forbids.
    """
    if "status" not in batch.frame or not existing.any():
        return []
    positions = np.flatnonzero(existing)
    before = stored.reindex(ids[positions])["status"].to_numpy(dtype=object)
    new = _values(batch, "status", positions)
    behind = (new == HazardStatus.OPEN.value) & np.isin(before, WORKED)
    if not behind.any():
        return []
    column = batch.frame["status"].to_numpy(dtype=object).copy()
    column[positions[behind]] = before[behind]
    batch.frame["status"] = column
    return [
        ngettext(
            "%(num)s hazard the file calls open is worked on or closed in the "
            "register, by work recorded since; its status is kept",
            "%(num)s hazards the file calls open are worked on or closed in the "
            "register, by work recorded since; their status is kept",
            int(behind.sum()),
            num=number(int(behind.sum())),
        )
    ]


def _hazard_changes(
    conn: Connection,
    batches: dict[str, Batch],
    ids: np.ndarray,
    existing: np.ndarray,
    stored: pd.DataFrame,
) -> list[SourceError]:
    batch = batches["hazard"]
    positions = np.flatnonzero(existing)
    if not len(positions):
        return []
    before = stored.reindex(ids[positions])
    out = []
    new_status = _values(batch, "status", positions)
    moved = (new_status != None) & (new_status != before["status"].to_numpy())  # noqa: E711
    for pos, old, new in zip(
        positions[moved],
        before["status"].to_numpy()[moved],
        new_status[moved],
        strict=True,
    ):
        allowed = status.TRANSITIONS[HazardStatus(old)]
        if HazardStatus(new) in allowed:
            continue
        names = ", ".join(sorted(in_sentence(s) for s in allowed)) or _("none")
        reason = _(
            "the register has this hazard %(status)s; from %(status)s it may "
            "become: %(allowed)s",
            status=in_sentence(HazardStatus(old)),
            allowed=names,
        )
        out.append(_problem(batch, int(pos), "status", new, reason))
    new_class = _values(batch, "hazard_class", positions)
    down = (before["hazard_class"].to_numpy() == HazardClass.CHA.value) & (
        new_class == HazardClass.SHA.value
    )
    if down.any():
        surveyed = _technically_surveyed(conn, batches, ids[positions[down]])
        for pos in positions[down]:
            if int(ids[pos]) in surveyed:
                continue
            reason = _(
                "a confirmed hazard (CHA) becomes suspected (SHA) only after a "
                "technical survey, and none is recorded for it"
            )
            out.append(_problem(batch, int(pos), "hazard_class", "sha", reason))
    return out


def _values(batch: Batch, column: str, positions: np.ndarray) -> np.ndarray:
    """The batch's values of ``column`` at ``positions`` (None where absent)."""
    if column not in batch.frame:
        return np.full(len(positions), None, dtype=object)
    values: np.ndarray = np.array(batch.frame[column].to_numpy(dtype=object))
    picked: np.ndarray = values[positions]
    picked[pd.isna(picked)] = None
    return picked


def _value(batch: Batch, column: str, pos: int) -> str | None:
    value = _values(batch, column, np.array([pos]))[0]
    return None if value is None else str(value)


def _technically_surveyed(
    conn: Connection, batches: dict[str, Batch], hazard_ids: np.ndarray
) -> set[int]:
    """Hazards with a technical survey, in the register or in this import."""
    out = technically_surveyed(conn, hazard_ids.tolist())
    batch = batches.get("activity")
    if batch is not None and {"hazard_id", "activity_type"} <= set(batch.frame):
        ts = batch.frame["activity_type"] == ActivityType.TS.value
        out.update(int(v) for v in batch.frame.loc[ts, "hazard_id"].dropna())
    return out


def settle_hazards(
    conn: Connection,
    batches: dict[str, Batch],
    ids: dict[str, np.ndarray],
    existing: dict[str, np.ndarray],
) -> list[SourceError]:
    """After the ledger: set the status releases imply; refuse false closures."""
    touched = _worked_on(batches.get("release"))
    listed = {int(i) for i in ids.get("hazard", [])}
    frame = read_by_ids(
        conn,
        "hazard",
        ["status", "area_m2", "remaining_m2"],
        sorted(set(touched) | listed),
    )
    out: list[SourceError] = []
    changes = []
    for row in frame.itertuples(index=False):
        tolerance = closing_tolerance_m2(float(row.area_m2))
        if int(row.id) in touched and row.area_m2 > 0:
            # A hazard without a polygon has no ledger to close it by.
            try:
                new = status.status_after_release(
                    row.status,
                    float(row.remaining_m2),
                    float(row.area_m2),
                    tolerance_m2=tolerance,
                    hazard_id=int(row.id),
                )
            except TransitionError as exc:
                out += _blame(batches, ids, int(row.id), touched[int(row.id)], exc)
                continue
            if new.value != row.status:
                changes.append((int(row.id), new.value))
        elif int(row.id) in touched:
            continue
        elif row.status == HazardStatus.CLOSED.value and row.remaining_m2 > tolerance:
            closure = TransitionError(
                _(
                    "cannot be closed: %(remaining_m2)s m² of %(area_m2)s m² have not "
                    "been released",
                    remaining_m2=number(row.remaining_m2, 1),
                    area_m2=number(row.area_m2, 1),
                )
            )
            out += _blame(batches, ids, int(row.id), [], closure)
    if not out and changes:
        _apply_status(conn, changes)
    return out


def _worked_on(batch: Batch | None) -> dict[int, list[int]]:
    """Hazard id -> positions of the approved imported releases on it."""
    out: dict[int, list[int]] = defaultdict(list)
    if batch is None or "hazard_id" not in batch.frame:
        return out
    review = batch.frame.get("review_state")
    for pos, hid in enumerate(batch.frame["hazard_id"].tolist()):
        if hid is None or pd.isna(hid):
            continue
        state = review.iat[pos] if review is not None else None
        state = state if isinstance(state, str) else batch.review[pos]
        if state in (None, ReviewState.APPROVED.value):
            out[int(hid)].append(pos)
    return out


def _reason(exc: TransitionError) -> str:
    """The rule's words without the "hazard 12, field 'status':" in front,
    which the problem's own file, row and field replace."""
    return exc.reason


def _blame(
    batches: dict[str, Batch],
    ids: dict[str, np.ndarray],
    hazard_id: int,
    release_positions: list[int],
    exc: TransitionError,
) -> list[SourceError]:
    """The problem, on the hazard's row if imported, else on its releases."""
    reason = _reason(exc)
    hazards = batches.get("hazard")
    if hazards is not None:
        where = np.flatnonzero(ids["hazard"] == hazard_id)
        if len(where):
            pos = int(where[0])
            return [
                _problem(hazards, pos, "status", _value(hazards, "status", pos), reason)
            ]
    releases = batches["release"]
    return [
        _problem(releases, pos, "hazard", releases.frame["hazard"].iat[pos], reason)
        for pos in release_positions
    ]


def _apply_status(conn: Connection, changes: list[tuple[int, str]]) -> None:
    """Write new statuses; a closed hazard's closed_on is its last release."""
    closed = [hid for hid, st in changes if st == HazardStatus.CLOSED.value]
    last = last_release_on(conn, closed)
    frame = pd.DataFrame(
        {
            "id": [hid for hid, _unused in changes],
            "status": [st for _unused, st in changes],
            "closed_on": [last.get(hid) for hid, _unused in changes],
        }
    )
    update_frame(conn, "hazard", frame)  # a status change is content: touched
