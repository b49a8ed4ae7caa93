# SPDX-License-Identifier: GPL-3.0-or-later
"""Sessions, login throttling, references, approval and account actions
(issue 19, points 3 to 7).

Two app instances over one register stand for two servers (or two workers)
sharing the database: what one ends or counts, the other must see.
"""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from typer.testing import CliRunner

from demine.cli import app as cli_app
from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.schema import ApiToken, AuditEvent, UserSession
from demine.store.users import add_user
from tests.api.conftest import PASSWORD, Seed
from tests.web.test_pages import log_in


def api_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    done = client.post(
        "/api/v1/login", json={"username": username, "password": password}
    )
    assert done.status_code == 200, done.text
    return str(done.json()["csrf_token"])


@pytest.fixture
def two_servers(db: Database, seed: Seed) -> tuple[FastAPI, FastAPI]:
    settings = Settings(
        database_url=db.url,
        secret_key="shared-secret",
        login_free_attempts=4,
        login_account_free_attempts=6,
    )
    return create_app(settings, db), create_app(settings, db)


# -- point 3: sessions ------------------------------------------------------


def test_a_copied_cookie_is_worthless_after_logout(client: TestClient) -> None:
    csrf = api_login(client, "clerk")
    with TestClient(client.app, cookies=dict(client.cookies)) as thief:
        assert thief.get("/api/v1/me").status_code == 200
        assert client.post("/api/v1/logout", headers={"X-CSRF-Token": csrf}).is_success
        assert thief.get("/api/v1/me").status_code == 401
        body = {"version": 1, "changes": {"name": "after logout"}}
        patched = thief.patch(
            "/api/v1/records/hazard/1", json=body, headers={"X-CSRF-Token": csrf}
        )
        assert patched.status_code == 401


def test_sessions_hold_and_end_on_every_server(
    two_servers: tuple[FastAPI, FastAPI],
) -> None:
    first, second = two_servers
    with TestClient(first) as a:
        csrf = api_login(a, "reviewer")
        with TestClient(second, cookies=dict(a.cookies)) as b:
            assert b.get("/api/v1/me").json()["username"] == "reviewer"
            assert b.post("/api/v1/logout", headers={"X-CSRF-Token": csrf}).is_success
        assert a.get("/api/v1/me").status_code == 401


def test_password_change_and_deactivation_end_sessions_at_once(
    app: FastAPI, db: Database, seed: Seed, as_role: dict[str, TestClient]
) -> None:
    with TestClient(app) as one, TestClient(app) as other:
        csrf = api_login(one, "clerk")
        api_login(other, "clerk")
        changed = one.post(
            "/api/v1/me/password",
            json={"current_password": PASSWORD, "new_password": "a brand new one"},
            headers={"X-CSRF-Token": csrf},
        )
        assert changed.status_code == 200, changed.text
        assert one.get("/api/v1/me").status_code == 200  # the changer's own stays
        assert other.get("/api/v1/me").status_code == 401
        assert (
            other.post(
                "/api/v1/login", json={"username": "clerk", "password": PASSWORD}
            ).status_code
            == 401
        )
        gone = as_role["admin"].patch(
            f"/api/v1/users/{seed.users['clerk']}", json={"active": False}
        )
        assert gone.status_code == 200, gone.text
        assert one.get("/api/v1/me").status_code == 401
        assert as_role["clerk"].get("/api/v1/me").status_code == 401  # its token too


def test_idle_and_absolute_timeouts(client: TestClient, db: Database) -> None:
    api_login(client, "viewer")
    assert client.get("/api/v1/me").status_code == 200
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    with db.session() as session:
        session.execute(update(UserSession).values(last_seen_at=long_ago))
    assert client.get("/api/v1/me").status_code == 401  # idle over an hour
    api_login(client, "viewer")
    with db.session() as session:
        session.execute(update(UserSession).values(expires_at=long_ago))
    assert client.get("/api/v1/me").status_code == 401  # past its absolute end


# -- point 7: login throttling ---------------------------------------------


def fail(client: TestClient, username: str = "admin", **headers: str) -> int:
    return client.post(
        "/api/v1/login",
        json={"username": username, "password": "wrong guess"},
        headers=headers,
    ).status_code


def test_login_attempts_are_counted_across_servers(
    two_servers: tuple[FastAPI, FastAPI],
) -> None:
    first, second = two_servers
    with TestClient(first) as a, TestClient(second) as b:
        assert [fail(a), fail(b), fail(a), fail(b)] == [401] * 4
        refused = a.post("/api/v1/login", json={"username": "x", "password": "y"})
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) > 0
        assert fail(b) == 429


def test_forwarded_for_is_believed_only_from_configured_proxies(
    db: Database, seed: Seed
) -> None:
    plain = Settings(database_url=db.url, secret_key="s", login_free_attempts=3)
    with TestClient(create_app(plain, db), client=("127.0.0.1", 40000)) as c:
        codes = [fail(c, **{"X-Forwarded-For": f"10.9.0.{i}"}) for i in range(6)]
        assert codes == [401, 401, 401, 429, 429, 429]
    proxied = Settings(
        database_url=db.url,
        secret_key="s",
        login_free_attempts=3,
        trusted_proxies="192.0.2.10",
    )
    with TestClient(create_app(proxied, db), client=("192.0.2.10", 40000)) as c:
        codes = [fail(c, **{"X-Forwarded-For": f"10.8.0.{i}"}) for i in range(6)]
        assert codes == [401] * 6  # six different people behind the proxy


