# SPDX-License-Identifier: GPL-3.0-or-later
"""Your password and tokens; the administrator's users page.

The pages call the same functions of :mod:`demine.store.users` as the API and
``demine user``, so every change is audited the same way.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from demine.domain.vocab import Role
from demine.errors import DemineError
from demine.i18n import _
from demine.serving.deps import Admin, DbDep, User, check_csrf, get_settings, session_id
from demine.store import users
from demine.store.schema import Organisation
from demine.web.pages import TEMPLATES, render

router = APIRouter(include_in_schema=False)
TEMPLATES.env.globals.setdefault("Role", Role)

Text = Annotated[str, Form(max_length=200)]


@router.get("/account/password")
def password_form(request: Request, who: User) -> Response:
    return render(request, "account_password.html", who)


@router.post("/account/password")
def password_post(
    request: Request,
    db: DbDep,
    who: User,
    current_password: Text = "",
    new_password: Text = "",
    confirm_password: Text = "",
    csrf_token: Text = "",
) -> Response:
    """Change your own password; your other sessions end."""
    check_csrf(request, csrf_token)
    error = None
    if new_password != confirm_password:
        error = _("The new password and its confirmation differ.")
    else:
        try:
            users.change_password(
                db,
                who.id,
                new_password,
                actor=who.id,
                current_password=current_password,
                keep_session=session_id(request),
            )
        except DemineError as exc:
            return render(
                request, "account_password.html", who, 422, failure=exc.user_message
            )
    if error:
        return render(request, "account_password.html", who, 422, error=error)
    return render(request, "account_password.html", who, changed=True)


@router.get("/account/tokens")
def tokens_page(request: Request, db: DbDep, who: User) -> Response:
    return render(
        request, "account_tokens.html", who, tokens=users.list_tokens(db, who.id)
    )


@router.post("/account/tokens")
def tokens_new(
    request: Request,
    db: DbDep,
    who: User,
    name: Annotated[str, Form(max_length=120)] = "",
    csrf_token: Text = "",
) -> Response:
    """Make a token; it is shown once, on this page."""
    check_csrf(request, csrf_token)
    days = get_settings(request).token_days
    token = users.create_token(db, who.id, name or None, days=days)
    return render(
        request,
        "account_tokens.html",
        who,
        tokens=users.list_tokens(db, who.id),
        new_token=token,
    )


@router.post("/account/tokens/{token_id}/revoke")
def tokens_revoke(
    request: Request,
    token_id: int,
    db: DbDep,
    who: User,
    back: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Text = "",
) -> Response:
    """Revoke your token (an administrator: anyone's, from the users page)."""
    check_csrf(request, csrf_token)
    users.revoke_token(db, token_id, who)
    target = "/admin/users" if back == "/admin/users" else "/account/tokens"
    return RedirectResponse(target, status_code=303)


# -- the administrator's users page ------------------------------------------


def _users_page(
    request: Request, db: Any, who: Any, status: int = 200, **context: Any
) -> Response:
    with db.session() as session:
        orgs = [
            (o.id, o.name)
            for o in session.query(Organisation).order_by(Organisation.name)
        ]
    return render(
        request,
        "admin_users.html",
        who,
        status,
        people=users.list_users(db),
        tokens=users.list_tokens(db),
        roles=[r.value for r in Role],
        orgs=orgs,
        **context,
    )


@router.get("/admin/users")
def users_page(request: Request, db: DbDep, who: Admin) -> Response:
    return _users_page(request, db, who)


def _org(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


@router.post("/admin/users/new")
def users_add(
    request: Request,
    db: DbDep,
    who: Admin,
    username: Annotated[str, Form(max_length=80)] = "",
    password: Text = "",
    role: Annotated[str, Form(max_length=20)] = "viewer",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    csrf_token: Text = "",
) -> Response:
    """Add a user who must change this password at the first login."""
    check_csrf(request, csrf_token)
    try:
        users.add_user(
            db,
            username,
            password,
            Role(role) if role in Role._value2member_map_ else Role.VIEWER,
            _org(organisation_id),
            actor=who.id,
            must_change_password=True,
        )
    except DemineError as exc:
        return _users_page(request, db, who, 422, failure=exc.user_message)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}")
def users_change(
    request: Request,
    user_id: int,
    db: DbDep,
    who: Admin,
    role: Annotated[str, Form(max_length=20)] = "",
    organisation_id: Annotated[str, Form(max_length=12)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
    csrf_token: Text = "",
) -> Response:
    """Change a user's role or organisation, deactivate or reactivate them."""
    check_csrf(request, csrf_token)
    try:
        users.update_user(
            db,
            user_id,
            actor=who.id,
            role=Role(role) if role in Role._value2member_map_ else None,
            organisation_id=_org(organisation_id),
            active={"yes": True, "no": False}.get(active),
        )
    except DemineError as exc:
        return _users_page(request, db, who, exc.http_status, failure=exc.user_message)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/password")
def users_password(
    request: Request,
    user_id: int,
    db: DbDep,
    who: Admin,
    new_password: Text = "",
    csrf_token: Text = "",
) -> Response:
    """Give a user a new password they must change at next login."""
    check_csrf(request, csrf_token)
    try:
        users.change_password(db, user_id, new_password, actor=who.id)
    except DemineError as exc:
        return _users_page(request, db, who, exc.http_status, failure=exc.user_message)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{user_id}/delete")
def users_delete(
    request: Request, user_id: int, db: DbDep, who: Admin, csrf_token: Text = ""
) -> Response:
    check_csrf(request, csrf_token)
    try:
        users.delete_user(db, user_id, actor=who.id)
    except DemineError as exc:
        return _users_page(request, db, who, exc.http_status, failure=exc.user_message)
    return RedirectResponse("/admin/users", status_code=303)
