# SPDX-License-Identifier: GPL-3.0-or-later
"""Users and API tokens: argon2 password hashes, SHA-256 token digests.

Every change to who may do what (a user added, a role or password changed, a
user deactivated or deleted, a token made or revoked) writes an audit event
in the same transaction, naming who did it; passwords and tokens never
appear in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from demine.domain.vocab import Role
from demine.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RecordError,
)
from demine.i18n import LANGUAGES, _
from demine.store.database import Database
from demine.store.schema import ApiToken, AuditEvent, Organisation, User, UserSession
from demine.store.schema.base import utcnow

# A token's last use is written at most this often: every write moves the
# register's version and so empties the caches of tiles and feature pages.
TOKEN_TOUCH_EVERY = dt.timedelta(minutes=15)

_HASHER = PasswordHasher()
# Verified when the username is unknown, so a wrong name costs as long as a
# wrong password and timing does not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("not a password")


@dataclass(frozen=True)
class Principal:
    """The user behind a request, detached from any database session."""

    id: int
    username: str
    role: Role
    organisation_id: int | None
    must_change_password: bool = False
    active: bool = True
    language: str | None = None

    @property
    def can_review(self) -> bool:
        return self.role in (Role.REVIEWER, Role.ADMIN)

    @property
    def can_write(self) -> bool:
        """May add or edit register records (not viewers, not assistance)."""
        return self.role in (Role.CLERK, Role.REVIEWER, Role.ADMIN)

    @property
    def reads_approved_only(self) -> bool:
        """Sees approved register records only, as anonymous readers do."""
        return self.role in (Role.VIEWER, Role.ASSISTANCE)

    @property
    def can_assist(self) -> bool:
        """Sees survivors' records: the assistance role alone."""
        return self.role is Role.ASSISTANCE


def _principal(user: User) -> Principal:
    return Principal(
        user.id,
        user.username,
        Role(user.role),
        user.organisation_id,
        bool(user.must_change_password),
        bool(user.active),
        user.language,
    )


def _describe(user: User) -> dict[str, Any]:
    """What the audit trail keeps of a user (never the password hash)."""
    return {
        "username": user.username,
        "role": Role(user.role).value,
        "organisation_id": user.organisation_id,
        "active": bool(user.active),
    }


