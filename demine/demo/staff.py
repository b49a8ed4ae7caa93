# SPDX-License-Identifier: GPL-3.0-or-later
"""Accreditation, staff and the national training centre of the demo register.

All invented, at realistic proportions:

* **Accreditation**: every organisation is accredited for the activity types
  and methods it works with, in three periods (November 2020 – October 2022,
  November 2022 – October 2024, November 2024 – October 2027), so its history
  shows renewals; the newest company's (CSE's) provisional accreditation
  ends on 30 June 2026; one commercial scope was suspended for a month in a
  quiet spell after a rejected lot.
* **Staff**: each team has a team leader, a medic (not drone teams) and
  members by method (deminers, machine operators, MDD handlers, surveyors);
  operators have EOD operators, ANAMA QA inspectors. Names are common
  Azerbaijani first names and surnames put together at random; national ids
  and phone numbers are made up and follow no real numbering plan.
* **Training**: ANAMA's training centre runs the catalogue below (EOD levels
  after IMAS 09.30, MDD handlers after IMAS 09.40). Certificates are issued
  at the end of a session the person passed (about 8 in 100 fail the first
  time), and renewed before they expire. The demo's training centre ran a
  refresher campaign in the demo's last year: about 85 in 100 current
  certificates were issued from December 2024, 9 in 100 expire from December
  2026 to March 2027 (so warnings show), and 6 in 100 lapsed before the end
  of the demo period. ANAMA's first five teams are always fully certified.
"""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd

from demine.demo.actors import ORGANISATIONS
from demine.demo.records import ANAMA_ID, nullable_int, stream, table
from demine.demo.timeline import END, HORIZON, START
from demine.domain.qualification import REQUIREMENTS
from demine.domain.vocab import Method, PersonRole, Qualification

R, Q = PersonRole, Qualification

# code, title, qualification, days, validity (months)
COURSES: list[tuple[str, str, Qualification, int, int]] = [
    ("NTS-1", "Non-technical survey", Q.NTS, 10, 36),
    ("MC-1", "Manual clearance (basic deminer)", Q.MANUAL_CLEARANCE, 30, 36),
    ("EOD-1", "Explosive ordnance disposal, level 1", Q.EOD_1, 15, 36),
    ("EOD-2", "Explosive ordnance disposal, level 2", Q.EOD_2, 20, 36),
    ("EOD-3", "Explosive ordnance disposal, level 3", Q.EOD_3, 25, 48),
    ("MED-1", "Demining medic", Q.MEDIC, 15, 36),
    ("QA-1", "Quality assurance inspector", Q.QA_INSPECTOR, 10, 36),
    ("MDD-1", "Mine detection dog handler", Q.MDD_HANDLER, 40, 36),
    ("MECH-1", "Demining machine operator", Q.MACHINE_OPERATOR, 20, 36),
    ("TL-1", "Team leader", Q.TEAM_LEADER, 10, 36),
]
TRAINING_CENTRE = "ANAMA training centre"
# Qualifications each role needs.
NEEDS: dict[PersonRole, tuple[Qualification, ...]] = {
    R.DEMINER: (Q.MANUAL_CLEARANCE,),
    R.TEAM_LEADER: (Q.TEAM_LEADER, Q.MANUAL_CLEARANCE),
    R.MEDIC: (Q.MEDIC,),
    R.MACHINE_OPERATOR: (Q.MACHINE_OPERATOR,),
    R.MDD_HANDLER: (Q.MDD_HANDLER,),
    R.SURVEYOR: (Q.NTS,),
    R.EOD_OPERATOR: (Q.EOD_1,),
    R.QA_INSPECTOR: (Q.QA_INSPECTOR, Q.MANUAL_CLEARANCE),
}

MALE = [
    "Elchin", "Rashad", "Tural", "Orkhan", "Farid", "Vusal", "Kamran", "Elvin",
    "Ramil", "Anar", "Namig", "Samir", "Ilgar", "Rufat", "Murad", "Emin", "Jeyhun",
    "Zaur", "Ruslan", "Nijat", "Togrul", "Fuad", "Eldar", "Ulvi", "Mahammad",
]  # fmt: skip
FEMALE = [
    "Aynur", "Leyla", "Gunel", "Sevinj", "Narmin", "Aysel", "Nigar", "Lala",
    "Sabina", "Konul", "Turkan", "Shahla", "Fidan", "Ulviyya",
]  # fmt: skip
SURNAMES = [
    "Aliyev", "Mammadov", "Hasanov", "Huseynov", "Guliyev", "Ismayilov", "Abbasov",
    "Rzayev", "Babayev", "Jafarov", "Karimov", "Mustafayev", "Suleymanov",
    "Valiyev", "Ahmadov", "Najafov", "Orujov", "Hajiyev", "Safarov", "Musayev",
]  # fmt: skip

