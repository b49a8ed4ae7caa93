# SPDX-License-Identifier: GPL-3.0-or-later
"""Uploaded files saved for an import, for the API and the web page alike:
safe names in a private folder, and a limit on the bytes in all."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from starlette.datastructures import UploadFile

from demine.errors import PayloadTooLargeError, SourceError
from demine.i18n import _
from demine.i18n.numbers import number


async def save_uploads(
    folder: Path, files: Sequence[UploadFile], limit: int, reserved: str = ""
) -> list[Path]:
    """Write the uploads into a new private ``folder`` under safe names (never
    ``reserved``); refuse more than ``limit`` bytes in all."""
    chosen = [f for f in files if f.filename]
    if not chosen:
        raise SourceError(_("choose one or more files to import"))
    folder.mkdir(parents=True, exist_ok=False, mode=0o700)
    total = 0
    paths: list[Path] = []
    for upload in chosen:
        taken = {p.name for p in paths}
        name = safe_name(upload.filename or "", len(paths), taken, reserved)
        path = folder / name
        with path.open("wb") as out:
            while chunk := await upload.read(1 << 20):
                total += len(chunk)
                if total > limit:
                    raise PayloadTooLargeError(
                        _(
                            "the upload is larger than allowed (%(limit)s bytes)",
                            limit=number(limit),
                        )
                    )
                out.write(chunk)
        paths.append(path)
    return paths


def safe_name(filename: str, index: int, taken: set[str], reserved: str = "") -> str:
    """The file's own name without folders or odd characters (suffix kept)."""
    base = Path(filename.replace("\\", "/")).name
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", base).lstrip(".")[-100:]
    if not clean or clean == reserved:
        clean = f"upload{index}{Path(base).suffix.lower()[:10]}"
    if clean in taken:
        clean = f"{index}_{clean}"
    return clean
