# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: transfer to regions never seen, on the real Colombian grid (RELand).

Reads ``../shared/data/colombia/reland/train_all.csv`` (7,019 cells of about
1 km in 19 municipalities of eastern Antioquia; label ``mines_outcome``) and
runs every candidate model of ``demine predict evaluate`` under two schemes,
with 5 km between held-out cells and the nearest training cell:

* **regions**: the municipalities joined with their neighbours into six
  regions of similar size, each held out whole (what a new department is);
* **municipalities**: one municipality held out at a time.

Everything a model chooses (features, directions, the best single feature)
is chosen on the training regions of each fold. Prints Markdown tables for
docs/predict.md: every region with every model, and the spread (mean,
lowest, highest) with the number of regions in which each model beats the
best single feature; writes the HTML reports.

    python bench/predict_colombia.py [--rounds 300] [--out DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from demine.predict.evaluation import Evaluation, evaluate
from demine.predict.learners import BoostingParams
from demine.predict.report import render

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "colombia" / "reland" / "train_all.csv"
METRICS = ("roc_auc", "pr_auc", "recall_at_20")


def per_region(ev: Evaluation) -> list[str]:
    """One row per region: ROC-AUC / PR-AUC / recall@20% of every model."""
    per = ev.regions()
    models = list(dict.fromkeys(per["model"]))
    lines = [
        "| region | cells | mined | " + " | ".join(models) + " |",
        "|---|---|---|" + "---|" * len(models),
    ]
    for region, part in per.groupby("region", sort=False):
        by = part.set_index("model")
        cells = [" / ".join(f"{by.loc[m, k]:.2f}" for k in METRICS) for m in models]
        first = part.iloc[0]
        lines.append(
            f"| {region} | {first.cells:,} | {first.mined:,} | "
            + " | ".join(cells)
            + " |"
        )
    return lines


def summary(ev: Evaluation) -> list[str]:
    spread, pooled = ev.spread(), ev.table()
    lines = [
        "| model | ROC-AUC mean (lowest–highest) | PR-AUC mean | recall@20% mean "
        "(lowest–highest) | beats best single: ROC-AUC | recall@20% | pooled ROC-AUC |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, s in spread.iterrows():
        lines.append(
            f"| {name} | {s['roc_auc_mean']:.3f} ({s['roc_auc_min']:.2f}–"
            f"{s['roc_auc_max']:.2f}) | {s['pr_auc_mean']:.3f} | "
            f"{s['recall_at_20_mean']:.3f} ({s['recall_at_20_min']:.2f}–"
            f"{s['recall_at_20_max']:.2f}) | {s['roc_auc_wins']:.0f} of "
            f"{s['regions']:.0f} | {s['recall_at_20_wins']:.0f} of "
            f"{s['regions']:.0f} | {pooled.loc[name, 'roc_auc']:.3f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--out", default=".", help="directory for the HTML reports")
    args = parser.parse_args()
    if not DATA.exists():
        raise SystemExit(f"real data not available: {DATA}")
    frame = pd.read_csv(DATA)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, regions in (("regions", 6), ("municipalities", None)):
        started = time.perf_counter()
        ev = evaluate(
            frame,
            "mines_outcome",
            group="Municipio",
            params=BoostingParams(rounds=args.rounds),
            regions=regions,
        )
        elapsed = time.perf_counter() - started
        report = out / f"colombia_{name}.html"
        report.write_text(render(ev, source=f"RELand train_all.csv, {name}"), "utf-8")
        print(f"\n## held out: {name} ({len(ev.folds)} folds, {elapsed:.0f} s)\n")
        print("\n".join(summary(ev)))
        print("\nROC-AUC / PR-AUC / recall@20% per held-out region:\n")
        print("\n".join(per_region(ev)))


if __name__ == "__main__":
    main()
