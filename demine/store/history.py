# SPDX-License-Identifier: GPL-3.0-or-later
"""The register's history as the completion forecast reads it: approved
activities and the area their releases credited, active teams, funding, the
open area and the released area by year. The fitting itself is
:mod:`demine.analysis.forecast.history` (no I/O).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import String, case, func, select, type_coerce
from sqlalchemy.engine import Connection

from demine.domain.vocab import HazardStatus, ReviewState
from demine.store.schema import Activity, Funding, Hazard, Release, Team

APPROVED = ReviewState.APPROVED.value


def _released_area() -> Any:
    # A release drawn as a polygon counts what the ledger credited; one with
    # no polygon (say, imported from a table of figures) counts its reported area.
    return case(
        (Release.geom.is_(None), func.coalesce(Release.reported_area_m2, 0.0)),
        else_=Release.effective_m2,
    )


def _frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    """Rows as a frame built column by column.

    pandas probes every SQLAlchemy Row's attributes when given rows, which
    costs seconds per 100k rows; transposed plain tuples cost milliseconds.
    """
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    return pd.DataFrame(
        {n: pd.Series(c, dtype=object) for n, c in zip(columns, cols, strict=True)}
    ).infer_objects()


def _plain(column: Any) -> Any:
    # Vocabulary columns as plain text: converting 300k values to enums one
    # by one costs seconds, and the fit only compares their text.
    return type_coerce(column, String()).label(column.key)


def read_activity_areas(conn: Connection) -> pd.DataFrame:
    """Area credited per approved activity and release kind."""
    # 'activity_id + 0' keeps SQLite from walking the activity index into a
    # table of large polygons (ten times slower than one scan and a sort).
    activity = (Release.activity_id + 0).label("activity_id")
    kind = _plain(Release.kind)
    rows = conn.execute(
        select(activity, kind, func.sum(_released_area()))
        .where(Release.review_state == APPROVED, Release.activity_id.is_not(None))
        .group_by(activity, kind)
    ).all()
    frame = _frame(rows, ["activity_id", "kind", "area"])
    frame["area"] = frame["area"].astype(float)
    return frame


def read_activities(conn: Connection) -> pd.DataFrame:
    """One row per approved activity: id, type, method, team, team-days, cost
    and year (of its end, else its start); vocabularies as text."""
    year = func.extract("year", func.coalesce(Activity.end_date, Activity.start_date))
    acts = _frame(
        conn.execute(
            select(
                Activity.id,
                _plain(Activity.activity_type),
                _plain(Activity.method),
                Activity.team_id,
                Activity.team_days,
                Activity.cost_usd,
                year,
            ).where(Activity.review_state == APPROVED)
        ).all(),
        columns=[
            "id",
            "activity_type",
            "method",
            "team_id",
            "team_days",
            "cost_usd",
            "year",
        ],
    )
    for col in ("activity_type", "method"):
        acts[col] = acts[col].map(_text)
    return acts


def _text(value: Any) -> Any:
    return getattr(value, "value", value)


def read_teams(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(
        select(Team.method, Team.productivity_m2_day, Team.cost_per_day_usd).where(
            Team.review_state == APPROVED, Team.active.is_(True)
        )
    ).all()
    frame = _frame(rows, ["method", "productivity_m2_day", "cost"])
    frame["method"] = frame["method"].map(_text)
    return frame


def read_funding(conn: Connection) -> pd.DataFrame:
    rows = conn.execute(
        select(
            Funding.kind,
            Funding.dated_on,
            func.coalesce(
                Funding.amount_usd,
                case((Funding.currency == "USD", Funding.amount), else_=None),
            ),
        ).where(Funding.review_state == APPROVED)
    ).all()
    frame = _frame(rows, ["kind", "dated_on", "usd"])
    frame["kind"] = frame["kind"].map(_text)
    frame["year"] = pd.to_datetime(frame["dated_on"], errors="coerce").dt.year
    return frame


def read_open_area(conn: Connection) -> dict[str, float]:
    """Remaining m² of approved, not-closed hazards, by class (sha, cha)."""
    rows = conn.execute(
        select(Hazard.hazard_class, func.sum(Hazard.remaining_m2))
        .where(
            Hazard.review_state == APPROVED,
            Hazard.status != HazardStatus.CLOSED,
        )
        .group_by(Hazard.hazard_class)
    ).all()
    area = {"sha": 0.0, "cha": 0.0}
    area.update({str(_text(c)): float(a or 0.0) for c, a in rows})
    return area


def read_release_shares(conn: Connection) -> pd.DataFrame:
    """Released m² by year, hazard class (as it is now) and kind.

    Releases on hazards that are not approved SHA count as ``cha``.
    """
    year = func.extract("year", Release.released_on).label("year")
    kind = _plain(Release.kind)
    sha = Release.hazard_id.in_(
        select(Hazard.id).where(
            Hazard.review_state == APPROVED, Hazard.hazard_class == "sha"
        )
    ).label("sha")
    rows = conn.execute(
        select(year, sha, kind, func.sum(_released_area()), func.count())
        .where(Release.review_state == APPROVED)
        .group_by(year, sha, kind)
    ).all()
    frame = _frame(rows, ["year", "sha", "kind", "area", "records"])
    frame["hazard_class"] = frame["sha"].map(lambda v: "sha" if v else "cha")
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce")
    frame["area"] = frame["area"].astype(float)
    return frame[["year", "hazard_class", "kind", "area", "records"]]
