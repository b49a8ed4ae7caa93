# SPDX-License-Identifier: GPL-3.0-or-later
"""Organisations and their teams.

The clearing bodies are those the Government of Azerbaijan names (ANAMA, the
Ministry of Defence, the Ministry of Emergency Situations, the State Border
Service, commercial companies); the company and NGO names are invented, and
the donors are real governments and agencies with invented amounts (see
:mod:`demine.demo.programme`).

Team productivity is the area a team releases per working day with its own
method, and the ranges are demo assumptions of the orders of magnitude
reported in mine action literature (e.g. GICHD, *A Guide to Mine Action*,
and operators' annual reports): a manual team clears tens to a hundred or so
m² a day in dense AP contamination, a mine dog team several hundred to about
1,500 m², a flail or tiller machine thousands; non-technical survey cancels
land by the hectare. They are not measurements.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from demine.demo import shapes
from demine.demo.geography import Geography
from demine.demo.records import ANAMA_ID, stream, table
from demine.demo.timeline import to_dates
from demine.domain.vocab import AccreditationStatus, Method, OrganisationType

NA, MIL, GOV = "national_authority", "military", "government"
COM, NGO, UN, DON = "commercial", "ngo", "un", "donor"

# name, acronym, type, country; the order fixes the ids (ANAMA is 1).
ORGANISATIONS: list[tuple[str, str, str, str]] = [
    ("Azerbaijan National Agency for Mine Action", "ANAMA", NA, "Azerbaijan"),
    ("Ministry of Defence of the Republic of Azerbaijan", "MoD", MIL, "Azerbaijan"),
    ("Ministry of Emergency Situations of the Republic of Azerbaijan", "MES", GOV,
     "Azerbaijan"),
    ("State Border Service of the Republic of Azerbaijan", "SBS", MIL, "Azerbaijan"),
    ("Qarabag Clearance Group (demo company)", "QCG", COM, "Azerbaijan"),
    ("Araz Demining Services (demo company)", "ADS", COM, "Azerbaijan"),
    ("Murovdag Mechanical Demining (demo company)", "MMD", COM, "Azerbaijan"),
    ("Anatolia Mine Clearance (demo company)", "AMC", COM, "Türkiye"),
    ("Caspian Survey and EOD (demo company)", "CSE", COM, "Azerbaijan"),
    ("Safe Fields Azerbaijan (demo NGO)", "SFA", NGO, "Azerbaijan"),
    ("Mine-Free Villages Initiative (demo NGO)", "MFVI", NGO, "Azerbaijan"),
    ("United Nations Development Programme", "UNDP", UN, "United Nations"),
    ("European Union", "EU", DON, "European Union"),
    ("United States of America", "USA", DON, "United States"),
    ("Japan", "JPN", DON, "Japan"),
    ("United Kingdom", "UK", DON, "United Kingdom"),
    ("Kingdom of Saudi Arabia", "KSA", DON, "Saudi Arabia"),
    ("Republic of Korea", "KOR", DON, "Republic of Korea"),
]  # fmt: skip

# Organisation ids (1-based) by role.
OPERATORS = np.arange(1, 12)  # ANAMA to the NGOs: they field teams
DONORS = np.array([12, 13, 14, 15, 16, 17, 18])  # UNDP and the governments
MES_ID = 3
# Share of teams each operator fields.
TEAM_SHARE = np.array([40, 15, 12, 5, 6, 5, 5, 3, 3, 3, 3], float)

# Per method: share of teams, team size, m²/day, USD/day (ranges). Daily
# costs are demo assumptions at local (Azerbaijani) salary levels, machines
# and dogs included.
Range = tuple[float, float]
METHODS: dict[str, tuple[float, tuple[int, int], Range, Range]] = {
    Method.DRONE.value: (0.12, (3, 6), (20_000, 80_000), (300, 700)),
    Method.MANUAL.value: (0.35, (8, 14), (50, 150), (400, 900)),
    Method.MECHANICAL.value: (0.22, (3, 6), (1_500, 5_000), (1_500, 3_000)),
    Method.MDD.value: (0.13, (4, 8), (500, 1_500), (600, 1_200)),
    Method.MIXED.value: (0.18, (10, 20), (300, 1_000), (1_000, 2_000)),
}  # fmt: skip

TEAM_LABEL = {
    Method.DRONE.value: "NTS (drone)",
    Method.MANUAL.value: "manual",
    Method.MECHANICAL.value: "mechanical",
    Method.MDD.value: "MDD",
    Method.MIXED.value: "multi-asset",
}

# Towns teams are based in: the near rear and the district centres.
BASES = [
    "Aghjabadi", "Barda", "Beylagan", "Goranboy", "Tartar", "Horadiz", "Fuzuli",
    "Aghdam", "Jabrayil", "Zangilan", "Laçın", "Kalbajar", "Shusha",
]  # fmt: skip


def organisations_table() -> pd.DataFrame:
    """The fixed list of organisations (ANAMA is id 1 and reports them all)."""
    kinds = [o[2] for o in ORGANISATIONS]
    fielding = np.array([k not in (UN, DON) for k in kinds])
    accreditation = np.where(
        fielding, AccreditationStatus.ACCREDITED.value, AccreditationStatus.NONE.value
    ).astype(object)
    accreditation[8] = AccreditationStatus.PROVISIONAL.value  # the newest company
    until = np.array([1_900 + 60 * (i % 4) for i in range(len(kinds))])
    return table(
        "ORG",
        {
            "name": [o[0] for o in ORGANISATIONS],
            "acronym": [o[1] for o in ORGANISATIONS],
            "org_type": [OrganisationType(k).value for k in kinds],
            "country": [o[3] for o in ORGANISATIONS],
            "accreditation": accreditation,
            "accredited_until": to_dates(until, fielding),
        },
        ANAMA_ID,
    )


@dataclass(frozen=True)
class Teams:
    """The teams as arrays, for the generators that assign work to them."""

    organisation: np.ndarray  # organisation id
    method: np.ndarray  # Method value
    productivity: np.ndarray  # m² per team-day
    cost: np.ndarray  # USD per team-day
    frame: pd.DataFrame  # the team table

    def of_method(self, method: str) -> np.ndarray:
        """Indices of the teams that work with ``method``."""
        return np.flatnonzero(self.method == method)


def build_teams(geo: Geography, count: int, seed: int) -> Teams:
    """``count`` teams; the first five cover every method so all work has one."""
    rng = stream(seed, "teams")
    names = list(METHODS)
    share = np.array([METHODS[m][0] for m in names])
    method_ix = np.r_[np.arange(len(names)), rng.choice(len(names), count - 5, p=share)]
    method = np.array(names, dtype=object)[method_ix]
    org = rng.choice(OPERATORS, count, p=TEAM_SHARE / TEAM_SHARE.sum())
    org[:5] = 1  # ANAMA fields every method
    # NGOs field no machines.
    ngo = (org >= 10) & (method == Method.MECHANICAL.value)
    method[ngo] = Method.MANUAL.value
    size = np.empty(count, np.int64)
    productivity = np.empty(count)
    cost = np.empty(count)
    for m, (_, (lo, hi), prod, usd) in METHODS.items():
        pick = method == m
        size[pick] = rng.integers(lo, hi + 1, pick.sum())
        productivity[pick] = np.round(rng.uniform(*prod, pick.sum()), -1)
        cost[pick] = np.round(rng.uniform(*usd, pick.sum()), -1)
    base = _bases(geo, count, rng)
    serial = pd.Series(org).groupby(org).cumcount().to_numpy() + 1
    label = [
        f"{ORGANISATIONS[o - 1][1]} team {k:02d} ({TEAM_LABEL[m]})"
        for o, m, k in zip(org, method, serial, strict=True)
    ]
    frame = table(
        "TEM",
        {
            "name": label,
            "organisation_id": org.astype(np.int64),
            "method": method,
            "size": size,
            "productivity_m2_day": productivity,
            "cost_per_day_usd": cost,
            "active": rng.random(count) > 0.05,
            "base": base,
        },
        org,
    )
    return Teams(org, method, productivity, cost, frame)


def _bases(geo: Geography, count: int, rng: np.random.Generator) -> np.ndarray:
    towns = geo.settlements.set_index("name").loc[BASES]
    pick = rng.integers(0, len(towns), count)
    x = towns["x"].to_numpy()[pick] + rng.normal(0, 600, count)
    y = towns["y"].to_numpy()[pick] + rng.normal(0, 600, count)
    return shapes.points_to_degrees(x, y)
