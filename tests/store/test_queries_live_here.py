# SPDX-License-Identifier: GPL-3.0-or-later
"""Queries belong in demine/store: no module elsewhere builds SQL statements."""

from __future__ import annotations

import ast
from pathlib import Path

import demine

PACKAGE = Path(demine.__file__).parent
BUILDERS = {"select", "insert", "update", "delete", "text", "exists", "union"}
# Known debt, to be moved into demine/store: the sync bookkeeping (peers,
# what each holds, conflicts) was written beside the change files. Listed by
# name so that no other module may join them.
NOT_YET_MOVED = {
    "exchange/sync/changes.py",
    "exchange/sync/checkout.py",
    "exchange/sync/conflicts.py",
    "exchange/sync/peers.py",
}


def sql_builders_used(path: Path) -> list[str]:
    """``name (line N)`` for each SQLAlchemy statement builder ``path`` imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "sqlalchemy"
        ):
            found += [
                f"{a.name} (line {node.lineno})"
                for a in node.names
                if a.name in BUILDERS
            ]
    return found


def test_no_statements_are_built_outside_the_store() -> None:
    offenders = {
        str(path.relative_to(PACKAGE)): used
        for path in sorted(PACKAGE.rglob("*.py"))
        if "store" not in path.relative_to(PACKAGE).parts[:1]
        and (used := sql_builders_used(path))
    }
    assert set(offenders) <= NOT_YET_MOVED, offenders.keys() - NOT_YET_MOVED


def test_the_check_sees_a_statement(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from sqlalchemy import func, select\n", encoding="utf-8")
    assert sql_builders_used(module) == ["select (line 1)"]