def audit(
    session: Session,
    actor: int | None,
    action: str,
    entity: str,
    record_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """One audit event of a security action, in the caller's transaction."""
    session.add(
        AuditEvent(
            user_id=actor,
            action=action,
            entity=entity,
            record_id=record_id,
            before=before,
            after=after,
        )
    )


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise RecordError(
            _("use a password of at least 8 characters"), field="password"
        )
    if len(password) > 200:
        raise RecordError(
            _("use a password of at most 200 characters"), field="password"
        )


def add_user(
    db: Database,
    username: str,
    password: str,
    role: Role = Role.VIEWER,
    organisation_id: int | None = None,
    *,
    language: str | None = None,
    actor: int | None = None,
    must_change_password: bool = False,
) -> Principal:
    """Create a user; the password is stored only as an argon2 hash.

    ``must_change_password`` (a one-time password) makes the first login
    change it before anything else.
    """
    _check_language(language)
    if not username.strip() or len(username) > 80:
        raise RecordError(_("give a user name of 1 to 80 characters"), field="username")
    _check_password(password)
    if role is Role.CLERK and organisation_id is None:
        raise RecordError(_("a clerk needs an organisation"), field="organisation_id")
    with db.session(write=True) as session:
        if organisation_id is not None and not session.get(
            Organisation, organisation_id
        ):
            raise RecordError(
                _(
                    "no organisation with id %(organisation_id)s",
                    organisation_id=organisation_id,
                ),
                field="organisation_id",
            )
        user = User(
            username=username.strip(),
            password_hash=_HASHER.hash(password),
            role=role,
            organisation_id=organisation_id,
            active=True,
            must_change_password=must_change_password,
            language=language,
        )
        session.add(user)
        try:
            session.flush()
        except IntegrityError:
            raise RecordError(
                _("user %(username)r exists already", username=username),
                field="username",
            ) from None
        audit(session, actor, "create", "app_user", user.id, None, _describe(user))
        return _principal(user)


def authenticate(db: Database, username: str, password: str) -> Principal:
    """The active user with this name and password, else AuthenticationError."""
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        stored = user.password_hash if user is not None else _DUMMY_HASH
        try:
            _HASHER.verify(stored, password)
        except (VerificationError, InvalidHashError):
            user = None
        if user is None or not user.active:
            raise AuthenticationError(_("wrong user name or password"))
        principal = _principal(user)
        stale = _HASHER.check_needs_rehash(user.password_hash)
    if stale:
        # A write of its own: logging in never waits for the write lock
        # unless the stored hash must change.
        with db.session(write=True) as session:
            found = session.get(User, principal.id)
            if found is not None:
                found.password_hash = _HASHER.hash(password)
    return principal


def _load_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError(f"no user with id {user_id}")
    return user


def change_password(
    db: Database,
    user_id: int,
    new_password: str,
    *,
    actor: int | None,
    current_password: str | None = None,
    keep_session: str | None = None,
    must_change: bool | None = None,
) -> None:
    """Set a new password; every other session of the user ends at once.

    A person changing their own password gives the current one; an
    administrator resetting another's does not, and that user must then
    change it at their next login.
    """
    _check_password(new_password)
    from demine.store.sessions import digest

    with db.session(write=True) as session:
        user = _load_user(session, user_id)
        if current_password is not None:
            try:
                _HASHER.verify(user.password_hash, current_password)
            except (VerificationError, InvalidHashError):
                raise RecordError(
                    "the current password is not right", field="current_password"
                ) from None
            if current_password == new_password:
                raise RecordError(
                    "choose a password other than the current one", field="password"
                )
        user.password_hash = _HASHER.hash(new_password)
        user.password_changed_at = utcnow()
        user.must_change_password = (
            must_change
            if must_change is not None
            else actor is not None and actor != user_id
        )
        ended = update(UserSession).where(
            UserSession.user_id == user_id, UserSession.revoked_at.is_(None)
        )
        if keep_session is not None:
            ended = ended.where(UserSession.digest != digest(keep_session))
        session.execute(ended.values(revoked_at=utcnow()))
        audit(session, actor, "password", "app_user", user_id, None, None)


def update_user(
    db: Database,
    user_id: int,
    *,
    actor: int | None,
    role: Role | None = None,
    organisation_id: int | None = None,
    active: bool | None = None,
) -> Principal:
    """Change a user's role, organisation or whether they may log in.

    Deactivating ends the user's sessions and makes their tokens worthless
    at once. The last active administrator cannot be demoted or deactivated.
    """
    with db.session(write=True) as session:
        user = _load_user(session, user_id)
        before = _describe(user)
        if role is not None:
            user.role = role
        if organisation_id is not None:
            if not session.get(Organisation, organisation_id):
                raise RecordError(
                    f"no organisation with id {organisation_id}",
                    field="organisation_id",
                )
            user.organisation_id = organisation_id
        if active is not None:
            user.active = active
        if Role(user.role) is Role.CLERK and user.organisation_id is None:
            raise RecordError("a clerk needs an organisation", field="organisation_id")
        session.flush()
        _keep_an_admin(session)
        if not user.active:
            session.execute(
                update(UserSession)
                .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        after = _describe(user)
        action = "deactivate" if before["active"] and not after["active"] else "update"
        if after != before:
            audit(session, actor, action, "app_user", user_id, before, after)
        return _principal(user)


def delete_user(db: Database, user_id: int, *, actor: int | None) -> None:
    """Delete a user who never wrote to the register; others are deactivated."""
    with db.session(write=True) as session:
        user = _load_user(session, user_id)
        wrote = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.user_id == user_id)
        )
        if wrote:
            raise PermissionDeniedError(
                f"user {user.username!r} has {wrote} entries in the audit trail; "
                "deactivate the user instead, so the trail keeps their name"
            )
        before = _describe(user)
        session.delete(user)
        session.flush()
        _keep_an_admin(session)
        audit(session, actor, "delete", "app_user", user_id, before, None)


def _keep_an_admin(session: Session) -> None:
    admins = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.active.is_(True))
    )
    if not admins:
        raise PermissionDeniedError(
            "the register must keep at least one active administrator"
        )


