# SPDX-License-Identifier: GPL-3.0-or-later
"""The evaluation report: one self-contained HTML page, figures embedded.

The page needs no network (no CDN, no fonts): figures are PNG data URIs and
the style sheet is inline, so it can be mailed or opened offline.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from demine import __version__
from demine.predict import plots
from demine.predict.evaluation import Evaluation, ModelResult

STYLE = """
body{font-family:system-ui,sans-serif;max-width:1080px;margin:2em auto;color:#222;
line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.8em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.4em .8em;margin:.4em 0}
.muted{color:#666;font-size:.9em}img{max-width:100%}
"""
LABELS = {
    "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC",
    "recall_at_10": "recall @10% area",
    "recall_at_20": "recall @20% area",
    "recall_at_30": "recall @30% area",
    "brier": "Brier",
    "calibration_error": "calibration error",
}


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<p><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}"></p>'


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return "–" if math.isnan(value) else f"{value:.3f}"
    if isinstance(value, int | np.integer):
        return f"{value:,}"
    return html.escape(str(value))


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{_fmt(v)}</td>" for v in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _metric_rows(
    results: Sequence[ModelResult], pick: str
) -> tuple[list[str], list[list[Any]]]:
    keys = [k for k in LABELS if any(k in r.pooled for r in results)]
    rows = []
    for r in results:
        values = r.pooled if pick == "pooled" else _mean(r.per_fold)
        rows.append([r.name, *[values.get(k, float("nan")) for k in keys]])
    return ["model", *[LABELS[k] for k in keys]], rows


def _mean(per_fold: list[dict[str, float]]) -> dict[str, float]:
    keys = {k for row in per_fold for k in row if k != "fold"}
    return {
        k: float(np.nanmean([row.get(k, np.nan) for row in per_fold])) for k in keys
    }


def render(
    ev: Evaluation, title: str = "Contamination model evaluation", source: str = ""
) -> str:
    """The report of ``ev`` as an HTML page."""
    s = ev.summary
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>",
        f"<p class='muted'>{html.escape(source)} · demine {__version__} · "
        f"{dt.date.today().isoformat()}</p>",
        "<h2>Validation</h2>",
        f"<p>Every figure below comes from cells of groups the model never saw: "
        f"groups are <b>{html.escape(s['grouping'])}</b>; {s['folds']} folds each "
        "hold out a whole region (neighbouring groups joined, with a buffer "
        "between its cells and the training cells, when the cells have "
        "coordinates), and each model is fitted on the other regions only "
        "(LightGBM's calibration, too, uses folds inside the training groups). "
        "No fold trained on a group it tests on (checked for every fold).</p>",
        _table(
            [
                "labelled cells",
                "mined (1)",
                "clean (0)",
                "unknown (-1, unused)",
                "groups",
                "features",
            ],
            [
                [
                    s["labelled"],
                    s["positive"],
                    s["negative"],
                    s["unknown"],
                    s["groups"],
                    s["features"],
                ]
            ],
        ),
        "<h2>Held-out regions</h2><p>Each region ranked on its own, as a new "
        "region would be: mean, lowest and highest over regions, and in how many "
        "regions each model beats the best single feature (chosen, with its "
        "direction, on the training regions).</p>",
        _spread(ev),
        "<h2>Results</h2><p>Pooled: the out-of-fold scores of all held-out groups "
        "ranked together (as for choosing where to survey across the country). "
        f"A random order scores ROC-AUC 0.5, PR-AUC {np.mean(ev.y == 1):.3f} (the "
        "mined share) and recall equal to the area share.</p>",
        _table(*_metric_rows(ev.results, "pooled")),
        "<p>Mean over folds: each held-out group ranked on its own (as for "
        "choosing where to start within an area). Folds whose cells are all of one "
        "class have no ROC-AUC.</p>",
        _table(*_metric_rows(ev.results, "folds")),
        _img(plots.recall_area_png(ev.results, ev.y), "recall against area"),
        _img(plots.roc_pr_png(ev.results, ev.y), "ROC and precision-recall curves"),
    ]
    parts += _calibration(ev)
    parts += _importance(ev)
    parts += _folds(ev)
    if ev.notes:
        parts.append("<h2>Read with care</h2>")
        parts += [f"<p class='note'>{html.escape(n)}</p>" for n in ev.notes]
    parts.append("</body></html>")
    return "\n".join(parts)


def _spread(ev: Evaluation) -> str:
    spread = ev.spread()
    rows = []
    for name, row in spread.iterrows():
        cells: list[Any] = [name]
        for k in ("roc_auc", "pr_auc", "recall_at_20"):
            cells += [row[f"{k}_mean"], row[f"{k}_min"], row[f"{k}_max"]]
        wins = [row.get(f"{k}_wins", float("nan")) for k in ("roc_auc", "recall_at_20")]
        cells += [f"{w:.0f} of {row.get('regions', 0):.0f}" for w in wins]
        rows.append(cells)
    header = ["model"]
    for label in ("ROC-AUC", "PR-AUC", "recall@20%"):
        header += [f"{label} mean", "lowest", "highest"]
    header += ["beats single: ROC-AUC", "beats single: recall@20%"]
    return _table(header, rows)


def _calibration(ev: Evaluation) -> list[str]:
    out = ["<h2>Calibration</h2>"]
    for r in ev.results:
        if r.probabilistic and r.calibration is not None:
            out.append(_img(plots.calibration_png(r), f"calibration of {r.name}"))
    return out


def _importance(ev: Evaluation) -> list[str]:
    out = [
        "<h2>Feature importance</h2><p>LightGBM: share of split gain, averaged "
        "over folds. Logistic regression: share of absolute standardised "
        "coefficients. The nearest-find baseline uses one input only: the distance "
        "to the nearest mined cell of the training groups.</p>"
    ]
    for r in ev.results:
        if r.importance:
            out.append(_img(plots.importance_png(r), f"importance for {r.name}"))
    return out


def _folds(ev: Evaluation) -> list[str]:
    rows = []
    for i, rec in enumerate(ev.folds):
        row: list[Any] = [", ".join(rec.held_out), rec.test_cells, rec.test_positive]
        for r in ev.results:
            fold = r.per_fold[i]
            row += [fold.get("roc_auc", float("nan")), fold.get("recall_at_20")]
        rows.append(row)
    header = ["held out", "cells", "mined"]
    for r in ev.results:
        header += [f"{r.name}: ROC-AUC", f"{r.name}: recall@20%"]
    return ["<h2>Per fold</h2>", _table(header, rows)]
