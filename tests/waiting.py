# SPDX-License-Identifier: GPL-3.0-or-later
"""Waiting on a condition instead of a fixed sleep.

Timeouts here are bounds against a hang, never the thing a test measures: a
test that reaches its condition goes on at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

BOUND_S = 30.0


class Arrivals:
    """Callers counted as they arrive; :meth:`wait` blocks until enough have."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = threading.Condition()

    def arrive(self) -> None:
        with self._changed:
            self.count += 1
            self._changed.notify_all()

    def wait(self, wanted: int, bound: float = BOUND_S) -> None:
        with self._changed:
            reached = self._changed.wait_for(lambda: self.count >= wanted, bound)
        assert reached, f"only {self.count} of {wanted} callers arrived"


def wait_until(condition: Callable[[], bool], bound: float = BOUND_S) -> bool:
    """Poll ``condition`` until it holds (True) or ``bound`` seconds pass."""
    deadline = time.monotonic() + bound
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True
