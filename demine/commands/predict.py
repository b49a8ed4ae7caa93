# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine predict``: grid, fit, evaluate, score, hazards.

Heavy libraries (LightGBM, scikit-learn, matplotlib, Dask) are imported
inside the commands, so ``demine --help`` stays quick.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from demine.commands.app import (
    DbOption,
    JsonOption,
    app,
    emit_json,
    err,
    open_db,
    out,
    progress_bar,
    table,
)
from demine.errors import PredictionError
from demine.i18n import _
from demine.i18n.numbers import number

log = logging.getLogger(__name__)

predict_app = typer.Typer(
    name="predict",
    help="Contamination-likelihood model: grid, fit, evaluate, score, hazards.",
    no_args_is_help=True,
)
app.add_typer(predict_app, name="predict")

GridArg = Annotated[
    Path, typer.Argument(help="Grid table: .csv, .gpkg, .parquet (one row per cell)")
]
LabelOption = Annotated[
    str,
    typer.Option("--label", help="Label column: 1 mines, 0 clean, -1/empty unknown"),
]
GroupOption = Annotated[
    str | None,
    typer.Option("--group", help="Column of each cell's admin area (held out whole)"),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option("--exclude", help="A numeric column that is not a feature (repeat)"),
]
DropConstOption = Annotated[
    bool,
    typer.Option(
        "--drop-group-constant",
        help="Leave out features with one value per group (municipal figures)",
    ),
]
BlockOption = Annotated[
    str, typer.Option("--block", help="Spatial block size when there is no --group")
]
CrsOption = Annotated[
    str | None, typer.Option("--crs", help="CRS of x / y columns, e.g. EPSG:32638")
]
RoundsOption = Annotated[int, typer.Option("--rounds", help="LightGBM boosting rounds")]
RegionsOption = Annotated[
    int,
    typer.Option(
        "--regions",
        help="Hold out this many regions of neighbouring groups (0: one group each)",
    ),
]
BufferOption = Annotated[
    str,
    typer.Option("--buffer", help="Gap between held-out and training cells, e.g. 5km"),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option("--scheduler", help="Dask scheduler address (default: local cluster)"),
]
WorkersOption = Annotated[
    int | None,
    typer.Option(
        "--workers", help="Local Dask workers (default: one per core; 0: no Dask)"
    ),
]


@contextmanager
def _client(scheduler: str | None, workers: int | None, chunks: int) -> Iterator[Any]:
    """A Dask client for work of more than one chunk, else None (in-process)."""
    from demine.predict.parallel import cluster

    if scheduler is None and (workers == 0 or chunks <= 1):
        yield None
        return
    with cluster(scheduler, workers) as client:
        yield client


def _metres(text: str) -> float:
    from demine.predict.grid import parse_length

    return parse_length(text)


CellOption = Annotated[str, typer.Option(help="Cell size, e.g. 100m, 1km")]
RegionOption = Annotated[
    str | None, typer.Option(help="Vector file of the region (default: admin areas)")
]
LevelOption = Annotated[
    str | None, typer.Option(help="admin1, admin2 or country (default: finest)")
]
DemOption = Annotated[str | None, typer.Option(help="DEM GeoTIFF: elevation, slope")]
LandcoverOption = Annotated[
    str | None, typer.Option(help="Land-cover GeoTIFF (classes one-hot)")
]
OwnOption = Annotated[
    str,
    typer.Option(help="Finds a cell's features leave out: its own 'cell' or 'area'"),
]
FindRadius = Annotated[str, typer.Option(help="Radius of find density")]
AccidentRadius = Annotated[str, typer.Option(help="Radius of accident density")]
NegativesOption = Annotated[
    str, typer.Option(help="Release kinds that make clean cells")
]
CategoriesOption = Annotated[
    str, typer.Option(help="EO categories that make mined cells, or 'all'")
]
AccidentsOption = Annotated[
    bool, typer.Option(help="Accidents make cells positive too")
]
ShareOption = Annotated[
    float, typer.Option(help="Share of a cell released ground must cover")
]
ChunkCells = Annotated[int, typer.Option(help="Cells per chunk")]


