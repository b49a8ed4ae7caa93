# SPDX-License-Identifier: GPL-3.0-or-later
"""What each kind of record is called, in the current language.

Kept beneath every other package (with the catalogues), because the error
tree names records too: "hazard 12, field 'status': ...".
"""

from __future__ import annotations

from demine.i18n.texts import NC_, Text

#: What each kind of record is called, one and many.
KINDS: dict[str, tuple[Text, Text]] = {
    "organisation": (
        NC_("record kind", "Organisation"),
        NC_("record kinds", "Organisations"),
    ),
    "place": (NC_("record kind", "Place"), NC_("record kinds", "Places")),
    "team": (NC_("record kind", "Team"), NC_("record kinds", "Teams")),
    "eo_model": (
        NC_("record kind", "EO model"),
        NC_("record kinds", "EO catalogue"),
    ),
    "hazard": (
        NC_("record kind", "Hazardous area"),
        NC_("record kinds", "Hazardous areas"),
    ),
    "activity": (NC_("record kind", "Activity"), NC_("record kinds", "Activities")),
    "release": (
        NC_("record kind", "Release product"),
        NC_("record kinds", "Release products"),
    ),
    "eo_item": (NC_("record kind", "EO find"), NC_("record kinds", "EO finds")),
    "accident": (NC_("record kind", "Accident"), NC_("record kinds", "Accidents")),
    "victim": (NC_("record kind", "Victim"), NC_("record kinds", "Victims")),
    "eore_session": (
        NC_("record kind", "EORE session"),
        NC_("record kinds", "EORE sessions"),
    ),
    "qm_finding": (
        NC_("record kind", "QM finding"),
        NC_("record kinds", "QM findings"),
    ),
    "inspection": (
        NC_("record kind", "Inspection"),
        NC_("record kinds", "Inspections"),
    ),
    "sample_unit": (
        NC_("record kind", "Sampling unit"),
        NC_("record kinds", "Sampling units"),
    ),
    "non_conformity": (
        NC_("record kind", "Non-conformity"),
        NC_("record kinds", "Non-conformities"),
    ),
    "monitoring_visit": (
        NC_("record kind", "Monitoring visit"),
        NC_("record kinds", "Monitoring visits"),
    ),
    "accreditation": (
        NC_("record kind", "Accreditation"),
        NC_("record kinds", "Accreditations"),
    ),
    "accreditation_suspension": (
        NC_("record kind", "Accreditation suspension"),
        NC_("record kinds", "Accreditation suspensions"),
    ),
    "course": (NC_("record kind", "Course"), NC_("record kinds", "Courses")),
    "training_session": (
        NC_("record kind", "Training session"),
        NC_("record kinds", "Training sessions"),
    ),
    "person": (NC_("record kind", "Person"), NC_("record kinds", "Staff")),
    "attendance": (
        NC_("record kind", "Training result"),
        NC_("record kinds", "Training results"),
    ),
    "certificate": (
        NC_("record kind", "Certificate"),
        NC_("record kinds", "Certificates"),
    ),
    "funding": (
        NC_("record kind", "Funding record"),
        NC_("record kinds", "Funding"),
    ),
    "reference_feature": (
        NC_("record kind", "Reference feature"),
        NC_("record kinds", "Reference layers"),
    ),
}


def kind_label(kind: str, plural: bool = False) -> str:
    """What a kind of record is called (``hazard``: "Hazardous area")."""
    names = KINDS.get(kind)
    return str(names[1 if plural else 0]) if names else kind


#: Kinds of record as a sentence names them ("no hazard with id 7").
KIND_WORDS: dict[str, Text] = {
    "organisation": NC_("record kind, in a sentence", "organisation"),
    "place": NC_("record kind, in a sentence", "place"),
    "team": NC_("record kind, in a sentence", "team"),
    "eo_model": NC_("record kind, in a sentence", "EO model"),
    "hazard": NC_("record kind, in a sentence", "hazard"),
    "activity": NC_("record kind, in a sentence", "activity"),
    "release": NC_("record kind, in a sentence", "release"),
    "eo_item": NC_("record kind, in a sentence", "EO find"),
    "accident": NC_("record kind, in a sentence", "accident"),
    "victim": NC_("record kind, in a sentence", "victim"),
    "eore_session": NC_("record kind, in a sentence", "EORE session"),
    "qm_finding": NC_("record kind, in a sentence", "QM finding"),
    "inspection": NC_("record kind, in a sentence", "inspection"),
    "sample_unit": NC_("record kind, in a sentence", "sampling unit"),
    "non_conformity": NC_("record kind, in a sentence", "non-conformity"),
    "monitoring_visit": NC_("record kind, in a sentence", "monitoring visit"),
    "accreditation": NC_("record kind, in a sentence", "accreditation"),
    "accreditation_suspension": NC_(
        "record kind, in a sentence", "accreditation suspension"
    ),
    "course": NC_("record kind, in a sentence", "course"),
    "training_session": NC_("record kind, in a sentence", "training session"),
    "person": NC_("record kind, in a sentence", "person"),
    "attendance": NC_("record kind, in a sentence", "training result"),
    "certificate": NC_("record kind, in a sentence", "certificate"),
    "funding": NC_("record kind, in a sentence", "funding record"),
    "reference_feature": NC_("record kind, in a sentence", "reference feature"),
}


def kind_word(kind: str) -> str:
    """A kind of record as a sentence names it (``hazard``: "hazard")."""
    word = KIND_WORDS.get(kind)
    return str(word) if word is not None else kind
