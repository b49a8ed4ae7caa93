# SPDX-License-Identifier: GPL-3.0-or-later
"""A small register with one user per role, and API clients for each."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from demine.domain.vocab import (
    OrganisationType,
    PersonRole,
    Qualification,
    ReviewState,
    Role,
)
from demine.server import create_app
from demine.serving.live import live_server
from demine.settings import Settings
from demine.store import users
from demine.store.database import Database, normalise_url
from demine.store.editing import add_records
from demine.store.schema import Certificate, Organisation, Person
from demine.store.users import add_user, create_token

PASSWORD = "correct horse battery"
__all__ = ["live_server"]
ROLES = ("admin", "reviewer", "clerk", "other_clerk", "viewer", "assistance")


def square(lon: float, lat: float, size: float = 0.01) -> dict[str, object]:
    """A GeoJSON square polygon with its south-west corner at lon/lat."""
    ring = [
        [lon, lat],
        [lon + size, lat],
        [lon + size, lat + size],
        [lon, lat + size],
        [lon, lat],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Seed:
    """What the seeded register holds: ids by name, tokens by role."""

    orgs: dict[str, int] = field(default_factory=dict)
    hazards: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    people: dict[str, int] = field(default_factory=dict)
    # Filled by tests.api.after_clearance.seed_after_clearance when asked for.
    after: dict[str, Any] = field(default_factory=dict)


def seed_register(db: Database) -> Seed:
    """Two organisations, users of every role, approved and draft hazards."""
    seed = Seed()
    with db.session(write=True) as session:
        for name in ("Alpha Demining", "Bravo Clearance"):
            org = Organisation(name=name, org_type=OrganisationType.NGO)
            session.add(org)
            session.flush()
            seed.orgs[name] = org.id
    alpha, bravo = seed.orgs["Alpha Demining"], seed.orgs["Bravo Clearance"]
    roles = {
        "admin": (Role.ADMIN, None),
        "reviewer": (Role.REVIEWER, None),
        "clerk": (Role.CLERK, alpha),
        "other_clerk": (Role.CLERK, bravo),
        "viewer": (Role.VIEWER, None),
        "assistance": (Role.ASSISTANCE, None),
    }
    for name, (role, org) in roles.items():
        user = add_user(db, name, PASSWORD, role, org)
        seed.users[name] = user.id
        seed.tokens[name] = create_token(db, user.id, "tests")
    today = dt.date(2026, 11, 1)
    approved = add_records(
        db,
        "hazard",
        [
            {
                "name": "Approved CHA",
                "hazard_class": "cha",
                "status": "open",
                "geom": square(46.70, 39.80),
            },
            {
                "name": "Approved SHA",
                "hazard_class": "sha",
                "status": "open",
                "geom": square(46.80, 39.90),
            },
        ],
        today=today,
    )
    seed.hazards.update(zip(("cha", "sha"), approved, strict=True))
    for name, org in (("alpha_draft", alpha), ("bravo_draft", bravo)):
        [hid] = add_records(
            db,
            "hazard",
            [
                {
                    "name": name,
                    "hazard_class": "sha",
                    "status": "open",
                    "geom": square(47.0, 40.0),
                }
            ],
            today=today,
            reported_by_id=org,
            review_state=ReviewState.DRAFT,
        )
        seed.hazards[name] = hid
    add_records(
        db,
        "accident",
        [
            {
                "accident_type": "non_demining",
                "occurred_on": "2025-05-01",
                "geom": {"type": "Point", "coordinates": [46.705, 39.805]},
            }
        ],
        today=today,
    )
    seed_people(db, seed)
    return seed


def seed_people(db: Database, seed: Seed) -> None:
    """A deminer of each organisation with a certificate: personal data."""
    with db.session() as session:
        for org in ("Alpha Demining", "Bravo Clearance"):
            key = org.split()[0].lower()
            person = Person(
                full_name=f"{key.title()} Deminer",
                role=PersonRole.DEMINER,
                organisation_id=seed.orgs[org],
                national_id=f"AZE-{key}-0001",
            )
            session.add(person)
            session.flush()
            cert = Certificate(
                person_id=person.id,
                qualification=Qualification.MANUAL_CLEARANCE,
                issued_on=dt.date(2025, 1, 10),
                expires_on=dt.date(2026, 12, 20),
            )
            session.add(cert)
            session.flush()
            seed.people[key] = person.id
            seed.people[f"{key}_certificate"] = cert.id


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 with small costs: the tests hash many passwords, none of them real."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "_HASHER", cheap)


@pytest.fixture
def seed(db: Database) -> Seed:
    return seed_register(db)


@pytest.fixture
def app(db: Database, seed: Seed, tmp_path: Path) -> FastAPI:
    settings = Settings(
        database_url=db.url,
        secret_key="test-secret",
        max_upload_bytes=200_000,
        attachments_dir=str(tmp_path / "attachments"),
    )
    return create_app(settings, db)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


@pytest.fixture
def as_role(app: FastAPI, seed: Seed) -> Iterator[dict[str, TestClient]]:
    """A bearer-token client per role, plus ``anonymous``."""
    clients = {
        role: TestClient(app, headers={"Authorization": f"Bearer {token}"})
        for role, token in seed.tokens.items()
    }
    clients["anonymous"] = TestClient(app)
    yield clients
    for c in clients.values():
        c.close()


@pytest.fixture(scope="module")
def module_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A migrated register shared by one module's tests (for live servers)."""
    from tests.conftest import PG_URL, sqlite_register

    if PG_URL is None:
        database = sqlite_register(tmp_path_factory.mktemp("live") / "register.sqlite")
        schema = None
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(normalise_url(PG_URL))
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        database = Database(PG_URL, schema=schema)
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()
        if schema is not None:
            with admin.begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()
