# SPDX-License-Identifier: GPL-3.0-or-later
"""Results kept per register version, for pages that cost seconds to compute.

A value is kept under a name and the register's version token
(:mod:`demine.store.register_version`), so a write makes it unreachable at
once; requests arriving together for a new version wait for one build
instead of each computing it. Kept per open register (weakly held), least
recently used first out.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from demine.store.database import Database
from demine.store.register_version import register_version

T = TypeVar("T")
KEPT = 64


class Kept:
    """Least recently used values by key, with one builder per key."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[Hashable, threading.Lock] = {}

    def get_or_build(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            builder = self._building.setdefault(key, threading.Lock())
        with builder:
            with self._lock:
                if key in self._values:
                    return self._values[key]
            try:
                value = build()
            finally:
                with self._lock:
                    self._building.pop(key, None)
            with self._lock:
                self._values[key] = value
                while len(self._values) > self.size:
                    self._values.popitem(last=False)
        return value


_STORES: weakref.WeakKeyDictionary[Database, dict[str, Kept]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def kept(db: Database, store: str, size: int = KEPT) -> Kept:
    """The store called ``store`` of this register (made on first use)."""
    with _LOCK:
        stores = _STORES.setdefault(db, {})
        if store not in stores:
            stores[store] = Kept(size)
        return stores[store]


def cached(db: Database, name: str, build: Callable[[], T]) -> T:
    """``build()``, kept for this register version under ``name``."""
    version = register_version(db).current()
    return kept(db, "by-version").get_or_build((name, version), build)
