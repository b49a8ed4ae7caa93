# SPDX-License-Identifier: GPL-3.0-or-later
"""The API tests' seeded register, for the serving parts under the API."""

from tests.api.conftest import cheap_hashing, seed  # noqa: F401
