# SPDX-License-Identifier: GPL-3.0-or-later
"""Which language a person gets: the stored preference, then the header
switch's choice, then Accept-Language, then DEMINE_LANGUAGE; and that pages,
API errors and the scripts' catalogue all speak it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from demine.server import create_app
from demine.settings import Settings
from demine.store.database import Database
from demine.store.users import get_principal
from tests.api.conftest import Seed
from tests.web.test_pages import form_token, log_in


def lang(page: str) -> str:
    match = re.search(r'<html lang="(\w+)"', page)
    assert match, "no lang on <html>"
    return match.group(1)


@pytest.mark.parametrize(
    ("header", "expected", "word"),
    [
        ("az-Latn-AZ,az;q=0.9,en;q=0.5", "az", "İstifadəçi adı"),
        ("ru-RU,ru;q=0.9", "ru", "Имя пользователя"),
        ("en-GB", "en", "User name"),
        ("fr-FR, de;q=0.8", "en", "User name"),  # none known: the default
    ],
)
def test_accept_language_picks_the_page_language(
    client: TestClient, header: str, expected: str, word: str
) -> None:
    page = client.get("/login", headers={"Accept-Language": header}).text
    assert lang(page) == expected
    assert word in page


def test_deployment_default_applies_when_the_browser_asks_for_none_known(
    db: Database, seed: Seed
) -> None:
    settings = Settings(database_url=db.url, secret_key="s", language="ru")
    with TestClient(create_app(settings, db)) as c:
        page = c.get("/login", headers={"Accept-Language": "de"}).text
        assert lang(page) == "ru"
        assert lang(c.get("/login", headers={"Accept-Language": "az"}).text) == "az"


def test_deployment_language_must_be_known() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        Settings(language="fr")


def test_switch_before_login_is_kept_in_the_session(client: TestClient) -> None:
    token = form_token(client.get("/login").text)
    done = client.post(
        "/language",
        data={"csrf_token": token, "language": "az", "next": "/login"},
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, "/login")
    # The browser still asks for English; the choice wins.
    page = client.get("/login", headers={"Accept-Language": "en"}).text
    assert lang(page) == "az"
    assert 'aria-pressed="true" class="current">AZ' in page


def test_switch_refuses_a_forged_form_and_an_unknown_language(
    client: TestClient,
) -> None:
    forged = client.post("/language", data={"csrf_token": "x", "language": "az"})
    assert forged.status_code == 403
    token = form_token(client.get("/login").text)
    unknown = client.post("/language", data={"csrf_token": token, "language": "fr"})
    assert unknown.status_code == 422
    assert lang(client.get("/login").text) == "en"


def test_a_users_choice_is_stored_and_beats_the_browser(
    app: object, db: Database, seed: Seed
) -> None:
    with TestClient(app) as first:  # type: ignore[arg-type]
        token = log_in(first, "viewer")
        first.post(
            "/language",
            data={"csrf_token": token, "language": "ru", "next": "/dashboard"},
        )
    stored = get_principal(db, seed.users["viewer"])
    assert stored is not None
    assert stored.language == "ru"
    # Another browser, asking for Azerbaijani: the user's stored choice wins
    # once they are signed in; before, the browser's.
    with TestClient(app, headers={"Accept-Language": "az"}) as second:  # type: ignore[arg-type]
        assert lang(second.get("/login").text) == "az"
        log_in(second, "viewer")
        page = second.get("/dashboard").text
        assert lang(page) == "ru"
        assert "Национальная сводка" in page


def test_api_errors_speak_the_language_asked_for(
    as_role: dict[str, TestClient],
) -> None:
    viewer = as_role["viewer"]
    answers = {
        code: viewer.get(
            "/api/v1/records/hazard/999999", headers={"Accept-Language": code}
        ).json()["error"]
        for code in ("en", "az", "ru")
    }
    assert answers["en"] == "no hazard with id 999999"
    assert answers["az"] == "999999 id-li «təhlükəli ərazi» qeydi yoxdur"
    assert answers["ru"] == "нет записи «опасный район» с id 999999"


def test_scripts_get_their_texts_in_each_language(client: TestClient) -> None:
    texts = {code: client.get(f"/i18n/{code}.json").json() for code in ("en", "ru")}
    key = "%(n)s records in view."
    assert texts["en"][key] == key
    assert texts["ru"][key] == "Записей в видимой области: %(n)s."
    assert set(texts["en"]) == set(texts["ru"])
    assert client.get("/i18n/fr.json").status_code == 404


def test_cli_speaks_demine_language(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from demine.cli import app as cli

    monkeypatch.setenv("DEMINE_LANGUAGE", "az")
    # A read-only command in a folder without a register says so, in az.
    missing = db_url.rsplit("/", 1)[0] + "/missing.sqlite"
    result = CliRunner().invoke(cli, ["summary", "--db", missing])
    assert result.exit_code == 1
    assert "xəta:" in result.output
