# SPDX-License-Identifier: GPL-3.0-or-later
"""Demo registers built once per test session (small is ~0.3 s, medium ~2 s).

``DEMINE_DEMO_SEED`` runs the demo tests on another seed (default 1).
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from demine.demo import generate

Tables = dict[str, pd.DataFrame]
SEED = int(os.environ.get("DEMINE_DEMO_SEED", "1"))


@pytest.fixture(scope="session")
def seed() -> int:
    return SEED


@pytest.fixture(scope="session")
def small() -> Tables:
    return generate("small", seed=SEED)


@pytest.fixture(scope="session")
def medium() -> Tables:
    return generate("medium", seed=SEED)
