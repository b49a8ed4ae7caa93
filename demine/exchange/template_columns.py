# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading a file's columns for a mapping draft: names, values, formats.

Column names are matched against the register's field names and the words
of ``words/synonyms.yaml`` (seven languages), ignoring case, accents and
separators, also as the first word of a longer name (``latitudcabecera``
starts with ``latitud``). Values decide the rest: whether a column holds
dates and in which format, years (``2,006``), months, numbers and their
separators, coordinates (by name, or by their range when names say
nothing), and which register value each vocabulary value means.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from demine.domain.ages import normalise_age_group
from demine.exchange.parsing import DateFormat, NumberFormat, as_text, fold, vocab_key

DATE_FORMATS = (
    "iso",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%d/%m/%y",
    "%Y%m%d",
)
LON = (
    "lon",
    "long",
    "longitude",
    "longitud",
    "lng",
    "x",
    "coord_x",
    "este",
    "easting",
    "долгота",
    "довгота",
    "uzunluq",
    "x_coord",
    "east",
)
LAT = (
    "lat",
    "latitude",
    "latitud",
    "y",
    "coord_y",
    "norte",
    "northing",
    "широта",
    "широта",
    "enlik",
    "y_coord",
    "north",
)
YEAR = ("year", "ano", "anio", "año", "annee", "année", "год", "рік", "il", "yil")
MONTH = ("month", "mes", "mois", "mês", "месяц", "місяць", "ay")
SAMPLE = 500


@cache
def synonyms() -> dict[str, Any]:
    """The words of ``words/synonyms.yaml``."""
    text = resources.files("demine.exchange").joinpath("words/synonyms.yaml")
    data: dict[str, Any] = yaml.safe_load(text.read_text("utf-8"))
    return data


def norm(name: str) -> str:
    """A name as compared: folded, words joined by ``_`` (any script)."""
    spaced = re.sub(r"([a-zа-яё])([A-ZА-ЯЁ])", r"\1_\2", str(name))
    return re.sub(r"[\W_]+", "_", fold(spaced)).strip("_")


def field_words(field: str, kind: str) -> list[str]:
    """The field's own name and its synonyms (kind-specific ones first)."""
    table = synonyms()["fields"]
    words = [field, *table.get(f"{field}@{kind}", []), *table.get(field, [])]
    return [norm(str(w)) for w in words]


@dataclass(frozen=True)
class Match:
    column: str
    score: float


def name_score(column: str, words: list[str]) -> float:
    """How well a column's name says one of ``words`` (0 when not at all)."""
    key = norm(column)
    if not key:
        return 0.0
    tokens = key.split("_")
    best = 0.0
    for rank, word in enumerate(words):
        if not word:
            continue
        # Among equal matches, the word listed first wins (municipio before
        # departamento for an admin area: the finest level).
        tie = 0.0001 * min(rank, 50)
        if key == word:
            score = 1.0
        elif word in tokens or (len(word) > 3 and key.startswith(word)):
            score = 0.85
        elif len(word) > 4 and any(t.startswith(word) for t in tokens):
            score = 0.75
        elif len(word) > 3:
            ratio = difflib.SequenceMatcher(None, key, word).ratio()
            score = 0.7 * ratio if ratio >= 0.85 else 0.0
        else:
            score = 0.0
        if score:
            best = max(best, score - tie)
    return best


def sample(values: pd.Series) -> pd.Series:
    return as_text(values).dropna().head(SAMPLE).astype(str)


def date_format(values: pd.Series) -> str | None:
    """The first format that reads every sampled value (None when none)."""
    text = sample(values)
    if text.empty or text.str.fullmatch(r"\d{1,4}").all():
        return None
    for fmt in DATE_FORMATS:
        if not DateFormat((fmt,)).parse(text)[1].any():
            return fmt
    return None


def is_year(values: pd.Series) -> bool:
    """Whole years (1800-2200), written ``2006`` or ``2,006``."""
    text = sample(values)
    if text.empty or not text.str.fullmatch(r"\d{1,2}[,.\u00a0 ]?\d{3}").all():
        return False
    years, bad = NumberFormat(thousands=",").parse(
        text.str.replace(".", ",", regex=False)
    )
    return bool(not bad.any() and ((years >= 1800) & (years <= 2200)).all())


def is_month(values: pd.Series) -> bool:
    numbers, bad = NumberFormat().parse(sample(values))
    return bool(
        len(numbers) and not bad.any() and np.isin(numbers, np.arange(1, 13)).all()
    )


