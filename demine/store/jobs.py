# SPDX-License-Identifier: GPL-3.0-or-later
"""Long imports and exports as jobs: their whole state lives in the register.

A request only queues a job; whichever server process is free claims it with
one conditional ``UPDATE`` (so two servers sharing the register never run the
same job), writes its progress and a heartbeat as it goes, and stops when the
job is cancelled: on request, or when the person who asked stops asking after
it (the browser page polls; an API client polls too). Nothing is kept in a
process's memory, so any server answers for any job.

States: ``queued`` → ``running`` → ``done`` | ``failed`` | ``cancelled``.
One job at a time per user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update

from demine.domain.vocab import Role
from demine.errors import ConflictError, NotFoundError
from demine.store.database import Database
from demine.store.schema import Job, StoredChunk
from demine.store.schema.base import utcnow
from demine.store.users import Principal

ACTIVE = ("queued", "running")
# How often a client's asking is written down (well under the client timeout).
SEEN_EVERY = dt.timedelta(seconds=5)
FINISHED = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class JobView:
    """What a job's owner sees of it."""

    id: int
    kind: str
    user_id: int
    state: str
    progress: float
    message: str | None
    parameters: dict[str, Any]
    result_name: str | None
    result_path: str | None
    error: str | None
    created_at: str
    finished_at: str | None

    def public(self) -> dict[str, Any]:
        """The job as the API shows it (never the server's file path)."""
        out = {k: v for k, v in self.__dict__.items() if k != "result_path"}
        out["download"] = (
            f"/api/v1/jobs/{self.id}/file" if self.state == "done" else None
        )
        return out


def _view(job: Job) -> JobView:
    return JobView(
        id=job.id,
        kind=job.kind,
        user_id=job.user_id,
        state=job.state,
        progress=float(job.progress or 0.0),
        message=job.message,
        parameters=dict(job.parameters or {}),
        result_name=job.result_name,
        result_path=job.result_path,
        error=job.error,
        created_at=_iso(job.created_at) or "",
        finished_at=_iso(job.finished_at),
    )


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def submit(db: Database, kind: str, who: Principal, parameters: dict[str, Any]) -> int:
    """Queue a job for ``who``; 409 while another of theirs is queued or running."""
    now = utcnow()
    with db.session(write=True) as session:
        job = Job(
            kind=kind,
            user_id=who.id,
            state="queued",
            progress=0.0,
            parameters=parameters,
            created_at=now,
            client_seen_at=now,
            cancel_requested=False,
        )
        session.add(job)
        session.flush()
        # Counted after the insert, so two requests at once cannot both pass.
        earlier = session.scalar(
            select(func.min(Job.id)).where(Job.user_id == who.id, Job.state.in_(ACTIVE))
        )
        if earlier != job.id:
            session.rollback()
            raise ConflictError(
                "you have a job running already; wait for it or cancel it "
                f"(job {earlier})"
            )
        return job.id


def get(db: Database, job_id: int, who: Principal, *, seen: bool = True) -> JobView:
    """The job, for its owner or an administrator; asking keeps it alive.

    That its owner asked is written at most every few seconds, in a
    transaction of its own: a page asking every second must not keep the
    register busy under the import it is watching.
    """
    now = utcnow()
    with db.session() as session:
        job = session.get(Job, job_id)
        if job is None or (job.user_id != who.id and who.role is not Role.ADMIN):
            raise NotFoundError(f"no job with id {job_id}")
        view = _view(job)
        last = job.client_seen_at
        touch = seen and job.user_id == who.id
        touch = touch and (last is None or _aware(last) + SEEN_EVERY <= now)
    if touch:
        with db.session(write=True) as session:
            session.execute(
                update(Job).where(Job.id == job_id).values(client_seen_at=now)
            )
    return view


def cancel(db: Database, job_id: int, who: Principal) -> JobView:
    """Ask for a job to stop; a queued one is cancelled at once."""
    mine = Job.id == job_id
    if who.role is not Role.ADMIN:
        mine = mine & (Job.user_id == who.id)
    with db.session(write=True) as session:
        session.execute(update(Job).where(mine).values(cancel_requested=True))
        session.execute(
            update(Job)
            .where(mine, Job.state == "queued")
            .values(state="cancelled", finished_at=utcnow())
        )
        job = session.get(Job, job_id)
        if job is None or (job.user_id != who.id and who.role is not Role.ADMIN):
            raise NotFoundError(f"no job with id {job_id}")
        return _view(job)


