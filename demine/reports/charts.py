# SPDX-License-Identifier: GPL-3.0-or-later
"""Report charts with matplotlib: SVG in the HTML, PNG in the PDF.

Figures are built with the object API (no pyplot state), so reports can be
made from several server threads at once. The PDF gets PNG at print
resolution because WeasyPrint draws SVG node by node, which made a national
report's PDF take tens of seconds.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from demine.reports.formatting import M2_PER_HA

# Colour-blind safe (Paul Tol); land release kinds keep their colour throughout.
KIND_COLOURS = {"cancelled": "#88CCEE", "reduced": "#DDCC77", "cleared": "#117733"}
PALETTE = ["#332288", "#44AA99", "#CC6677", "#DDCC77", "#88CCEE", "#AA4499", "#999933"]
SIZE = (7.0, 2.7)  # inches: the text column of an A4 page, two charts high


PRINT_DPI = 160


def to_svg(fig: Figure) -> str:
    """The figure as an inline ``<svg>`` element (no XML prologue, no date)."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


def to_png_uri(fig: Figure, dpi: int = PRINT_DPI) -> str:
    """The figure as a ``data:image/png`` URI."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight", dpi=dpi)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(size: tuple[float, float] = SIZE) -> Figure:
    fig = Figure(figsize=size, dpi=100)
    fig.set_facecolor("white")
    return fig


def _plain(value: float, _pos: object = None) -> str:
    """Tick labels with thousands separators, never a "1e6" offset."""
    if abs(value) >= 10 or value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.1f}"


PLAIN = FuncFormatter(_plain)


def _tidy(ax: object) -> None:
    ax.yaxis.set_major_formatter(PLAIN)  # type: ignore[attr-defined]
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)  # type: ignore[attr-defined]
    ax.set_axisbelow(True)  # type: ignore[attr-defined]


def stacked_bars(
    categories: Sequence[str],
    series: Mapping[str, Sequence[float]],
    ylabel: str,
    colours: Mapping[str, str] | None = None,
    scale: float = 1.0,
) -> Figure:
    """Bars per category, stacked by series; values divided by ``scale``."""
    fig = _figure()
    ax = fig.add_subplot()
    bottom = np.zeros(len(categories))
    x = np.arange(len(categories))
    for i, (name, values) in enumerate(series.items()):
        v = np.asarray(values, dtype=float) / scale
        colour = (colours or {}).get(name, PALETTE[i % len(PALETTE)])
        ax.bar(x, v, bottom=bottom, label=name, color=colour, width=0.7)
        bottom += v
    ax.set_xticks(x, list(categories), rotation=45 if len(categories) > 8 else 0)
    ax.set_ylabel(ylabel)
    _tidy(ax)
    if len(series) > 1:
        ax.legend(frameon=False, fontsize=8, ncols=min(len(series), 4))
    return fig


def released_bars(
    categories: Sequence[str],
    by_kind: Mapping[str, Sequence[float]],
    labels: Mapping[str, str],
    ylabel: str,
) -> Figure:
    """Land released (m²) per category, stacked by kind, drawn in ha.

    ``by_kind`` is keyed by release kind; ``labels`` names each kind.
    """
    series = {labels[k]: v for k, v in by_kind.items()}
    colours = {labels[k]: KIND_COLOURS[k] for k in by_kind if k in KIND_COLOURS}
    return stacked_bars(categories, series, ylabel, colours, scale=M2_PER_HA)


def horizontal_bars(
    labels: Sequence[str], values: Sequence[float], xlabel: str, scale: float = 1.0
) -> Figure:
    """One bar per label, longest on top."""
    height = max(1.6, 0.28 * len(labels) + 0.8)
    fig = _figure((SIZE[0], height))
    ax = fig.add_subplot()
    v = np.asarray(values, dtype=float) / scale
    y = np.arange(len(labels))[::-1]
    ax.barh(y, v, color=PALETTE[0], height=0.7)
    ax.set_yticks(y, list(labels), fontsize=8)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_formatter(PLAIN)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def fan(
    years: Sequence[int],
    p10: Sequence[float],
    p50: Sequence[float],
    p90: Sequence[float],
    ylabel: str,
    labels: tuple[str, str],
    scale: float = 1.0,
) -> Figure:
    """Median line with the P10–P90 band (the remaining-area forecast)."""
    fig = _figure()
    ax = fig.add_subplot()
    x = np.asarray(years, dtype=float)
    lo = np.asarray(p10, dtype=float) / scale
    hi = np.asarray(p90, dtype=float) / scale
    ax.fill_between(
        x,
        np.minimum(lo, hi),
        np.maximum(lo, hi),
        color="#88CCEE",
        alpha=0.6,
        label=labels[0],
    )
    ax.plot(x, np.asarray(p50, dtype=float) / scale, color="#332288", label=labels[1])
    ax.set_ylabel(ylabel)
    ax.set_ylim(bottom=0)
    _tidy(ax)
    ax.legend(frameon=False, fontsize=8)
    return fig
