# SPDX-License-Identifier: GPL-3.0-or-later
"""Ages and age groups of victims and beneficiaries.

A register knows a victim's exact age, or only a range ("Menor de 18 años",
"boy", "60+"), or nothing. An age group is written ``LOW-HIGH`` (inclusive
years) or ``LOW-`` (open above): ``0-17`` is a child, ``18-`` an adult.
Whether a victim is a child (under 18, CRC art. 1, as the Landmine Monitor
counts child casualties) is then known from either, and unknown when
neither tells: never guessed as "not a child".
"""

from __future__ import annotations

import re

from demine.i18n import _

CHILD_AGE = 18
MAX_AGE = 120
# Words some registers use for a whole age group, in the languages the
# register's users write (English, Spanish, French, Portuguese, Russian,
# Ukrainian, Azerbaijani): the group they mean.
GROUP_WORDS: dict[str, str] = {
    "child": "0-17",
    "children": "0-17",
    "boy": "0-17",
    "girl": "0-17",
    "minor": "0-17",
    "adult": "18-",
    "man": "18-",
    "woman": "18-",
    "men": "18-",
    "women": "18-",
}
# "years" after a number or range, in the register's languages.
YEARS_WORD = r"\b(years?( old)?|yrs|años|anos|ans|лет|года?|років|роки|yaş)\b\.?"
_RANGE = re.compile(r"^(\d{1,3})\s*(?:-|–|—|to|a|à|до)\s*(\d{1,3})$")
_OPEN = re.compile(
    r"^(\d{1,3})\s*(?:\+|-|–|or more|and over|and older|y más|o más|et plus"
    r"|ou mais|и старше|і старше|та старше|və yuxarı)$"
)
_BELOW = re.compile(r"^(?:<|under|menos de|menor de|moins de|до)\s*(\d{1,3})$")
_UP_TO = re.compile(r"^(?:<=|≤)\s*(\d{1,3})$")
# "Mayor de 18 años" is how registers write the adults beside "Menor de 18
# años": 18 and over, as the words are used there.
_ABOVE = re.compile(
    r"^(?:>=|≥|over|mayor de|mayores de|plus de|maior de|старше|від)\s*(\d{1,3})$"
)
_OVER = re.compile(r"^>\s*(\d{1,3})$")


def parse_age_group(text: str) -> tuple[int, int | None]:
    """``(low, high)`` of an age group (``high`` None when open above).

    Reads ``0-17``, ``18-``, ``60+``, ``<18``, ``≥ 60`` and the words of
    :data:`GROUP_WORDS`; raises ``ValueError`` for anything else or for
    bounds out of order or beyond 120 years.

    >>> parse_age_group("0-17"), parse_age_group("60+"), parse_age_group("<18")
    ((0, 17), (60, None), (0, 17))
    """
    key = re.sub(r"\s+", " ", text.strip().lower())
    key = re.sub(r"\s+", " ", re.sub(YEARS_WORD, "", key)).strip()
    if key in GROUP_WORDS:
        key = GROUP_WORDS[key]
    low: int
    high: int | None
    if m := _RANGE.match(key):
        low, high = int(m.group(1)), int(m.group(2))
    elif m := _OPEN.match(key):
        low, high = int(m.group(1)), None
    elif m := _BELOW.match(key):
        low, high = 0, int(m.group(1)) - 1
    elif m := _UP_TO.match(key):
        low, high = 0, int(m.group(1))
    elif m := _ABOVE.match(key):
        low, high = int(m.group(1)), None
    elif m := _OVER.match(key):
        low, high = int(m.group(1)) + 1, None
    else:
        raise ValueError(
            _(
                "is not an age group (write LOW-HIGH in years, as 0-17, or LOW- / "
                "LOW+ when open above, as 18- or 60+): %(text)r",
                text=text,
            )
        )
    if low > MAX_AGE or (high is not None and not low <= high <= MAX_AGE):
        raise ValueError(
            _(
                "is not an age range from 0 to %(max)s years: %(text)r",
                max=MAX_AGE,
                text=text,
            )
        )
    return low, high


def age_group_text(low: int, high: int | None) -> str:
    """How an age group is stored: ``0-17``, ``18-``."""
    return f"{low}-" if high is None else f"{low}-{high}"


def normalise_age_group(text: str) -> str:
    """The stored spelling of an age group (``"60+"`` -> ``"60-"``)."""
    return age_group_text(*parse_age_group(text))


def is_child(age: float | None, group: str | None) -> bool | None:
    """Whether a victim is under 18: from the age, else the group, else None.

    >>> is_child(None, "0-17"), is_child(None, "18-"), is_child(None, "12-24")
    (True, False, None)
    """
    if age is not None and age == age:  # NaN is unknown
        return age < CHILD_AGE
    if not group:
        return None
    low, high = parse_age_group(group)
    if high is not None and high < CHILD_AGE:
        return True
    if low >= CHILD_AGE:
        return False
    return None


def fits_group(age: float, group: str) -> bool:
    """Whether an exact age lies in an age group."""
    low, high = parse_age_group(group)
    return low <= age and (high is None or age <= high)
