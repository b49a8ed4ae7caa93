# SPDX-License-Identifier: GPL-3.0-or-later
"""Loading field-form submissions exported from ODK Central or KoBoToolbox.

Accepted exports of the forms of :mod:`demine.exchange.forms`:

* ODK Central CSV: the submissions CSV alone, or the zip Central exports
  with one more CSV per repeat group (rows linked by ``PARENT_KEY``);
* ODK Central JSON: the OData ``Submissions`` feed (``{"value": [...]}``),
  repeats nested when fetched with ``$expand=*``;
* KoBoToolbox JSON: the data API's ``{"results": [...]}`` (or a bare list);
* KoBoToolbox CSV (comma or semicolon) and XLSX, the XLSX with one more
  sheet per repeat group (rows linked by ``_parent_index``).

Group paths in column names (``beneficiaries-women``, ``beneficiaries/women``)
are dropped: the forms' field names are unique. Geopoints (``lat lon alt
acc``, Central's split ``-Latitude``/``-Longitude`` columns, or GeoJSON)
and geoshapes become WGS84 geometries. Each submission's ``instanceID`` is
its records' external id, so exporting and importing again updates; records
arrive ``submitted``, waiting in the review queue before they count.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from demine.errors import SourceError
from demine.exchange.checks import Problems
from demine.exchange.formats import ReadOptions, SourceTable, decode, read_xlsx
from demine.exchange.forms import FORMS, FormSpec
from demine.exchange.importer import ImportResult, import_batches
from demine.exchange.mapping import Staged, apply_mapping, parse_mapping
from demine.exchange.opening import (
    ImportLimits,
    check_archive,
    display_name,
    plain_file,
    read_member,
)
from demine.exchange.staging import PlaceIndex, Staging, check_staged
from demine.geo.validation import EntryRules
from demine.i18n import _
from demine.store.database import Database

GEO_SUFFIXES = ("Latitude", "Longitude", "Altitude", "Accuracy")


@dataclass
class Submissions:
    """One export: main submissions and repeat rows, flattened and named."""

    file: str
    form: str | None
    main: pd.DataFrame
    rows: np.ndarray
    repeats: dict[str, tuple[pd.DataFrame, np.ndarray]] = field(default_factory=dict)


def import_submissions(
    db: Database,
    paths: Sequence[Path],
    *,
    form: str | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    rules: EntryRules | None = None,
    limits: ImportLimits | None = None,
    media: MediaOptions | None = None,
) -> ImportResult:
    """Import submission exports; all or nothing, like any import.

    With ``media``, the photos and files the submissions name (a Central
    zip's ``media/`` folder, or ``media.folder``) are attached to the records
    made (:mod:`demine.exchange.submission_media`).
    """
    db.require_initialised()
    staging = Staging(files=[str(p) for p in paths])
    staged: list[Staged] = []
    read: list[tuple[Path, Submissions]] = []
    for path in paths:
        subs = read_submissions(path, limits)
        read.append((path, subs))
        spec = _form(subs, form)
        staged += stage_submissions(spec, subs, staging)
    check_staged(staged, PlaceIndex(db), today or dt.date.today(), None, staging)
    files: dict[str, dict[str, bytes]] = {}
    if media is not None:
        from demine.exchange.submission_media import check_submission_media, media_files

        # Media are checked first, so a bad photo leaves the register untouched.
        for path, subs in read:
            files[str(path)] = media_files(path, media.folder, limits)
            check_submission_media(
                subs.main, files[str(path)], file=str(path), max_bytes=media.max_bytes
            )
    result = import_batches(
        db,
        staging.batches,
        dry_run=dry_run,
        files=staging.files,
        problems=staging.problems,
        rules=rules,
    )
    if media is not None and not dry_run:
        from demine.exchange.submission_media import attach_submission_media

        for path, subs in read:
            media.attached += attach_submission_media(
                db,
                media.store,
                subs.main,
                files[str(path)],
                file=str(path),
                max_bytes=media.max_bytes,
            )
    return result


@dataclass
class MediaOptions:
    """Where submissions' media files go, and where else to find them."""

    store: Any
    max_bytes: int
    folder: Path | None = None
    attached: int = 0


def _form(subs: Submissions, asked: str | None) -> FormSpec:
    name = asked or subs.form
    if name is None:
        raise SourceError(
            _(
                "does not say which form it holds (no demine_form column); give "
                "--form (%(values)s)",
                values=", ".join(FORMS),
            ),
            file=subs.file,
        )
    key = name if name in FORMS else f"demine_{name}"
    if key not in FORMS:
        raise SourceError(
            _(
                "unknown form %(name)r; forms: %(values)s",
                name=name,
                values=", ".join(FORMS),
            ),
            file=subs.file,
        )
    return FORMS[key]


def stage_submissions(
    spec: FormSpec, subs: Submissions, staging: Staging
) -> list[Staged]:
    """The form's targets applied to the main submissions and repeat rows."""
    sections = form_sections(spec)
    main = _with_geometry(spec, _complete(subs.main, sections[""]))
    out: list[Staged] = []
    table = SourceTable(subs.file, "submissions", main, subs.rows)
    problems = Problems(subs.file, subs.rows)
    mapping = parse_mapping({"targets": spec.targets}, f"form {spec.form_id}")
    out += apply_mapping(mapping, table, problems)
    for name, targets in spec.repeats.items():
        frame, rows = subs.repeats.get(name, (pd.DataFrame(), np.zeros(0, int)))
        if frame.empty:
            continue
        frame = _with_geometry(spec, _complete(frame, sections[name]))
        parent = main.drop(
            columns=[c for c in main.columns if c in frame.columns and c != "_instance"]
        )
        joined = frame.merge(parent, on="_instance", how="left")
        sub = SourceTable(f"{subs.file} ({name})", "submissions", joined, rows)
        sub_problems = Problems(sub.name, rows)
        out += apply_mapping(
            parse_mapping({"targets": targets}, f"form {spec.form_id}"),
            sub,
            sub_problems,
        )
        problems.items.extend(sub_problems.items)
    staging.problems.extend(problems.items)
    return out


def form_sections(spec: FormSpec) -> dict[str, list[str]]:
    """Field names of the main form ("") and of each repeat group."""
    sections: dict[str, list[str]] = {"": []}
    stack = [""]
    for row in spec.survey:
        kind = row["type"]
        if kind == "begin_repeat":
            stack.append(row["name"])
            sections[row["name"]] = []
        elif kind == "end_repeat":
            stack.pop()
        elif kind not in ("begin_group", "end_group"):
            sections[stack[-1]].append(row["name"])
    return sections


def _complete(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Every question a column: exports leave unanswered ones out."""
    missing = [n for n in names if n not in frame.columns]
    if not missing:
        return frame
    extra = pd.DataFrame({n: [None] * len(frame) for n in missing}, index=frame.index)
    return pd.concat([frame, extra], axis=1)


# -- reading exports -------------------------------------------------------


def read_submissions(path: Path, limits: ImportLimits | None = None) -> Submissions:
    """Read any accepted export into :class:`Submissions`, within ``limits``."""
    limits = limits or ImportLimits()
    if not path.exists():
        raise SourceError(_("no such file"), file=str(path))
    plain_file(path)
    suffix = path.suffix.lower()
    if suffix in (".zip", ".xlsx"):
        check_archive(path, limits)
    else:
        limits.check_bytes(path.stat().st_size, display_name(path))
    if suffix == ".zip":
        subs = _read_central_zip(path, limits)
    elif suffix == ".json":
        subs = _read_json(path)
    elif suffix == ".csv":
        frame = _read_csv_bytes(path, path.read_bytes())
        subs = _from_frame(str(path), frame, np.arange(2, len(frame) + 2))
    elif suffix == ".xlsx":
        subs = _read_kobo_xlsx(path, limits)
    else:
        raise SourceError(
            _("unknown export; use .csv, .zip, .json or .xlsx"), file=str(path)
        )
    rows = len(subs.main) + sum(len(f) for f, _unused in subs.repeats.values())
    limits.check_rows(rows, display_name(path))
    return subs


def _read_csv_bytes(path: Path | str, data: bytes) -> pd.DataFrame:
    text = decode(Path(str(path)), data, None, None)
    head = text.split("\n", 1)[0]
    sep = ";" if head.count(";") > head.count(",") else ","
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise SourceError(
            _("is not valid CSV: %(reason)s", reason=exc), file=str(path)
        ) from None


def _read_central_zip(path: Path, limits: ImportLimits) -> Submissions:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            files = {n: read_member(archive, n, limits) for n in names}
    except zipfile.BadZipFile as exc:
        raise SourceError(
            _("is not a readable zip: %(reason)s", reason=exc), file=str(path)
        ) from None
    if not files:
        raise SourceError(_("holds no CSV files"), file=str(path))
    main_name = min(files, key=len)  # "form.csv"; repeats are "form-items.csv"
    main = _read_csv_bytes(f"{path}:{main_name}", files.pop(main_name))
    subs = _from_frame(f"{path}", main, np.arange(2, len(main) + 2))
    for name, data in files.items():
        frame = _read_csv_bytes(f"{path}:{name}", data)
        repeat = Path(name).stem.rsplit("-", 1)[-1]
        subs.repeats[repeat] = _central_repeat(frame)
    return subs


def _central_repeat(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    flat = _flatten_columns(frame)
    parent = frame["PARENT_KEY"].astype(str).str.split("/").str[0]
    index = frame["KEY"].astype(str).str.extract(r"\[(\d+)\]$")[0]
    flat["_instance"] = parent.to_numpy()
    flat["_index"] = index.fillna("1").to_numpy()
    return flat, np.arange(2, len(frame) + 2)


def _from_frame(file: str, frame: pd.DataFrame, rows: np.ndarray) -> Submissions:
    flat = _flatten_columns(frame)
    flat["_instance"] = _instance_ids(frame, file)
    form = _form_name(flat, file)
    return Submissions(file, form, flat.reset_index(drop=True), rows)


def _flatten_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Field names without group paths; Central's split geopoints rejoined."""
    out: dict[str, Any] = {}
    geo: dict[str, dict[str, pd.Series]] = {}
    for column in frame.columns:
        name = str(column)
        match = re.match(rf"^(.*)-({'|'.join(GEO_SUFFIXES)})$", name)
        if match:
            geo.setdefault(_leaf(match.group(1)), {})[match.group(2)] = frame[column]
            continue
        leaf = _leaf(name)
        if leaf.startswith("_") or leaf in out:
            continue
        out[leaf] = frame[column]
    for leaf, parts in geo.items():
        if "Latitude" in parts and "Longitude" in parts:
            lat, lon = parts["Latitude"].astype(str), parts["Longitude"].astype(str)
            joined = (lat + " " + lon).where(
                (lat.str.strip() != "") & (lon.str.strip() != ""), ""
            )
            out[leaf] = joined
    return pd.DataFrame(out, index=frame.index)


def _leaf(name: str) -> str:
    return re.split(r"[/\-.]", name)[-1]


def _instance_ids(frame: pd.DataFrame, file: str) -> np.ndarray:
    for column in ("meta-instanceID", "meta/instanceID", "instanceID", "KEY", "__id"):
        if column in frame.columns:
            return np.asarray(frame[column].astype(str).to_numpy(), dtype=object)
    if "_uuid" in frame.columns:
        return np.asarray(("uuid:" + frame["_uuid"].astype(str)).to_numpy(), object)
    raise SourceError(
        _("has no instanceID (meta-instanceID, KEY or _uuid) to identify submissions"),
        file=file,
    )


def _form_name(frame: pd.DataFrame, file: str) -> str | None:
    if "demine_form" not in frame.columns:
        return None
    names = {str(v) for v in frame["demine_form"] if str(v).strip()}
    if len(names) > 1:
        raise SourceError(
            _(
                "mixes submissions of several forms: %(values)s",
                values=", ".join(sorted(names)),
            ),
            file=file,
        )
    return names.pop() if names else None


def _read_json(path: Path) -> Submissions:
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SourceError(
            _("is not UTF-8 text (%(reason)s)", reason=exc.reason), file=str(path)
        ) from None
    except json.JSONDecodeError as exc:
        raise SourceError(
            _(
                "is not JSON (line %(lineno)s, column %(colno)s: %(msg)s); is it "
                "truncated?",
                lineno=exc.lineno,
                colno=exc.colno,
                msg=exc.msg,
            ),
            file=str(path),
        ) from None
    records = data.get("value", data.get("results")) if isinstance(data, dict) else data
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise SourceError(
            _('expected ODK Central\'s {"value": [...]} or KoBo\'s {"results": [...]}'),
            file=str(path),
        )
    mains: list[dict[str, Any]] = []
    repeats: dict[str, list[tuple[dict[str, Any], int]]] = {}
    for n, record in enumerate(records, start=1):
        flat, nested = _flatten_record(record)
        instance = _json_instance(flat, record, str(path), n)
        flat["_instance"] = instance
        mains.append(flat)
        for name, items in nested.items():
            for i, item in enumerate(items, start=1):
                repeats.setdefault(name, []).append(
                    ({**item, "_instance": instance, "_index": str(i)}, n)
                )
    main = pd.DataFrame(mains, dtype=object)
    subs = Submissions(
        str(path), _form_name(main, str(path)), main, np.arange(1, len(main) + 1)
    )
    for name, found in repeats.items():
        frame = pd.DataFrame([row for row, _unused in found], dtype=object)
        subs.repeats[name] = (
            frame,
            np.array([n for _unused, n in found], dtype=np.int64),
        )
    return subs


def _flatten_record(
    record: dict[str, Any],
) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """Leaf fields of one JSON submission, and its repeat groups' rows."""
    flat: dict[str, Any] = {}
    repeats: dict[str, list[dict[str, Any]]] = {}
    for key, value in record.items():
        leaf = _leaf(key.split("@")[0])
        if key.startswith("__") or leaf.startswith("_"):
            continue
        if isinstance(value, dict) and "type" in value and "coordinates" in value:
            flat[leaf] = value  # GeoJSON from Central
        elif isinstance(value, dict):
            inner, more = _flatten_record(value)
            flat.update({k: v for k, v in inner.items() if k not in flat})
            repeats.update(more)
        elif (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) for v in value)
        ):
            repeats[leaf] = [_flatten_record(v)[0] for v in value]
        elif not isinstance(value, list):
            flat.setdefault(leaf, value)
    return flat, repeats


