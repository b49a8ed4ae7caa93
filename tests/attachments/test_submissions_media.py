# SPDX-License-Identifier: GPL-3.0-or-later
"""Photos and files of ODK Central / KoBoToolbox submissions become attachments."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from demine.attachments.blobs import DirectoryBlobStore
from demine.errors import SourceError
from demine.exchange.submissions import MediaOptions, import_submissions
from demine.store.database import Database
from demine.store.schema import Accident, Attachment
from tests.api.after_clearance import photo
from tests.exchange.conftest import tiny  # noqa: F401
from tests.exchange.test_submissions import central_accident_zip

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def with_media(path: Path, media: dict[str, bytes]) -> Path:
    """The Central accident export, its answers naming ``media`` files."""
    plain = central_accident_zip(path.with_name("plain.zip"))
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "demine_accident.csv":
                rows = list(csv.reader(io.StringIO(data.decode())))
                rows[0] += ["photo", "signed_form"]
                rows[1] += list(media)[:2]
                text = io.StringIO()
                csv.writer(text).writerows(rows)
                data = text.getvalue().encode()
            out.writestr(name, data)
        for name, data in media.items():
            out.writestr(f"media/{name}", data)
    return path


def _attachments(db: Database) -> list[tuple[str, str, str, float | None]]:
    with db.session() as session:
        rows = session.execute(
            select(
                Accident.external_id,
                Attachment.filename,
                Attachment.media_type,
                Attachment.distance_m,
            )
            .join(Accident, Accident.id == Attachment.record_id)
            .where(Attachment.entity == "accident")
            .order_by(Attachment.filename)
        )
        return [tuple(r) for r in rows]


def test_central_zip_media_attach_to_the_record_made(
    tiny: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    export = with_media(
        tmp_path / "demine_accident.zip",
        {"1714550000.jpg": photo(47.0012, 40.0011), "form.pdf": PDF},
    )
    options = MediaOptions(DirectoryBlobStore(tmp_path / "files"), 10**6)
    import_submissions(tiny, [export], media=options)
    assert options.attached == 2
    found = _attachments(tiny)
    assert [r[:3] for r in found] == [
        ("uuid:acc-1", "1714550000.jpg", "image/jpeg"),
        ("uuid:acc-1", "form.pdf", "application/pdf"),
    ]
    assert found[0][3] is not None
    assert found[0][3] < 50  # metres from the accident point
    again = MediaOptions(options.store, 10**6)
    import_submissions(tiny, [export], media=again)
    assert again.attached == 0
    assert len(_attachments(tiny)) == 2


def test_a_bad_media_file_names_the_submission(
    tiny: Database,  # noqa: F811
    tmp_path: Path,
) -> None:
    export = with_media(
        tmp_path / "demine_accident.zip", {"photo.jpg": b"MZ\x90\x00 not a photo"}
    )
    options = MediaOptions(DirectoryBlobStore(tmp_path / "files"), 10**6)
    with pytest.raises(SourceError) as refused:
        import_submissions(tiny, [export], media=options)
    assert "uuid:acc-1" in refused.value.user_message
    assert "photo.jpg" in refused.value.user_message
    assert _attachments(tiny) == []
    # Nothing half-written: the submission's records are not imported either.
    with tiny.session() as session:
        made = session.scalars(
            select(Accident).where(Accident.external_id == "uuid:acc-1")
        ).all()
    assert made == []
