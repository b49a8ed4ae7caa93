# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark: leave-municipality-out on the real Colombian grid (RELand).

Reads ``../shared/data/colombia/reland/train_all.csv`` (7,019 cells of about
1 km in 19 municipalities of eastern Antioquia; label ``mines_outcome``),
holds out one municipality at a time, and compares LightGBM with the two
baselines (distance to the nearest mined cell of the training municipalities;
logistic regression) in the same folds. Two feature sets are run:

* ``all``: every numeric column but the coordinates;
* ``transferable``: without the 14 municipal victim counts, which take one
  value per municipality (``--drop-group-constant``): with 19 municipalities
  they describe the training municipalities, not the ground;
* ``local``: also without the distances to airports, seaports and railways,
  a handful of objects far away that act as coordinates inside one region
  and would mean something else in another.

Prints pooled figures (all held-out cells ranked together) and the mean over
municipalities, and writes the HTML reports.

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
COLUMNS = ["roc_auc", "pr_auc", "recall_at_10", "recall_at_20", "recall_at_30"]


def rows(name: str, ev: Evaluation) -> list[str]:
    lines = []
    for r in ev.results:
        pooled = r.pooled
        folds = pd.DataFrame(r.per_fold)[COLUMNS].mean()
        cells = " | ".join(f"{pooled[c]:.3f}" for c in COLUMNS)
        lines.append(
            f"| {name} | {r.name} | {cells} | {folds['roc_auc']:.3f} | "
            f"{folds['recall_at_20']:.3f} |"
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
    table = [
        "| features | model | ROC-AUC | PR-AUC | recall@10% | recall@20% | "
        "recall@30% | fold-mean ROC-AUC | fold-mean recall@20% |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    far = ("airports_dist", "seaport_dist", "railways_dist")
    for name, drop, exclude in (
        ("all", False, ()),
        ("transferable", True, ()),
        ("local", True, far),
    ):
        started = time.perf_counter()
        ev = evaluate(
            frame,
            "mines_outcome",
            group="Municipio",
            exclude=exclude,
            params=BoostingParams(rounds=args.rounds),
            drop_group_constant=drop,
        )
        print(f"{name}: {time.perf_counter() - started:.0f} s", flush=True)
        report = out / f"colombia_{name}.html"
        report.write_text(render(ev, source=f"RELand train_all.csv, {name}"), "utf-8")
        table += rows(name, ev)
    positives = (frame["mines_outcome"] == 1).sum()
    labelled = (frame["mines_outcome"] >= 0).sum()
    print(
        f"\n{labelled:,} labelled cells, {positives:,} mined "
        f"(random PR-AUC {positives / labelled:.3f}), 19 municipalities\n"
    )
    print("\n".join(table))


if __name__ == "__main__":
    main()