def find_user(db: Database, username: str) -> Principal:
    with db.session() as session:
        user = session.scalars(select(User).where(User.username == username)).first()
        if user is None:
            raise NotFoundError(f"no user {username!r}")
        return _principal(user)


def get_principal(db: Database, user_id: int) -> Principal | None:
    """The active user with this id, or None."""
    with db.session() as session:
        user = session.get(User, user_id)
        return _principal(user) if user is not None and user.active else None


def set_language(db: Database, user_id: int, language: str | None) -> None:
    """Store the user's interface language (None: follow the browser)."""
    _check_language(language)
    with db.session(write=True) as session:
        user = session.get(User, user_id)
        if user is None:
            raise RecordError(_("no user with id %(id)s", id=user_id), field="user")
        user.language = language


def _check_language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise RecordError(
            _(
                "unknown language %(language)r: use one of %(known)s",
                language=language,
                known=", ".join(LANGUAGES),
            ),
            field="language",
        )


def list_users(db: Database) -> list[Principal]:
    with db.session() as session:
        return [_principal(u) for u in session.scalars(select(User).order_by(User.id))]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    db: Database,
    user_id: int,
    name: str | None = None,
    *,
    days: int | None = 90,
    actor: int | None = None,
) -> str:
    """A new API token for the user; returned once, stored only as a digest.

    It expires after ``days`` (None: never, for tokens an administrator
    makes deliberately for a machine).
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires = now + dt.timedelta(days=days) if days is not None else None
    with db.session(write=True) as session:
        row = ApiToken(
            user_id=user_id,
            digest=_digest(token),
            name=name,
            created_at=now,
            expires_at=expires,
        )
        session.add(row)
        session.flush()
        audit(
            session,
            user_id if actor is None else actor,
            "token-create",
            "api_token",
            row.id,
            None,
            _token_dict(row),
        )
    return token


def _token_dict(row: ApiToken) -> dict[str, Any]:
    def iso(value: dt.datetime | None) -> str | None:
        return value.isoformat() if value is not None else None

    return {
        "id": row.id,
        "user_id": row.user_id,
        "name": row.name,
        "created_at": iso(row.created_at),
        "expires_at": iso(row.expires_at),
        "last_used_at": iso(row.last_used_at),
        "revoked_at": iso(row.revoked_at),
    }


def list_tokens(db: Database, user_id: int | None = None) -> list[dict[str, Any]]:
    """Tokens (never their values) of one user, or of everyone."""
    stmt = select(ApiToken).order_by(ApiToken.id)
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    with db.session() as session:
        return [_token_dict(t) for t in session.scalars(stmt)]


def revoke_token(
    db: Database, token_id: int, who: Principal, *, actor: int | None = -1
) -> dict[str, Any]:
    """End a token: its owner's own, or anyone's for an administrator.

    The audit event names ``who`` unless ``actor`` is given (None: the
    command line, run by whoever runs the server).
    """
    actor = who.id if actor == -1 else actor
    with db.session(write=True) as session:
        row = session.get(ApiToken, token_id)
        if row is None or (row.user_id != who.id and who.role is not Role.ADMIN):
            raise NotFoundError(f"no token with id {token_id}")
        before = _token_dict(row)
        if row.revoked_at is None:
            row.revoked_at = utcnow()
            audit(
                session,
                actor,
                "token-revoke",
                "api_token",
                row.id,
                before,
                _token_dict(row),
            )
        return _token_dict(row)


def principal_for_token(db: Database, token: str) -> Principal | None:
    """The active user owning this live token (not revoked, not expired)."""
    now = utcnow()
    with db.session() as session:
        row = session.execute(
            select(User, ApiToken)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.digest == _digest(token))
        ).first()
        if row is None:
            return None
        user, held = row
        if (
            not user.active
            or held.revoked_at is not None
            or (held.expires_at is not None and _aware(held.expires_at) <= now)
        ):
            return None
        last = held.last_used_at
        touch = last is None or now - _aware(last) >= TOKEN_TOUCH_EVERY
        who, token_id = _principal(user), held.id
    if touch:
        # A transaction of its own that writes first (SQLite: see jobs.get).
        with db.session(write=True) as session:
            session.execute(
                update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now)
            )
    return who


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
