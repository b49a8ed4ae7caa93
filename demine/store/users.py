# SPDX-License-Identifier: GPL-3.0-or-later
"""Users and API tokens: argon2 password hashes, SHA-256 token digests."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from demine.domain.vocab import Role
from demine.errors import AuthenticationError, RecordError
from demine.i18n import LANGUAGES, _
from demine.store.database import Database
from demine.store.schema import ApiToken, Organisation, User

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
    language: str | None = None

    @property
    def can_review(self) -> bool:
        return self.role in (Role.REVIEWER, Role.ADMIN)

    @property
    def can_write(self) -> bool:
        return self.role is not Role.VIEWER


def _principal(user: User) -> Principal:
    return Principal(
        user.id, user.username, Role(user.role), user.organisation_id, user.language
    )


def add_user(
    db: Database,
    username: str,
    password: str,
    role: Role = Role.VIEWER,
    organisation_id: int | None = None,
    language: str | None = None,
) -> Principal:
    """Create a user; the password is stored only as an argon2 hash."""
    _check_language(language)
    if not username.strip() or len(username) > 80:
        raise RecordError(_("give a user name of 1 to 80 characters"), field="username")
    if len(password) < 8:
        raise RecordError(
            _("use a password of at least 8 characters"), field="password"
        )
    with db.session() as session:
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
        if _HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = _HASHER.hash(password)
        return _principal(user)


def get_principal(db: Database, user_id: int) -> Principal | None:
    """The active user with this id, or None."""
    with db.session() as session:
        user = session.get(User, user_id)
        return _principal(user) if user is not None and user.active else None


def set_language(db: Database, user_id: int, language: str | None) -> None:
    """Store the user's interface language (None: follow the browser)."""
    _check_language(language)
    with db.session() as session:
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


def create_token(db: Database, user_id: int, name: str | None = None) -> str:
    """A new API token for the user; returned once, stored only as a digest."""
    token = secrets.token_urlsafe(32)
    with db.session() as session:
        session.add(ApiToken(user_id=user_id, digest=_digest(token), name=name))
    return token


def principal_for_token(db: Database, token: str) -> Principal | None:
    """The active user owning this token, or None."""
    with db.session() as session:
        user = session.scalars(
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.digest == _digest(token))
        ).first()
        return _principal(user) if user is not None and user.active else None
