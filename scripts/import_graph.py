# SPDX-License-Identifier: GPL-3.0-or-later
"""The import graph between demine's packages, and the cycles between modules.

Run from the project root: ``.venv/bin/python scripts/import_graph.py``.
Reads the code with grimp (import-linter's graph builder), so it counts
imports inside functions too, and prints:

- each edge between top-level packages (``api -> web``) with the number of
  module-level imports behind it, and whether it goes up the layers;
- every cycle between two modules (``a -> b -> a``), and cycles of subpackages.

``--json`` prints the same as JSON for a closing note or a diff.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from itertools import combinations

import grimp

# Lowest first; a package may import those before it, never those after it.
LAYERS = [
    ["i18n", "safe_gdal"],
    ["errors", "settings", "__init__"],
    ["domain"],
    ["geo"],
    ["store"],
    ["messages", "serving"],
    ["exchange", "analysis", "predict", "reports", "demo"],
    ["api", "web"],
    ["server"],
    ["commands"],
    ["cli", "__main__"],
]
FACES = {"api", "web", "commands"}


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def rank(package: str) -> int:
    for i, layer in enumerate(LAYERS):
        if package in layer:
            return i
    return len(LAYERS)


def edges(graph: grimp.ImportGraph) -> Counter[tuple[str, str]]:
    found: Counter[tuple[str, str]] = Counter()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            a, b = package_of(module), package_of(imported)
            if a != b:
                found[(a, b)] += 1
    return found


def module_cycles(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Pairs of modules that import each other, directly or through others,
    restricted to pairs in the same top-level package (the ones a split can fix)."""
    pairs = []
    by_package: dict[str, list[str]] = {}
    for m in graph.modules:
        by_package.setdefault(package_of(m), []).append(m)
    for mods in by_package.values():
        for a, b in combinations(sorted(mods), 2):
            if graph.direct_import_exists(
                importer=a, imported=b
            ) and graph.direct_import_exists(importer=b, imported=a):
                pairs.append((a, b))
    return pairs


def package_cycles(found: Counter[tuple[str, str]]) -> list[tuple[str, str]]:
    return sorted((a, b) for (a, b) in found if a < b and (b, a) in found)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    graph = grimp.build_graph("demine", cache_dir=None)
    found = edges(graph)
    report = {
        "edges": [
            {
                "from": a,
                "to": b,
                "imports": n,
                "upward": rank(b) > rank(a) or (a in FACES and b in FACES),
            }
            for (a, b), n in sorted(found.items())
        ],
        "package_cycles": package_cycles(found),
        "module_cycles": module_cycles(graph),
    }
    if args.json:
        json.dump(report, sys.stdout, indent=1)
        print()
        return 0
    print("package edges (imports; ! = upward or face to face):")
    for e in report["edges"]:
        mark = "!" if e["upward"] else " "
        print(f" {mark} {e['from']:>9} -> {e['to']:<9} {e['imports']:4d}")
    upward = sum(1 for e in report["edges"] if e["upward"])
    print(f"{len(report['edges'])} edges, {upward} upward")
    print("package cycles:", report["package_cycles"] or "none")
    print("module cycles (direct, both ways):")
    for a, b in report["module_cycles"]:
        print(f"   {a} <-> {b}")
    if not report["module_cycles"]:
        print("   none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
