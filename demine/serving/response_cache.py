# SPDX-License-Identifier: GPL-3.0-or-later
"""A bounded in-memory cache of rendered responses (tiles, feature pages).

Keys always end with the register version (see
:mod:`demine.store.register_version`) and the reader's visibility class
(:func:`demine.store.listing.visibility_class`), so a
write or a different reader never meets an older entry; old entries simply
age out, least recently used first, once the cache holds ``max_bytes``
(``Settings.response_cache_mb``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable


class ResponseCache:
    """Least-recently-used bytes by key, at most ``max_bytes`` in all."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            data = self._entries.get(key)
            if data is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return data

    def put(self, key: Hashable, data: bytes) -> None:
        if len(data) > self.max_bytes // 8:
            return  # one huge response must not flush everything else
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._entries[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._size
