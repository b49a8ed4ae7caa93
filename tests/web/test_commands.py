# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine serve`` and ``demine user add`` through the CLI runner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from demine.cli import app
from demine.store.database import Database
from demine.store.users import authenticate

runner = CliRunner()


@pytest.mark.parametrize("command", [["serve"], ["user"], ["user", "add"]])
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_user_add_then_log_in(db_url: str) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    args = ["user", "add", "ana", "--role", "reviewer", "--db", db_url]
    made = runner.invoke(app, [*args, "--password-stdin"], input="s3cret-words\n")
    assert made.exit_code == 0, made.output
    assert "added Reviewer 'ana'" in made.output
    db = Database(db_url)
    try:
        assert authenticate(db, "ana", "s3cret-words").role.value == "reviewer"
    finally:
        db.dispose()
    again = runner.invoke(app, [*args, "--password-stdin"], input="s3cret-words\n")
    assert again.exit_code == 1
    assert "exists already" in again.output


def test_user_add_generates_a_one_time_password(db_url: str) -> None:
    runner.invoke(app, ["init", "--db", db_url])
    made = runner.invoke(
        app, ["user", "add", "boss", "--role", "admin", "--generate", "--db", db_url]
    )
    assert made.exit_code == 0, made.output
    password = made.stdout.strip().splitlines()[-1]
    db = Database(db_url)
    try:
        assert authenticate(db, "boss", password).role.value == "admin"
    finally:
        db.dispose()


def test_clerk_needs_an_organisation(db_url: str) -> None:
    runner.invoke(app, ["init", "--db", db_url])
    result = runner.invoke(
        app, ["user", "add", "c", "--role", "clerk", "--generate", "--db", db_url]
    )
    assert result.exit_code == 1
    assert "organisation" in result.output


def test_serve_refuses_a_missing_register(tmp_path: object) -> None:
    result = runner.invoke(app, ["serve", "--db", f"{tmp_path}/none.sqlite"])
    assert result.exit_code == 1
    assert "no register yet" in result.output


def test_workers_build_the_app_from_the_environment(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from demine.server import app_from_environment

    runner.invoke(app, ["init", "--db", db_url])
    monkeypatch.setenv("DEMINE_DATABASE_URL", db_url)
    monkeypatch.setenv("DEMINE_SECRET_KEY", "shared")
    application = app_from_environment()
    try:
        with TestClient(application) as client:
            assert client.get("/login").status_code == 200
            assert client.get("/api").json()["info"]["title"] == "demine"
    finally:
        application.state.db.dispose()
