# SPDX-License-Identifier: GPL-3.0-or-later
"""Two inspectors record the same lot's verdict at once, in two processes:
one verdict, one non-conformity, and the other told why, never a traceback."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import func, select

from demine.quality import inspections
from demine.quality.inspections import SamplingOptions
from demine.store.database import Database
from demine.store.schema import AuditEvent, Inspection, NonConformity
from tests.quality.conftest import TODAY, Register, register

__all__ = ["register"]


def test_one_verdict_whoever_comes_second(
    db: Database, register: Register, db_url: str
) -> None:
    made = inspections.draw_sample(
        db,
        activity_id=register.activities["Aghdam CHA 0001"],
        options=SamplingOptions(),
        seed=5,
        planned_on=TODAY,
    )
    command = [
        sys.executable, "-m", "demine", "qa", "record", str(made["id"]),
        "--nonconforming", "4", "--on", TODAY.isoformat(), "--db", db_url,
    ]  # fmt: skip
    runs = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), *p.communicate()) for p in runs]
    codes = sorted(code for code, _out, _err in results)
    assert codes == [0, 1], results
    failed = next(err for code, _out, err in results if code == 1)
    assert "Traceback" not in failed
    assert "not recorded twice" in failed or "locked" in failed, failed
    with db.session() as session:
        inspection = session.get(Inspection, made["id"])
        assert inspection.result.value == "rejected"
        assert inspection.version == 2
        ncs = session.scalar(
            select(func.count())
            .select_from(NonConformity)
            .where(NonConformity.inspection_id == made["id"])
        )
        verdicts = session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.entity == "inspection", AuditEvent.action == "inspect")
        )
    assert (ncs, verdicts) == (1, 1)