@predict_app.command()
def grid(
    out_path: Annotated[Path, typer.Option("--out", help="Grid table to write")],
    cell: CellOption = "100m",
    db: DbOption = None,
    region: RegionOption = None,
    admin_level: LevelOption = None,
    dem: DemOption = None,
    landcover: LandcoverOption = None,
    exclude_own: OwnOption = "cell",
    find_radius: FindRadius = "1km",
    accident_radius: AccidentRadius = "5km",
    negatives: NegativesOption = "cleared,reduced",
    categories: CategoriesOption = "all",
    accidents: AccidentsOption = True,
    negative_share: ShareOption = 0.0,
    chunk_cells: ChunkCells = 1_000_000,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    json_: JsonOption = False,
) -> None:
    """Build a grid over the region with features and labels from the register."""
    from demine.predict.labels import LabelRule
    from demine.predict.layers import FeatureOptions
    from demine.predict.pipeline import GridRequest, bands, build_grid, plan_grid

    if exclude_own not in ("cell", "area"):
        raise PredictionError(_("--exclude-own must be 'cell' or 'area'"))
    rule = LabelRule.parse(negatives, categories, accidents, negative_share)
    options = FeatureOptions(
        exclude_own,  # type: ignore[arg-type]
        _metres(find_radius),
        _metres(accident_radius),
        rule,
    )
    request = GridRequest(_metres(cell), region, admin_level, dem, landcover, options)
    database = open_db(db)
    database.require_initialised()
    layers = plan_grid(database, request)
    n_bands = len(bands(layers.spec, chunk_cells))
    with (
        _client(scheduler, workers, n_bands) as client,
        progress_bar(not json_) as start,
    ):
        advance = start("grid rows", layers.spec.ny)
        summary = build_grid(layers, out_path, chunk_cells, client, advance)
    if json_:
        emit_json(summary)
        return
    counts = [f"{summary[k]:,}" for k in ("cells", "positive", "negative", "unknown")]
    out.print(
        table(
            f"grid {out_path} ({summary['cell_m']:g} m cells)",
            ["cells", "mined (1)", "clean (0)", "unknown (-1)", "columns"],
            [[*counts, len(summary["columns"])]],
        )
    )


def _read(grid_path: Path, label: str | None = None) -> Any:
    from demine.predict.tables import read_table

    return read_table(grid_path, label)


def _params(rounds: int) -> Any:
    from demine.predict.learners import BoostingParams

    if rounds < 1:
        raise PredictionError(_("--rounds must be at least 1"))
    return BoostingParams(rounds=rounds)


@predict_app.command()
def fit(
    grid_path: GridArg,
    out_path: Annotated[
        Path, typer.Option("--out", help="Model file to write (.json)")
    ],
    label: LabelOption = "label",
    group: GroupOption = None,
    exclude: ExcludeOption = None,
    drop_group_constant: DropConstOption = False,
    block: BlockOption = "10km",
    crs: CrsOption = None,
    regions: RegionsOption = 6,
    buffer: BufferOption = "5km",
    calibration: Annotated[
        str, typer.Option(help="auto, isotonic, sigmoid or none")
    ] = "auto",
    json_: JsonOption = False,
) -> None:
    """Fit the default model (rank ensemble) with calibrated risk, intervals
    and its area of applicability."""
    from demine.predict.model import fit_model

    if calibration not in ("auto", "isotonic", "sigmoid", "none"):
        raise PredictionError(
            _("--calibration must be auto, isotonic, sigmoid or none")
        )
    frame = _read(grid_path, label)
    model = fit_model(
        frame,
        label,
        group,
        tuple(exclude or ()),
        calibration,  # type: ignore[arg-type]
        _metres(block),
        crs or _crs_text(frame),
        drop_group_constant,
        _regions(regions),
        _gap(buffer),
    )
    model.training["unknown"] = int(frame.attrs.get("unknown", 0))
    out_path.write_text(model.to_json(), "utf-8")
    _print_model(model, out_path, json_)


def _regions(n: int) -> int | None:
    if n < 0 or n == 1:
        raise PredictionError(_("--regions must be 0 (one group each) or at least 2"))
    return n or None


def _gap(text: str) -> float:
    from demine.predict.grid import parse_length

    return 0.0 if text.strip() in ("0", "0m", "0km") else parse_length(text)