PERIODS = [
    (dt.date(2020, 11, 1), dt.date(2022, 10, 31)),
    (dt.date(2022, 11, 1), dt.date(2024, 10, 31)),
    (dt.date(2024, 11, 1), dt.date(2027, 10, 31)),
]
PROVISIONAL_ORG = 9  # CSE, the newest company
PROVISIONAL_UNTIL = dt.date(2026, 6, 30)


def accreditation_tables(
    activities: pd.DataFrame, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Grants for every (organisation, activity type, method) worked, and one
    suspension in a quiet spell of a commercial scope."""
    rng = stream(seed, "accreditation")
    scopes = (
        activities[["organisation_id", "activity_type", "method"]]
        .astype(object)
        .where(activities[["organisation_id", "activity_type", "method"]].notna(), None)
        .drop_duplicates()
        .sort_values(
            ["organisation_id", "activity_type", "method"], na_position="first"
        )
    )
    rows = []
    for org, kind, method in scopes.itertuples(index=False):
        for k, (first, last) in enumerate(PERIODS):
            if org == PROVISIONAL_ORG and k == len(PERIODS) - 1:
                last = PROVISIONAL_UNTIL
            rows.append((int(org), kind, method, first, last, k))
    frame = table(
        "ACR",
        {
            "organisation_id": np.array([r[0] for r in rows], np.int64),
            "activity_type": np.array([r[1] for r in rows], dtype=object),
            "method": np.array([r[2] for r in rows], dtype=object),
            "valid_from": np.array([r[3] for r in rows], dtype=object),
            "valid_until": np.array([r[4] for r in rows], dtype=object),
            "reference": np.array(
                [f"ANAMA/ACC/{r[3].year}/{i + 1:04d}" for i, r in enumerate(rows)],
                dtype=object,
            ),
            "notes": np.array(
                ["provisional" if r[0] == PROVISIONAL_ORG else None for r in rows],
                dtype=object,
            ),
        },
        ANAMA_ID,
    )
    return frame, _suspension(frame, activities, rng)


def _suspension(
    grants: pd.DataFrame, activities: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """A month's suspension of a commercial scope where it had no work."""
    commercial = {i + 1 for i, o in enumerate(ORGANISATIONS) if o[2] == "commercial"}
    first, last = PERIODS[1]
    chosen = None
    for g in grants.itertuples():
        if g.organisation_id not in commercial or g.valid_from != first:
            continue
        mine = activities[
            (activities["organisation_id"] == g.organisation_id)
            & (activities["activity_type"] == g.activity_type)
            & (activities["method"].astype(object) == g.method)
        ]
        days = sorted(
            {d for d in mine["start_date"] if d is not None}
            | {d for d in mine["end_date"] if d is not None}
            | {first, last}
        )
        spans = [
            (a, b)
            for a, b in itertools.pairwise(days)
            if first <= a and b <= last and (b - a).days >= 60
        ]
        if spans:
            chosen = (int(g.id), spans[int(rng.integers(0, len(spans)))])
            break
    if chosen is None:
        return table(
            "SUS",
            {
                "accreditation_id": np.array([], np.int64),
                "starts_on": np.array([], dtype=object),
                "ends_on": np.array([], dtype=object),
                "reason": np.array([], dtype=object),
            },
            ANAMA_ID,
        )
    grant, (a, _b) = chosen
    starts = a + dt.timedelta(days=10)
    return table(
        "SUS",
        {
            "accreditation_id": np.array([grant], np.int64),
            "starts_on": np.array([starts], dtype=object),
            "ends_on": np.array([starts + dt.timedelta(days=30)], dtype=object),
            "reason": np.array(
                [
                    "Lot rejected by post-clearance inspection; suspended until "
                    "the corrective action was verified"
                ],
                dtype=object,
            ),
        },
        ANAMA_ID,
    )


def _roles(method: str, size: int) -> list[PersonRole]:
    """The members of a team of ``size`` working with ``method``: what the
    method needs (:data:`demine.domain.qualification.REQUIREMENTS`) first,
    then its main role up to the team's size."""
    needs = REQUIREMENTS[Method(method)]
    out = [need.role for need in needs for _ in range(need.minimum)]
    main = R.SURVEYOR if method == Method.DRONE.value else R.DEMINER
    out += [main] * max(0, size - len(out))
    return out


def staff_table(
    teams: pd.DataFrame, activities: pd.DataFrame, seed: int
) -> pd.DataFrame:
    """Every team's members, operators' EOD operators, ANAMA's QA inspectors."""
    rng = stream(seed, "staff")
    first_work = activities.groupby("team_id")["start_date"].min()
    rows: list[tuple[int, int | None, PersonRole, dt.date]] = []
    for t in teams.itertuples():
        start = first_work.get(t.id)
        joined = (start or dt.date(2021, 3, 1)) - dt.timedelta(
            days=int(rng.integers(20, 90))
        )
        for member in _roles(t.method, int(t.size)):
            rows.append((int(t.organisation_id), int(t.id), member, joined))
    operators = sorted(set(teams["organisation_id"].astype(int)))
    for org in operators:
        for _ in range(2):
            rows.append((org, None, R.EOD_OPERATOR, dt.date(2020, 11, 1)))
    for _ in range(6):
        rows.append((ANAMA_ID, None, R.QA_INSPECTOR, dt.date(2020, 11, 1)))
    n = len(rows)
    role = np.array([r[2].value for r in rows], dtype=object)
    women = np.where(
        role == R.MEDIC.value, 0.45, np.where(role == R.QA_INSPECTOR.value, 0.35, 0.08)
    )
    female = rng.random(n) < women
    given = np.where(
        female,
        np.array(FEMALE, dtype=object)[rng.integers(0, len(FEMALE), n)],
        np.array(MALE, dtype=object)[rng.integers(0, len(MALE), n)],
    )
    family = np.array(SURNAMES, dtype=object)[rng.integers(0, len(SURNAMES), n)]
    family = np.where(female, family + "a", family)
    joined = np.array([max(r[3], START) for r in rows], dtype=object)
    age = rng.integers(22, 55, n)
    birth = np.array(
        [dt.date(j.year - int(a), int(m), int(d)) for j, a, m, d in zip(
            joined, age, rng.integers(1, 13, n), rng.integers(1, 29, n), strict=True)],
        dtype=object,
    )  # fmt: skip
    orgs = np.array([r[0] for r in rows], np.int64)
    team = np.array([r[1] if r[1] is not None else -1 for r in rows], np.int64)
    return table(
        "PER",
        {
            "organisation_id": orgs,
            "team_id": nullable_int(team, team >= 0),
            "role": role,
            "full_name": given + " " + family,
            "sex": np.where(female, "female", "male").astype(object),
            "birth_date": birth,
            "national_id": np.array(
                [f"DEMO{v:07d}" for v in rng.integers(0, 10**7, n)], dtype=object
            ),
            "phone": np.array(
                [
                    f"+994 50 {v // 10_000:03d} {v % 10_000:04d}"
                    for v in rng.integers(0, 10**7, n)
                ],
                dtype=object,
            ),
            "joined_on": joined,
            "left_on": np.full(n, None, dtype=object),
        },
        orgs,
    )


def _months(day_: dt.date, months: int) -> dt.date:
    month = day_.month - 1 + months
    year, month = day_.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day_.day, 28))


