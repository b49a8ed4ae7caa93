# SPDX-License-Identifier: GPL-3.0-or-later
"""Browser sessions kept in the register, so any server can end them at once.

A signed cookie alone stays valid until it expires, whatever happens on the
server (issue 19: a copy taken before logout still wrote). Here the cookie
carries a random session id; the register keeps its SHA-256 digest with the
user, the last time it was used and its absolute expiry. A session is valid
only while its row says so: logout, a password change and deactivation
revoke the rows, and every server sharing the register sees that on the
next request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from demine.store.database import Database
from demine.store.schema import User, UserSession
from demine.store.schema.base import utcnow

# A session's last-seen time is written at most this often (not once per
# tile): every write moves the register's version and so empties the caches
# of tiles and feature pages. The idle timeout is exact to this much.
TOUCH_EVERY = dt.timedelta(minutes=2)


@dataclass(frozen=True)
class SessionPolicy:
    """How long a session lives: idle and absolute limits."""

    idle: dt.timedelta = dt.timedelta(minutes=60)
    absolute: dt.timedelta = dt.timedelta(hours=12)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start_session(db: Database, user_id: int, policy: SessionPolicy) -> str:
    """A new session for the user; the returned id goes in the cookie only."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    with db.session(write=True) as session:
        session.add(
            UserSession(
                digest=digest(secret),
                user_id=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + policy.absolute,
            )
        )
        # Expired rows of anyone are dropped now and then, here.
        session.execute(delete(UserSession).where(UserSession.expires_at < now))
    return secret


def session_user(db: Database, secret: str, policy: SessionPolicy) -> int | None:
    """The active user of a live session, else None (ended, idle, expired)."""
    now = utcnow()
    with db.session() as session:
        row = session.execute(
            select(UserSession, User.active)
            .join(User, User.id == UserSession.user_id)
            .where(UserSession.digest == digest(secret))
        ).first()
        if row is None:
            return None
        live, active = row
        if (
            not active
            or live.revoked_at is not None
            or _aware(live.expires_at) <= now
            or _aware(live.last_seen_at) + policy.idle <= now
        ):
            return None
        user_id, session_id = live.user_id, live.id
        stale = now - _aware(live.last_seen_at) >= TOUCH_EVERY
    if stale:
        # A transaction of its own that writes first (SQLite: see jobs.get).
        with db.session(write=True) as session:
            session.execute(
                update(UserSession)
                .where(UserSession.id == session_id)
                .values(last_seen_at=now)
            )
    return user_id


def end_session(db: Database, secret: str) -> None:
    """Revoke one session (logout)."""
    with db.session(write=True) as session:
        session.execute(
            update(UserSession)
            .where(UserSession.digest == digest(secret))
            .values(revoked_at=utcnow())
        )


def end_user_sessions(db: Database, user_id: int, keep: str | None = None) -> int:
    """Revoke every session of a user (but ``keep``); how many were live."""
    stmt = update(UserSession).where(
        UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(UserSession.digest != digest(keep))
    with db.session(write=True) as session:
        done = session.execute(stmt.values(revoked_at=utcnow()))
        return int(done.rowcount or 0)  # type: ignore[attr-defined]


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
