# SPDX-License-Identifier: GPL-3.0-or-later
"""Chunked work on a Dask cluster, results consumed in order, memory bounded.

National grids are cut into chunks (bands of grid rows, or chunks of table
rows). :func:`map_ordered` sends each chunk to a worker with the shared
inputs (register layers or a model, scattered once to every worker), and
hands results back *in chunk order*, so output files keep the grid's order.
At most ``window`` chunks are in flight: memory stays bounded however large
the grid.

Without a client, the same functions run in this process, one chunk after
another: small grids and tests need no cluster.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from demine.errors import PredictionError
from demine.i18n import _

log = logging.getLogger(__name__)

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


@contextmanager
def cluster(
    scheduler: str | None = None,
    workers: int | None = None,
    memory_per_worker: str = "3GiB",
) -> Iterator[Any]:
    """A ``dask.distributed`` client: of ``scheduler`` if given, else of a
    local cluster of ``workers`` processes (default: one per core)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a declared dependency
        raise PredictionError(_("chunked runs need dask[distributed]")) from None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")  # type: ignore[no-untyped-call]
        except OSError as exc:
            raise PredictionError(
                _(
                    "cannot reach Dask scheduler %(scheduler)s: %(reason)s",
                    scheduler=scheduler,
                    reason=exc,
                )
            ) from None
        with client:
            log.info("Dask scheduler %s: %d workers", scheduler, _workers(client))
            yield client
        return
    n = workers or os.cpu_count() or 1
    with (
        LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            memory_limit=memory_per_worker,
        ) as local,
        Client(local) as client,  # type: ignore[no-untyped-call]
    ):
        log.info("local Dask cluster: %d workers", n)
        yield client


def _workers(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def map_ordered(
    func: Callable[[S, T], R],
    shared: S,
    items: Iterable[T],
    consume: Callable[[T, R], None],
    client: Any = None,
    window: int | None = None,
    payload: Callable[[T], Any] | None = None,
) -> int:
    """Apply ``func(shared, item)`` to every item; ``consume(item, result)``
    in item order. Returns the number of items processed.

    ``payload(item)``, when given, is what ``func`` receives instead of the
    item (say, only the columns a model needs), while ``consume`` still gets
    the whole item.

    Examples
    --------
    >>> seen = []
    >>> map_ordered(lambda k, i: k * i, 10, [1, 2, 3], lambda i, r: seen.append(r))
    3
    >>> seen
    [10, 20, 30]
    """
    send = payload or (lambda item: item)
    if client is None:
        count = 0
        for item in items:
            consume(item, func(shared, send(item)))
            count += 1
        return count
    shared_future = client.scatter(shared, broadcast=True)
    window = window or 2 * _workers(client)
    pending: deque[tuple[T, Any]] = deque()
    count = 0
    for item in items:
        # Large items (table chunks) travel as data, not inside the task graph.
        arg = send(item)
        arg = client.scatter(arg) if hasattr(arg, "shape") else arg
        pending.append((item, client.submit(func, shared_future, arg, pure=False)))
        if len(pending) >= window:
            done, future = pending.popleft()
            consume(done, future.result())
            count += 1
    while pending:
        done, future = pending.popleft()
        consume(done, future.result())
        count += 1
    return count
