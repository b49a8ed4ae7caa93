# SPDX-License-Identifier: GPL-3.0-or-later
"""Log in and out, API tokens, users and public layers (administrators)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from demine.domain.vocab import Role
from demine.serving.deps import Admin, DbDep, MaybeUser, User, csrf_token, log_in
from demine.store.public import public_layers, set_public_layers
from demine.store.users import Principal, add_user, create_token
from demine.store.users import list_users as store_list_users

router = APIRouter(prefix="/api/v1", tags=["auth"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class NewUser(Credentials):
    role: Role = Role.VIEWER
    organisation_id: int | None = None


class TokenRequest(BaseModel):
    name: str | None = Field(default=None, max_length=120)


class Layers(BaseModel):
    layers: list[str]


def describe(who: Principal) -> dict[str, Any]:
    return {
        "id": who.id,
        "username": who.username,
        "role": who.role.value,
        "organisation_id": who.organisation_id,
    }


@router.post("/login")
def login(request: Request, body: Credentials) -> dict[str, Any]:
    """Start a browser session; answers the user and the session's CSRF token."""
    who = log_in(request, body.username, body.password)
    return {**describe(who), "csrf_token": csrf_token(request)}


@router.post("/logout")
def logout(request: Request, who: MaybeUser) -> dict[str, Any]:
    request.session.clear()
    return {"ok": True}


@router.get("/me")
def me(request: Request, who: User) -> dict[str, Any]:
    return {**describe(who), "csrf_token": csrf_token(request)}


@router.post("/tokens", status_code=201)
def new_token(body: TokenRequest, db: DbDep, who: User) -> dict[str, Any]:
    """A bearer token for API clients; shown once."""
    return {"token": create_token(db, who.id, body.name)}


@router.get("/users")
def list_users(db: DbDep, who: Admin) -> list[dict[str, Any]]:
    return [describe(u) for u in store_list_users(db)]


@router.post("/users", status_code=201)
def create_user(body: NewUser, db: DbDep, who: Admin) -> dict[str, Any]:
    user = add_user(db, body.username, body.password, body.role, body.organisation_id)
    return describe(user)


@router.get("/public-layers")
def get_public_layers(db: DbDep, who: Admin) -> Layers:
    return Layers(layers=sorted(public_layers(db)))


@router.put("/public-layers")
def put_public_layers(body: Layers, db: DbDep, who: Admin) -> Layers:
    """Let anonymous readers see the approved records of these layers."""
    return Layers(layers=sorted(set_public_layers(db, body.layers)))
