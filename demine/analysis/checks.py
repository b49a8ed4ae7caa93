# SPDX-License-Identifier: GPL-3.0-or-later
"""Checking the whole register: geometry rules plus the land-release ledger."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import shapely
import shapely.geometry
from sqlalchemy.engine import Connection

from demine.domain.findings import Finding, Rule
from demine.domain.labels import kind_label
from demine.domain.vocab import HazardStatus
from demine.geo.extent import Extent
from demine.geo.repair import repair
from demine.geo.validation import (
    EntryRules,
    Plausible,
    check_geometries,
    entry_warnings,
)
from demine.geo.validation import GeometryKind as Expected
from demine.i18n import _
from demine.i18n.numbers import number, percent
from demine.settings import Settings
from demine.store import repairs
from demine.store.bulk import read_frame
from demine.store.database import Database
from demine.store.loading import recompute_ledger
from demine.store.quality import reopened_pairs

log = logging.getLogger(__name__)

Step = Callable[[str], None]

# (entity, table, geometry column, expected type, check overlaps between records)
LAYERS: tuple[tuple[str, str, str, Expected, bool], ...] = (
    ("hazard", "hazard", "geom", "polygon", True),
    ("release", "release", "geom", "polygon", False),
    ("eo_item", "eo_item", "geom", "point", False),
    ("accident", "accident", "geom", "point", False),
    ("place", "place", "location", "point", False),
)


@dataclass(frozen=True)
class CheckOptions:
    extent: Extent | None = None
    max_segment_m: float = 5000.0
    area_tolerance: float = 0.05
    plausible: Plausible | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        extent: str | None = None,
        max_segment_m: float | None = None,
    ) -> CheckOptions:
        """The installation's options; ``extent`` and ``max_segment_m`` (as a
        person typed them) replace the settings' when given."""
        return cls(
            extent=Extent.parse(extent or settings.extent),
            max_segment_m=max_segment_m or settings.max_segment_m,
            area_tolerance=settings.area_tolerance,
            plausible=plausible_from(settings),
        )


def entry_rules(settings: Settings) -> EntryRules:
    """The installation's rules for warnings on a record as it is entered."""
    return EntryRules(Extent.parse(settings.extent), plausible_from(settings))


def record_doubts(
    rules: EntryRules, kind: str, geojson: dict[str, Any] | None
) -> list[Finding]:
    """The doubts about one stored record's geometry (GeoJSON), as at entry."""
    if not geojson:
        return []
    geom = shapely.geometry.shape(geojson)
    expected: Expected = "polygon" if kind in ("hazard", "release") else "point"
    found = entry_warnings(rules, kind, geom, expected)
    # Messages name the record as new; on its own page it is this one.
    return [replace(f, message=f.message.split(": ", 1)[-1]) for f in found]


def plausible_from(settings: Settings) -> Plausible:
    """The installation's limits of a plausible polygon."""
    return Plausible(
        max_share=settings.max_area_share, min_width_m=settings.sliver_width_m
    )


@dataclass(frozen=True)
class Validation:
    """What a check found, and how many geometries it repaired first."""

    findings: list[Finding]
    repaired: int = 0

    def counts(self) -> dict[str, int]:
        """Findings per rule, by rule name."""
        return dict(sorted(Counter(str(f.rule) for f in self.findings).items()))


def validate_database(
    db: Database,
    options: CheckOptions,
    *,
    repair: bool = False,
    step: Step | None = None,
) -> Validation:
    """Check the whole register (repairing invalid polygons first if asked):
    what ``demine validate``, the findings page and ``POST /api/v1/findings``
    call, beside a live register.

    The geometry rules read in a reading transaction, so a long check never
    holds the register's write lock (writers of the web application would
    queue behind it); the repairs and the ledger's refresh write in short
    transactions of their own, each all or nothing.
    """
    db.require_initialised()
    repaired = 0
    if repair:
        with db.transaction(write=True) as conn:
            repaired = repair_register(conn, step=step)
    with db.transaction() as conn:
        findings = geometry_findings(conn, options, step=step)
    with db.transaction(write=True) as conn:
        findings.extend(ledger_findings(conn, options, step=step))
    return Validation(findings=findings, repaired=repaired)


def validate_register(
    conn: Connection,
    options: CheckOptions,
    *,
    step: Step | None = None,
) -> list[Finding]:
    """Every finding of every geometry rule and of the ledger, in rule order.

    The ledger columns are recomputed on the way, so after a check the stored
    figures agree with the geometry.
    """
    findings = geometry_findings(conn, options, step=step)
    findings.extend(ledger_findings(conn, options, step=step))
    return findings