def course_table() -> pd.DataFrame:
    return table(
        "CRS",
        {
            "code": [c[0] for c in COURSES],
            "title": [c[1] for c in COURSES],
            "qualification": [c[2].value for c in COURSES],
            "provider_id": np.full(len(COURSES), ANAMA_ID, np.int64),
            "duration_days": np.array([c[3] for c in COURSES], np.int64),
            "validity_months": np.array([c[4] for c in COURSES], np.int64),
        },
        ANAMA_ID,
    )


def _sessions() -> pd.DataFrame:
    """Runs of every course, ending every month (MC-1) or every two months."""
    rows = []
    for ci, (code, _title, _q, days, _v) in enumerate(COURSES):
        every = 30 if code in ("MC-1", "MED-1", "TL-1") else 60
        end = START + dt.timedelta(days=10 + 7 * ci)
        while end <= HORIZON:
            rows.append((ci + 1, end - dt.timedelta(days=days - 1), end))
            end += dt.timedelta(days=every)
    return pd.DataFrame(rows, columns=["course_id", "starts_on", "ends_on"])


def training_tables(
    people: pd.DataFrame, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Sessions, attendance and certificates of every person's qualifications."""
    rng = stream(seed, "training")
    runs = _sessions()
    runs["id"] = np.arange(1, len(runs) + 1)
    ends = {
        c: (np.array([d.toordinal() for d in g["ends_on"]]), g["id"].to_numpy())
        for c, g in runs.groupby("course_id")
    }
    by_q = {c[2]: i + 1 for i, c in enumerate(COURSES)}
    core = set(people.loc[people["team_id"].isin([1, 2, 3, 4, 5]), "id"])
    attend: list[tuple[int, int, str, float]] = []
    certs: list[tuple[int, int, int, str, dt.date, dt.date]] = []
    for p in people.itertuples():
        for q in NEEDS[PersonRole(p.role)]:
            course = by_q[q]
            months = COURSES[course - 1][4]
            bucket = 0 if p.id in core else int(rng.choice(3, p=[0.85, 0.09, 0.06]))
            for issue in _chain(p.joined_on, months, bucket, rng):
                ident, ended = _session_before(ends[course], issue)
                if rng.random() < 0.08:
                    earlier, _ = _session_before(
                        ends[course], ended - dt.timedelta(days=1)
                    )
                    if earlier != ident:
                        attend.append(
                            (earlier, int(p.id), "failed", float(rng.uniform(35, 59)))
                        )
                attend.append((ident, int(p.id), "passed", float(rng.uniform(62, 98))))
                expires = _months(ended, months) - dt.timedelta(days=1)
                certs.append((int(p.id), course, ident, q.value, ended, expires))
    sessions = table(
        "TRS",
        {
            "course_id": runs["course_id"].to_numpy(np.int64),
            "starts_on": runs["starts_on"].to_numpy(dtype=object),
            "ends_on": runs["ends_on"].to_numpy(dtype=object),
            "place": np.full(len(runs), TRAINING_CENTRE, dtype=object),
            "instructor": np.full(len(runs), None, dtype=object),
            "capacity": np.full(len(runs), 20, np.int64),
        },
        ANAMA_ID,
    )
    att = pd.DataFrame(attend, columns=["session_id", "person_id", "result", "score"])
    att = att.drop_duplicates(["session_id", "person_id"], keep="last")
    attendance = table(
        "ATT",
        {
            "session_id": att["session_id"].to_numpy(np.int64),
            "person_id": att["person_id"].to_numpy(np.int64),
            "result": att["result"].to_numpy(dtype=object),
            "score": np.round(att["score"].to_numpy(float), 1),
        },
        ANAMA_ID,
    )
    cf = pd.DataFrame(
        certs,
        columns=["person_id", "course_id", "session_id", "q", "issued", "expires"],
    )
    codes = np.array([COURSES[c - 1][0] for c in cf["course_id"]], dtype=object)
    certificate = table(
        "CRT",
        {
            "person_id": cf["person_id"].to_numpy(np.int64),
            "course_id": nullable_int(cf["course_id"].to_numpy(np.int64)),
            "session_id": nullable_int(cf["session_id"].to_numpy(np.int64)),
            "qualification": cf["q"].to_numpy(dtype=object),
            "number": codes
            + "-"
            + cf["session_id"].astype(str).to_numpy(dtype=object)
            + "-"
            + cf["person_id"].astype(str).to_numpy(dtype=object),
            "issued_on": cf["issued"].to_numpy(dtype=object),
            "expires_on": cf["expires"].to_numpy(dtype=object),
            "revoked_on": np.full(len(cf), None, dtype=object),
        },
        ANAMA_ID,
    )
    return sessions, attendance, certificate


def _session_before(
    runs: tuple[np.ndarray, np.ndarray], when: dt.date
) -> tuple[int, dt.date]:
    """The last session of a course that ended on or before ``when`` (the
    first one if none did), as (id, last day)."""
    ends, ids = runs
    i = max(0, int(np.searchsorted(ends, when.toordinal(), side="right")) - 1)
    return int(ids[i]), dt.date.fromordinal(int(ends[i]))


def _last_issue(months: int, bucket: int, rng: np.random.Generator) -> dt.date:
    """The last certificate's issue day: recent, expiring soon, or lapsed."""
    if bucket == 0:
        lo, hi = dt.date(2024, 12, 1), END
    elif bucket == 1:
        lo, hi = (
            _months(dt.date(2026, 12, 5), -months),
            _months(dt.date(2027, 3, 25), -months),
        )
    else:
        lo, hi = (
            _months(dt.date(2024, 6, 1), -months),
            _months(dt.date(2025, 10, 1), -months),
        )
    return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def _chain(
    joined: dt.date, months: int, bucket: int, rng: np.random.Generator
) -> list[dt.date]:
    """Issue days from joining to the last certificate, renewed before expiry."""
    first = max(START, joined - dt.timedelta(days=int(rng.integers(3, 25))))
    last = _last_issue(months, bucket, rng)
    if last <= first:
        return [max(first, last)] if bucket == 0 else [first]
    issues = [first]
    step = max(6, months - 2)
    while _months(issues[-1], step) < last - dt.timedelta(days=120):
        issues.append(_months(issues[-1], step))
    issues.append(last)
    return issues


__all__ = [
    "COURSES",
    "accreditation_tables",
    "course_table",
    "staff_table",
    "training_tables",
]