def _json_instance(
    flat: dict[str, Any], record: dict[str, Any], file: str, n: int
) -> str:
    meta = record.get("meta") if isinstance(record.get("meta"), dict) else {}
    for value in (
        meta.get("instanceID") if meta else None,
        record.get("meta/instanceID"),
        record.get("__id"),
        flat.get("instanceID"),
    ):
        if value:
            return str(value)
    if record.get("_uuid"):
        return f"uuid:{record['_uuid']}"
    raise SourceError(_("submission has no instanceID"), file=file, row=n)


def _read_kobo_xlsx(path: Path, limits: ImportLimits) -> Submissions:
    from demine.exchange.formats import list_layers

    sheets = list_layers(path, limits)
    main_table = read_xlsx(path, ReadOptions(layer=sheets[0], limits=limits), None)
    subs = _from_frame(str(path), main_table.frame, main_table.rows)
    if "_index" in main_table.frame.columns:
        index_to_instance = dict(
            zip(
                main_table.frame["_index"].astype(str),
                subs.main["_instance"],
                strict=True,
            )
        )
    else:
        index_to_instance = {}
    for sheet in sheets[1:]:
        table = read_xlsx(path, ReadOptions(layer=sheet, limits=limits), None)
        frame = _flatten_columns(table.frame)
        parents = table.frame.get("_parent_index", pd.Series([""] * len(frame)))
        frame["_instance"] = parents.astype(str).map(index_to_instance).to_numpy()
        frame["_index"] = (
            frame.groupby("_instance").cumcount().add(1).astype(str).to_numpy()
        )
        subs.repeats[sheet] = (frame, table.rows)
    return subs


