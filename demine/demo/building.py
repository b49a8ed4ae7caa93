# SPDX-License-Identifier: GPL-3.0-or-later
"""Build the demo register in one step: killed at any moment, the register is
the empty one it was or the whole demo, never a part of it.

Loading the generated tables is one transaction, but the QA programme's
failing lots are then played through the core (:mod:`demine.demo.qa_chain`),
a transaction per step. On a SQLite file the demo is therefore built in a
scratch register beside the target and copied in by SQLite's backup, which
other connections (a running server) see as one write. On PostgreSQL it is
built in place.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from demine.demo.generator import generate
from demine.demo.qa_chain import Played, play
from demine.store.backup import restore
from demine.store.database import Database
from demine.store.loading import StartProgress, load_register
from demine.store.overview_cells import refresh_overviews

SCRATCH_PREFIX = ".demine-demo-"


def build_demo(
    database: Database,
    scale: str,
    seed: int,
    progress: StartProgress | None = None,
) -> tuple[Mapping[str, int], Played]:
    """Generate the demo at ``scale`` and put it in the empty ``database``;
    the rows loaded per table and the QA chain played on them."""
    frames = generate(scale, seed)  # type: ignore[arg-type]
    target = database.file()
    if target is None:
        counts = load_register(database, frames, progress=progress)
        played = play(database, seed)
        refresh_overviews(database)
        return counts, played
    _forget_scratch(target.parent)
    with tempfile.TemporaryDirectory(
        dir=target.parent, prefix=SCRATCH_PREFIX
    ) as scratch:
        path = Path(scratch) / "demo.sqlite"
        built = Database(f"sqlite:///{path}")
        try:
            built.upgrade()
            counts = load_register(built, frames, progress=progress)
            played = play(built, seed)
            # The map's low zooms ready before anyone opens it (issue 20).
            refresh_overviews(built)
        finally:
            built.dispose()
        restore(path, database)
    return counts, played


def _forget_scratch(folder: Path) -> None:
    """Remove scratch registers a killed demo left beside the target (an
    hour old: a demo building now beside another register keeps its own)."""
    for left in folder.glob(f"{SCRATCH_PREFIX}*"):
        with contextlib.suppress(OSError):
            if time.time() - left.stat().st_mtime > 3600:
                shutil.rmtree(left, ignore_errors=True)
