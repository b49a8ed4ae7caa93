# SPDX-License-Identifier: GPL-3.0-or-later
"""Figures of an evaluation, as PNG bytes (matplotlib, no display needed).

Figures are built on :class:`matplotlib.figure.Figure` objects, never through
pyplot's global state, so they are safe in servers and threads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray
from sklearn.metrics import precision_recall_curve, roc_curve

from demine.predict.evaluation import ModelResult
from demine.predict.metrics import SHARES

COLOURS = ("#c0392b", "#2471a3", "#7d8c2e", "#8e44ad", "#d68910")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return buf.getvalue()


def recall_area_png(results: Sequence[ModelResult], y: NDArray[np.int8]) -> bytes:
    """Recall against share of area surveyed, riskiest first, every model."""
    fig = Figure(figsize=(6.4, 4.6))
    ax = fig.subplots()
    for colour, res in zip(COLOURS, results, strict=False):
        label = f"{res.name} ({res.pooled['recall_at_20']:.0%} at 20%)"
        ax.plot(res.curve.area, res.curve.recall, color=colour, lw=2, label=label)
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="random order")
    share = float(np.mean(y == 1))
    ax.plot([0, share, 1], [0, 1, 1], color="grey", ls=":", lw=1, label="perfect")
    for s in SHARES:
        ax.axvline(s, color="#bbbbbb", lw=0.8)
    ax.set(
        xlabel="share of area surveyed, riskiest first",
        ylabel="share of mined cells found",
        xlim=(0, 1),
        ylim=(0, 1.01),
        title="Recall against area surveyed (held-out groups)",
    )
    ax.legend(loc="lower right", fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def roc_pr_png(results: Sequence[ModelResult], y: NDArray[np.int8]) -> bytes:
    """ROC and precision-recall curves side by side."""
    fig = Figure(figsize=(10.5, 4.4))
    roc_ax, pr_ax = fig.subplots(1, 2)
    for colour, res in zip(COLOURS, results, strict=False):
        score = np.nan_to_num(res.scores, nan=np.nanmin(res.scores) - 1.0)
        fpr, tpr, _ = roc_curve(y, score)
        roc_ax.plot(
            fpr,
            tpr,
            color=colour,
            lw=2,
            label=f"{res.name} ({res.pooled['roc_auc']:.3f})",
        )
        precision, recall, _ = precision_recall_curve(y, score)
        pr_ax.plot(
            recall,
            precision,
            color=colour,
            lw=2,
            label=f"{res.name} ({res.pooled['pr_auc']:.3f})",
        )
    roc_ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1)
    pr_ax.axhline(float(np.mean(y == 1)), color="grey", ls="--", lw=1)
    roc_ax.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC")
    pr_ax.set(
        xlabel="recall", ylabel="precision", title="Precision-recall", ylim=(0, 1.01)
    )
    for ax in (roc_ax, pr_ax):
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
    return _png(fig)


def calibration_png(result: ModelResult) -> bytes:
    """Reliability diagram: predicted probability against observed share."""
    table = result.calibration
    fig = Figure(figsize=(5.0, 4.6))
    ax = fig.subplots()
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="perfect")
    if table is not None and len(table):
        size = 20 + 180 * table["cells"] / table["cells"].max()
        ax.scatter(
            table["predicted"],
            table["observed"],
            s=size,
            color=COLOURS[0],
            zorder=3,
            label="bins (size: cells)",
        )
        ax.plot(table["predicted"], table["observed"], color=COLOURS[0], lw=1)
    ax.set(
        xlabel="predicted probability",
        ylabel="observed share mined",
        xlim=(0, 1),
        ylim=(0, 1),
        title=f"Calibration: {result.name}",
    )
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return _png(fig)


def importance_png(result: ModelResult, top: int = 15) -> bytes:
    """Horizontal bars of the largest feature importances."""
    items = list((result.importance or {}).items())[:top]
    fig = Figure(figsize=(6.4, 0.5 + 0.3 * max(len(items), 1)))
    ax = fig.subplots()
    names = [_short(n) for n, _ in items][::-1]
    values = [v for _, v in items][::-1]
    ax.barh(names, values, color=COLOURS[1])
    ax.set(xlabel="share of importance", title=f"Feature importance: {result.name}")
    ax.grid(alpha=0.3, axis="x")
    return _png(fig)


def _short(name: str, width: int = 40) -> str:
    return name if len(name) <= width else name[: width - 1] + "…"
