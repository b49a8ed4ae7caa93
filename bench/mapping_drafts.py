# SPDX-License-Identifier: GPL-3.0-or-later
"""Edits from `demine mapping template`'s draft to a mapping that imports.

For each data set, ``mapping_drafts/NAME.passing.yaml`` is the draft made
to pass ``demine import --dry-run`` with the fewest edits (checked here:
each is imported in a dry run); ``NAME.before.yaml`` is the draft the
template wrote before issue 16. An edit is a content line added, removed or
changed (comments, blank lines and indentation aside). Run:

    python bench/mapping_drafts.py

The real data sets are read from ../shared/data; the two public national
registers that cannot be downloaded here are fixtures reproducing their
shape (tests/exchange/data/README.md).
"""

from __future__ import annotations

import difflib
import sys
import tempfile
from pathlib import Path

from demine.exchange.formats import ReadOptions
from demine.exchange.importer import import_files
from demine.exchange.mapping import load_mapping
from demine.exchange.template import mapping_template
from demine.store.database import Database

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "bench" / "mapping_drafts"
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = ROOT / "tests" / "exchange" / "data"
# name: (file, --kind as a user would give it; None: let the draft decide)
SETS: dict[str, tuple[Path, str | None]] = {
    "bosnia_suspected": (SHARED / "bosnia/suspect_areas_simplyfied.geojson", "hazard"),
    "bosnia_incidents": (SHARED / "bosnia/incidents.geojson", "accident"),
    "colombia_events": (SHARED / "colombia/events/2019.json", "accident"),
    "colombia_operations": (
        SHARED / "colombia/operations/anti-personnel-mines.csv",
        "activity",
    ),
    "victimas_colombia": (FIXTURES / "victimas_colombia.csv", None),
    "cmvis_cambodia": (FIXTURES / "cmvis_cambodia.csv", None),
}
# The Colombian admin areas the victims fixture names (as its test has them).
PLACES = """external_id,name,place_type,parent
co-05,ANTIOQUIA,admin1,
co-50,META,admin1,
co-18,CAQUETÁ,admin1,
co-05107,BRICEÑO,admin2,co-05
co-05361,ITUANGO,admin2,co-05
co-05040,ANORÍ,admin2,co-05
co-50711,VISTAHERMOSA,admin2,co-50
co-50330,MESETAS,admin2,co-50
co-18150,CARTAGENA DEL CHAIRÁ,admin2,co-18
"""


def content(text: str) -> list[str]:
    out = []
    for line in text.split("\n"):
        if line.lstrip().startswith("#"):
            continue
        kept = line.split(" #")[0].strip()
        if kept:
            out.append(kept)
    return out


def edits(draft: str, passing: str) -> int:
    a, b = content(draft), content(passing)
    ops = difflib.SequenceMatcher(None, a, b).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in ops if op != "equal")


def places(db: Database, folder: Path) -> None:
    """The Colombian admin areas the victims fixture names."""
    path = folder / "places.csv"
    path.write_text(PLACES, encoding="utf-8")
    import_files(db, "place", [path])


def main() -> int:
    print(f"{'data set':22} {'before':>6} {'after':>6}  rows imported (dry run)")
    with tempfile.TemporaryDirectory() as folder:
        db = Database(str(Path(folder) / "drafts.sqlite"))
        db.upgrade()
        places(db, Path(folder))
        for name, (path, kind) in SETS.items():
            if not path.exists():
                print(f"{name:22} skipped: {path} is absent")
                continue
            draft = mapping_template(path, kind, ReadOptions())
            passing = (HERE / f"{name}.passing.yaml").read_text("utf-8")
            before = (HERE / f"{name}.before.yaml").read_text("utf-8")
            result = import_files(
                db,
                "register",
                [path],
                mapping=load_mapping(HERE / f"{name}.passing.yaml"),
                dry_run=True,
            )
            rows = {k: c.inserted for k, c in result.counts.items()}
            after = edits(draft, passing)
            print(f"{name:22} {edits(before, passing):6} {after:6}  {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
