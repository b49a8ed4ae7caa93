# SPDX-License-Identifier: GPL-3.0-or-later
"""The Examples sections of demine.predict docstrings run and are true."""

from __future__ import annotations

import doctest
import importlib
import logging

import pytest

MODULES = [
    "applicability",
    "burn",
    "calibration",
    "columns",
    "coordinates",
    "density",
    "dataset",
    "evaluation",
    "features",
    "folds",
    "grid",
    "hazards",
    "invariance",
    "labels",
    "metrics",
    "model",
    "parallel",
    "proximity",
    "ranks",
    "regions",
    "sample",
    "scoring",
    "terrain",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)
    module = importlib.import_module(f"demine.predict.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"demine.predict.{name} has no examples"
    assert result.failed == 0