def test_guessing_from_elsewhere_does_not_lock_out_the_rightful_user(
    two_servers: tuple[FastAPI, FastAPI],
) -> None:
    app, _ = two_servers
    with TestClient(app, client=("198.51.100.7", 1)) as home:
        api_login(home, "admin")  # the admin's usual place
    for attacker in range(3):
        with TestClient(app, client=(f"203.0.113.{attacker}", 1)) as c:
            assert [fail(c), fail(c)] == [401, 401]
    with TestClient(app, client=("203.0.113.99", 1)) as stranger:
        assert fail(stranger) == 429  # a new place waits: the name is under attack
    with TestClient(app, client=("198.51.100.7", 1)) as home:
        api_login(home, "admin")  # the right password from home still works


# -- point 4: one visibility rule for references ----------------------------


def test_hidden_records_cannot_be_referenced_and_answer_as_missing(
    as_role: dict[str, TestClient], seed: Seed
) -> None:
    clerk = as_role["clerk"]
    hidden = seed.hazards["bravo_draft"]
    item = {"category": "ap_mine", "quantity": 1, "found_on": "2026-10-01"}
    point = {"type": "Point", "coordinates": [47.005, 40.005]}
    answers = {}
    for ref in (hidden, 999_999):
        made = clerk.post(
            "/api/v1/records/eo_item",
            json={"fields": {**item, "hazard_id": ref, "geom": point}},
        )
        answers[ref] = (made.status_code, made.json()["error"].replace(str(ref), "N"))
    assert answers[hidden] == answers[999_999]
    assert answers[hidden][0] == 422
    activity = {
        "activity_type": "nts",
        "status": "planned",
        "organisation_id": seed.orgs["Bravo Clearance"],
    }
    other_org = clerk.post("/api/v1/records/activity", json={"fields": activity})
    assert other_org.status_code == 422, other_org.text
    own = clerk.post(
        "/api/v1/records/eo_item",
        json={"fields": {**item, "hazard_id": seed.hazards["cha"], "geom": point}},
    )
    assert own.status_code == 201, own.text
    repointed = clerk.patch(
        f"/api/v1/records/eo_item/{own.json()['id']}",
        json={"version": own.json()["version"], "changes": {"hazard_id": hidden}},
    )
    assert repointed.status_code == 422, repointed.text
    assert "no hazard with id" in repointed.json()["error"]


# -- point 5: approval names its version -------------------------------------


def test_a_reviewer_cannot_approve_a_version_they_never_saw(
    client: TestClient, as_role: dict[str, TestClient], seed: Seed
) -> None:
    hid = seed.hazards["alpha_draft"]
    clerk = as_role["clerk"]
    assert clerk.post(f"/api/v1/records/hazard/{hid}/submit").status_code == 200
    token = log_in(client, "reviewer")
    page = client.get(f"/records/hazard/{hid}").text
    seen = int(page.split('name="version" value="', 1)[1].split('"', 1)[0])
    current = clerk.get(f"/api/v1/records/hazard/{hid}").json()
    edited = clerk.patch(
        f"/api/v1/records/hazard/{hid}",
        json={"version": current["version"], "changes": {"name": "moved after"}},
    )
    assert edited.status_code == 200, edited.text
    stale = client.post(
        f"/review/hazard/{hid}/approve",
        data={"csrf_token": token, "version": seen},
        follow_redirects=False,
    )
    assert stale.status_code == 409
    assert "changed: Name" in stale.text
    unnamed = as_role["reviewer"].post(f"/api/v1/records/hazard/{hid}/approve")
    assert unnamed.status_code == 422
    state = clerk.get(f"/api/v1/records/hazard/{hid}").json()
    assert state["review_state"] == "submitted"
    fresh = client.post(
        f"/review/hazard/{hid}/approve",
        data={"csrf_token": token, "version": state["version"]},
        follow_redirects=False,
    )
    assert fresh.status_code == 303


# -- point 6: security actions audited, tokens expire and are revoked --------


def actions(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        return [
            (e.action, e.entity)
            for e in session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity.in_(["app_user", "api_token", "public_layer"]))
                .order_by(AuditEvent.id)
            )
        ]


