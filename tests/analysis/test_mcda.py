# SPDX-License-Identifier: GPL-3.0-or-later
"""The MCDA arithmetic against hand-computed answers and the direct definitions."""

from __future__ import annotations

import numpy as np
import pytest

from demine.analysis.priorities.mcda import (
    Preference,
    flows,
    normalise,
    pairwise_flows,
    promethee,
    ranks,
    sensitivity,
    unit_weights,
    weighted_sum,
)

# A worked example, computed by hand below. Four hazards (ids 1-4: A, B, C, D)
# and two criteria, weights 3 : 2 (rescaled to 0.6 : 0.4):
#
#   c1 (benefit, usual)                values A 8, B 5, C 5, D 2
#   c2 (cost, linear q = 1, p = 3)     values A 6, B 2, C 4, D 3
#
# n - 1 = 3.
# c1, usual (P = 1 when strictly better):
#   A beats B, C, D: phi+ = 3/3, phi- = 0      net  1
#   B beats D, A beats B: phi+ = 1/3, phi- = 1/3  net 0; C the same: net 0
#   D beats nobody, beaten by 3: phi+ = 0, phi- = 1  net -1
# c2, a cost: d(a, b) = x_b - x_a; P = 0 for d <= 1, (d - 1) / 2 up to 3, else 1.
#   P(B, A): d = 4 -> 1       P(B, C): d = 2 -> 0.5    P(B, D): d = 1 -> 0
#   P(C, A): d = 2 -> 0.5     P(C, D): d = -1 -> 0     P(D, C): d = 1 -> 0
#   P(D, A): d = 3 -> 1       P(D, B): d = -1 -> 0     P(A, .) = 0 (A costs most)
#   phi+: A 0, B 1.5/3 = 1/2, C 0.5/3 = 1/6, D 1/3
#   phi-: A (1 + 0.5 + 1)/3 = 5/6, B 0, C 0.5/3 = 1/6, D 0
#   net:  A -5/6, B 1/2, C 0, D 1/3
# PROMETHEE II, 0.6 c1 + 0.4 c2:
#   phi+: A 0.6,      B 0.2 + 0.2 = 0.4,  C 0.2 + 0.4/6 = 4/15, D 0.4/3 = 2/15
#   phi-: A 0.4*5/6 = 1/3, B 0.6/3 = 0.2, C 0.2 + 0.4/6 = 4/15, D 0.6
#   net:  A 0.6 - 1/3 = 4/15, B 0.2, C 0, D 2/15 - 0.6 = -7/15
#   ranking A, B, C, D; the net flows sum to 0.
# Weighted sum with min-max normalisation:
#   c1: (x - 2) / 6 -> A 1, B 0.5, C 0.5, D 0
#   c2: (6 - x) / 4 -> A 0, B 1, C 0.5, D 0.75
#   score: A 0.6, B 0.3 + 0.4 = 0.7, C 0.3 + 0.2 = 0.5, D 0.3
#   ranking B, A, C, D: the methods disagree on the top, as they may.
IDS = np.array([1, 2, 3, 4])
VALUES = np.array([[8.0, 6.0], [5.0, 2.0], [5.0, 4.0], [2.0, 3.0]])
BENEFIT = [True, False]
WEIGHTS = [3.0, 2.0]
PREFS = [Preference("usual"), Preference("linear", q=1, p=3)]


def test_promethee_hand_computed_example() -> None:
    result = promethee(VALUES, BENEFIT, WEIGHTS, PREFS)
    assert result.weights == pytest.approx([0.6, 0.4])
    assert result.criterion_scores[:, 0] == pytest.approx([1, 0, 0, -1])
    assert result.criterion_scores[:, 1] == pytest.approx([-5 / 6, 1 / 2, 0, 1 / 3])
    assert result.plus == pytest.approx([0.6, 0.4, 4 / 15, 2 / 15])
    assert result.minus == pytest.approx([1 / 3, 0.2, 4 / 15, 0.6])
    assert result.score == pytest.approx([4 / 15, 0.2, 0.0, -7 / 15])
    assert result.score.sum() == pytest.approx(0.0)
    assert list(ranks(result.score, IDS)) == [1, 2, 3, 4]
    # The explanation adds up to the score, criterion by criterion.
    assert result.contributions.sum(axis=1) == pytest.approx(result.score)
    assert result.contributions[0] == pytest.approx([0.6, 0.4 * -5 / 6])


