# SPDX-License-Identifier: GPL-3.0-or-later
"""Log in and out, passwords, API tokens, users and public layers.

Every change to who may do what is audited (:mod:`demine.store.users`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from demine.domain.vocab import Role
from demine.serving.deps import (
    Admin,
    DbDep,
    MaybeUser,
    User,
    csrf_token,
    get_settings,
    log_in,
    log_out,
    session_id,
)
from demine.store import users
from demine.store.public import public_layers, set_public_layers
from demine.store.users import Principal

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class NewUser(Credentials):
    role: Role = Role.VIEWER
    organisation_id: int | None = None
    must_change_password: bool = True


class UserChange(BaseModel):
    role: Role | None = None
    organisation_id: int | None = Field(default=None, ge=1)
    active: bool | None = None


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class PasswordReset(BaseModel):
    new_password: str = Field(min_length=8, max_length=200)


class TokenRequest(BaseModel):
    name: str | None = Field(default=None, max_length=120)
    days: int | None = Field(default=None, ge=1, le=3650)


class Layers(BaseModel):
    layers: list[str]


def describe(who: Principal) -> dict[str, Any]:
    return {
        "id": who.id,
        "username": who.username,
        "role": who.role.value,
        "organisation_id": who.organisation_id,
        "active": who.active,
        "must_change_password": who.must_change_password,
    }


@router.post("/login")
def login(request: Request, body: Credentials) -> dict[str, Any]:
    """Start a browser session; answers the user and the session's CSRF token."""
    who = log_in(request, body.username, body.password)
    return {**describe(who), "csrf_token": csrf_token(request)}


@router.post("/logout")
def logout(request: Request, who: MaybeUser) -> dict[str, Any]:
    log_out(request)
    return {"ok": True}


@router.get("/me")
def me(request: Request, who: User) -> dict[str, Any]:
    return {**describe(who), "csrf_token": csrf_token(request)}


@router.post("/me/password")
def change_my_password(
    request: Request, body: PasswordChange, db: DbDep, who: User
) -> dict[str, Any]:
    """Change your own password; your other sessions end."""
    users.change_password(
        db,
        who.id,
        body.new_password,
        actor=who.id,
        current_password=body.current_password,
        keep_session=session_id(request),
    )
    return {"ok": True}


@router.get("/tokens")
def my_tokens(db: DbDep, who: User) -> list[dict[str, Any]]:
    """Your API tokens (never their values): expiry and last use."""
    return users.list_tokens(db, who.id)


@router.post("/tokens", status_code=201)
def new_token(
    request: Request, body: TokenRequest, db: DbDep, who: User
) -> dict[str, Any]:
    """A bearer token for API clients; shown once; expires (90 days unless set)."""
    days = body.days or get_settings(request).token_days
    token = users.create_token(db, who.id, body.name, days=days)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=days)
    return {"token": token, "expires_at": expires.isoformat()}


@router.delete("/tokens/{token_id}")
def revoke_token(token_id: int, db: DbDep, who: User) -> dict[str, Any]:
    """Revoke one of your tokens (an administrator: anyone's)."""
    return users.revoke_token(db, token_id, who)


@router.get("/users")
def list_users(db: DbDep, who: Admin) -> list[dict[str, Any]]:
    return [describe(u) for u in users.list_users(db)]


@router.post("/users", status_code=201)
def create_user(body: NewUser, db: DbDep, who: Admin) -> dict[str, Any]:
    """Add a user; by default they must change the password at first login."""
    user = users.add_user(
        db,
        body.username,
        body.password,
        body.role,
        body.organisation_id,
        actor=who.id,
        must_change_password=body.must_change_password,
    )
    return describe(user)


@router.patch("/users/{user_id}")
def change_user(
    user_id: int, body: UserChange, db: DbDep, who: Admin
) -> dict[str, Any]:
    """Change a user's role or organisation, or deactivate them (sessions end)."""
    return describe(
        users.update_user(
            db,
            user_id,
            actor=who.id,
            role=body.role,
            organisation_id=body.organisation_id,
            active=body.active,
        )
    )


@router.post("/users/{user_id}/password")
def reset_password(
    user_id: int, body: PasswordReset, db: DbDep, who: Admin
) -> dict[str, Any]:
    """Give a user a new password they must change at next login."""
    users.change_password(db, user_id, body.new_password, actor=who.id)
    return {"ok": True}


@router.delete("/users/{user_id}")
def delete_user(user_id: int, db: DbDep, who: Admin) -> dict[str, Any]:
    """Delete a user who never wrote anything (else deactivate them)."""
    users.delete_user(db, user_id, actor=who.id)
    return {"ok": True}


@router.get("/users/{user_id}/tokens")
def user_tokens(user_id: int, db: DbDep, who: Admin) -> list[dict[str, Any]]:
    return users.list_tokens(db, user_id)


@router.get("/public-layers")
def get_public_layers(db: DbDep, who: Admin) -> Layers:
    return Layers(layers=sorted(public_layers(db)))


@router.put("/public-layers")
def put_public_layers(body: Layers, db: DbDep, who: Admin) -> Layers:
    """Let anonymous readers see the approved records of these layers."""
    return Layers(layers=sorted(set_public_layers(db, body.layers, actor=who.id)))
