# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading values written the way people write them: column by column.

Every parser takes a whole column (a pandas Series of text or of values a
spreadsheet already typed) and returns the parsed values together with a
mask of the entries that were present but could not be read, so a caller
can report each bad row. Nothing guesses: ``31/12/2019`` is a date only under
a ``%d/%m/%Y`` format, and ``1,5`` a number only with ``decimal: ","``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

Mask = NDArray[np.bool_]

# Excel counts days from 1899-12-30 (its 1900 leap-year bug included).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
VECTOR_ROWS = 5_000
TRUE = frozenset({"true", "t", "yes", "y", "1", "si", "sí", "oui", "ja", "да"})
FALSE = frozenset({"false", "f", "no", "n", "0", "non", "nein", "нет"})


def all_text(values: pd.Series) -> bool:
    """Whether every present entry is text (decided in C, not per entry)."""
    if values.dtype != object:
        return bool(pd.api.types.is_string_dtype(values.dtype))
    return pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty")


def _strings(values: pd.Series) -> pd.Series | None:
    """A long all-text column as pandas strings (vectorised methods), else None.

    Short columns stay as they are: there the per-call overhead of the
    vectorised methods costs more than a loop.
    """
    if len(values) <= VECTOR_ROWS or not all_text(values):
        return None
    if values.dtype == object:
        return values.astype("str")
    return values


def blank(values: pd.Series) -> Mask:
    """Entries that hold nothing: None, NaN/NaT, or text of only spaces."""
    if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
        return np.asarray(pd.isna(values), dtype=bool)  # numbers, dates: no text
    text = _strings(values)
    if text is not None:
        empty = (text.str.strip() == "").to_numpy(dtype=bool, na_value=True)
        return np.asarray(text.isna().to_numpy(dtype=bool) | empty, dtype=bool)
    arr = values.to_numpy(dtype=object)
    missing = np.asarray(pd.isna(arr), dtype=bool)
    if values.dtype == object or pd.api.types.is_string_dtype(values.dtype):
        spaces = np.fromiter(
            (isinstance(v, str) and not v.strip() for v in arr), bool, len(arr)
        )
        missing |= spaces
    return missing


def as_text(values: pd.Series) -> pd.Series:
    """Text with surrounding spaces removed; blanks become missing.

    Long text columns come back as pandas strings, short or mixed ones as
    objects (None for missing); both answer ``isna``, ``isin`` and ``.str``.
    """
    text = _strings(values)
    if text is not None:
        stripped = text.str.strip()
        return stripped.where(stripped != "")
    arr = values.to_numpy(dtype=object)
    missing = blank(values)
    out = np.full(len(arr), None, dtype=object)
    for i in np.flatnonzero(~missing):
        out[i] = _text(arr[i])
    return pd.Series(out, index=values.index, dtype=object)