def test_weighted_sum_hand_computed_example() -> None:
    result = weighted_sum(VALUES, BENEFIT, WEIGHTS)
    assert result.criterion_scores[:, 0] == pytest.approx([1, 0.5, 0.5, 0])
    assert result.criterion_scores[:, 1] == pytest.approx([0, 1, 0.5, 0.75])
    assert result.score == pytest.approx([0.6, 0.7, 0.5, 0.3])
    assert list(ranks(result.score, IDS)) == [2, 1, 3, 4]
    assert result.contributions.sum(axis=1) == pytest.approx(result.score)


@pytest.mark.parametrize(
    "pref",
    [
        Preference("usual"),
        Preference("u_shape", q=2),
        Preference("v_shape", p=5),
        Preference("linear", q=1, p=6),
        Preference("linear", q=0, p=0.5),
    ],
    ids=["usual", "u_shape", "v_shape", "linear", "linear_small"],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fast_flows_equal_the_pairwise_definition(pref: Preference, seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Integer values: many ties and differences landing exactly on q and p,
    # the boundaries where a sorted search could go wrong.
    x = rng.integers(-10, 10, 250).astype(float)
    fast_plus, fast_minus = flows(x, pref)
    slow_plus, slow_minus = pairwise_flows(x, pref)
    np.testing.assert_allclose(fast_plus, slow_plus, atol=1e-12)
    np.testing.assert_allclose(fast_minus, slow_minus, atol=1e-12)


def test_fast_flows_equal_pairwise_on_continuous_values() -> None:
    x = np.random.default_rng(7).lognormal(3, 2, 400)
    pref = Preference("linear", q=5, p=80)
    for fast, slow in zip(flows(x, pref), pairwise_flows(x, pref), strict=True):
        np.testing.assert_allclose(fast, slow, atol=1e-9)


def test_promethee_flows_of_one_or_no_alternative_are_zero() -> None:
    assert promethee([[3.0, 1.0]], BENEFIT, WEIGHTS, PREFS).score == pytest.approx([0])
    plus, minus = flows(np.array([]), Preference())
    assert len(plus) == len(minus) == 0


def test_preference_function_shapes() -> None:
    d = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    assert list(Preference("usual")(d)) == [0, 0, 1, 1, 1, 1]
    assert list(Preference("u_shape", q=2)(d)) == [0, 0, 0, 0, 1, 1]
    assert list(Preference("v_shape", p=4)(d)) == [0, 0, 0.25, 0.5, 0.75, 1]
    assert list(Preference("linear", q=1, p=3)(d)) == [0, 0, 0, 0.5, 1, 1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "gaussian"}, "unknown preference function"),
        ({"kind": "linear", "q": 3, "p": 2}, "p > q"),
        ({"kind": "v_shape", "p": 0}, "p > 0"),
        ({"kind": "linear", "q": -1, "p": 2}, "not be negative"),
        ({"kind": "linear", "q": 0, "p": float("nan")}, "finite"),
    ],
)
def test_bad_preference_functions_are_refused(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        Preference(**kwargs)  # type: ignore[arg-type]


def test_normalise_constant_column_and_rank() -> None:
    values = np.array([[1.0, 5.0], [3.0, 5.0], [3.0, 5.0], [9.0, 5.0]])
    r = normalise(values, [False, True])
    assert r[:, 0] == pytest.approx([1, 0.75, 0.75, 0])
    assert r[:, 1] == pytest.approx([0, 0, 0, 0])
    ranked = normalise(values, [True, True], "rank")
    # Mid-ranks 1, 2.5, 2.5, 4 scaled to [0, 1]; a large value adds no more.
    assert ranked[:, 0] == pytest.approx([0, 0.5, 0.5, 1])
    assert ranked[:, 1] == pytest.approx([0, 0, 0, 0])


def test_weights_are_checked_and_rescaled() -> None:
    assert unit_weights([1, 3]) == pytest.approx([0.25, 0.75])
    with pytest.raises(ValueError, match="not negative"):
        unit_weights([1, -1])
    with pytest.raises(ValueError, match="above zero"):
        unit_weights([0, 0])


def test_ties_fall_back_to_the_lower_id() -> None:
    score = np.array([0.5, 0.7, 0.5, 0.7, 0.1])
    ids = np.array([40, 30, 10, 20, 50])
    # 0.7: ids 20 then 30; 0.5: ids 10 then 40; then 50.
    assert list(ranks(score, ids)) == [4, 2, 3, 1, 5]
    # Sums equal in exact arithmetic but not in floating point still tie.
    noisy = np.array([0.1 + 0.2, 0.3])
    assert list(ranks(noisy, np.array([2, 1]))) == [2, 1]


def test_ranking_is_stable_under_reordering_of_rows() -> None:
    rng = np.random.default_rng(3)
    values = rng.integers(0, 3, (60, 3)).astype(float)  # many exact ties
    ids = np.arange(100, 160)
    prefs = [Preference(), Preference("v_shape", p=2), Preference()]
    base = promethee(values, [True] * 3, [1, 1, 1], prefs)
    order = rng.permutation(60)
    shuffled = promethee(values[order], [True] * 3, [1, 1, 1], prefs)
    ranked = dict(zip(ids, ranks(base.score, ids), strict=True))
    reranked = dict(zip(ids[order], ranks(shuffled.score, ids[order]), strict=True))
    assert ranked == reranked


def test_sensitivity_finds_the_weight_that_swaps_the_top() -> None:
    # Criterion scores (already normalised): A strong on c1, B on c2.
    # Base 0.5 / 0.5: A 0.5, B 0.45. c1 -20% -> (0.4, 0.5)/0.9: A 0.444,
    # B 0.5, so B takes the top; c1 +20% keeps A; c2 +20% -> (0.5, 0.6)/1.1:
    # A 0.4545, B 0.4909, B on top; c2 -20% keeps A.
    scores = np.array([[1.0, 0.0], [0.0, 0.9], [0.1, 0.1]])
    result = sensitivity(scores, [1, 1], np.array([7, 8, 9]), ["c1", "c2"], top=1)
    rows = {
        (r["criterion"], round(r["change"], 1)): r for _, r in result.summary.iterrows()
    }
    assert rows[("c1", -0.2)]["overlap"] == 0
    assert rows[("c1", -0.2)]["entered"] == [8]
    assert rows[("c1", -0.2)]["left"] == [7]
    assert rows[("c1", -0.2)]["new_weight"] == pytest.approx(0.4 / 0.9)
    assert rows[("c1", 0.2)]["overlap"] == 1
    assert rows[("c2", 0.2)]["entered"] == [8]
    assert rows[("c2", -0.2)]["max_shift"] == 0
    assert result.ranks.loc[7, "base"] == 1
    assert result.ranks.loc[7, "c1 -20%"] == 2


def test_sensitivity_ranks_match_a_full_reranking() -> None:
    rng = np.random.default_rng(11)
    scores = np.round(rng.random((500, 4)), 2)
    ids = rng.permutation(np.arange(1000, 1500))
    weights = np.array([4.0, 3.0, 2.0, 1.0])
    result = sensitivity(scores, weights, ids, list("abcd"), top=20)
    assert len(result.summary) == 8
    base = ranks(scores @ (weights / weights.sum()), ids)
    top_ids = ids[np.argsort(base)[:20]]
    assert list(result.ranks.index) == list(top_ids)
    for j, name in enumerate("abcd"):
        for change in (-0.2, 0.2):
            moved = weights / weights.sum()
            moved[j] *= 1 + change
            full = ranks(scores @ (moved / moved.sum()), ids)
            by_id = dict(zip(ids, full, strict=True))
            column = result.ranks[f"{name} {change:+.0%}"]
            assert [by_id[i] for i in top_ids] == list(column)
            new_top = set(ids[full <= 20])
            row = result.summary[
                (result.summary.criterion == name)
                & np.isclose(result.summary.change, change)
            ].iloc[0]
            assert row["overlap"] == len(new_top & set(top_ids))
            assert row["entered"] == sorted(new_top - set(top_ids))
