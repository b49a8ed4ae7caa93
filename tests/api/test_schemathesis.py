# SPDX-License-Identifier: GPL-3.0-or-later
"""Schemathesis against the OpenAPI document at /api: no input makes a 5xx.

The operations are walked by hand rather than with ``schema.parametrize()``,
whose pytest plugin does not work with pytest 9 yet; a bounded number of
examples per operation keeps the run short.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from tests.api.conftest import seed_register

schemathesis = pytest.importorskip("schemathesis")

MAX_EXAMPLES = 12


def test_no_server_errors(module_db: Database) -> None:
    seed = seed_register(module_db)
    app = create_app(Settings(database_url=module_db.url, secret_key="k"), module_db)
    headers = {"Authorization": f"Bearer {seed.tokens['admin']}"}
    schema = schemathesis.openapi.from_asgi("/api", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            response = case.call(headers=headers)
            # Bytes: exports and PDFs are binary files, not text.
            if response.status_code >= 500 or b"Traceback" in response.content:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} "
                    f"{str(case.body)[:200]} -> {response.status_code} "
                    f"{response.content[:200]!r}"
                )

        call()
    assert not failures, "\n".join(failures[:20])
