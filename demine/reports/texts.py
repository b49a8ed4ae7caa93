# SPDX-License-Identifier: GPL-3.0-or-later
"""Report texts chosen by key at run time (table columns, per-kind titles)
and the labels of the values reports group by.

Fixed texts are written in place as ``_("...")``; the ones a loop picks by
key live here, marked with ``N_`` so that Babel extracts them.
"""

from __future__ import annotations

from enum import StrEnum

from demine.domain import vocab
from demine.domain.labels import BY_NAME, label_of
from demine.i18n import N_, _

TEXTS: dict[str, str] = {
    "casualties.by_sex": N_("Casualties by sex"),
    "casualties.by_age_group": N_("Casualties by age group"),
    "casualties.by_status": N_("Casualties by status"),
    "col.accidents": N_("Accidents"),
    "col.age_group": N_("Age group"),
    "col.boys": N_("Boys"),
    "col.cancelled_ha": N_("Cancelled (ha)"),
    "col.cancelled_m2": N_("Cancelled (m²)"),
    "col.cha_m2": N_("Known (CHA), m²"),
    "col.cha_n": N_("Known (CHA), number"),
    "col.cleared_ha": N_("Cleared (ha)"),
    "col.cleared_m2": N_("Cleared (m²)"),
    "col.disbursement_usd": N_("Disbursed (USD)"),
    "col.donor": N_("Donor"),
    "col.expenditure_usd": N_("Spent (USD)"),
    "col.figure": N_("Figure"),
    "col.girls": N_("Girls"),
    "col.injured": N_("Injured"),
    "col.killed": N_("Killed"),
    "col.men": N_("Men"),
    "col.pledge_usd": N_("Pledged (USD)"),
    "col.project": N_("Project"),
    "col.reduced_ha": N_("Reduced (ha)"),
    "col.reduced_m2": N_("Reduced (m²)"),
    "col.sex": N_("Sex"),
    "col.sha_m2": N_("Suspected (SHA), m²"),
    "col.sha_n": N_("Suspected (SHA), number"),
    "col.status": N_("Status"),
    "col.total_m2": N_("Total, m²"),
    "col.total_n": N_("Total, number"),
    "col.victims": N_("Casualties"),
    "col.women": N_("Women"),
    "donor.funds.period": N_("In the period (USD)"),
    "donor.funds.to_date": N_("Cumulative to the end of the period (USD)"),
    "treaty.m.all_remaining": N_("All hazardous area remaining (km²)"),
    "treaty.m.ap_destroyed": N_("Anti-personnel mines destroyed"),
    "treaty.m.ap_released": N_(
        "Anti-personnel mined area released in the period (km²)"
    ),
    "treaty.m.ap_remaining": N_("Anti-personnel mined area remaining (km²)"),
    "treaty.m.at_destroyed": N_("Anti-vehicle mines destroyed"),
    "treaty.m.casualties": N_("Casualties (killed and injured)"),
    "treaty.m.children": N_("Child casualties"),
    "treaty.m.civilians": N_("Civilian casualties"),
    "treaty.m.eore": N_("People reached by EORE"),
    "treaty.m.killed": N_("Killed"),
    "treaty.m.other_destroyed": N_("Other explosive ordnance destroyed"),
    "treaty.m.released_cancelled": N_("Cancelled in the period (km²)"),
    "treaty.m.released_cleared": N_("Cleared in the period (km²)"),
    "treaty.m.released_reduced": N_("Reduced in the period (km²)"),
    "treaty.r.all": N_("All hazardous areas released (m²)"),
    "treaty.r.ap": N_("Anti-personnel mined areas released (m²)"),
    "unit.ha": N_("ha"),
    "unit.km2": N_("km²"),
    "unit.m2": N_("m²"),
    "unit.usd": N_("USD"),
    "unit.usd_ha": N_("USD/ha"),
}

AGE_GROUPS: dict[str, str] = {
    "child": N_("Child (under 18)"),
    "adult": N_("Adult"),
    "unknown": N_("Unknown age"),
}
NO_DISPOSAL = N_("Disposal not recorded")

# What a section says when the register holds none of the records it is
# made from (by the kinds it needs), so a partial register still reports.
NO_RECORDS: dict[tuple[str, ...], str] = {
    ("hazard",): N_(
        "the register holds no approved hazards, so this section is left out."
    ),
    ("hazard", "release"): N_(
        "the register holds no approved hazards or releases, so this section"
        " is left out."
    ),
    ("release",): N_(
        "the register holds no approved releases, so this section is left out."
    ),
    ("eo_item",): N_(
        "the register holds no approved EO finds, so this section is left out."
    ),
    ("accident",): N_(
        "the register holds no approved accidents, so this section is left out."
    ),
    ("eore_session",): N_(
        "the register holds no approved EORE sessions, so this section is left out."
    ),
    ("qm_finding",): N_(
        "the register holds no approved QM findings, so this section is left out."
    ),
    ("funding",): N_(
        "the register holds no approved funding records, so this section is left out."
    ),
}

# Report groupings whose field name differs from the vocabulary's usual one.
_GROUPS: dict[str, type[StrEnum]] = {
    **BY_NAME,
    "status": vocab.VictimStatus,
    "activity": vocab.ActivityType,
}


def t(key: str) -> str:
    """The text of ``key`` in :data:`TEXTS`, in the current language."""
    return _(TEXTS[key])


def no_records(*kinds: str) -> str:
    """Why a section is left out: the register has none of ``kinds``."""
    return _(NO_RECORDS[kinds])


def label(group: str, value: object) -> str:
    """A grouped value's label (``label("sex", "female")``), else the value."""
    if group == "age_group" and str(value) in AGE_GROUPS:
        return _(AGE_GROUPS[str(value)])
    if group == "disposal" and value in (None, "none"):
        return _(NO_DISPOSAL)
    vocabulary = _GROUPS.get(group)
    return str(value) if vocabulary is None else label_of(vocabulary, value)
