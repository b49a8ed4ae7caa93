# SPDX-License-Identifier: GPL-3.0-or-later
"""Layers the administrator opened to anonymous readers."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select

from demine.errors import RecordError
from demine.i18n import _
from demine.store.database import Database
from demine.store.listing import MODELS
from demine.store.personal import PERSONAL
from demine.store.schema import PublicLayer
from demine.store.users import audit

# Record kinds, and the published contamination risk (a derived layer);
# never personal data (refused as an unknown layer).
PUBLISHABLE = (frozenset(MODELS) - PERSONAL) | {"risk_cell"}


def public_layers(db: Database) -> set[str]:
    """Layers anyone may read (of records, the approved ones only)."""
    with db.session() as session:
        return set(session.scalars(select(PublicLayer.layer)))


def set_public_layers(
    db: Database, layers: Iterable[str], *, actor: int | None = None
) -> set[str]:
    """Replace the set of public layers; unknown kinds are refused; audited."""
    wanted = set(layers)
    unknown = sorted(wanted - PUBLISHABLE)
    if unknown:
        raise RecordError(
            _("unknown layer(s) %(values)s", values=", ".join(unknown)), field="layers"
        )
    with db.session(write=True) as session:
        before = sorted(session.scalars(select(PublicLayer.layer)))
        session.execute(delete(PublicLayer))
        session.add_all(PublicLayer(layer=name) for name in sorted(wanted))
        if before != sorted(wanted):
            audit(
                session,
                actor,
                "public-layers",
                "public_layer",
                0,
                {"layers": before},
                {"layers": sorted(wanted)},
            )
    return wanted
