# SPDX-License-Identifier: GPL-3.0-or-later
"""What an import takes back: records its source no longer has.

A new *edition* of a source (``demine import ... --edition``) replaces the
last: records whose ids start as this mapping's ids do (its source's) and
that the new file no longer has are withdrawn (:func:`withdraw_missing`),
after the dry run has shown how many; ``demine reinstate`` brings them back.

Records made from counts (:mod:`demine.exchange.counts`) belong to
*families*, one per incident and block (``inc-7-killed-``); when a count
goes down, the family's records above the new count are not made again, and
:func:`withdraw_stale` withdraws them. Withdrawn records stay in the
register with their audit trail and count in no figure; an import that
makes one of them again (the count went back up) reinstates it.

Every withdrawal is audited, whoever imports (the command line too), and so
is every other change an import makes to a family already in the register
(a record added to it, one reinstated), so the trail says why a figure moved.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Connection

from demine.domain.vocab import ReviewState
from demine.errors import SourceError
from demine.exchange.keys import literal_prefix
from demine.exchange.mapping import Mapping
from demine.exchange.staging import Batch
from demine.i18n import _
from demine.i18n.kinds import kind_word
from demine.store.audit import record_values
from demine.store.withdrawal import records_by_prefix, set_review_state

WITHDRAWN = ReviewState.WITHDRAWN.value
_MEMBER = r"^(?P<family>.*-)(?P<n>\d+)$"


@dataclass
class Families:
    """The stored records of a batch's families, read before it is written."""

    stored: pd.DataFrame
    known: frozenset[str] = field(default_factory=frozenset)
    #: the withdrawn ones as they are, in case the import reinstates them
    withdrawn: dict[int, dict[str, Any]] = field(default_factory=dict)


def stored_families(conn: Connection, batch: Batch) -> Families | None:
    """The records already in the register of ``batch``'s families."""
    if batch.families is None:
        return None
    wanted = pd.unique(pd.Series(batch.families, dtype=object).dropna())
    # Character by character is what is wanted: the ids' common text.
    prefix = os.path.commonprefix([str(f) for f in wanted])  # noqa: RUF071
    if not len(wanted):
        return Families(pd.DataFrame(columns=["id", "external_id", "review_state"]))
    stored = records_by_prefix(conn, batch.kind, prefix)
    parts = stored["external_id"].astype(str).str.extract(_MEMBER)
    member = parts["family"].isin(set(wanted)).to_numpy(dtype=bool)
    stored = stored[member].assign(family=parts["family"][member])
    out = stored[stored["review_state"].astype(str) == WITHDRAWN]
    withdrawn = record_values(conn, batch.kind, [int(i) for i in out["id"]])
    return Families(
        stored.reset_index(drop=True), frozenset(stored["family"]), withdrawn
    )


def withdraw_stale(
    conn: Connection,
    batch: Batch,
    ids: np.ndarray,
    existing: np.ndarray,
    families: Families,
    *,
    audited: bool,
) -> tuple[int, list[dict[str, Any]]]:
    """Withdraw the family records this import did not make again.

    Returns how many were withdrawn and the audit events of the families'
    changes (withdrawn, and unless ``audited`` already covers them, added to
    a known family or reinstated).
    """
    stored = families.stored
    made = {int(i) for i in ids}
    stale = stored[
        ~stored["id"].isin(made) & (stored["review_state"].astype(str) != WITHDRAWN)
    ]
    stale_ids = [int(i) for i in stale["id"]]
    before = record_values(conn, batch.kind, stale_ids)
    set_review_state(conn, batch.kind, stale_ids, ReviewState.WITHDRAWN)
    after = record_values(conn, batch.kind, stale_ids)
    events = [
        _event("withdraw", batch.kind, i, before[i], after[i], _("count lowered"))
        for i in stale_ids
    ]
    if not audited:
        events += _family_changes(conn, batch, ids, existing, families)
    return len(stale_ids), events


