# SPDX-License-Identifier: GPL-3.0-or-later
"""The Examples sections of demine.geo docstrings run and are true."""

from __future__ import annotations

import doctest
import importlib
from types import ModuleType

import pytest

MODULES = ["area", "arrays", "extent", "rings", "repair", "validation"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module: ModuleType = importlib.import_module(f"demine.geo.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"demine.geo.{name} has no examples"
    assert result.failed == 0
