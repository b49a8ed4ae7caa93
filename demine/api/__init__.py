# SPDX-License-Identifier: GPL-3.0-or-later
"""The HTTP API: REST, OGC API - Features, vector tiles, auth.

Each module holds a ``router``; :func:`demine.server.create_app` mounts them
beside the browser pages of :mod:`demine.web`.
"""
