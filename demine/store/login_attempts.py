# SPDX-License-Identifier: GPL-3.0-or-later
"""Login throttling counted in the register, across every worker and server.

Counting in memory let each worker process grant its own tries and let one
person lock another out by failing on their name (issue 19). Here every
attempt is a row, and two rules apply:

- a **source** (client address) gets ``free`` failed attempts in the window,
  then waits a delay that doubles with each further failure;
- an **account** whose name failed ``account_free`` times in the window from
  any source makes other sources wait as well, but a source that logged in to
  that account before is never held up by it: guessing from elsewhere does not
  lock the rightful user out.

A successful login from a source starts its count again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select

from demine.errors import RateLimitError
from demine.store.database import Database
from demine.store.schema import LoginAttempt
from demine.store.schema.base import utcnow

# A source that once logged in to an account stays known to it this long.
KNOWN_FOR = dt.timedelta(days=30)


@dataclass(frozen=True)
class ThrottlePolicy:
    free: int = 10
    account_free: int = 20
    window: dt.timedelta = dt.timedelta(minutes=15)
    first_delay: dt.timedelta = dt.timedelta(seconds=30)
    source_cap: dt.timedelta = dt.timedelta(minutes=15)
    account_cap: dt.timedelta = dt.timedelta(minutes=5)


def check_login(
    db: Database, source: str, username: str, policy: ThrottlePolicy
) -> None:
    """RateLimitError if this source, or this account from here, must wait."""
    now = utcnow()
    since = now - policy.window
    with db.session() as session:
        last_ok = session.scalar(
            select(func.max(LoginAttempt.at)).where(
                LoginAttempt.source == source, LoginAttempt.success.is_(True)
            )
        )
        start = max(since, _aware(last_ok)) if last_ok is not None else since
        count, last = session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                LoginAttempt.source == source,
                LoginAttempt.success.is_(False),
                LoginAttempt.at > start,
            )
        ).one()
        _wait(now, int(count), last, policy.free, policy)
        known = session.scalar(
            select(func.count()).where(
                LoginAttempt.source == source,
                LoginAttempt.username == username,
                LoginAttempt.success.is_(True),
                LoginAttempt.at > now - KNOWN_FOR,
            )
        )
        if known:
            return
        count, last = session.execute(
            select(func.count(), func.max(LoginAttempt.at)).where(
                and_(
                    LoginAttempt.username == username,
                    LoginAttempt.success.is_(False),
                    LoginAttempt.at > since,
                )
            )
        ).one()
        _wait(now, int(count), last, policy.account_free, policy, account=True)


def _wait(
    now: dt.datetime,
    failures: int,
    last: dt.datetime | None,
    free: int,
    policy: ThrottlePolicy,
    account: bool = False,
) -> None:
    if failures < free or last is None:
        return
    cap = policy.account_cap if account else policy.source_cap
    delay = min(cap, policy.first_delay * 2 ** min(failures - free, 20))
    until = _aware(last) + delay
    if now < until:
        seconds = int((until - now).total_seconds()) + 1
        raise RateLimitError(
            f"too many attempts; wait {seconds} seconds and try again",
            retry_after=seconds,
        )


def record_login(db: Database, source: str, username: str, success: bool) -> None:
    """Count one attempt; attempts older than a day are dropped on the way."""
    now = utcnow()
    with db.session(write=True) as session:
        session.add(
            LoginAttempt(
                at=now, source=source[:64], username=username[:80], success=success
            )
        )
        session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.at < now - KNOWN_FOR, LoginAttempt.success.is_(True)
            )
        )
        session.execute(
            delete(LoginAttempt).where(
                LoginAttempt.at < now - dt.timedelta(days=1),
                LoginAttempt.success.is_(False),
            )
        )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