def geometry_findings(
    conn: Connection, options: CheckOptions, *, step: Step | None = None
) -> list[Finding]:
    """The findings of every geometry rule on every layer."""
    findings: list[Finding] = []
    for entity, name, column, expected, overlaps in LAYERS:
        if step:
            step(_("checking the geometry of %(kind)s", kind=kind_label(entity, True)))
        frame = read_frame(conn, name, ["id", column])
        if frame.empty:
            continue
        # Empty hazards and releases matter; points without a place are common
        # in legacy registers and are not an error of the geometry.
        geoms = frame[column].to_numpy(dtype=object)
        if expected == "point":
            keep = np.array([g is not None for g in geoms], dtype=bool)
            frame, geoms = frame[keep], geoms[keep]
        findings.extend(
            check_geometries(
                entity,
                frame["id"].tolist(),
                geoms,
                extent=options.extent,
                max_segment_m=options.max_segment_m,
                expected=expected,
                check_overlap=overlaps,
                plausible=options.plausible if expected == "polygon" else None,
            )
        )
    findings = _without_reopened_overlaps(conn, findings)
    return findings


def ledger_findings(
    conn: Connection, options: CheckOptions, *, step: Step | None = None
) -> list[Finding]:
    """Refresh the ledger columns; the ledger's, status and area findings."""
    findings: list[Finding] = []
    if step:
        step(_("land-release ledger"))
    ledger = recompute_ledger(conn)
    findings.extend(ledger.findings)
    findings.extend(status_findings(conn))
    findings.extend(hazard_area_findings(conn, options.area_tolerance))
    return findings


def _without_reopened_overlaps(
    conn: Connection, findings: list[Finding]
) -> list[Finding]:
    """Drop the overlap (or duplicate, when the whole hazard was the lot) of a
    hazard with the one reopened over its ground after a failed inspection:
    closure is final, so the new hazard lies on the old by design
    (:mod:`demine.quality.nonconformities`)."""
    pairs = reopened_pairs(conn)
    if not pairs:
        return findings
    return [
        f
        for f in findings
        if not (
            f.rule in (Rule.OVERLAP, Rule.DUPLICATE_GEOMETRY)
            and f.related_id is not None
            and frozenset((int(f.id), int(f.related_id))) in pairs
        )
    ]


def hazard_area_findings(conn: Connection, tolerance: float) -> list[Finding]:
    """Hazards whose typed-in area is off their geometry's by more than ``tolerance``.

    The geometry wins in every figure; the finding tells the officer which
    paper record or polygon to check.
    """
    frame = read_frame(conn, "hazard", ["id", "area_m2", "reported_area_m2"])
    reported = pd.to_numeric(frame["reported_area_m2"]).to_numpy(dtype=float)
    measured = frame["area_m2"].to_numpy(dtype=float)
    diff = np.abs(reported - measured)
    with np.errstate(invalid="ignore"):
        bad = (diff > tolerance * measured) & (diff > 1.0)
    return [
        Finding(
            Rule.AREA_MISMATCH,
            "hazard",
            int(frame["id"].iat[i]),
            _(
                "typed-in area %(reported)s m² differs from the polygon's "
                "%(measured)s m² by %(share)s",
                reported=number(reported[i]),
                measured=number(measured[i]),
                share=percent(diff[i] / max(measured[i], 1.0), 0),
            ),
            area_m2=float(diff[i]),
        )
        for i in np.flatnonzero(bad)
    ]


def status_findings(conn: Connection) -> list[Finding]:
    """Hazards whose IMAS 07.11 status disagrees with what the ledger says is left.

    A closed hazard with ground remaining, or an open one that has already had
    ground released (it should be worked on), is reported; the status itself is
    not changed, because only a person can close a hazard.
    """
    frame = read_frame(conn, "hazard", ["id", "status", "area_m2", "remaining_m2"])
    if frame.empty:
        return []
    tolerance = np.maximum(1.0, 0.001 * frame["area_m2"].to_numpy(dtype=float))
    remaining = frame["remaining_m2"].to_numpy(dtype=float)
    released = frame["area_m2"].to_numpy(dtype=float) - remaining
    status = frame["status"].astype(str).to_numpy()
    closed_left = (status == HazardStatus.CLOSED.value) & (remaining > tolerance)
    open_worked = (status == HazardStatus.OPEN.value) & (released > tolerance)
    cases = [
        (
            i,
            remaining[i],
            _(
                "hazard is closed but %(area)s m² remain unreleased",
                area=number(remaining[i]),
            ),
        )
        for i in np.flatnonzero(closed_left)
    ] + [
        (
            i,
            released[i],
            _(
                "hazard is open but %(area)s m² have been released; its status "
                "should be worked on",
                area=number(released[i]),
            ),
        )
        for i in np.flatnonzero(open_worked)
    ]
    return [
        Finding(
            Rule.STATUS_MISMATCH,
            "hazard",
            int(frame["id"].iat[i]),
            message,
            area_m2=float(area),
        )
        for i, area, message in cases
    ]


def repair_register(conn: Connection, *, step: Step | None = None) -> int:
    """Repair invalid hazard and release polygons; every change is recorded.

    Returns the number of geometries changed. The ledger is recomputed after.
    """
    changed = 0
    for entity in ("hazard", "release"):
        if step:
            step(_("repairing the geometry of %(kind)s", kind=kind_label(entity, True)))
        frame = read_frame(conn, entity, ["id", "geom"])
        if frame.empty:
            continue
        result = repair(frame["id"].tolist(), frame["geom"].to_numpy(dtype=object))
        if not result.repairs:
            continue
        changed += repairs.apply(conn, entity, frame, result)
    if changed:
        recompute_ledger(conn)
    return changed
