# SPDX-License-Identifier: GPL-3.0-or-later
"""The public land-status service: what a resident may know, and nothing more.

Called by the anonymous pages (``/public``), the JSON API
(``/api/v1/public/...``) and the CLI (``demine public ...``).
"""

from demine.public.service import (
    CACHE_CONTROL,
    LAYERS,
    language,
    lookup_point,
    lookup_settlement,
    public_settings,
    set_public_settings,
)

__all__ = [
    "CACHE_CONTROL",
    "LAYERS",
    "language",
    "lookup_point",
    "lookup_settlement",
    "public_settings",
    "set_public_settings",
]