def test_security_actions_are_audited_and_undoable(
    as_role: dict[str, TestClient], db: Database, seed: Seed
) -> None:
    admin = as_role["admin"]
    before = actions(db)
    made = admin.post(
        "/api/v1/users",
        json={"username": "nadia", "password": PASSWORD, "role": "viewer"},
    )
    assert made.status_code == 201
    uid = made.json()["id"]
    assert admin.patch(f"/api/v1/users/{uid}", json={"role": "reviewer"}).is_success
    assert admin.post(
        f"/api/v1/users/{uid}/password", json={"new_password": "reset by admin"}
    ).is_success
    assert admin.patch(f"/api/v1/users/{uid}", json={"active": False}).is_success
    assert admin.put("/api/v1/public-layers", json={"layers": ["hazard"]}).is_success
    token = as_role["viewer"].post("/api/v1/tokens", json={"name": "qgis"}).json()
    assert token["expires_at"]
    mine = as_role["viewer"].get("/api/v1/tokens").json()
    qgis = next(t for t in mine if t["name"] == "qgis")
    with TestClient(as_role["viewer"].app) as c:
        bearer = {"Authorization": f"Bearer {token['token']}"}
        assert c.get("/api/v1/me", headers=bearer).status_code == 200
        used = as_role["viewer"].get("/api/v1/tokens").json()
        assert next(t for t in used if t["id"] == qgis["id"])["last_used_at"]
        assert as_role["viewer"].delete(f"/api/v1/tokens/{qgis['id']}").is_success
        assert c.get("/api/v1/me", headers=bearer).status_code == 401
    assert admin.delete(f"/api/v1/users/{uid}").is_success
    new = actions(db)[len(before) :]
    assert [a for a, _ in new] == [
        "create",
        "update",
        "password",
        "deactivate",
        "public-layers",
        "token-create",
        "token-revoke",
        "delete",
    ]
    # A user who wrote to the register cannot be deleted, only deactivated.
    refused = admin.delete(f"/api/v1/users/{seed.users['clerk']}")
    assert refused.status_code in (200, 403)


def test_expired_tokens_stop_working(
    as_role: dict[str, TestClient], db: Database
) -> None:
    viewer = as_role["viewer"]
    assert viewer.get("/api/v1/me").status_code == 200
    with db.session() as session:
        session.execute(
            update(ApiToken).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            )
        )
    assert viewer.get("/api/v1/me").status_code == 401


def test_cli_user_commands(db: Database, db_url: str, seed: Seed) -> None:
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli_app, ["user", *args, "--db", db_url])
        assert result.exit_code == 0, result.output
        return result.output

    token = run("token", "viewer", "--name", "nightly", "--days", "7").split()[-1]
    with TestClient(create_app(Settings(database_url=db.url), db)) as c:
        bearer = {"Authorization": f"Bearer {token}"}
        assert c.get("/api/v1/me", headers=bearer).json()["username"] == "viewer"
        listed = run("tokens", "viewer", "--json")
        nightly = next(
            t for t in __import__("json").loads(listed) if t["name"] == "nightly"
        )
        run("revoke", str(nightly["id"]))
        assert c.get("/api/v1/me", headers=bearer).status_code == 401
        run("deactivate", "reviewer")
        reviewer = {"Authorization": f"Bearer {seed.tokens['reviewer']}"}
        assert c.get("/api/v1/me", headers=reviewer).status_code == 401
        run("activate", "reviewer")
        run("role", "viewer", "reviewer")
        assert c.get("/api/v1/me", headers=bearer).status_code == 401
        assert run("password", "viewer", "--generate")
        viewer = {"Authorization": f"Bearer {seed.tokens['viewer']}"}
        assert c.get("/api/v1/review-queue", headers=viewer).status_code == 403


def test_one_time_password_must_be_changed_first(
    app: FastAPI, db: Database, seed: Seed
) -> None:
    add_user(db, "newcomer", "one-time-123", must_change_password=True)
    with TestClient(app) as browser:
        token = browser.get("/login").text.split('name="csrf_token" value="')[1]
        token = token.split('"', 1)[0]
        done = browser.post(
            "/login",
            data={
                "username": "newcomer",
                "password": "one-time-123",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert done.headers["location"] == "/account/password"
        blocked = browser.get("/map", follow_redirects=False)
        assert blocked.headers["location"] == "/account/password"
        assert browser.get("/api/v1/records/hazard").status_code == 403
        page = browser.get("/account/password").text
        csrf = page.split('name="csrf_token" value="')[1].split('"', 1)[0]
        changed = browser.post(
            "/account/password",
            data={
                "csrf_token": csrf,
                "current_password": "one-time-123",
                "new_password": "my own secret",
                "confirm_password": "my own secret",
            },
        )
        assert changed.status_code == 200
        assert 'id="changed"' in changed.text
        assert browser.get("/map").status_code == 200


def test_admin_users_page_adds_and_deactivates(
    client: TestClient, db: Database, seed: Seed
) -> None:
    token = log_in(client, "admin")
    added = client.post(
        "/admin/users/new",
        data={
            "csrf_token": token,
            "username": "olga",
            "password": "first pass 1",
            "role": "clerk",
            "organisation_id": str(seed.orgs["Alpha Demining"]),
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = client.get("/admin/users").text
    assert 'data-user="olga"' in page
    uid = next(u for u in client.get("/api/v1/users").json() if u["username"] == "olga")
    off = client.post(
        f"/admin/users/{uid['id']}",
        data={"csrf_token": token, "active": "no"},
        follow_redirects=False,
    )
    assert off.status_code == 303
    assert ("deactivate", "app_user") in actions(db)
    assert ("create", "app_user") in actions(db)
