# SPDX-License-Identifier: GPL-3.0-or-later
"""Settings from the environment (``DEMINE_*``) or passed in explicitly."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from demine.i18n.language import check_language

DEFAULT_DATABASE_URL = "sqlite:///demine.sqlite"


class Settings(BaseSettings):
    """Everything configurable about one demine installation.

    ``extent`` is a named country (see :mod:`demine.geo.extent`) or
    ``min_lon,min_lat,max_lon,max_lat``; validation reports coordinates
    outside it.
    """

    model_config = SettingsConfigDict(env_prefix="DEMINE_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    # The deployment's language, for users with no preference whose browser
    # asks for none demine speaks (en, az, ru).
    language: str = "en"
    extent: str = "azerbaijan"
    max_segment_m: float = Field(default=5000.0, gt=0)
    area_tolerance: float = Field(default=0.05, ge=0)
    # Plausible geometry: a record covering more than this share of the
    # country, or thinner on average than this (metres), is reported.
    max_area_share: float = Field(default=0.01, gt=0, le=1)
    sliver_width_m: float = Field(default=1.0, ge=0)
    # Seconds a writer waits for another's transaction on SQLite (one writer
    # at a time): web edits queue behind each other and behind an import.
    busy_timeout: float = Field(default=30.0, gt=0)
    # Web application and API (demine serve).
    secret_key: str = Field(default="", repr=False)
    tile_url: str | None = None
    max_upload_bytes: int = Field(default=20_000_000, gt=0)
    # One import, once unpacked (zips, workbooks), and its rows in all.
    import_max_bytes: int = Field(default=1_000_000_000, gt=0)
    import_max_rows: int = Field(default=2_000_000, gt=0)
    secure_cookies: bool = False
    # Failed logins a client address gets before it waits (30 s, doubling),
    # and failures on one name, from anywhere, before new addresses wait.
    login_free_attempts: int = Field(default=10, gt=0)
    login_account_free_attempts: int = Field(default=20, gt=0)
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For is
    # believed, comma-separated; none by default.
    trusted_proxies: str = ""
    # Browser sessions end after this long unused, and this long after login.
    session_idle_minutes: int = Field(default=60, gt=0)
    session_absolute_hours: int = Field(default=12, gt=0)
    # Exports of more rows than this run as jobs (off the request path, with
    # progress and cancellation); jobs work in jobs_dir (a local folder;
    # default: the system's temporary folder) and keep their results in the
    # register, so servers share nothing but the database.
    export_inline_rows: int = Field(default=100_000, gt=0)
    # Uploads larger than this once unpacked are checked and imported by jobs.
    import_inline_bytes: int = Field(default=5_000_000, gt=0)
    jobs_dir: str | None = None
    # A job nobody asked about for this long is cancelled (its client left).
    job_client_timeout_seconds: int = Field(default=30, gt=0)
    # API tokens expire after this many days unless made with another expiry.
    token_days: int = Field(default=90, gt=0)
    page_size_max: int = Field(default=1000, gt=0)
    # Rendered tiles and feature pages kept per worker process, per cache.
    # The hazard, release and EO tiles a national map pans over come to
    # about 80 MB; a cache smaller than what is being looked at misses on
    # every request once people cycle through more than it holds.
    response_cache_mb: int = Field(default=256, gt=0)
    # A directory the worker processes of one server share rendered tiles
    # through (demine serve --workers N makes one); None: memory only.
    shared_cache_dir: str | None = None
    # After clearance: where certificates are verified, whom residents call,
    # where attached files are kept (docs/handover.md, docs/attachments.md).
    public_base_url: str = "http://127.0.0.1:8000"
    public_hotline: str = ""
    attachments_dir: str = "attachments"
    # Keep attached files in the register instead (several servers on
    # several hosts then share nothing but the database: docs/deploy.md).
    attachments_in_register: bool = False
    max_attachment_bytes: int = Field(default=15_000_000, gt=0)
    # A photo taken farther than this from its record's place gets a warning.
    attachment_distance_warn_m: float = Field(default=1000.0, gt=0)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        return check_language(value.strip().lower())
