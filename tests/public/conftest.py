# SPDX-License-Identifier: GPL-3.0-or-later
"""The public tests share the API tests' register, users and clients."""

from tests.api.conftest import app, as_role, cheap_hashing, client, module_db, seed

__all__ = ["app", "as_role", "cheap_hashing", "client", "module_db", "seed"]
