# SPDX-License-Identifier: GPL-3.0-or-later
"""EORE sessions, quality management findings and donor funding.

All synthetic. Donor names are real; amounts are invented at the published
order of magnitude (tens of millions of USD a year, national scale) and scale
with the register like everything else. Exchange rates are rounded annual
averages, good enough for a demo.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from demine.demo.actors import DONORS, ORGANISATIONS
from demine.demo.figures import Scale
from demine.demo.geography import Geography
from demine.demo.records import ANAMA_ID, choose
from demine.demo.releases import Work
from demine.demo.timeline import HORIZON_DAYS, PERIOD_DAYS, day_of, ramp_days
from demine.domain.vocab import (
    ActivityStatus,
    ActivityType,
    EOREMethod,
    FundingKind,
    QMKind,
    Severity,
)

R = EOREMethod
# method weight, beneficiaries (low, high), share women/men/girls/boys
EORE: dict[str, tuple[float, tuple[int, int], tuple[float, float, float, float]]] = {
    R.FACE_TO_FACE.value: (50, (10, 60), (0.30, 0.36, 0.16, 0.18)),
    R.SCHOOL.value: (25, (25, 160), (0.03, 0.01, 0.47, 0.49)),
    R.PRINTED.value: (10, (50, 500), (0.30, 0.35, 0.17, 0.18)),
    R.MASS_MEDIA.value: (7, (1_000, 30_000), (0.31, 0.33, 0.17, 0.19)),
    R.DIGITAL.value: (8, (200, 5_000), (0.28, 0.38, 0.16, 0.18)),
}
# Who delivers EORE: ANAMA, MES, the two NGOs, MoD.
EORE_BY = ([1, 3, 10, 11, 2], [50, 15, 13, 12, 10])

SEVERITY = ([s.value for s in Severity], [70.0, 22.0, 6.5, 1.5])
NON_CONFORMITY = {
    Severity.MINOR.value: [
        "Marking of the worksite incomplete",
        "Daily log not signed by the team leader",
        "Detector check at the start of the day not recorded",
        "Lane width exceeded the standing operating procedure",
    ],
    Severity.MAJOR.value: [
        "Clearance depth below the required depth in a sample",
        "Safety distance between deminers not kept",
        "Boundary of the cleared area not as reported",
        "Mechanical area not followed up as the procedure requires",
    ],
    Severity.CRITICAL.value: [
        "Item found in released land during QC sampling",
        "Unaccredited procedure used for area reduction",
    ],
}
CORRECTIVE = {
    Severity.MINOR.value: "Team briefed; procedure followed from the next day",
    Severity.MAJOR.value: "Area re-processed; team retrained and re-inspected",
    Severity.CRITICAL.value: (
        "Release suspended, area re-cleared and re-inspected; investigation opened"
    ),
}

# Donor currency and rounded annual rates to USD, 2021–2025.
CURRENCY = {13: "EUR", 15: "JPY", 16: "GBP"}
RATES = {
    "USD": [1.0] * 5,
    "EUR": [1.18, 1.05, 1.08, 1.08, 1.12],
    "JPY": [0.0091, 0.0076, 0.0071, 0.0066, 0.0067],
    "GBP": [1.38, 1.24, 1.24, 1.28, 1.31],
}
THEMES = [
    "Clearance for the return of displaced people",
    "Mechanical clearance capacity",
    "Non-technical survey of the liberated territories",
    "EORE for returning communities",
    "Information management and quality management",
    "Mine dog detection capacity",
]


def eore_sessions(
    geo: Geography, scale: Scale, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sessions (town positions, local metres) and the EORE activities
    (one per organisation, town and quarter) they belong to."""
    n = max(60, round(0.15 * scale.hazards))
    towns = geo.towns
    weight = np.sqrt(towns["population"].to_numpy(float)) * np.where(
        towns["awaits_return"].to_numpy() == 1, 2.0, 1.0
    )
    town = rng.choice(len(towns), n, p=weight / weight.sum())
    method = choose(rng, list(EORE), [v[0] for v in EORE.values()], n)
    org = choose(rng, *EORE_BY, n).astype(np.int64)
    day = np.floor(ramp_days(rng.random(n), 20, PERIOD_DAYS, slope=1.0)).astype(
        np.int64
    )
    people = {k: np.zeros(n, np.int64) for k in ("women", "men", "girls", "boys")}
    for m, (_, (lo, hi), split) in EORE.items():
        rows = method == m
        total = rng.integers(lo, hi + 1, rows.sum())
        parts = rng.multinomial(total, split)
        for i, k in enumerate(people):
            people[k][rows] = parts[:, i]
    # Mass media and digital campaigns have no single venue.
    located = ~np.isin(method, [R.MASS_MEDIA.value, R.DIGITAL.value])
    quarter = day // 91
    key = pd.MultiIndex.from_arrays([org, town, quarter])
    group = pd.factorize(key)[0]
    first = pd.Series(day).groupby(group).transform("min").to_numpy()
    last = pd.Series(day).groupby(group).transform("max").to_numpy()
    g_first = np.unique(group, return_index=True)[1]
    activities = pd.DataFrame(
        {
            "hazard": -1,
            "activity_type": ActivityType.EORE.value,
            "method": None,
            "team": -1,
            "organisation": org[g_first],
            "start": first[g_first],
            "end": last[g_first],
            "status": ActivityStatus.COMPLETED.value,
            "team_days": np.nan,
            "cost_usd": np.nan,
            "town": town[g_first],
        }
    )
    sessions = pd.DataFrame(
        {
            "activity": group,
            "organisation": org,
            "town": town,
            "method": method,
            "day": day,
            **people,
            "x": towns["x"].to_numpy()[town] + rng.normal(0, 800, n),
            "y": towns["y"].to_numpy()[town] + rng.normal(0, 800, n),
            "located": located,
        }
    )
    return sessions, activities


