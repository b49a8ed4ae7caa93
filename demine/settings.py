# SPDX-License-Identifier: GPL-3.0-or-later
"""Settings from the environment (``DEMINE_*``) or passed in explicitly."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///demine.sqlite"


class Settings(BaseSettings):
    """Everything configurable about one demine installation.

    ``extent`` is a named country (see :mod:`demine.geo.extent`) or
    ``min_lon,min_lat,max_lon,max_lat``; validation reports coordinates
    outside it.
    """

    model_config = SettingsConfigDict(env_prefix="DEMINE_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    extent: str = "azerbaijan"
    max_segment_m: float = Field(default=5000.0, gt=0)
    area_tolerance: float = Field(default=0.05, ge=0)
