# SPDX-License-Identifier: GPL-3.0-or-later
"""CLI commands beside a running server lose no write (issue 11, defect 1).

The server used to read the register's version by opening the SQLite file
and its WAL with ``open()``; closing those descriptors dropped every fcntl
lock the process held on them, so a CLI command ending beside it believed it
was the register's last user, checkpointed and deleted the WAL the server
was still writing to. Writes acknowledged with 201 then lived in a deleted
file: invisible to every other process and gone when the server stopped.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from demine.domain.vocab import Role
from tests.reliability.harness import cli_json, hazard, run_cli, serve, user_token

TILES = [(z, x, y) for z in (7, 8) for x in range(80, 84) for y in range(46, 51)]


def test_writes_survive_cli_commands_beside_the_server(
    register_url: str, tmp_path: Path
) -> None:
    token = user_token(register_url, "ana", Role.ADMIN)
    with serve(register_url, tmp_path, workers=2) as server:
        api = server.client(token)
        # Map tiles from both workers: each reads the register's version.
        with ThreadPoolExecutor(8) as pool:
            codes = list(
                pool.map(
                    lambda t: (
                        server.client(token)
                        .get(f"/tiles/hazard/{t[0]}/{t[1]}/{t[2]}.mvt")
                        .status_code
                    ),
                    TILES,
                )
            )
        assert set(codes) == {200}
        # What the README has administrators do on a live server.
        assert cli_json(register_url, "summary")["hazards"] == 0
        run_cli(register_url, "user", "add", "bea", "--role", "viewer", "--generate")
        assert server.deleted_files() == []
        made = api.post("/api/v1/records/hazard", json={"fields": hazard("kept")})
        assert made.status_code == 201, made.text
        assert api.get("/api/v1/summary").json()["hazards"] == 1
        # Another process sees the acknowledged write at once ...
        assert cli_json(register_url, "summary")["hazards"] == 1
        edited = api.patch(
            f"/api/v1/records/hazard/{made.json()['id']}",
            json={"version": 1, "changes": {"name": "kept, renamed"}},
        )
        assert edited.status_code == 200, edited.text
        assert server.deleted_files() == []
    # ... and it is still there once the server has stopped.
    assert cli_json(register_url, "summary")["hazards"] == 1
    listed = cli_json(register_url, "summary")
    assert listed["hazards_by_status"] == {"open": 1}
