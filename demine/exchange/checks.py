# SPDX-License-Identifier: GPL-3.0-or-later
"""Checking incoming rows against the register's rules, a column at a time.

:func:`check_table` applies to a whole column what
:mod:`demine.domain.records` applies to one record (vocabularies, numbers
and their ranges, dates not in the future, required fields, the rules
between fields), so a million rows take seconds, and it reports *every* bad
row rather than the first. Its results agree with the per-record checks;
``tests/exchange/test_checks.py`` holds them to that.

Geometry is split in two, as the issue of record asks: geometry that cannot
be what the field holds (unreadable, the wrong type, coordinates beyond
±180°/±90°) is bad input; geometry of poor *quality* (empty, invalid,
overlapping, swapped) loads, and ``demine validate`` reports it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from demine.domain.ages import fits_group, normalise_age_group
from demine.domain.identity import normalise_uid
from demine.domain.records import (
    CONTROL_CHARACTERS,
    MAX_TEXT,
    NOT_NUMBERS,
    coordinate_masks,
    range_reason,
    text_problem,
)
from demine.domain.vocab import ActivityStatus, ActivityType, ReleaseKind
from demine.errors import SourceError
from demine.exchange.entities import EntitySpec, FieldSpec
from demine.exchange.parsing import (
    DateFormat,
    NumberFormat,
    as_text,
    blank,
    map_distinct,
    parse_bool,
    parse_vocab,
    parse_vocab_lists,
)
from demine.i18n import _

Mask = NDArray[np.bool_]

_POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)


@dataclass
class Problems:
    """Every bad row found so far, worded for the person who sent the file.

    ``files`` names each row's file when the rows come from several.
    """

    file: str
    rows: NDArray[np.int64]
    items: list[SourceError] = field(default_factory=list)
    files: NDArray[np.object_] | None = None
    #: things worth telling that are not errors (warnings of the import)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        mask: Mask,
        name: str,
        values: Iterable[Any] | pd.Series,
        reason: str | Callable[[Any], str],
    ) -> None:
        """One problem per True entry of ``mask``; ``reason`` may word each."""
        if not mask.any():
            return
        seq = values if isinstance(values, pd.Series) else pd.Series(list(values))
        for pos in np.flatnonzero(mask):
            value = seq.iat[pos]
            text = reason(value) if callable(reason) else reason
            self.items.append(
                SourceError(
                    text,
                    file=self.file if self.files is None else str(self.files[pos]),
                    row=int(self.rows[pos]),
                    field=name,
                    value=_shown(value),
                )
            )


def _shown(value: Any) -> Any:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value, rounding_precision=6)[:80]
    return value


@dataclass(frozen=True)
class CheckOptions:
    """What the register's rules are checked against.

    ``optional`` lists fields normally required that this source does not
    have (legacy data without dates, say): rows load with them empty.
    """

    today: dt.date
    optional: frozenset[str] = frozenset()


def check_table(
    spec: EntitySpec,
    frame: pd.DataFrame,
    problems: Problems,
    options: CheckOptions,
) -> pd.DataFrame:
    """Typed, checked columns of ``frame`` (field name -> raw values).

    Every problem goes to ``problems``; the returned frame has the same
    index, with unusable entries set to missing.
    """
    out: dict[str, Any] = {}
    for name in frame.columns:
        fs = spec.by_name.get(name)
        if fs is None or fs.derived:
            continue
        out[name] = _convert(fs, frame[name], problems, options)
    clean = pd.DataFrame(out, index=frame.index)
    _check_required(spec, frame, clean, problems, options)
    _check_between_fields(spec.kind, frame, clean, problems, options)
    return clean


def _convert(
    fs: FieldSpec, values: pd.Series, problems: Problems, options: CheckOptions
) -> Any:
    kind = fs.type
    if kind == "vocab":
        assert fs.enum is not None
        out, bad = parse_vocab(values, fs.enum)
        allowed = ", ".join(m.value for m in fs.enum)
        problems.add(
            bad,
            fs.name,
            values,
            _("unknown value; allowed: %(allowed)s", allowed=allowed),
        )
        return out
    if kind == "vocabs":
        assert fs.enum is not None
        lists, bad, culprits = parse_vocab_lists(values, fs.enum)
        allowed = ", ".join(m.value for m in fs.enum)
        problems.add(
            bad,
            fs.name,
            pd.Series(culprits, dtype=object),
            _("unknown value; allowed: %(allowed)s", allowed=allowed),
        )
        return lists
    if kind in ("int", "float"):
        return _numbers(fs, values, problems)
    if kind == "date":
        return _dates(fs, values, problems, options)
    if kind == "bool":
        bools, bad = parse_bool(values)
        problems.add(bad, fs.name, values, _("is not yes/no (true/false, 1/0)"))
        return bools
    if kind == "geometry":
        return _geometries(fs, values, problems)
    if kind == "json":
        return _json(fs, values, problems)
    if fs.name == "uid":
        return _uids(fs, values, problems)
    return _texts(fs, values, problems)


def _uids(fs: FieldSpec, values: pd.Series, problems: Problems) -> pd.Series:
    """Record uids: UUID text in lower case; anything else is bad input."""
    text = as_text(values)
    present = text.notna().to_numpy(dtype=bool)
    uids = pd.Series(map_distinct(text, normalise_uid), index=values.index)
    bad = present & uids.isna().to_numpy(dtype=bool)
    problems.add(
        bad,
        fs.name,
        values,
        "is not a record uid (a UUID such as 0f8fad5b-d9cb-469f-a165-70867728950e)",
    )
    return uids


def _numbers(fs: FieldSpec, values: pd.Series, problems: Problems) -> pd.Series:
    if values.dtype.kind == "f" and fs.type == "float":
        numbers = values.to_numpy(dtype=float)
        bad = np.zeros(len(values), dtype=bool)
    else:
        numbers, bad = NumberFormat().parse(values)
    problems.add(
        bad,
        fs.name,
        values,
        _(
            "is not a number (for decimal commas or thousands separators, give the "
            "number format in the mapping)"
        ),
    )
    present = ~np.isnan(numbers)
    finite = np.isfinite(numbers)
    problems.add(present & ~finite, fs.name, values, _("is not a finite number"))
    if fs.type == "int":
        fraction = present & finite & (numbers != np.round(numbers))
        problems.add(fraction, fs.name, values, _("must be a whole number"))
        numbers = np.where(fraction, np.nan, numbers)
    if fs.minimum is not None:
        low = present & (numbers < fs.minimum)
        problems.add(
            low, fs.name, values, _("must be at least %(minimum)g", minimum=fs.minimum)
        )
        numbers = np.where(low, np.nan, numbers)
    if fs.maximum is not None:
        high = present & (numbers > fs.maximum)
        problems.add(
            high, fs.name, values, _("must be at most %(maximum)g", maximum=fs.maximum)
        )
        numbers = np.where(high, np.nan, numbers)
    numbers = np.where(finite, numbers, np.nan)
    if fs.type == "int":
        return pd.Series(numbers, index=values.index).round().astype("Int64")
    return pd.Series(numbers, index=values.index)


def _dates(
    fs: FieldSpec, values: pd.Series, problems: Problems, options: CheckOptions
) -> NDArray[np.datetime64]:
    dates, bad = DateFormat().parse(values)
    problems.add(
        bad,
        fs.name,
        values,
        _(
            "is not a date (ISO 8601 such as 2019-12-31; give other formats in the "
            "mapping)"
        ),
    )
    if fs.past_only:
        late = ~np.isnat(dates) & (dates > np.datetime64(options.today, "D"))
        problems.add(late, fs.name, values, _("is in the future"))
        dates = np.where(late, np.datetime64("NaT"), dates)
    return dates


def _texts(fs: FieldSpec, values: pd.Series, problems: Problems) -> pd.Series:
    """Text as :func:`demine.domain.records.text_problem` allows it.

    The length is tested on the whole column at once; only texts that hold
    a control character or are too long go through the per-text rule, for
    its words.
    """
    text = as_text(values)
    if not text.notna().any():
        return text
    limit = MAX_TEXT if fs.max_length is None else fs.max_length
    lengths = text.str.len().to_numpy(dtype=float, na_value=0.0)
    suspect = lengths > limit
    controls = text.str.contains(CONTROL_CHARACTERS, regex=True)
    suspect |= controls.fillna(False).to_numpy(dtype=bool)
    if suspect.any():
        reasons = pd.Series([None] * len(text), dtype=object)
        for pos in np.flatnonzero(suspect):
            reasons.iat[pos] = text_problem(text.iat[pos], fs.max_length)
        bad = reasons.notna().to_numpy(dtype=bool)
        problems.add(bad, fs.name, text, lambda v: str(text_problem(v, fs.max_length)))
        text = text.where(~bad, None)
    return text


def _json(fs: FieldSpec, values: pd.Series, problems: Problems) -> NDArray[Any]:
    out = np.full(len(values), None, dtype=object)
    missing = blank(values)
    bad = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(~missing):
        raw = values.iat[i]
        if isinstance(raw, dict):
            out[i] = raw
            continue
        try:
            parsed = json.loads(str(raw))
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, dict):
            out[i] = parsed
        else:
            bad[i] = True
    problems.add(bad, fs.name, values, _("is not a JSON object"))
    return out


def to_geometries(values: pd.Series) -> tuple[NDArray[np.object_], Mask]:
    """Shapely geometries from geometries, WKT or GeoJSON text; unreadable mask."""
    raw = values.to_numpy(dtype=object)
    out = np.full(len(raw), None, dtype=object)
    is_geom = np.asarray(shapely.is_geometry(raw), dtype=bool)
    out[is_geom] = raw[is_geom]
    missing = blank(values) & ~is_geom
    text_pos = np.flatnonzero(~is_geom & ~missing)
    bad = np.zeros(len(raw), dtype=bool)
    if len(text_pos):
        texts = np.array([_geometry_text(raw[i]) for i in text_pos], dtype=object)
        geojson = np.array([t.startswith("{") for t in texts], dtype=bool)
        parsed = np.full(len(texts), None, dtype=object)
        if (~geojson).any():
            parsed[~geojson] = shapely.from_wkt(texts[~geojson], on_invalid="ignore")
        if geojson.any():
            parsed[geojson] = shapely.from_geojson(texts[geojson], on_invalid="ignore")
        out[text_pos] = parsed
        bad[text_pos] = shapely.is_missing(parsed)
    return out, bad


def _geometry_text(value: Any) -> str:
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value).strip()


def _geometries(
    fs: FieldSpec, values: pd.Series, problems: Problems
) -> NDArray[np.object_]:
    geoms, bad = to_geometries(values)
    problems.add(bad, fs.name, values, _("is not a readable geometry (WKT or GeoJSON)"))
    present = ~shapely.is_missing(geoms)
    has_z = present & np.asarray(shapely.has_z(geoms), dtype=bool)
    if has_z.any():  # ODK altitudes, PolygonZ shapefiles: the register is 2D
        geoms[has_z] = shapely.force_2d(geoms[has_z])
    empty = present & shapely.is_empty(geoms)
    geoms[empty] = None  # quality, not input: validate reports it
    present &= ~empty
    geoms = _fit_type(fs, geoms, present, problems)
    not_numbers, out_of_range = coordinate_masks(geoms)
    problems.add(not_numbers, fs.name, geoms, NOT_NUMBERS)
    problems.add(out_of_range, fs.name, geoms, range_reason)
    geoms[out_of_range | not_numbers] = None
    return geoms


def _fit_type(
    fs: FieldSpec, geoms: NDArray[np.object_], present: Mask, problems: Problems
) -> NDArray[np.object_]:
    """Polygons become MultiPolygons, single-point MultiPoints Points; the
    rest of the wrong type is bad input."""
    types = shapely.get_type_id(geoms)
    if fs.geometry == "polygon":
        single = present & (types == shapely.GeometryType.POLYGON)
        geoms[single] = shapely.multipolygons(geoms[single, None])
        wrong = present & ~np.isin(types, _POLYGONAL)
        wanted = "a polygon"
    elif fs.geometry == "point":
        parts = shapely.get_num_geometries(geoms)
        multi = present & (types == shapely.GeometryType.MULTIPOINT) & (parts == 1)
        geoms[multi] = shapely.get_geometry(geoms[multi], 0)
        wrong = present & (types != shapely.GeometryType.POINT) & ~multi
        wanted = "a point"
    else:
        return geoms
    problems.add(
        wrong,
        fs.name,
        geoms,
        lambda g: _(
            "%(geom_type)s given where %(wanted)s is expected",
            geom_type=g.geom_type,
            wanted=wanted,
        ),
    )
    geoms[wrong] = None
    return geoms


def _check_required(
    spec: EntitySpec,
    raw: pd.DataFrame,
    clean: pd.DataFrame,
    problems: Problems,
    options: CheckOptions,
) -> None:
    for fs in spec.importable():
        if not fs.required or fs.name in options.optional:
            continue
        if fs.name not in clean.columns:
            raise SourceError(
                _("is required and the file (or its mapping) does not give it"),
                file=problems.file,
                field=fs.name,
            )
        # Values already reported as bad are not "missing" as well.
        missing = blank(raw[fs.name])
        problems.add(missing, fs.name, raw[fs.name], _("is required"))


def _check_between_fields(
    kind: str,
    raw: pd.DataFrame,
    clean: pd.DataFrame,
    problems: Problems,
    options: CheckOptions,
) -> None:
    if kind == "activity":
        _check_activity(raw, clean, problems, options)
    elif kind == "release":
        _check_release(raw, clean, problems, options)
    elif kind == "victim":
        _check_victim(raw, clean, problems)


def _check_victim(raw: pd.DataFrame, clean: pd.DataFrame, problems: Problems) -> None:
    """Age groups in the stored spelling; an exact age must lie in its group."""
    if "age_group" not in clean:
        return
    groups = clean["age_group"].astype(object).to_numpy(dtype=object)
    reasons: dict[str, str] = {}
    spelled: dict[str, str | None] = {}
    for text in pd.unique(pd.Series(groups).dropna()):
        try:
            spelled[text] = normalise_age_group(str(text))
        except ValueError as exc:
            spelled[text] = None
            reasons[text] = str(exc)
    out = np.array([None if g is None else spelled.get(g) for g in groups], object)
    bad = np.array([g is not None and g in reasons for g in groups], dtype=bool)
    problems.add(
        bad,
        "age_group",
        raw["age_group"],
        lambda v: reasons.get(
            str(v).strip(), _("is not an age group (as 0-17 or 18-)")
        ),
    )
    if "age" in clean:
        ages = pd.to_numeric(clean["age"], errors="coerce").to_numpy(dtype=float)
        outside = np.array(
            [
                g is not None and not np.isnan(a) and not fits_group(a, g)
                for a, g in zip(ages, out, strict=True)
            ],
            dtype=bool,
        )
        problems.add(
            outside, "age_group", raw["age_group"], _("does not hold the victim's age")
        )
    clean["age_group"] = out


def _check_activity(
    raw: pd.DataFrame, clean: pd.DataFrame, problems: Problems, options: CheckOptions
) -> None:
    n = len(clean)
    none = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    start = np.asarray(clean["start_date"]) if "start_date" in clean else none
    end = np.asarray(clean["end_date"]) if "end_date" in clean else none
    status = clean["status"].to_numpy() if "status" in clean else np.full(n, None)
    today = np.datetime64(options.today, "D")
    early_start = (status != ActivityStatus.PLANNED.value) & (start > today)
    problems.add(
        early_start,
        "start_date",
        raw.get("start_date", pd.Series(start)),
        _("is in the future, and only a planned activity may start later"),
    )
    late_end = (status == ActivityStatus.COMPLETED.value) & (end > today)
    problems.add(
        late_end,
        "end_date",
        raw.get("end_date", pd.Series(end)),
        _("is in the future, and the activity is completed"),
    )
    before = end < start
    problems.add(
        before,
        "end_date",
        raw.get("end_date", pd.Series(end)),
        _("is before the start date"),
    )
    if "hazard" in options.optional:
        return
    kinds = clean["activity_type"].to_numpy() if "activity_type" in clean else None
    if kinds is None:
        return
    needs = np.isin(kinds, [ActivityType.TS.value, ActivityType.CLEARANCE.value])
    hazard = clean["hazard"] if "hazard" in clean else pd.Series([None] * n)
    problems.add(
        needs & hazard.isna().to_numpy(),
        "hazard",
        hazard,
        _("is required for technical survey and clearance"),
    )


def _check_release(
    raw: pd.DataFrame, clean: pd.DataFrame, problems: Problems, options: CheckOptions
) -> None:
    if "kind" not in clean:
        return
    kinds = clean["kind"].to_numpy()
    n = len(clean)
    depth = clean["depth_cm"] if "depth_cm" in clean else pd.Series([np.nan] * n)
    has_depth = depth.notna().to_numpy()
    if "depth_cm" not in options.optional:
        problems.add(
            (kinds == ReleaseKind.CLEARED.value) & ~has_depth,
            "depth_cm",
            depth,
            _("is required for cleared land (the depth it was cleared to)"),
        )
    problems.add(
        (kinds == ReleaseKind.CANCELLED.value) & has_depth,
        "depth_cm",
        depth,
        _("cancelled land was not searched, so it has no depth"),
    )
