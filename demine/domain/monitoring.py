# SPDX-License-Identifier: GPL-3.0-or-later
"""Monitoring visits (IMAS 07.40): a checklist, its score and the verdict.

Each item of :data:`CHECKLIST` is answered ``yes``, ``no`` or ``na`` (not
applicable at this site). The score is the weighted share of ``yes`` among
the items answered yes or no, 0–100; a ``no`` on a safety-critical item
makes the visit unsatisfactory whatever the score. What each item asks, in
words, is :data:`demine.quality.labels.CHECKLIST_TEXTS` (in the catalogue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from demine.domain.vocab import MonitoringOutcome
from demine.errors import RecordError
from demine.i18n import _

__all__ = ["CHECKLIST", "Item", "Scored", "score_visit"]


@dataclass(frozen=True)
class Item:
    key: str
    weight: float
    critical: bool = False


#: What a monitoring visit checks at a worksite.
CHECKLIST: tuple[Item, ...] = (
    Item("marking", 1.0),
    Item("safety_distance", 3.0, critical=True),
    Item("ppe", 3.0, critical=True),
    Item("medical", 3.0, critical=True),
    Item("detector_check", 1.0),
    Item("lane_procedure", 1.0),
    Item("eo_handling", 3.0, critical=True),
    Item("communications", 1.0),
    Item("supervision", 1.0),
    Item("documentation", 1.0),
)
SATISFACTORY = 85.0
IMPROVEMENT = 60.0
ANSWERS = ("yes", "no", "na")


@dataclass(frozen=True)
class Scored:
    score: float
    outcome: MonitoringOutcome
    failed: tuple[str, ...]
    critical_failed: tuple[str, ...]


def score_visit(answers: Mapping[str, str]) -> Scored:
    """Score a checklist; every item needs an answer.

    Examples
    --------
    >>> ok = {i.key: "yes" for i in CHECKLIST}
    >>> score_visit(ok).score, score_visit(ok).outcome.value
    (100.0, 'satisfactory')
    >>> score_visit({**ok, "ppe": "no"}).outcome.value
    'unsatisfactory'
    """
    known = {i.key for i in CHECKLIST}
    unknown = sorted(set(answers) - known)
    missing = [i.key for i in CHECKLIST if i.key not in answers]
    if unknown or missing:
        parts = []
        if missing:
            parts.append(_("no answer for %(items)s", items=", ".join(missing)))
        if unknown:
            parts.append(_("no such item %(items)s", items=", ".join(unknown)))
        raise RecordError(
            "; ".join(parts), entity="monitoring_visit", field="checklist"
        )
    bad = {k: v for k, v in answers.items() if str(v).strip().lower() not in ANSWERS}
    if bad:
        raise RecordError(
            _(
                "answer yes, no or na: %(answers)s",
                answers=", ".join(f"{k}={v!r}" for k, v in sorted(bad.items())),
            ),
            entity="monitoring_visit",
            field="checklist",
        )
    said = {k: str(v).strip().lower() for k, v in answers.items()}
    answered = [i for i in CHECKLIST if said[i.key] != "na"]
    total = sum(i.weight for i in answered)
    got = sum(i.weight for i in answered if said[i.key] == "yes")
    score = round(100.0 * got / total, 1) if total else 100.0
    failed = tuple(i.key for i in answered if said[i.key] == "no")
    critical = tuple(i.key for i in answered if said[i.key] == "no" and i.critical)
    if critical or score < IMPROVEMENT:
        outcome = MonitoringOutcome.UNSATISFACTORY
    elif score < SATISFACTORY:
        outcome = MonitoringOutcome.IMPROVEMENT_NEEDED
    else:
        outcome = MonitoringOutcome.SATISFACTORY
    return Scored(score, outcome, failed, critical)