def _print_model(model: Any, out_path: Path, json_: bool) -> None:
    top = list(model.importance().items())[:8]
    if json_:
        emit_json(
            {
                "model": str(out_path),
                "training": model.training,
                "importance": dict(top),
            }
        )
        return
    t = model.training
    keys = ("labelled", "positive", "negative", "groups", "features", "calibration")
    out.print(
        table(
            f"model {out_path} ({t['model']})",
            ["labelled", "mined", "clean", "groups", "features", "calibration"],
            [[t[k] for k in keys]],
        )
    )
    held = t["held_out"]
    out.print(
        _(
            "held out %(held_out_regions)s regions: ROC-AUC %(roc_auc).3f, PR-AUC "
            "%(pr_auc).3f, recall@20%% %(recall_at_20).3f (pooled; see 'predict "
            "evaluate' for each region)",
            held_out_regions=t["held_out_regions"],
            roc_auc=held["roc_auc"],
            pr_auc=held["pr_auc"],
            recall_at_20=held["recall_at_20"],
        )
    )
    shares = [[n, f"{v:.1%}"] for n, v in top]
    out.print(table("importance (gain share)", ["feature", "share"], shares))


def _crs_text(frame: Any) -> str | None:
    crs = frame.attrs.get("crs")
    return crs.to_wkt() if crs is not None else None


