# SPDX-License-Identifier: GPL-3.0-or-later
"""The thread in each server process that runs queued jobs, one at a time.

Every server process sharing the register runs one :class:`JobRunner`; the
register decides which of them takes a job (:func:`demine.store.jobs.claim`).
A job's work is a function of ``(db, who, parameters, progress)`` that
writes its result file and returns the name to download it as; ``progress``
records how far it is and raises :class:`JobCancelledError` when the job
must stop, so the work ends at its next step and its file is removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from demine.errors import DemineError
from demine.store import jobs, stored_files
from demine.store.database import Database
from demine.store.users import Principal, get_principal

log = logging.getLogger(__name__)


STOPPING = "the server is stopping"


class JobCancelledError(Exception):
    """The job was cancelled (on request, or its client left)."""


Progress = Callable[[float, str], None]


class Work(Protocol):
    def __call__(
        self,
        db: Database,
        who: Principal,
        parameters: Mapping[str, Any],
        folder: Path,
        progress: Progress,
    ) -> Path: ...


@dataclass(frozen=True)
class RunnerPolicy:
    """How often to look for work, when a client counts as gone."""

    poll: float = 0.5
    client_timeout: dt.timedelta = dt.timedelta(seconds=30)
    stale: dt.timedelta = dt.timedelta(minutes=2)
    keep: dt.timedelta = dt.timedelta(hours=24)


class JobRunner:
    """Claims queued jobs from the register and runs them in a thread."""

    def __init__(
        self,
        db: Database,
        work: Mapping[str, Work],
        folder: Path,
        policy: RunnerPolicy | None = None,
    ) -> None:
        self.db = db
        self.work = dict(work)
        self.folder = folder
        self.policy = policy or RunnerPolicy()
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"[:80]
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._thread = threading.Thread(
            target=self._loop, name="demine-jobs", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_one()
            except Exception:  # keep serving: one bad job must not stop the rest
                log.exception("job runner failed; going on")
                ran = False
            if not ran:
                self._stop.wait(self.policy.poll)

    def run_one(self) -> bool:
        """Claim and run one job; False when there was none."""
        for old in jobs.forget_old(self.db, self.policy.keep):
            shutil.rmtree(Path(old).parent, ignore_errors=True)
        job = jobs.claim(self.db, self.worker, self.policy.stale)
        if job is None:
            return False
        folder = Path(tempfile.mkdtemp(prefix=f"job-{job.id}-", dir=self.folder))

        last = [0.0]
        timeout = self.policy.client_timeout

        def progress(done: float, message: str) -> None:
            # Every write moves the register's version (and empties the tile
            # caches), so progress is written at most once a second; whether
            # to stop is read every time.
            now = time.monotonic()
            if now - last[0] >= 1.0:
                last[0] = now
                why = jobs.beat(self.db, job.id, done, message, timeout)
            else:
                why = jobs.must_stop(self.db, job.id, timeout)
            if why is not None or self._stop.is_set():
                raise JobCancelledError(why or STOPPING)

        try:
            who = get_principal(self.db, job.user_id)
            if who is None:
                raise JobCancelledError("the user who asked is no longer active")
            work = self.work.get(job.kind)
            if work is None:
                raise DemineError(f"unknown kind of job {job.kind!r}")
            progress(0.0, "started")
            path = work(self.db, who, job.parameters, folder, progress)
        except JobCancelledError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            if self._stop.is_set() and str(exc) == STOPPING:
                jobs.requeue(self.db, job.id)  # another server takes it up
                return True
            jobs.finish(self.db, job.id, "cancelled", error=str(exc))
            log.info("job %s cancelled: %s", job.id, exc)
        except DemineError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            jobs.finish(self.db, job.id, "failed", error=exc.user_message)
        except Exception:
            shutil.rmtree(folder, ignore_errors=True)
            log.exception("job %s failed", job.id)
            jobs.finish(self.db, job.id, "failed", error="the job failed on the server")
        else:
            # Kept in the register: any server answers for the file.
            stored_files.keep(self.db, jobs.result_owner(job.id), [path])
            shutil.rmtree(folder, ignore_errors=True)
            jobs.finish(self.db, job.id, "done", result_name=path.name)
        return True
