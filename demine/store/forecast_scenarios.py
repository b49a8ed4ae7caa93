# SPDX-License-Identifier: GPL-3.0-or-later
"""Forecast scenarios saved in the register: list, read, save, delete.

What a scenario holds is checked by the caller
(:func:`demine.analysis.forecast.checking.check_definition`) before it is
saved; here a name is kept unique, so two people saving the same name at
once get one scenario and one clear refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from demine.errors import ConflictError, NotFoundError
from demine.i18n import _
from demine.store.database import Database
from demine.store.schema import ForecastScenario
from demine.store.schema.base import utcnow


@dataclass(frozen=True)
class SavedScenario:
    """A saved scenario: its name and the fields of a scenario file."""

    id: int
    name: str
    definition: dict[str, Any]
    updated_at: dt.datetime


def _view(row: ForecastScenario) -> SavedScenario:
    return SavedScenario(row.id, row.name, dict(row.definition), row.updated_at)


def list_scenarios(db: Database) -> list[SavedScenario]:
    """Every saved scenario, by name."""
    with db.session() as session:
        rows = session.scalars(select(ForecastScenario).order_by(ForecastScenario.name))
        return [_view(r) for r in rows]


def get_scenario(db: Database, scenario_id: int) -> SavedScenario:
    """One saved scenario; NotFoundError if there is none with this id."""
    with db.session() as session:
        row = session.get(ForecastScenario, scenario_id)
        if row is None:
            raise NotFoundError(_("no saved scenario %(id)s", id=scenario_id))
        return _view(row)


def save_scenario(
    db: Database,
    definition: dict[str, Any],
    user_id: int | None,
    scenario_id: int | None = None,
) -> int:
    """Store a checked scenario (a new one, or over ``scenario_id``); its id.

    ConflictError when another scenario has the name already.
    """
    name = str(definition["name"]).strip()
    body = {**definition, "name": name}
    try:
        with db.session(write=True) as session:
            if scenario_id is None:
                row = ForecastScenario(name=name, definition=body)
                session.add(row)
            else:
                found = session.get(ForecastScenario, scenario_id)
                if found is None:
                    raise NotFoundError(_("no saved scenario %(id)s", id=scenario_id))
                row = found
                row.name, row.definition = name, body
                row.updated_at = utcnow()
            row.updated_by_id = user_id
            session.flush()
            return row.id
    except IntegrityError:
        raise ConflictError(
            _("a scenario named %(name)s is saved already", name=repr(name))
        ) from None


def delete_scenario(db: Database, scenario_id: int) -> None:
    """Remove a saved scenario; NotFoundError if there is none."""
    with db.session(write=True) as session:
        gone = session.execute(
            delete(ForecastScenario).where(ForecastScenario.id == scenario_id)
        )
        if not gone.rowcount:  # type: ignore[attr-defined]
            raise NotFoundError(_("no saved scenario %(id)s", id=scenario_id))