# -- geometry --------------------------------------------------------------


def _with_geometry(spec: FormSpec, frame: pd.DataFrame) -> pd.DataFrame:
    """Geopoint and geoshape answers as WGS84 geometries."""
    types = {row["name"]: row["type"] for row in spec.survey}
    out = frame.copy()
    for column in out.columns:
        kind = types.get(str(column))
        if kind in ("geopoint", "geoshape", "geotrace"):
            out[column] = out[column].map(lambda v, k=kind: odk_geometry(v, k))
    return out


def odk_geometry(value: Any, kind: str) -> Any:
    """An ODK answer (``lat lon alt acc[;...]`` or GeoJSON) as a geometry.

    Unreadable answers are passed on as text, for the checks to report.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, dict):
        return shapely.force_2d(shapely.from_geojson(json.dumps(value)))
    text = str(value).strip()
    if not text:
        return None
    try:
        points = [
            (float(p.split()[1]), float(p.split()[0]))
            for p in text.strip(";").split(";")
            if p.strip()
        ]
    except (IndexError, ValueError):
        return text
    if kind == "geopoint":
        return shapely.Point(points[0]) if len(points) == 1 else text
    if kind == "geoshape":
        if len(points) < 3:
            return text
        if points[0] != points[-1]:
            points.append(points[0])
        return shapely.Polygon(points)
    return shapely.LineString(points)