def map_distinct(values: pd.Series, fn: Any) -> NDArray[np.object_]:
    """``fn`` of each distinct present value, spread back (None where missing)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [fn(u) for u in uniques]
    mapped[-1] = None
    return np.asarray(mapped[codes], dtype=object)


def _text(value: object) -> str:
    # Spreadsheets type a code like 2585 as 2585.0; write it back as typed.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@dataclass(frozen=True)
class NumberFormat:
    """How a source writes numbers: ``1.234,5`` is decimal ``,`` thousands ``.``."""

    decimal: str = "."
    thousands: str | None = None
    scale: float = 1.0

    def parse(self, values: pd.Series) -> tuple[NDArray[np.float64], Mask]:
        """Floats (NaN where blank) and the mask of unreadable entries."""
        missing = blank(values)
        if pd.api.types.is_bool_dtype(values.dtype):
            return np.full(len(values), np.nan), ~missing
        if pd.api.types.is_numeric_dtype(values.dtype):
            out = pd.to_numeric(values, errors="coerce").to_numpy(
                dtype=float, na_value=np.nan
            )
            return out * self.scale, np.zeros(len(values), dtype=bool)
        text = values.astype(object).where(~missing, None)
        out = np.full(len(values), np.nan)
        present = np.flatnonzero(~missing)
        if len(present):
            parsed = self._parse_text(text.iloc[present])
            out[present] = parsed
        bad = ~missing & np.isnan(out)
        return out * self.scale, bad

    def _parse_text(self, values: pd.Series) -> NDArray[np.float64]:
        return np.asarray(by_distinct(values, self._parse_all), dtype=float)

    def _parse_all(self, values: pd.Series) -> NDArray[np.float64]:
        out = np.full(len(values), np.nan)
        typed = np.zeros(len(values), dtype=bool)
        if values.dtype == object and not all_text(values):
            # Cells a spreadsheet typed as numbers need no reading.
            typed = np.array([_is_number(v) for v in values], dtype=bool)
            out[typed] = [float(v) for v in values[typed]]
        text = values[~typed].astype(str).str.strip()
        text = text.str.replace("\u00a0", " ", regex=False)
        if self.thousands:
            # Separators must group by three: "1.234,5" yes, "1.5" no.
            sep, dec = re.escape(self.thousands), re.escape(self.decimal)
            grouped = rf"[+-]?\d{{1,3}}({sep}\d{{3}})+({dec}\d+)?"
            text = text.where(
                ~text.str.fullmatch(grouped),
                text.str.replace(self.thousands, "", regex=False),
            )
        if self.decimal != ".":
            # A dot is then never a decimal point: "1.5" with decimal "," is
            # an error, not one and a half.
            text = text.where(~text.str.contains(".", regex=False), "x")
            text = text.str.replace(self.decimal, ".", regex=False)
        out[~typed] = to_floats(text)
        return out


def to_floats(text: pd.Series) -> NDArray[np.float64]:
    """Numbers written with a decimal point, NaN where unreadable.

    Arrow's cast reads a million clean entries in a tenth of the time pandas
    takes; it refuses the whole column at the first bad entry, which pandas
    then reads entry by entry.
    """
    try:
        floats = pc.cast(pa.array(text, type=pa.string()), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        parsed = pd.to_numeric(text, errors="coerce")
        return parsed.to_numpy(dtype=float, na_value=np.nan)
    return np.asarray(floats.to_numpy(zero_copy_only=False), dtype=float)


def _is_number(value: object) -> bool:
    if isinstance(value, bool | np.bool_):
        return False
    return isinstance(value, int | float | np.integer | np.floating)


@dataclass(frozen=True)
class DateFormat:
    """How a source writes dates.

    ``formats`` are :func:`datetime.strptime` patterns tried in order, or the
    words ``iso`` (ISO 8601, the default), ``year`` (a year alone, read as 1
    January; thousands separators allowed, so ``2,006`` is 2006) and
    ``excel`` (a spreadsheet day number).
    """

    formats: tuple[str, ...] = ("iso",)

    def parse(self, values: pd.Series) -> tuple[NDArray[np.datetime64], Mask]:
        """Dates as ``datetime64[D]`` (NaT where blank) and the unreadable mask."""
        missing = blank(values)
        out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
        todo = ~missing
        typed = _typed_dates(values, todo)
        have = ~np.isnat(typed)
        out[have] = typed[have]
        todo &= ~have
        for fmt in self.formats:
            if not todo.any():
                break
            idx = np.flatnonzero(todo)
            parsed = _parse_dates(values.iloc[idx], fmt)
            ok = ~np.isnat(parsed)
            out[idx[ok]] = parsed[ok]
            todo[idx[ok]] = False
        return out, todo


def _typed_dates(values: pd.Series, todo: Mask) -> NDArray[np.datetime64]:
    """Entries a spreadsheet or a driver already typed as dates."""
    out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        return np.asarray(values.to_numpy(dtype="datetime64[D]"), "datetime64[D]")
    if values.dtype != object:
        return out
    for i in np.flatnonzero(todo):
        v = values.iat[i]
        if isinstance(v, dt.datetime | dt.date | np.datetime64):
            out[i] = np.datetime64(pd.Timestamp(v).date(), "D")
    return out


def by_distinct(values: pd.Series, parse: Any) -> Any:
    """``parse`` applied to each distinct value once, spread back to all.

    Dates, codes and counts repeat: a million rows often hold a few thousand
    distinct texts.
    """
    if len(values) < VECTOR_ROWS:
        return parse(values)
    # Coordinates and ids hardly repeat: a sample says whether to bother.
    if pd.unique(values.iloc[:VECTOR_ROWS]).size > VECTOR_ROWS // 2:
        return parse(values)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if len(uniques) > len(values) // 2:
        return parse(values)
    parsed = parse(pd.Series(np.asarray(uniques, dtype=object), dtype=object))
    return np.asarray(parsed)[codes]


def _parse_dates(values: pd.Series, fmt: str) -> NDArray[np.datetime64]:
    return np.asarray(
        by_distinct(values, lambda v: _parse_dates_all(v, fmt)), "datetime64[D]"
    )


def _parse_dates_all(values: pd.Series, fmt: str) -> NDArray[np.datetime64]:
    if fmt == "year":
        years, _ = NumberFormat(thousands=",").parse(values.astype(str))
        whole = np.isfinite(years) & (years == np.round(years))
        whole &= (years >= 1800) & (years <= 2200)
        out = np.full(len(values), np.datetime64("NaT"), dtype="datetime64[D]")
        out[whole] = (years[whole].astype(np.int64) - 1970).astype("datetime64[Y]")
        return out
    if fmt == "excel":
        days, _ = NumberFormat().parse(values)
        stamps = EXCEL_EPOCH + pd.to_timedelta(days, unit="D")
        return np.asarray(stamps.to_numpy(dtype="datetime64[D]"), "datetime64[D]")
    text = values.astype(str).str.strip()
    pattern = "ISO8601" if fmt == "iso" else fmt
    parsed = pd.to_datetime(text, format=pattern, errors="coerce")
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    return np.asarray(parsed.to_numpy(dtype="datetime64[D]"), "datetime64[D]")


def date_from_parts(
    year: pd.Series, month: pd.Series | None, day: pd.Series | str | None
) -> tuple[NDArray[np.datetime64], Mask]:
    """Dates from year, month and day columns; ``day`` may be ``"last"``.

    A missing month means January; a missing day the first of the month.
    """
    y, bad_y = NumberFormat(thousands=",").parse(year)
    m, bad_m = (
        NumberFormat().parse(month) if month is not None else (np.ones(len(y)), None)
    )
    if isinstance(day, pd.Series):
        d, bad_d = NumberFormat().parse(day)
    else:
        d, bad_d = np.ones(len(y)), None
    bad = bad_y.copy()
    for extra in (bad_m, bad_d):
        if extra is not None:
            bad |= extra
    m = np.where(np.isnan(m), 1, m)
    d = np.where(np.isnan(d), 1, d)
    frame = pd.DataFrame({"year": y, "month": m, "day": d})
    ok = ~np.isnan(y) & ~bad
    out = np.full(len(y), np.datetime64("NaT"), dtype="datetime64[D]")
    if ok.any():
        stamps = pd.to_datetime(frame[ok], errors="coerce")
        if isinstance(day, str) and day == "last":
            stamps = stamps + pd.offsets.MonthEnd(0)
        out[ok] = stamps.to_numpy(dtype="datetime64[D]")
    bad |= ~np.isnan(y) & np.isnat(out)
    bad |= ~np.isnan(y) & ((y < 1800) | (y > 2200))
    out[bad] = np.datetime64("NaT")
    return out, bad


def vocab_key(value: str) -> str:
    """The spelling vocabularies are matched on: "Worked on" -> worked_on."""
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def parse_vocab(
    values: pd.Series, enum: type[StrEnum]
) -> tuple[NDArray[np.object_], Mask]:
    """Enum values as text (None where blank) and the mask of unknown ones.

    Matching is that of :func:`demine.domain.records.parse_enum`: any case,
    spaces or hyphens for underscores. Done once per distinct value.
    """
    text = as_text(values)
    allowed = {m.value for m in enum}
    keys = map_distinct(text, lambda u: vocab_key(str(u)))
    known = np.array([k in allowed for k in keys], dtype=bool)
    present = text.notna().to_numpy(dtype=bool)
    out = keys.copy()
    out[~known] = None
    return out, present & ~known


def parse_vocab_lists(
    values: pd.Series, enum: type[StrEnum]
) -> tuple[NDArray[np.object_], Mask, list[str | None]]:
    """Lists of enum values from text split on ``,;|`` or from lists.

    Returns the lists (empty where blank), the mask of rows with an unknown
    member, and for each bad row the first unknown member.
    """
    allowed = {m.value for m in enum}
    out = np.empty(len(values), dtype=object)
    bad = np.zeros(len(values), dtype=bool)
    culprits: list[str | None] = [None] * len(values)
    for i, raw in enumerate(values.tolist()):
        items = _list_items(raw)
        keys = [vocab_key(str(v)) for v in items]
        unknown = [str(v) for v, k in zip(items, keys, strict=True) if k not in allowed]
        if unknown:
            bad[i] = True
            culprits[i] = unknown[0]
        out[i] = list(dict.fromkeys(k for k in keys if k in allowed))
    return out, bad, culprits


def _list_items(raw: object) -> list[object]:
    if raw is None or (isinstance(raw, float) and np.isnan(raw)):
        return []
    if isinstance(raw, list | tuple | np.ndarray):
        return [v for v in raw if str(v).strip()]
    return [p.strip() for p in re.split(r"[,;|]", str(raw)) if p.strip()]


def parse_bool(values: pd.Series) -> tuple[NDArray[np.object_], Mask]:
    """Booleans from true/false, yes/no, 1/0 (several languages)."""
    missing = blank(values)
    out = np.full(len(values), None, dtype=object)
    bad = np.zeros(len(values), dtype=bool)
    for i in np.flatnonzero(~missing):
        v = values.iat[i]
        if isinstance(v, bool | np.bool_):
            out[i] = bool(v)
            continue
        key = _text(v).lower()
        if key in TRUE:
            out[i] = True
        elif key in FALSE:
            out[i] = False
        else:
            bad[i] = True
    return out, bad


def fold(text: str) -> str:
    """Lower case without accents: how names are compared ("Belén" = "BELEN")."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.translate(LETTERS)


# Letters that have no accent to strip but are written without them in
# English and Spanish sources: Quzanlı = Quzanli, Ağdam = Agdam.
LETTERS = str.maketrans({"ı": "i", "ə": "e", "ł": "l", "ø": "o", "đ": "d", "æ": "ae"})
