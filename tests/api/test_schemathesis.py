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

from demine.api import create_app
from demine.settings import Settings
from demine.store.database import Database
from tests.api.conftest import seed_register

schemathesis = pytest.importorskip("schemathesis")

MAX_EXAMPLES = 12


def test_no_server_errors(
    module_db: Database, tmp_path_factory: pytest.TempPathFactory
) -> None:
    seed = seed_register(module_db)
    files = tmp_path_factory.mktemp("attachments")
    config = Settings(
        database_url=module_db.url, secret_key="k", attachments_dir=str(files)
    )
    app = create_app(config, module_db)
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
            # PDFs and attached files are bytes, not text.
            body = response.content.decode("utf-8", errors="replace")
            if response.status_code >= 500 or "Traceback" in body:
                failures.append(
                    f"{case.method} {case.formatted_path} {case.query} "
                    f"{str(case.body)[:200]} -> {response.status_code} "
                    f"{body[:200]}"
                )

        call()
    assert not failures, "\n".join(failures[:20])
