# SPDX-License-Identifier: GPL-3.0-or-later
"""Fill the English catalogue: each new entry's text is its message id.

The message ids are the English texts, so English needs no translating;
its catalogue still lists every message, filled in, so that an editor can
reword English in Poedit without touching the code, and so that every
language passes the same completeness test. ``make messages-update`` runs
this after ``pybabel update``; an entry someone reworded is left alone.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po, write_po

from demine.i18n.catalogues import po_path


def fill(path: Path) -> int:
    """Copy message ids into empty or fuzzy entries of ``path``; how many."""
    with path.open("rb") as fp:
        catalog = read_po(fp)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple | list):
            empty = not all(message.string or ())
            if empty or message.fuzzy:
                message.string = tuple(message.id)
        elif not message.string or message.fuzzy:
            message.string = message.id
        else:
            continue
        message.flags.discard("fuzzy")
        filled += 1
    with path.open("wb") as fp:
        write_po(fp, catalog, width=0, include_lineno=False)
    return filled


def main() -> None:
    path = po_path("en")
    print(f"{path}: {fill(path)} entries filled with their English text")


if __name__ == "__main__":  # pragma: no cover - run by make messages-update
    main()
