# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's promise: every command takes ``--json`` and answers JSON."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

from demine.cli import app

runner = CliRunner()


def commands() -> dict[str, click.Command]:
    """Every leaf command of the ``demine`` app, by its full name."""
    found: dict[str, click.Command] = {}

    def walk(command: click.Command, path: list[str]) -> None:
        subs = getattr(command, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            found[" ".join(path)] = command

    walk(typer.main.get_command(app), [])
    return found


README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_command_takes_json_but_those_the_readme_names() -> None:
    without = sorted(
        name
        for name, command in commands().items()
        if not any("--json" in p.opts for p in command.params)
    )
    text = " ".join(README.read_text(encoding="utf-8").split())
    claim = text[text.index("Every command takes `--json`") :]
    claim = claim[: claim.index("(`tests/cli/test_every_command_json.py`")]
    named = sorted(re.findall(r"`([a-z][a-z ]+[a-z])`", claim.split("except")[1]))
    assert without == named, f"commands without --json: {without}"


def _json(args: list[str], **kwargs: object) -> dict:
    result = runner.invoke(app, [*args, "--json"], **kwargs)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_init_forms_and_mapping_template_answer_json(
    db_url: str, tmp_path: Path
) -> None:
    assert _json(["init", "--db", db_url])["ready"] is True
    forms = _json(["forms", "xlsform", str(tmp_path / "forms")])["forms"]
    assert len(forms) == 5
    assert all(Path(f).is_file() for f in forms)
    source = tmp_path / "finds.csv"
    source.write_text("ID,TIPO,CANT\n1,uxo,2\n", encoding="utf-8")
    draft = tmp_path / "draft.yaml"
    answer = _json(
        ["mapping", "template", str(source), "--kind", "eo-items", "-o", str(draft)]
    )
    assert answer["output"] == str(draft)
    assert answer["yaml"] == draft.read_text(encoding="utf-8")
    assert "TIPO" in answer["yaml"]


def test_user_add_answers_json_with_the_one_time_password(db_url: str) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    added = _json(
        ["user", "add", "ana", "--role", "reviewer", "--generate", "--db", db_url]
    )
    assert added["username"] == "ana"
    assert added["role"] == "reviewer"
    assert len(added["password"]) >= 12
    typed = _json(
        ["user", "add", "ben", "--password-stdin", "--db", db_url],
        input="correct horse battery\n",
    )
    assert typed["role"] == "viewer"
    assert "password" not in typed


def test_serve_announces_its_url_as_one_json_line(
    db_url: str, backend: str, tmp_path: Path
) -> None:
    """With --port 0 the line names the port the server got; the URL answers."""
    if backend != "sqlite":
        pytest.skip("the announcement does not depend on the backend")
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    log = tmp_path / "serve.log"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "demine",
            "serve",
            "--port",
            "0",
            "--json",
            "--db",
            db_url,
        ],
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        env={**os.environ, "DEMINE_SECRET_KEY": "a test key of some length"},
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()  # blocks until it listens (or exits)
        assert first, log.read_text()
        line = json.loads(first)
        assert line["port"] > 0
        assert line["url"] == f"http://127.0.0.1:{line['port']}/"
        assert line["pid"] == server.pid
        with urllib.request.urlopen(line["url"] + "login", timeout=30) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(timeout=60)


def test_user_commands_answer_json(db_url: str) -> None:
    """The account commands, each asked for JSON, in the order an admin uses them."""
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    db = ["--db", db_url]
    _json(["user", "add", "root", "--role", "admin", "--generate", *db])
    _json(["user", "add", "cem", "--password-stdin", *db], input="a long password 1\n")
    assert _json(["user", "role", "cem", "reviewer", *db])["role"] == "reviewer"
    changed = _json(["user", "password", "cem", "--generate", *db])
    assert changed["password_changed"] is True
    assert len(changed["password"]) >= 12
    assert _json(["user", "deactivate", "cem", *db])["active"] is False
    assert _json(["user", "activate", "cem", *db])["active"] is True
    token = _json(["user", "token", "cem", "--name", "qgis", *db])
    assert token["user"] == "cem"
    listed = _json(["user", "tokens", "cem", *db])
    assert [t["name"] for t in listed] == ["qgis"]
    revoked = _json(["user", "revoke", str(listed[0]["id"]), *db])
    assert revoked == {"token_id": listed[0]["id"], "revoked": True}
    _json(["user", "add", "dan", "--password-stdin", *db], input="a long password 2\n")
    assert _json(["user", "delete", "dan", *db])["deleted"] is True
