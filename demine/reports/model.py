# SPDX-License-Identifier: GPL-3.0-or-later
"""What a report holds before it is rendered: sections of figures, tables, charts.

Values stay in their base unit (m², USD, counts); each column says how to show
them (``fmt``), so the HTML can carry the exact value beside the shown text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure as MplFigure

from demine.reports.charts import to_png_uri, to_svg
from demine.reports.period import Period

# How a value is shown: m² as hectares or km², money, counts, shares, text.
FORMATS = ("text", "int", "ha", "km2", "m2", "usd", "usd_ha", "pct", "rate", "year")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fmt: str = "text"

    def __post_init__(self) -> None:
        if self.fmt not in FORMATS:
            raise ValueError(f"unknown format {self.fmt!r}")


@dataclass
class Table:
    """Rows of raw values under ``columns``; ``total`` is an optional last row."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Figure:
    """One headline number."""

    key: str
    label: str
    value: Any
    fmt: str = "int"


@dataclass(frozen=True)
class Chart:
    """A matplotlib figure with a caption; drawn as SVG or PNG when rendered."""

    key: str
    title: str
    figure: MplFigure

    def svg(self) -> str:
        return to_svg(self.figure)

    def png_uri(self) -> str:
        return to_png_uri(self.figure)


@dataclass
class Section:
    key: str
    title: str
    intro: str | None = None
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unavailable: str | None = None


@dataclass
class Report:
    kind: str
    title: str
    period: Period
    sections: list[Section]
    subtitle: str | None = None
    source: str | None = None
    generated_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).replace(microsecond=0)
    )

    def section(self, key: str) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)
