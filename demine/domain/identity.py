# SPDX-License-Identifier: GPL-3.0-or-later
"""A record's identity: a UUID given once, at creation, whatever the entry path.

Every register record carries ``uid``, a random (version 4) UUID in its
36-character text form. It is made when the record is made (a form, the
API, ``demine add``, an import, a field form, the demo), never changes, is
exported in every format, and is what an import matches first; the
register's integer ids are local to one database and its ``external_id``
belongs to whoever reported the record. Registers that exchange records
(exports, a later sync) recognise a record by it.
"""

from __future__ import annotations

import re
import uuid

import numpy as np

UID_LENGTH = 36
_UID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Where the hyphens go in the 36 characters of a UUID's text.
_GROUPS = ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))


def new_uid() -> str:
    """A fresh random UUID as text."""
    return str(uuid.uuid4())


def new_uids(n: int, rng: np.random.Generator | None = None) -> list[str]:
    """``n`` random version-4 UUIDs as text, made in one vectorised pass.

    With ``rng`` (a seeded generator) the same seed gives the same ids, which
    keeps the demo register reproducible; without, the bytes come from a
    generator seeded by the operating system's entropy, as ``uuid4`` does.
    """
    if n == 0:
        return []
    rng = rng if rng is not None else np.random.default_rng()
    raw = np.frombuffer(rng.bytes(16 * n), dtype=np.uint8).reshape(n, 16).copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40  # version 4
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80  # RFC 4122 variant
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexed = np.empty((n, 32), dtype=np.uint8)
    hexed[:, 0::2] = digits[raw >> 4]
    hexed[:, 1::2] = digits[raw & 0x0F]
    text = np.full((n, UID_LENGTH), ord("-"), dtype=np.uint8)
    for group, (start, stop) in enumerate(_GROUPS):
        text[:, start + group : stop + group] = hexed[:, start:stop]
    joined = text.tobytes().decode("ascii")
    return [joined[i : i + UID_LENGTH] for i in range(0, len(joined), UID_LENGTH)]


def normalise_uid(value: object) -> str | None:
    """``value`` as a record uid (lower-case UUID text), or None if it is not one."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        return None
    text = value.strip().lower()
    if text.startswith("urn:uuid:"):
        text = text.removeprefix("urn:uuid:")
    elif text.startswith("uuid:"):  # ODK's instanceID
        text = text.removeprefix("uuid:")
    return text if _UID.match(text) else None
