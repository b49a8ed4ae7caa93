# SPDX-License-Identifier: GPL-3.0-or-later
"""Count the places that branch on the database backend (SQLite or PostgreSQL).

Run from the project root: ``.venv/bin/python scripts/dialect_branches.py``.
A branch is a line of ``demine/`` (migrations' version files aside) that
names a dialect and tests it: ``dialect == "postgresql"``, ``if
db.dialect != "sqlite"``, ``"postgresql" if ... else ...``. Prints the count
per file and the total; ``--list`` prints the lines.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "demine"
BRANCH = re.compile(r"dialect[\w.]*\s*(==|!=|\bin\b)|\bis_postgres\w*\b|\bis_sqlite\b")


def branches() -> list[tuple[str, int, str]]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT.parent).as_posix()
        if "/migrations/versions/" in rel:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if BRANCH.search(code):
                found.append((rel, n, line.strip()))
    return found


def main() -> int:
    found = branches()
    if "--list" in sys.argv:
        for rel, n, line in found:
            print(f"{rel}:{n}: {line}")
    for rel, count in sorted(Counter(r for r, _n, _l in found).items()):
        print(f"{count:3d}  {rel}")
    print(f"{len(found)} branches in {len({r for r, _n, _l in found})} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
