# SPDX-License-Identifier: GPL-3.0-or-later
"""Record plumbing shared by the demo tables: random streams, ids, columns."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from enum import Enum
from typing import Any

import numpy as np
import pandas as pd

ANAMA_ID = 1  # the national authority is always organisation 1


def stream(seed: int, name: str) -> np.random.Generator:
    """An independent random stream for one part of the generator.

    Each part draws from its own stream, so changing how many numbers one part
    draws does not reshuffle every table after it.
    """
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def external_ids(prefix: str, n: int, width: int = 6) -> np.ndarray:
    """``DEMO-<prefix>-000001`` ... as a string array, built without a loop."""
    head = f"DEMO-{prefix}-".encode()
    width = max(width, len(str(n)))
    numbers = np.arange(1, n + 1, dtype=np.int64)
    digits = (numbers[:, None] // 10 ** np.arange(width - 1, -1, -1)) % 10 + 48
    text = np.concatenate(
        [
            np.broadcast_to(np.frombuffer(head, np.uint8), (n, len(head))),
            digits.astype(np.uint8),
        ],
        axis=1,
    )
    return np.ascontiguousarray(text).view(f"S{len(head) + width}").ravel().astype(str)


def nullable_int(
    values: Any, present: np.ndarray | None = None
) -> pd.arrays.IntegerArray:
    """A pandas ``Int64`` array, missing where ``present`` is False."""
    values = np.asarray(values, dtype=np.int64)
    mask = np.zeros(len(values), bool) if present is None else ~np.asarray(present)
    return pd.arrays.IntegerArray(values, mask)


def nullable_float(
    values: Any, present: np.ndarray | None = None
) -> pd.arrays.FloatingArray:
    """A pandas ``Float64`` array, missing where ``present`` is False or NaN."""
    values = np.asarray(values, dtype=np.float64)
    mask = np.isnan(values)
    if present is not None:
        mask |= ~np.asarray(present)
    return pd.arrays.FloatingArray(np.where(mask, 0.0, values), mask)


def objects(values: Any) -> np.ndarray:
    """A 1-D object array (geometries, dates, lists) that pandas will not unpack."""
    seq = list(values)
    return np.fromiter(seq, dtype=object, count=len(seq))


def table(prefix: str, columns: dict[str, Any], reported_by: Any) -> pd.DataFrame:
    """A demo table: ``id`` from 1, ``external_id``, ``reported_by_id``, columns."""
    n = len(next(iter(columns.values())))
    head = {
        "id": np.arange(1, n + 1, dtype=np.int64),
        "external_id": external_ids(prefix, n),
        "reported_by_id": nullable_int(np.broadcast_to(reported_by, (n,))),
    }
    return pd.DataFrame({**head, **columns})


def choose(
    rng: np.random.Generator,
    options: Sequence[Any],
    weights: Sequence[float],
    n: int,
) -> np.ndarray:
    """``n`` draws from ``options`` with the given relative weights.

    Enum members come back as their ``.value`` text.
    """
    p = np.asarray(weights, float)
    idx = rng.choice(len(options), size=n, p=p / p.sum())
    values = [o.value if isinstance(o, Enum) else o for o in options]
    return np.asarray(values, dtype=object)[idx]


def weighted_order(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """A random permutation where heavier items tend to come first.

    Efraimidis–Spirakis keys u^(1/w): sorting them is weighted sampling
    without replacement, in one vectorised step.
    """
    w = np.maximum(np.asarray(weights, float), 1e-12)
    keys = np.log(rng.random(len(w))) / w
    return np.argsort(-keys, kind="stable")
