# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP API: REST, OGC API - Features, vector tiles, auth."""

from demine.api.app import create_app

__all__ = ["create_app"]
