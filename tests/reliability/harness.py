# SPDX-License-Identifier: GPL-3.0-or-later
"""Real processes for the reliability tests: a server and CLI commands at once.

Everything here runs demine as its users do: ``demine serve`` in its own
process group (uvicorn with several workers), ``demine ...`` commands in
other processes, and HTTP requests from the test. Waits are on conditions
(the server answering, a process ending) with a deadline, never fixed
sleeps. The benchmark ``bench/reliability.py`` drives the same helpers for
its long seeded runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from demine.domain.vocab import Role
from demine.store.database import Database
from demine.store.users import add_user, create_token

STARTUP_SECONDS = 90.0


def demine_command(*args: str) -> list[str]:
    """The command line of ``demine ARGS`` with this interpreter."""
    return [sys.executable, "-m", "demine", *args]


def run_cli(
    db_url: str,
    *args: str,
    timeout: float = 300,
    check: bool = True,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``demine ARGS --db URL`` in a process of its own; its output as text."""
    done = subprocess.run(
        demine_command(*args, "--db", db_url),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
        input=stdin,
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"demine {' '.join(args)} exited {done.returncode}:\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return done


def cli_json(db_url: str, *args: str) -> Any:
    """The JSON a ``demine ... --json`` command prints."""
    return json.loads(run_cli(db_url, *args, "--json").stdout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def user_token(db_url: str, username: str, role: Role, org: int | None = None) -> str:
    """Add a user to the register (through SQLite or PostgreSQL) and a token."""
    db = Database(db_url)
    try:
        user = add_user(db, username, f"{username}-password-long", role, org)
        return create_token(db, user.id, "reliability")
    finally:
        db.dispose()


@dataclass
class Server:
    """A running ``demine serve`` and clients of it."""

    url: str
    process: subprocess.Popen[bytes]
    log: Path
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, token: str | None = None, timeout: float = 120) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        made = httpx.Client(base_url=self.url, headers=headers, timeout=timeout)
        self.clients.append(made)
        return made

    def pids(self) -> list[int]:
        """The server's process and its workers."""
        try:
            root = psutil.Process(self.process.pid)
            return [root.pid, *(p.pid for p in root.children(recursive=True))]
        except psutil.NoSuchProcess:
            return []

    def deleted_files(self) -> list[str]:
        """Register files the server holds open that no longer exist on disk.

        On Linux, ``/proc/PID/fd`` shows a file deleted under an open
        descriptor as "(deleted)": a WAL another process removed while this
        one still writes to it.
        """
        found = []
        for pid in self.pids():
            folder = Path(f"/proc/{pid}/fd")
            with contextlib.suppress(OSError):
                for fd in folder.iterdir():
                    with contextlib.suppress(OSError):
                        target = os.readlink(fd)
                        if "sqlite" in target and target.endswith("(deleted)"):
                            found.append(f"{pid}: {target}")
        return found

    def stop(self, timeout: float = 60) -> None:
        """Stop it as an operator does (Ctrl-C), and wait until it has."""
        for made in self.clients:
            made.close()
        self.clients.clear()
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)
            raise AssertionError("demine serve did not stop on SIGINT") from None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@contextlib.contextmanager
def serve(
    db_url: str,
    folder: Path,
    *,
    workers: int = 2,
    env: dict[str, str] | None = None,
) -> Iterator[Server]:
    """``demine serve`` on a free port with ``workers`` processes until exit."""
    port = free_port()
    log = folder / f"serve-{port}.log"
    environment = {
        **os.environ,
        "DEMINE_SECRET_KEY": "reliability-tests",
        **(env or {}),
    }
    args = ["serve", "--db", db_url, "--port", str(port), "--no-access-log"]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            demine_command(*args, "--workers", str(workers)),
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=environment,
            start_new_session=True,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_until_up(server, workers)
        yield server
    finally:
        server.stop()


def _wait_until_up(server: Server, workers: int) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"demine serve exited:\n{server.output()}")
        ready = server.output().count("Application startup complete")
        # One line per worker process (and one for a single process).
        if ready >= workers:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(server.url + "/api/v1/me", timeout=5)
                return
        time.sleep(0.05)
    raise AssertionError(f"demine serve did not start:\n{server.output()}")


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, Any]:
    """A GeoJSON square polygon with its south-west corner at lon/lat."""
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def hazard(name: str, lon: float = 46.9, lat: float = 39.9) -> dict[str, Any]:
    """The fields of a new hazard for the API."""
    return {
        "name": name,
        "hazard_class": "sha",
        "status": "open",
        "geom": square(lon, lat),
    }


def hazards_csv(path: Path, n: int) -> Path:
    """``n`` hazards in a CSV file, as an operator sends them."""
    lines = ["external_id,name,hazard_class,status,geom"]
    for i in range(n):
        x, y = 46.5 + (i % 100) * 0.01, 39.5 + (i // 100) * 0.01
        ring = f"{x} {y}, {x + 0.005} {y}, {x + 0.005} {y + 0.005}, {x} {y}"
        lines.append(f'IMP-{i},Imported {i},sha,open,"POLYGON (({ring}))"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def statuses(responses: Sequence[httpx.Response]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for response in responses:
        counts[response.status_code] = counts.get(response.status_code, 0) + 1
    return counts