def claim(db: Database, worker: str, stale: dt.timedelta) -> JobView | None:
    """Take the oldest queued job for this worker, if any.

    A running job whose server stopped beating first is marked failed, so
    its owner may start another.
    """
    now = utcnow()
    stale_running = and_(Job.state == "running", Job.heartbeat_at < now - stale)
    # Asked twice a second by every server: an UPDATE, even of no row, is a
    # write and would move the register version (emptying every cache kept
    # by it) each time, so look first.
    with db.session() as session:
        waiting = session.execute(
            select(Job.id).where(or_(Job.state == "queued", stale_running)).limit(1)
        ).first()
    if waiting is None:
        return None
    with db.session(write=True) as session:
        session.execute(
            update(Job)
            .where(stale_running)
            .values(
                state="failed",
                error="the server running it stopped; start it again",
                finished_at=now,
            )
        )
    oldest = select(func.min(Job.id)).where(Job.state == "queued").scalar_subquery()
    with db.session(write=True) as session:
        # One statement: of two servers asking at once, one gets the job.
        taken = session.execute(
            update(Job)
            .where(Job.id == oldest, Job.state == "queued")
            .values(state="running", worker=worker, started_at=now, heartbeat_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            return None
        job = session.scalars(
            select(Job)
            .where(Job.worker == worker, Job.state == "running")
            .order_by(Job.id.desc())
            .limit(1)
        ).first()
        assert job is not None
        return _view(job)


def beat(
    db: Database,
    job_id: int,
    progress: float,
    message: str | None,
    client_timeout: dt.timedelta,
) -> str | None:
    """Record progress; why the job must stop (cancelled, client gone), or None."""
    now = utcnow()
    with db.session(write=True) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(
                heartbeat_at=now,
                progress=max(0.0, min(1.0, progress)),
                message=(message or "")[:200] or None,
            )
        )
        return _why_stop(session.get(Job, job_id), now, client_timeout)


def must_stop(db: Database, job_id: int, client_timeout: dt.timedelta) -> str | None:
    """Why the job must stop, read without writing anything; or None."""
    with db.session() as session:
        return _why_stop(session.get(Job, job_id), utcnow(), client_timeout)


def _why_stop(
    job: Job | None, now: dt.datetime, client_timeout: dt.timedelta
) -> str | None:
    if job is None:
        return "the job was removed"
    if job.cancel_requested:
        return "cancelled on request"
    seen = job.client_seen_at
    if seen is not None and _aware(seen) + client_timeout < now:
        return "cancelled: nobody was waiting for it any more"
    return None


def finish(
    db: Database,
    job_id: int,
    state: str,
    *,
    result_path: str | None = None,
    result_name: str | None = None,
    error: str | None = None,
) -> None:
    """Close a job as ``done``, ``failed`` or ``cancelled``."""
    assert state in FINISHED
    values: dict[str, Any] = {
        "state": state,
        "finished_at": utcnow(),
        "result_path": result_path,
        "result_name": result_name,
        "error": (error or "")[:2000] or None,
    }
    if state == "done":
        values["progress"] = 1.0
    with db.session(write=True) as session:
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def requeue(db: Database, job_id: int) -> None:
    """Put a running job back in the queue (its server is stopping)."""
    with db.session(write=True) as session:
        session.execute(
            update(Job)
            .where(Job.id == job_id, Job.state == "running")
            .values(state="queued", worker=None, progress=0.0, message=None)
        )


def forget_old(db: Database, older_than: dt.timedelta) -> list[str]:
    """Delete finished jobs older than this, with their stored results; the
    local result files they named (jobs from before results were stored)."""
    cutoff = utcnow() - older_than
    with db.session(write=True) as session:
        old = session.execute(
            select(Job.id, Job.result_path).where(
                Job.state.in_(FINISHED), Job.finished_at < cutoff
            )
        ).all()
        if old:
            ids = [i for i, _ in old]
            session.execute(delete(Job).where(Job.id.in_(ids)))
            owners = [result_owner(i) for i in ids]
            session.execute(delete(StoredChunk).where(StoredChunk.owner.in_(owners)))
        return [p for _, p in old if p]


def result_owner(job_id: int) -> str:
    """Under what name a job's result file is kept (:mod:`stored_files`)."""
    return f"job:{job_id}"


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