def qm_findings(work: Work, rng: np.random.Generator) -> pd.DataFrame:
    """Inspections of about 8% of the finished TS and clearance activities."""
    acts = work.activities
    done = np.flatnonzero(
        acts["activity_type"].isin(
            [ActivityType.TS.value, ActivityType.CLEARANCE.value]
        )
        & (acts["status"] == ActivityStatus.COMPLETED.value)
    )
    pick = np.sort(rng.choice(done, max(5, round(0.08 * len(done))), replace=False))
    n = len(pick)
    start = acts["start"].to_numpy()[pick]
    end = acts["end"].to_numpy()[pick]
    cleared = acts["activity_type"].to_numpy()[pick] == ActivityType.CLEARANCE.value
    kind = choose(rng, [k.value for k in QMKind], [40, 40, 20], n)
    kind[(kind == QMKind.POST_CLEARANCE.value) & ~cleared] = QMKind.QC_INSPECTION.value
    during = start + np.floor(rng.random(n) * (end - start + 1))
    after = end + rng.integers(1, 31, n)
    later = end + rng.integers(30, 300, n)
    day = np.where(
        kind == QMKind.QA_VISIT.value,
        during,
        np.where(kind == QMKind.QC_INSPECTION.value, after, later),
    )
    day = np.minimum(day, HORIZON_DAYS).astype(np.int64)
    severity = choose(rng, *SEVERITY, n)
    text = np.full(n, None, dtype=object)
    action = np.full(n, None, dtype=object)
    for sev, options in NON_CONFORMITY.items():
        rows = severity == sev
        text[rows] = choose(rng, options, [1] * len(options), rows.sum())
        action[rows] = CORRECTIVE[sev]
    closed = day + rng.integers(7, 61, n)
    closed_known = (severity != Severity.NONE.value) & (rng.random(n) < 0.85)
    closed_known &= closed <= HORIZON_DAYS
    return pd.DataFrame(
        {
            "activity": pick,
            "organisation": acts["organisation"].to_numpy()[pick],
            "kind": kind,
            "day": day,
            "severity": severity,
            "non_conformity": text,
            "corrective_action": action,
            "closed": np.where(closed_known, closed, -1),
        }
    )


def funding(scale: Scale, rng: np.random.Generator) -> pd.DataFrame:
    """Pledges, disbursements and expenditures by donor and year, 2021–2025."""
    donor, year = np.meshgrid(DONORS, np.arange(5), indexing="ij")
    donor, year = donor.ravel(), year.ravel()
    # Not every donor pledges every year.
    keep = rng.random(len(donor)) < 0.8
    donor, year = donor[keep], year[keep]
    usd = rng.lognormal(np.log(6e6), 0.6, len(donor)) * scale.fraction
    pledged = np.array([day_of(2021 + y, 1, 15) for y in year])
    pledged += rng.integers(0, 150, len(year))
    theme = choose(rng, THEMES, [1] * len(THEMES), len(year))
    acronym = [ORGANISATIONS[d - 1][1] for d in donor]
    project = np.array(
        [
            f"{a}: {t} ({2021 + y})"
            for a, t, y in zip(acronym, theme, year, strict=True)
        ],
        dtype=object,
    )
    # UNDP passes its funds to ANAMA; governments fund ANAMA, UNDP or NGOs.
    recipient = np.where(
        donor == 12, ANAMA_ID, choose(rng, [1, 12, 10, 11], [60, 20, 10, 10], len(year))
    ).astype(np.int64)
    rows = [_rows(FundingKind.PLEDGE, donor, recipient, pledged, usd, project)]
    # Disbursed in one to three tranches, 60–100% of the pledge in all, and
    # spent (80–100%) within months.
    tranches = rng.integers(1, 4, len(donor))
    owner = np.repeat(np.arange(len(donor)), tranches)
    tranche = np.arange(len(owner)) - np.repeat(
        np.r_[0, np.cumsum(tranches)[:-1]], tranches
    )
    paid = rng.uniform(0.6, 1.0, len(donor))[owner] / tranches[owner] * usd[owner]
    paid_on = pledged[owner] + 60 + 120 * tranche + rng.integers(0, 60, len(owner))
    spent_on = paid_on + rng.integers(30, 200, len(owner))
    spent = paid * rng.uniform(0.8, 1.0, len(owner))
    args = (donor[owner], recipient[owner])
    rows.append(_rows(FundingKind.DISBURSEMENT, *args, paid_on, paid, project[owner]))
    rows.append(_rows(FundingKind.EXPENDITURE, *args, spent_on, spent, project[owner]))
    out = pd.concat(rows, ignore_index=True)
    return out[out["day"] <= PERIOD_DAYS].reset_index(drop=True)


def _rows(
    kind: FundingKind,
    donor: np.ndarray,
    recipient: np.ndarray,
    day: np.ndarray,
    usd: np.ndarray,
    project: np.ndarray,
) -> pd.DataFrame:
    """Funding rows in the donor's currency, converted at the year's rate."""
    starts = np.array([day_of(2021 + y, 1, 1) for y in range(5)])
    year = np.clip(np.searchsorted(starts, day, side="right") - 1, 0, 4)
    currency = np.array([CURRENCY.get(int(d), "USD") for d in donor], dtype=object)
    rate = np.array([RATES[c][y] for c, y in zip(currency, year, strict=True)])
    return pd.DataFrame(
        {
            "donor": donor,
            "recipient": recipient,
            "project": project,
            "kind": kind.value,
            "day": day,
            "amount": np.round(usd / rate, 2),
            "currency": currency,
            "amount_usd": np.round(usd, 2),
        }
    )
