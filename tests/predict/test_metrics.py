# SPDX-License-Identifier: GPL-3.0-or-later
"""Ranking metrics: ties, perfect and random orders, undefined cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from demine.predict import metrics


def test_recall_at_area_of_a_perfect_and_a_reversed_ranking() -> None:
    y = np.array([1] * 10 + [0] * 90)
    perfect = np.arange(100, 0, -1).astype(float)
    assert metrics.recall_at_area(y, perfect)[0.1] == pytest.approx(1.0)
    assert metrics.recall_at_area(y, -perfect)[0.3] == pytest.approx(0.0)


def test_ties_count_as_random_order() -> None:
    rng = np.random.default_rng(0)
    y = (rng.random(1000) < 0.2).astype(int)
    flat = np.zeros(1000)
    got = metrics.recall_at_area(y, flat)
    for share, value in got.items():
        assert value == pytest.approx(share)
    assert metrics.roc_auc(y, flat) == pytest.approx(0.5)


def test_missing_scores_rank_last() -> None:
    y = np.array([1, 0, 0, 1])
    score = np.array([np.nan, 0.2, 0.1, 0.9])
    assert metrics.recall_curve(y, score).at(0.25) == pytest.approx(0.5)
    assert metrics.roc_auc(y, score) == pytest.approx(0.5)


def test_auc_is_undefined_with_one_class() -> None:
    assert math.isnan(metrics.roc_auc(np.ones(4), np.arange(4.0)))
    assert math.isnan(metrics.pr_auc(np.zeros(4), np.arange(4.0)))


def test_area_weights_shift_the_curve() -> None:
    y = np.array([1, 0])
    score = np.array([2.0, 1.0])
    area = np.array([3.0, 1.0])
    assert metrics.recall_curve(y, score, area).at(0.75) == pytest.approx(1.0)
    assert metrics.recall_curve(y, score, area).at(0.375) == pytest.approx(0.5)


def test_calibration_error_of_calibrated_scores_is_small() -> None:
    rng = np.random.default_rng(1)
    p = rng.random(20_000)
    y = (rng.random(20_000) < p).astype(int)
    assert metrics.calibration_error(y, p) < 0.02
    assert metrics.calibration_error(y, np.clip(p + 0.3, 0, 1)) > 0.2