@predict_app.command()
def evaluate(
    grid_path: GridArg,
    out_path: Annotated[
        Path, typer.Option("--out", help="HTML report to write")
    ] = Path("evaluation.html"),
    label: LabelOption = "label",
    group: GroupOption = None,
    exclude: ExcludeOption = None,
    drop_group_constant: DropConstOption = False,
    block: BlockOption = "10km",
    crs: CrsOption = None,
    rounds: RoundsOption = 300,
    regions: RegionsOption = 6,
    buffer: BufferOption = "5km",
    max_folds: Annotated[
        int, typer.Option(help="Without coordinates: one group out up to this many")
    ] = 20,
    predictions: Annotated[
        Path | None, typer.Option(help="CSV of out-of-fold scores to write")
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Hold out whole regions: every candidate model, region by region."""
    from demine.predict.evaluation import evaluate as run_evaluation
    from demine.predict.report import render

    frame = _read(grid_path, label)
    with progress_bar(not json_) as start:
        advance = start("folds", regions or min(max_folds, _group_count(frame, group)))
        ev = run_evaluation(
            frame,
            label,
            group,
            tuple(exclude or ()),
            _metres(block),
            crs or _crs_text(frame),
            _params(rounds),
            max_folds,
            progress=advance,
            drop_group_constant=drop_group_constant,
            regions=_regions(regions),
            buffer=_gap(buffer),
        )
    ev.summary["unknown"] += int(frame.attrs.get("unknown", 0))
    out_path.write_text(render(ev, source=str(grid_path)), "utf-8")
    if predictions is not None:
        _write_predictions(predictions, ev)
    if json_:
        emit_json({"report": str(out_path), **ev.to_dict()})
        return
    _print_evaluation(ev)
    err.print(_("report: %(out_path)s", out_path=out_path))


def _print_evaluation(ev: Any) -> None:
    """Per held-out region, then the spread and pooled figures per model."""
    per = ev.regions()
    rows = []
    for region, part in per.groupby("region", sort=False):
        first = part.iloc[0]
        for i, r in enumerate(part.itertuples()):
            head = (
                [region, f"{first.cells:,}", f"{first.mined:,}"]
                if i == 0
                else ["", "", ""]
            )
            rows.append(
                [
                    *head,
                    r.model,
                    *[f"{v:.3f}" for v in (r.roc_auc, r.pr_auc, r.recall_at_20)],
                ]
            )
    out.print(
        table(
            f"held out one at a time: {ev.summary['folds']} regions "
            f"({ev.summary['grouping']}), {ev.summary['labelled']:,} labelled cells",
            ["region", "cells", "mined", "model", "ROC-AUC", "PR-AUC", "recall@20%"],
            rows,
        )
    )
    spread, pooled = ev.spread(), ev.table()
    out.print(
        table(
            "summary over held-out regions: mean (lowest to highest); "
            "wins = regions where the model beats the best single feature",
            [
                "model",
                "ROC-AUC",
                "PR-AUC",
                "recall@20%",
                "wins ROC",
                "wins recall",
                "pooled ROC-AUC",
            ],
            [
                [
                    name,
                    *[_spread(s, k) for k in ("roc_auc", "pr_auc", "recall_at_20")],
                    _wins(s, "roc_auc"),
                    _wins(s, "recall_at_20"),
                    f"{pooled.loc[name, 'roc_auc']:.3f}",
                ]
                for name, s in spread.iterrows()
            ],
        )
    )


def _spread(row: Any, key: str) -> str:
    return f"{row[key + '_mean']:.3f} ({row[key + '_min']:.2f}-{row[key + '_max']:.2f})"


def _wins(row: Any, key: str) -> str:
    if f"{key}_wins" not in row:
        return "-"
    return f"{row[key + '_wins']:.0f}/{row['regions']:.0f}"


def _group_count(frame: Any, group: str | None) -> int:
    if group and group in frame.columns:
        return max(1, int(frame[group].nunique(dropna=False)))
    return 20


def _write_predictions(path: Path, ev: Any) -> None:
    import pandas as pd

    data = {"group": ev.groups, "label": ev.y}
    for r in ev.results:
        data[r.name] = r.scores
    pd.DataFrame(data).to_csv(path, index=False)


@predict_app.command()
def score(
    model_path: Annotated[Path, typer.Argument(help="Model file from 'predict fit'")],
    grid_path: GridArg,
    outs: Annotated[
        list[Path],
        typer.Option("--out", help="Output: .csv, .gpkg, .parquet or .tif (repeat)"),
    ],
    crs: CrsOption = None,
    chunk_rows: Annotated[int, typer.Option(help="Rows per chunk")] = 500_000,
    scheduler: SchedulerOption = None,
    workers: WorkersOption = None,
    json_: JsonOption = False,
) -> None:
    """Risk in [0, 1], its interval and applicability for every cell of a grid
    (the grid is one region), rows in input order."""
    from demine.predict.model import RiskModel
    from demine.predict.pipeline import score_grid
    from demine.predict.tables import count_rows

    if not model_path.exists():
        raise PredictionError(
            _("%(model_path)s: no such model file", model_path=model_path)
        )
    if not grid_path.exists():
        raise PredictionError(_("%(grid_path)s: no such file", grid_path=grid_path))
    model = RiskModel.from_json(model_path.read_text("utf-8"))
    rows = count_rows(grid_path)
    chunks = -(-rows // chunk_rows) if rows else 2
    with (
        _client(scheduler, workers, chunks) as client,
        progress_bar(not json_) as start,
    ):
        advance = start("cells", rows or 0)
        summary = score_grid(
            model, grid_path, list(outs), chunk_rows, client, crs, advance
        )
    if json_:
        emit_json(summary)
        return
    out.print(
        _(
            "scored %(cells)s cells: mean risk %(risk_mean).3f, highest "
            "%(risk_max).3f, %(outside)s outside the area of applicability -> "
            "%(values)s",
            cells=number(summary["cells"]),
            risk_mean=summary["risk_mean"],
            risk_max=summary["risk_max"],
            outside=number(summary["outside_applicability"]),
            values=", ".join(summary["outputs"]),
        )
    )


@predict_app.command()
def hazards(
    risk_path: Annotated[Path, typer.Argument(help="Scored grid from 'predict score'")],
    out_path: Annotated[Path, typer.Option("--out", help="CSV of risk per hazard")],
    db: DbOption = None,
    crs: CrsOption = None,
    json_: JsonOption = False,
) -> None:
    """Aggregate cell risk over each hazardous area (a prioritisation criterion)."""
    from demine.predict.pipeline import hazard_risks
    from demine.predict.register import read_hazards

    database = open_db(db)
    database.require_initialised()
    result = hazard_risks(risk_path, read_hazards(database), crs)
    result.to_csv(out_path, index=False)
    scored = result["risk_mean"].notna()
    if json_:
        emit_json(
            {"out": str(out_path), "hazards": len(result), "scored": int(scored.sum())}
        )
        return
    top = result[scored].sort_values("risk_mean", ascending=False).head(10)
    out.print(
        table(
            f"{int(scored.sum()):,} of {len(result):,} hazards scored -> {out_path}",
            ["hazard", "name", "mean risk", "max risk", "cells"],
            [
                [
                    r.hazard_id,
                    r.name or "",
                    f"{r.risk_mean:.3f}",
                    f"{r.risk_max:.3f}",
                    int(r.cells),
                ]
                for r in top.itertuples()
            ],
        )
    )