def _family_changes(
    conn: Connection,
    batch: Batch,
    ids: np.ndarray,
    existing: np.ndarray,
    families: Families,
) -> list[dict[str, Any]]:
    """Events for records added to a known family and for reinstated ones."""
    stored = families.stored.set_index("id")
    keys = batch.frame["external_id"].astype(str)
    family = keys.str.extract(_MEMBER)["family"]
    added = ~existing & family.isin(families.known).to_numpy(dtype=bool)
    was = stored["review_state"].astype(str).reindex(ids).to_numpy(dtype=object)
    reinstated = existing & (was == WITHDRAWN)
    wanted = np.flatnonzero(added | reinstated)
    after = record_values(conn, batch.kind, [int(ids[p]) for p in wanted])
    events = []
    for pos in wanted:
        record_id = int(ids[pos])
        source = row_source(batch.files[pos], batch.rows[pos])
        if reinstated[pos]:
            before = families.withdrawn.get(record_id)
            events.append(
                _event(
                    "reinstate", batch.kind, record_id, before, after[record_id], source
                )
            )
        else:
            events.append(
                _event("import", batch.kind, record_id, None, after[record_id], source)
            )
    return events


def row_source(file: object, row: object) -> str:
    """Where an imported record came from, as the audit trail names it."""
    return _("%(file)s row %(row)s", file=Path(str(file)).name, row=row)


def _event(
    action: str,
    kind: str,
    record_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    source: str,
) -> dict[str, Any]:
    return {
        "action": action,
        "entity": kind,
        "record_id": record_id,
        "before": before,
        "after": dict(after, source=source),
    }


# -- editions ----------------------------------------------------------------


def edition_prefixes(mapping: Mapping) -> dict[str, list[str]]:
    """Which stored records are the source's: kind -> external-id prefixes.

    A new edition replaces the records whose ids start as this mapping's
    do (``bhmac-sha-`` ...). Targets whose ids start with a placeholder
    cannot say which records are theirs: refused, with the reason.
    """
    out: dict[str, list[str]] = {}
    for target in mapping.targets:
        rule = target.fields.get("external_id")
        if rule is None and target.counts is not None:
            refs = [r for n, r in target.fields.items() if n != "external_id"]
            rule = next((r for r in refs if r.template), None)
        prefix = literal_prefix(rule.template) if rule and rule.template else ""
        if not prefix:
            raise SourceError(
                _(
                    "--edition: the %(kind)s ids of this mapping do not start "
                    "with text of their own (write external_id as 'src-{...}'), "
                    "so the register cannot tell which records are this source's",
                    kind=kind_word(target.kind),
                ),
                file=mapping.path,
                field="external_id",
            )
        out.setdefault(target.kind, [])
        if prefix not in out[target.kind]:
            out[target.kind].append(prefix)
    return out


def withdraw_missing(
    conn: Connection,
    kind: str,
    prefixes: list[str],
    made: np.ndarray,
    source: str,
) -> tuple[int, list[dict[str, Any]]]:
    """Withdraw the records of these prefixes that the import did not make."""
    stored = pd.concat(
        [records_by_prefix(conn, kind, p) for p in prefixes], ignore_index=True
    ).drop_duplicates("id")
    state = stored["review_state"].astype(str)
    keep = {int(i) for i in made}
    stale = stored[
        ~stored["id"].isin(keep)
        & (state != WITHDRAWN)
        & (state != ReviewState.REJECTED.value)
    ]
    ids = [int(i) for i in stale["id"]]
    before = record_values(conn, kind, ids)
    set_review_state(conn, kind, ids, ReviewState.WITHDRAWN)
    after = record_values(conn, kind, ids)
    events = [_event("withdraw", kind, i, before[i], after[i], source) for i in ids]
    return len(ids), events


def reinstate_withdrawn(
    conn: Connection, kind: str, prefix: str
) -> tuple[int, list[dict[str, Any]]]:
    """Approve again the withdrawn records of ``kind`` whose ids start so."""
    stored = records_by_prefix(conn, kind, prefix)
    ids = [
        int(i) for i in stored["id"][stored["review_state"].astype(str) == WITHDRAWN]
    ]
    before = record_values(conn, kind, ids)
    set_review_state(conn, kind, ids, ReviewState.APPROVED)
    after = record_values(conn, kind, ids)
    events = [
        _event("reinstate", kind, i, before[i], after[i], "demine reinstate")
        for i in ids
    ]
    return len(ids), events