def number_format(values: pd.Series) -> str:
    """The ``number:`` setting the values need ('' when plain)."""
    text = sample(values)
    if text.empty or not NumberFormat().parse(text)[1].any():
        return ""
    if not NumberFormat(thousands=",").parse(text)[1].any():
        return ', number: {thousands: ","}'
    if not NumberFormat(decimal=",", thousands=".").parse(text)[1].any():
        return ', number: {decimal: ",", thousands: "."}'
    if not NumberFormat(decimal=",").parse(text)[1].any():
        return ', number: {decimal: ","}'
    return ""


def numbers(values: pd.Series) -> np.ndarray | None:
    """The values as numbers, in whichever format reads them all."""
    text = sample(values)
    if text.empty:
        return None
    for fmt in (
        NumberFormat(),
        NumberFormat(decimal=","),
        NumberFormat(thousands=","),
    ):
        got, bad = fmt.parse(text)
        if not bad.any():
            return got
    return None


def coordinates(frame: pd.DataFrame, used: set[str]) -> tuple[str, str, bool] | None:
    """``(lon column, lat column, projected)``: by name, else by value range."""
    free = [str(c) for c in frame.columns if str(c) not in used]
    lon = _best(free, LON)
    lat = _best([c for c in free if c != lon], LAT)
    if lon and lat:
        x, y = numbers(frame[lon]), numbers(frame[lat])
        if x is not None and y is not None:
            projected = bool(np.nanmax(np.abs(x)) > 180 or np.nanmax(np.abs(y)) > 90)
            if not projected and np.nanmax(np.abs(x)) <= 90 < np.nanmax(np.abs(y)):
                lon, lat = lat, lon  # the names are swapped; the values are not
            return lon, lat, projected
    return _by_range(frame, free)


def _best(columns: list[str], words: tuple[str, ...]) -> str | None:
    scored = [(name_score(c, [norm(w) for w in words]), c) for c in columns]
    scored = [(s, c) for s, c in scored if s >= 0.75]
    return max(scored, key=lambda t: t[0])[1] if scored else None


def _by_range(frame: pd.DataFrame, columns: list[str]) -> tuple[str, str, bool] | None:
    """Two columns of decimal degrees: one within ±90, the other ±180."""
    found: dict[str, np.ndarray] = {}
    for column in columns:
        got = numbers(frame[column])
        if got is None or np.isnan(got).all():
            continue
        finite = got[np.isfinite(got)]
        fractional = (finite != np.round(finite)).mean() > 0.5
        if fractional and np.abs(finite).max() <= 180 and finite.std() < 20:
            found[column] = finite
    lats = [c for c, v in found.items() if np.abs(v).max() <= 90]
    if len(found) != 2 or not lats:
        return None
    # Of two columns within ±90, latitude is the one nearer the equator's
    # scale of the other (a guess the draft's comment asks to check).
    lat = min(lats, key=lambda c: float(np.abs(found[c]).mean()))
    lon = next(c for c in found if c != lat)
    return lon, lat, False


def age_group_guess(value: str) -> str | None:
    """The age group a source value means: ``0-17``, ``18-``; None for an
    unknown age; '' when it cannot tell."""
    folded = fold(value)
    unknown = synonyms()["values"]["sex"]["unknown"]
    if folded in {fold(str(w)) for w in unknown}:
        return None
    words = synonyms()["values"].get("age_group", {})
    for target, names in words.items():
        if folded in {fold(str(n)) for n in names}:
            return str(target)
    try:
        return normalise_age_group(value)
    except ValueError:
        return ""


def vocab_guess(value: str, vocabulary: str, allowed: list[str]) -> str:
    """The register value a source value means ('' when nothing fits)."""
    key = vocab_key(value)
    if key in allowed:
        return key
    words = synonyms()["values"].get(vocabulary, {})
    folded = fold(value)
    for target, names in words.items():
        if target in allowed and folded in {fold(str(n)) for n in names}:
            return str(target)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.75)
    return close[0] if close else ""


VOCABULARIES = {
    "Sex": "sex",
    "Outcome": "outcome",
    "VictimStatus": "victim_status",
    "VictimActivity": "victim_activity",
    "AccidentType": "accident_type",
    "HazardClass": "hazard_class",
    "HazardStatus": "hazard_status",
    "ContaminationType": "contamination_type",
    "EOCategory": "eo_category",
    "ActivityType": "activity_type",
    "ReleaseKind": "release_kind",
    "Method": "method",
    "PlaceType": "place_type",
}
