# SPDX-License-Identifier: GPL-3.0-or-later
"""The Gantt chart of a work plan: one row per team, one column per month.

Within a team's month, each hazard worked gets a share of the width in
proportion to the m² released there. Hazards that must be finished before a
settlement's return date are drawn hatched. Built on a bare matplotlib
``Figure`` (no pyplot), so it is safe in a web server's threads.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from demine.analysis.tasking.problem import Plan, TaskingError
from demine.i18n import _

FORMATS = ("svg", "png")
ROW_INCHES = 0.22


def gantt_figure(plan: Plan, title: str | None = None) -> Figure:
    """A matplotlib figure of the plan (teams without work are left out)."""
    rows = plan.rows
    teams = list(dict.fromkeys(rows["team_id"].tolist()))
    names = rows.drop_duplicates("team_id").set_index("team_id")["team"]
    height = max(2.5, 1.4 + ROW_INCHES * len(teams))
    fig = Figure(figsize=(11, height), layout="constrained")
    ax = fig.add_subplot()
    due = set(plan.deadlines["hazard_id"].tolist()) if len(plan.deadlines) else set()
    colours = [f"C{i}" for i in range(10)]
    y_of = {team: i for i, team in enumerate(teams)}
    for (team, month), group in rows.groupby(["team_id", "month_index"], sort=False):
        share = group["released_m2"].to_numpy(dtype=float)
        total = share.sum()
        if total <= 0:
            continue
        left = float(month)
        for hazard, part in zip(group["hazard_id"], share / total, strict=True):
            ax.barh(
                y_of[team],
                part * 0.96,
                left=left + 0.02,
                height=0.7,
                color=colours[int(hazard) % len(colours)],
                hatch="///" if hazard in due else None,
                edgecolor="black" if hazard in due else "white",
                linewidth=0.4,
            )
            if part > 0.45:
                ax.text(
                    left + 0.02 + part * 0.48,
                    y_of[team],
                    str(hazard),
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white",
                )
            left += part
    ax.set_yticks(np.arange(len(teams)), [str(names[t]) for t in teams], fontsize=7)
    ax.set_ylim(len(teams) - 0.5, -0.5)
    ax.set_xticks(np.arange(len(plan.months)) + 0.5, plan.months, fontsize=7)
    ax.set_xlim(0, len(plan.months))
    ax.tick_params(axis="x", labelrotation=45)
    ax.grid(axis="x", color="#cccccc", linewidth=0.5)
    ax.set_axisbelow(True)
    ax.set_xlabel("month (bar width: share of the month's m² on each hazard)")
    ax.set_title(
        title or f"Work plan: {plan.released_m2:,.0f} m² over {len(plan.months)} months"
    )
    if due:
        ax.legend(
            handles=[
                Patch(
                    facecolor="white",
                    edgecolor="black",
                    hatch="///",
                    label="due before a settlement's return date",
                )
            ],
            loc="upper right",
            fontsize=7,
        )
    return fig


def gantt_bytes(plan: Plan, fmt: str = "svg") -> bytes:
    """The chart as SVG or PNG bytes."""
    if fmt not in FORMATS:
        raise TaskingError(_("Gantt chart format %(fmt)r: use svg or png", fmt=fmt))
    if len(plan.rows) == 0:
        raise TaskingError(_("the plan assigns no work, so there is no chart to draw"))
    buffer = io.BytesIO()
    gantt_figure(plan).savefig(buffer, format=fmt, dpi=150 if fmt == "png" else None)
    return buffer.getvalue()


def write_gantt(plan: Plan, path: Path) -> Path:
    """Write the chart to ``path`` (.svg or .png)."""
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise TaskingError(
            _("%(path)s: the Gantt chart file must end in .svg or .png", path=path)
        )
    data = gantt_bytes(plan, fmt)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise TaskingError(
            _(
                "%(path)s: cannot write the chart: %(strerror)s",
                path=path,
                strerror=exc.strerror,
            )
        ) from None
    return path
