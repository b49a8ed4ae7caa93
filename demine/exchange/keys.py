# SPDX-License-Identifier: GPL-3.0-or-later
"""External ids from a mapping's templates: row numbers, columns, content.

``{column}`` puts a column's text in an id, ``{_row}`` the row number,
``{_file}`` / ``{_stem}`` the file's name. Row numbers break when the next
edition of a file deletes or inserts a row; ``{_hash:municipio,ano,mes,sitio}``
puts instead a short hash of those columns' text, the same whatever the row
order (``_geometry`` among the columns hashes a feature's shape). Rows whose
key columns are all equal (two victims of one event, alike
in every column named) get ``-2``, ``-3`` ... after their id, in the order
of their whole content, so the ids do not depend on row order either; the
import says how many rows needed it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from demine.exchange.formats import SourceTable
from demine.exchange.parsing import as_text

PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
SPECIAL = ("_row", "_file", "_stem")
HASH = "_hash:"
HASH_CHARS = 12  # 48 bits: a national register's rows never collide by chance
GEOMETRY = "_geometry"  # in a _hash: the feature's shape

Column = Callable[[str], pd.Series]


def template_columns(template: str) -> list[str]:
    """The source columns a template reads."""
    names: list[str] = []
    for name in PLACEHOLDER.findall(template):
        if name.startswith(HASH):
            names += [c for c in hash_columns(name) if c != GEOMETRY]
        elif name not in SPECIAL:
            names.append(name)
    return names


def hash_columns(placeholder: str) -> list[str]:
    """The columns of ``_hash:a,b,c``."""
    return [c.strip() for c in placeholder[len(HASH) :].split(",") if c.strip()]


def uses_hash(template: str) -> bool:
    return any(n.startswith(HASH) for n in PLACEHOLDER.findall(template))


def literal_prefix(template: str) -> str:
    """The text a template's ids all start with (``bhmac-sha-`` ...)."""
    match = PLACEHOLDER.search(template)
    return template if match is None else template[: match.start()]


def fill(template: str, table: SourceTable, column: Column) -> pd.Series:
    """The template filled for every row, vectorised by placeholder."""
    n = len(table)
    out = pd.Series([""] * n, dtype=object)
    pos = 0
    path = Path(table.path)
    for match in PLACEHOLDER.finditer(template):
        out = out + template[pos : match.start()]
        name = match.group(1)
        if name == "_row":
            part = pd.Series(table.rows.astype(str), dtype=object)
        elif name in ("_file", "_stem"):
            part = pd.Series([path.name if name == "_file" else path.stem] * n)
        elif name.startswith(HASH):
            part = content_hash([column(c) for c in hash_columns(name)])
        else:
            part = as_text(column(name).reset_index(drop=True)).fillna("")
        out = out + part.astype(str)
        pos = match.end()
    return out + template[pos:]


def content_hash(columns: list[pd.Series]) -> pd.Series:
    """A short hex digest of each row's text in ``columns`` (blank = empty)."""
    parts = [as_text(c.reset_index(drop=True)).fillna("").astype(str) for c in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "\x1f" + part
    digests = {
        text: hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]
        for text in pd.unique(joined)
    }
    return joined.map(digests).astype(object)


def tell_apart(keys: pd.Series, table: SourceTable) -> tuple[pd.Series, int]:
    """Keys made unique by ``-2``, ``-3`` ... in the order of the rows' content.

    Returns the keys and how many rows got a suffix.
    """
    present = keys.notna().to_numpy(dtype=bool)
    dup = present & keys.duplicated(keep=False).to_numpy(dtype=bool)
    if not dup.any():
        return keys, 0
    content = table.frame.reset_index(drop=True).astype(str).agg("\x1f".join, axis=1)
    order = pd.DataFrame({"key": keys, "content": content, "pos": np.arange(len(keys))})
    ranked = order[dup].sort_values(["key", "content", "pos"], kind="stable")
    ranked["n"] = ranked.groupby("key").cumcount() + 1
    out = keys.astype(object).copy()
    later = ranked[ranked["n"] > 1]
    out.iloc[later["pos"].to_numpy()] = (
        later["key"].astype(str) + "-" + later["n"].astype(str)
    ).to_numpy()
    return out, len(later)
