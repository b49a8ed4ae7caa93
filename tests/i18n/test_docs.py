# SPDX-License-Identifier: GPL-3.0-or-later
"""The examples in the i18n package's docstrings run and say what they show."""

from __future__ import annotations

import doctest

import pytest

import demine.domain.labels
import demine.i18n


@pytest.mark.parametrize("module", [demine.i18n, demine.domain.labels])
def test_docstring_examples(module: object) -> None:
    result = doctest.testmod(module)  # type: ignore[arg-type]
    assert result.attempted > 0
    assert result.failed == 0
