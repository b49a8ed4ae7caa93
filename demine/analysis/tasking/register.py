# SPDX-License-Identifier: GPL-3.0-or-later
"""Team tasking on the register: read teams and hazards, weigh, plan.

Priority weights come from :func:`demine.analysis.priorities.ranking.prioritise`
(the ranking's scores, scaled to [0.1, 1] per m² by
:func:`~demine.analysis.tasking.problem.weights_from_scores`). When prioritisation is
not installed, every m² weighs 1 and hazards are taken in the order: return
date of the settlement they block (soonest first), then number of things
they block, then id; ``weights`` in the result says which was used.

Teams work only in the months their organisation is accredited and their
members qualified for their method (:mod:`~demine.analysis.tasking.eligibility`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from demine.analysis.tasking.eligibility import Checked, read_eligibility
from demine.analysis.tasking.problem import (
    Plan,
    TaskingError,
    TaskingOptions,
    deadline_month,
    first_of_next_month,
    month_starts,
    weights_from_scores,
)
from demine.analysis.tasking.solve import plan_tasks
from demine.i18n import _
from demine.i18n.numbers import number
from demine.store.database import Database
from demine.store.tasking import active_teams, workable_hazards

log = logging.getLogger(__name__)

MAX_TOP = 20_000


@dataclass
class RegisterPlan:
    """A plan with what it was made from."""

    plan: Plan
    weights: str
    teams_available: int
    hazards_open: int
    hazards_planned: int
    checked: Checked

    def as_dict(self) -> dict[str, Any]:
        data = self.plan.as_dict()
        data.update(
            weights=self.weights,
            teams_available=self.teams_available,
            hazards_open=self.hazards_open,
            hazards_planned=self.hazards_planned,
            teams_under_accreditation=self.checked.accreditation,
            teams_under_qualification=self.checked.qualification,
        )
        return data


def plan_register(
    db: Database,
    options: TaskingOptions,
    *,
    top: int = 5000,
    teams: int | None = None,
    profile: str | None = None,
    today: dt.date | None = None,
    ranking: Any | None = None,
) -> RegisterPlan:
    """Plan ``teams`` (all active ones if None) on the ``top`` hazards.

    Hazards blocking a settlement whose people return within the horizon are
    always planned, even below ``top``. ``ranking`` is a prioritisation
    ranking already at hand (the API's cached one); otherwise it is computed.
    """
    if not 1 <= top <= MAX_TOP:
        raise TaskingError(
            _(
                "top must be between 1 and %(max_top)s, not %(top)s",
                max_top=number(MAX_TOP),
                top=top,
            )
        )
    if teams is not None and teams < 1:
        raise TaskingError(
            _("%(teams)s teams asked for: plan at least one team", teams=teams)
        )
    if options.start is None:
        options = replace(options, start=first_of_next_month(today or dt.date.today()))
    options.validate()
    assert options.start is not None
    months = month_starts(options.start.replace(day=1), options.months)
    with db.transaction() as conn:
        team_table = active_teams(conn)
        hazards = workable_hazards(conn)
        available = len(team_table)
        if teams is not None:
            team_table = team_table.sort_index().head(teams)
        eligibility, checked = read_eligibility(conn, team_table, months)
    if len(team_table) == 0:
        raise TaskingError(_("there are no active approved teams to plan"))
    if len(hazards) == 0:
        raise TaskingError(_("there are no open hazards with area left to plan"))
    if ranking is not None:
        scores, source = _ranked(ranking.table, hazards), _("prioritisation score")
    else:
        scores, source = _scores(db, hazards, profile)
    chosen = _select(hazards, scores, top, options)
    weights = weights_from_scores(scores.reindex(chosen.index).fillna(scores.min()))
    plan = plan_tasks(team_table, chosen, weights, options, eligibility)
    return RegisterPlan(
        plan=plan,
        weights=source,
        teams_available=available,
        hazards_open=len(hazards),
        hazards_planned=len(chosen),
        checked=checked,
    )


def _scores(
    db: Database, hazards: pd.DataFrame, profile: str | None
) -> tuple[pd.Series, str]:
    """Priority score per workable hazard, and where it came from."""
    try:
        from demine.analysis.priorities.profile import load_profile
        from demine.analysis.priorities.ranking import prioritise
    except ImportError:
        if profile is not None:
            raise TaskingError(
                _("a priority profile was given but prioritisation is not available")
            ) from None
        return _fallback_scores(hazards), _("1 per m² (prioritisation not available)")
    chosen = load_profile(profile) if profile is not None else None
    ranking = prioritise(db, profile=chosen)
    return _ranked(ranking.table, hazards), _("prioritisation score")


def _ranked(table: pd.DataFrame, hazards: pd.DataFrame) -> pd.Series:
    scores = pd.to_numeric(table["score"], errors="coerce").reindex(hazards.index)
    if scores.notna().sum() == 0:
        raise TaskingError(_("the priority ranking covers none of the open hazards"))
    # A hazard the ranking left out comes last.
    return scores.fillna(scores.min())


def _fallback_scores(hazards: pd.DataFrame) -> pd.Series:
    """Equal scores; the order of :func:`_select` then decides which are planned."""
    return pd.Series(1.0, index=hazards.index)


def _select(
    hazards: pd.DataFrame, scores: pd.Series, top: int, options: TaskingOptions
) -> pd.DataFrame:
    """The ``top`` best hazards plus every one due within the horizon."""
    assert options.start is not None
    start = options.start.replace(day=1)
    due = hazards["return_on"].map(
        lambda d: None if d is None or pd.isna(d) else deadline_month(d, start)
    )
    in_horizon = due.map(lambda m: m is not None and 0 <= m < options.months)
    # Soonest return date first; hazards without one after every date.
    when = hazards["return_on"].map(
        lambda d: d.toordinal() if isinstance(d, dt.date) else 10**7
    )
    order = pd.DataFrame(
        {
            "score": scores.reindex(hazards.index),
            "when": when,
            "blocks": hazards["blockages"].map(lambda b: len(b or [])),
            "hazard": hazards.index,
        },
        index=hazards.index,
    ).sort_values(
        ["score", "when", "blocks", "hazard"], ascending=[False, True, False, True]
    )
    picked = order.index[:top].union(hazards.index[in_horizon.to_numpy(dtype=bool)])
    return hazards.loc[hazards.index.isin(picked)]
