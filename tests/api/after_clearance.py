# SPDX-License-Identifier: GPL-3.0-or-later
"""What the after-clearance tests add to the seed register.

A hazard cleared whole, with its certificate issued and handed over; an
injured victim with a survivor's record, a need and a service; the public
service opened. Names and coordinates are canaries: none may ever reach an
anonymous reader.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import shapely
from PIL import Image

from demine.assistance.survivors import add_need, add_step, add_survivor
from demine.attachments.blobs import DirectoryBlobStore
from demine.attachments.records import attach
from demine.handover import issue_certificate, record_handover
from demine.public import set_public_settings
from demine.store.database import Database
from demine.store.editing import add_records
from demine.store.schema import Place
from demine.store.users import get_principal
from tests.api.conftest import Seed

TODAY = dt.date(2026, 11, 1)
CORNER = (46.712345, 39.812345)
SIZE = 0.004321
# An open hazard with odd digits, so its exact vertex in any answer is seen.
DANGER = (46.718765, 39.818765)
CANARIES = (
    "Canary cleared field",
    "Canary Survivor",
    "+994 55 123 45 67",
    "Alpha Demining",
    "Bravo Clearance",
    "alpha_draft",
    "bravo_draft",
    "Approved CHA",
    "Canary receiver",
    "Canary open hazard",
    "Canary photo",
    "46.718765",
    "39.818765",
    "46.721765",
    "39.821765",
)


def cleared_square() -> dict[str, Any]:
    x, y = CORNER
    ring = [[x, y], [x + SIZE, y], [x + SIZE, y + SIZE], [x, y + SIZE], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def released_hazard(db: Database, name: str = "Canary cleared field") -> int:
    """An approved hazard cleared whole by one clearance activity."""
    [hid] = add_records(
        db,
        "hazard",
        [
            {
                "name": name,
                "hazard_class": "cha",
                "status": "open",
                "geom": cleared_square(),
            }
        ],
        today=TODAY,
    )
    [aid] = add_records(
        db,
        "activity",
        [
            {
                "activity_type": "clearance",
                "status": "completed",
                "method": "manual",
                "hazard_id": hid,
                "start_date": "2026-05-01",
                "end_date": "2026-06-30",
            }
        ],
        today=TODAY,
    )
    add_records(
        db,
        "release",
        [
            {
                "hazard_id": hid,
                "activity_id": aid,
                "kind": "cleared",
                "released_on": "2026-06-30",
                "depth_cm": 20,
                "geom": cleared_square(),
            }
        ],
        today=TODAY,
    )
    return hid


def photo(lon: float | None = None, lat: float | None = None) -> bytes:
    """A small JPEG, with an EXIF GPS position when given one."""
    image = Image.new("RGB", (640, 480), (90, 120, 60))
    exif = Image.Exif()
    if lon is not None and lat is not None:
        exif[0x8825] = {
            1: "N" if lat >= 0 else "S",
            2: _dms(abs(lat)),
            3: "E" if lon >= 0 else "W",
            4: _dms(abs(lon)),
        }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    return (float(d), float(m), round((value - d - m / 60) * 3600, 4))


def seed_after_clearance(
    db: Database, seed: Seed, attachments_dir: str | None = None
) -> dict[str, Any]:
    hid = released_hazard(db)
    x, y = DANGER
    ring = [[x, y], [x + 0.003, y], [x + 0.003, y + 0.003], [x, y + 0.003], [x, y]]
    [danger] = add_records(
        db,
        "hazard",
        [
            {
                "name": "Canary open hazard",
                "hazard_class": "cha",
                "status": "open",
                "geom": {"type": "Polygon", "coordinates": [ring]},
            }
        ],
        today=TODAY,
    )
    cert = issue_certificate(
        db,
        hid,
        issued_by="Officer of the authority",
        recipient_authority="Aghdam municipality",
        intended_land_use="agriculture",
        today=TODAY,
    )
    record_handover(
        db, cert["number"], received_by="Canary receiver", handed_over_on=TODAY
    )
    [victim] = add_records(
        db,
        "victim",
        [
            {
                "accident_id": _accident(db),
                "outcome": "injured",
                "sex": "female",
                "age": 9,
            }
        ],
        today=TODAY,
    )
    officer = get_principal(db, seed.users["assistance"])
    survivor = add_survivor(
        db, officer, victim, full_name="Canary Survivor", contact="+994 55 123 45 67"
    )
    need = add_need(db, officer, survivor["id"], "medical", dt.date(2025, 5, 2))
    add_step(
        db,
        officer,
        survivor["id"],
        "service",
        dt.date(2025, 5, 3),
        need_id=need["id"],
        provider="District hospital",
        need_met=True,
    )
    with db.session() as session:
        session.add(
            Place(
                name="Sarijali",
                place_type="settlement",
                location=shapely.Point(46.716, 39.816),
            )
        )
    set_public_settings(db, {"released_land": 0, "hazardous_area": 500})
    if attachments_dir is not None:
        clerk = get_principal(db, seed.users["reviewer"])
        row = attach(
            db,
            DirectoryBlobStore(attachments_dir),
            "hazard",
            seed.hazards["cha"],
            "Canary photo.jpg",
            photo(46.705, 39.805),
            clerk,
            max_bytes=1_000_000,
        )
        seed.after["attachment"] = row["id"]
    seed.after.update(
        hazard=hid,
        certificate=cert["number"],
        code=cert["code"],
        survivor=survivor["id"],
        need=need["id"],
        victim=victim,
        danger=danger,
    )
    return seed.after


def _accident(db: Database) -> int:
    from sqlalchemy import select

    from demine.store.schema import Accident

    with db.session() as session:
        return int(session.scalars(select(Accident.id).order_by(Accident.id)).first())
