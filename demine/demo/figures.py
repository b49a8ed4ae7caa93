# SPDX-License-Identifier: GPL-3.0-or-later
"""Published national figures the demo reproduces, and the three scale presets.

The figures are ANAMA and Government of Azerbaijan statements of 2023–2024 as
collected in ``../shared/data/SOURCES.md``. ``national`` reproduces them at the
published order of magnitude; the smaller scales shrink every count and area
in proportion to the number of hazards.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ScaleName = Literal["small", "medium", "national"]

# 1,166,702 ha suspected, of which 211,800 ha high suspicion (CHA here).
SUSPECTED_M2 = 1_166_702 * 10_000
CHA_SHARE = 211_800 / 1_166_702
# About 140,000 ha released since November 2020 (May 2024).
RELEASED_M2 = 140_000 * 10_000
# Up to 1.5 million mines laid over 30 years.
ESTIMATED_DEVICES = 1_500_000
# Items found by February 2024: 31,175 AP mines, 18,790 AT mines, 62,228 UXO.
ITEMS_AP, ITEMS_AT, ITEMS_UXO = 31_175, 18_790, 62_228
# Casualties since November 2020: 361 (68 killed, 293 injured) by May 2024.
CASUALTIES, KILLED = 361, 68
# The national hazard count the other national figures are set against.
NATIONAL_HAZARDS = 100_000


@dataclass(frozen=True)
class Scale:
    """How big a demo register to build.

    ``fraction`` is the share of the national register: areas, devices and
    casualties are scaled by it. Row counts of releases and EO items follow the
    contract of :func:`demine.demo.generate` (3 and 10 per hazard).
    """

    name: ScaleName
    hazards: int

    @property
    def fraction(self) -> float:
        return self.hazards / NATIONAL_HAZARDS

    @property
    def suspected_m2(self) -> float:
        return SUSPECTED_M2 * self.fraction

    @property
    def released_m2(self) -> float:
        return RELEASED_M2 * self.fraction

    @property
    def releases(self) -> int:
        return 3 * self.hazards

    @property
    def eo_items(self) -> int:
        return 10 * self.hazards

    @property
    def victims(self) -> int:
        # Small registers keep enough victims for casualty reports to mean
        # something.
        return max(24, round(CASUALTIES * self.fraction))

    @property
    def teams(self) -> int:
        return int(min(200, max(16, round(200 * self.fraction**0.5))))


SCALES: dict[str, Scale] = {
    "small": Scale("small", 500),
    "medium": Scale("medium", 10_000),
    "national": Scale("national", NATIONAL_HAZARDS),
}
