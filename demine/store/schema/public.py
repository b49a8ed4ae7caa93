# SPDX-License-Identifier: GPL-3.0-or-later
"""What the public land-status service shows: layers and messages."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from demine.store.schema.base import Base


class PublicServiceLayer(Base):
    """A layer of the public service and how far its shapes are generalised.

    ``generalise_m`` is the grid size, in metres, that shapes are snapped to
    before anyone outside sees them; 0 shows them as recorded.
    """

    __tablename__ = "public_service_layer"

    layer: Mapped[str] = mapped_column(String(40), primary_key=True)
    generalise_m: Mapped[float] = mapped_column(Float, default=0.0)


class PublicMessage(Base):
    """A risk education (EORE) message shown to residents, in one language."""

    __tablename__ = "public_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
