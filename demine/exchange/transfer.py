# SPDX-License-Identifier: GPL-3.0-or-later
"""Import and export for a person: what the web page and the API both call.

Imports take files already saved, what they hold (``kind``, or the whole
register) and an optional mapping written as YAML; :func:`import_upload`
dry-runs them (no user) or imports them audited as the user.

Exports are the exporter's files restricted to what the reader may see
(:func:`demine.store.listing.visible`): viewers get approved records only, a
clerk also their own organisation's drafts, reviewers and administrators
everything. References to records the reader may not see are left blank, so
an export never names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy.engine import Connection

from demine.errors import SourceError
from demine.exchange.entities import KINDS, LAYERS, MAIN_GEOMETRY, entity, resolve_kind
from demine.exchange.exporter import (
    _reference_keys,
    entity_frame,
    write_layer,
    write_workbook,
)
from demine.exchange.formats import ReadOptions
from demine.exchange.importer import ImportResult, import_files
from demine.exchange.job_runner import Progress
from demine.exchange.mapping import Mapping, parse_mapping
from demine.exchange.staging import REGISTER
from demine.i18n import _
from demine.store.bulk import read_frame
from demine.store.database import Database
from demine.store.listing import count_visible_rows, visible_rows
from demine.store.schema import Base
from demine.store.users import Principal

# format -> (file suffix, media type)
EXPORT_FORMATS = {
    "gpkg": (".gpkg", "application/geopackage+sqlite3"),
    "geojson": (".geojson", "application/geo+json"),
    "csv": (".csv", "text/csv"),
    "xlsx": (
        ".xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}
# Formats that hold several entities (one layer or sheet each).
MULTI = ("gpkg", "xlsx")


# -- import -----------------------------------------------------------------


def kind_and_mapping(kind_text: str, mapping_text: str) -> tuple[str, Mapping | None]:
    """The kind asked for and the parsed mapping, checked against each other."""
    if not kind_text:
        raise SourceError(_("choose what the files hold"))
    kind = REGISTER if kind_text == REGISTER else resolve_kind(kind_text)
    if not mapping_text.strip():
        return kind, None
    try:
        data = yaml.safe_load(mapping_text)
    except yaml.YAMLError as exc:
        raise SourceError(
            _("is not valid YAML: %(reason)s", reason=exc), file="mapping"
        ) from None
    if not isinstance(data, dict):
        raise SourceError(_("must be a YAML mapping of keys"), file="mapping")
    mapping = parse_mapping(data, "mapping")
    if kind != REGISTER and kind not in mapping.kinds():
        raise SourceError(
            _(
                "the mapping makes %(values)s, not %(kind)s",
                values=", ".join(mapping.kinds()),
                kind=kind,
            ),
            file="mapping",
        )
    return kind, mapping


def import_upload(
    db: Database,
    kind_text: str,
    paths: Sequence[Path],
    mapping_text: str = "",
    read: ReadOptions | None = None,
    user_id: int | None = None,
) -> ImportResult:
    """Import ``paths`` as ``kind_text`` (a kind, or ``register``), audited as
    ``user_id``; a dry run that writes nothing when there is no user."""
    kind, mapping = kind_and_mapping(kind_text, mapping_text)
    return import_files(
        db,
        kind,
        list(paths),
        mapping=mapping,
        read=read or ReadOptions(),
        dry_run=user_id is None,
        audit_user_id=user_id,
    )


# -- export -----------------------------------------------------------------


@dataclass(frozen=True)
class ExportFile:
    """A written export: where, the name to offer, its media type, the counts."""

    path: Path
    name: str
    media_type: str
    counts: dict[str, int]


def export_kinds(kind: str, fmt: str) -> tuple[str, list[str]]:
    """The format and the kinds an export of ``kind`` (or the register) holds;
    a SourceError when that format cannot hold them."""
    fmt = fmt.strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise SourceError(
            _(
                "unknown format %(fmt)r; use %(values)s",
                fmt=fmt,
                values=", ".join(EXPORT_FORMATS),
            )
        )
    kinds = list(KINDS) if kind == REGISTER else [resolve_kind(kind)]
    if len(kinds) > 1 and fmt not in MULTI:
        raise SourceError(
            _(
                "%(fmt)s holds one kind of record; choose one, or GeoPackage or XLSX "
                "for the whole register",
                fmt=fmt,
            )
        )
    if fmt == "geojson" and kinds[0] not in MAIN_GEOMETRY:
        raise SourceError(
            _(
                "%(layers)s have no geometry; choose CSV or XLSX",
                layers=LAYERS[kinds[0]],
            )
        )
    return fmt, kinds


def export_rows(
    db: Database, who: Principal, kind: str = REGISTER, fmt: str = "gpkg"
) -> int:
    """How many rows an export of ``kind`` in ``fmt`` by ``who`` would hold;
    a SourceError when that format cannot hold them."""
    _fmt, kinds = export_kinds(kind, fmt)
    return count_visible_rows(db, kinds, who)


def export_visible(
    db: Database,
    folder: Path,
    who: Principal,
    kind: str = REGISTER,
    fmt: str = "gpkg",
    progress: Progress | None = None,
) -> ExportFile:
    """Write into ``folder`` a file of what ``who`` may see: the register, or
    one kind of record, in ``fmt`` (gpkg, geojson, csv or xlsx).

    ``progress`` hears how far it is and may stop it by raising (a job).
    """
    fmt, kinds = export_kinds(kind, fmt)
    suffix, media = EXPORT_FORMATS[fmt]
    name = ("register" if kind == REGISTER else LAYERS[kinds[0]]) + suffix
    path = folder / name
    counts = write_visible(db, path, fmt, kinds, who, progress)
    return ExportFile(path=path, name=name, media_type=media, counts=counts)


def write_visible(
    db: Database,
    path: Path,
    fmt: str,
    kinds: Sequence[str],
    who: Principal,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write ``kinds`` as the exporter does, with only the rows ``who`` sees.

    ``progress`` hears how far it is (reading counts for a third, writing
    the rest) and may stop it by raising.
    """
    tell = progress or _silent
    db.require_initialised()
    with db.transaction() as conn:
        frames = visible_frames(conn, kinds, who, tell)
    total = max(1, sum(len(f) for f in frames.values()))
    if fmt == "xlsx":
        return write_workbook(
            path,
            frames,
            lambda rows: tell(1 / 3 + 2 / 3 * rows / total, f"{rows:,} rows written"),
        )
    written = 0
    for kind, frame in frames.items():
        tell(1 / 3 + 2 / 3 * written / total, f"writing {LAYERS[kind]}")
        write_layer(path, fmt, kind, frame)
        written += len(frame)
    return {LAYERS[k]: len(f) for k, f in frames.items()}


def visible_frames(
    conn: Connection,
    kinds: Sequence[str],
    who: Principal,
    progress: Progress | None = None,
) -> dict[str, pd.DataFrame]:
    """The exporter's frame of each kind, without what ``who`` may not see."""
    tell = progress or _silent
    if who.can_review:
        keys: dict[str, dict[int, str]] = {}
        out = {}
        for i, kind in enumerate(kinds):
            tell(i / len(kinds) / 3, f"reading {LAYERS[kind]}")
            out[kind] = entity_frame(conn, kind, keys)
        return out
    targets = {fs.ref for k in kinds for fs in entity(k).fields if fs.ref}
    # Name only the records the reader sees: other references stay blank.
    keys = {t: _visible_keys(conn, t, who) for t in sorted(targets)}
    frames = {}
    for i, kind in enumerate(kinds):
        tell(i / len(kinds) / 3, f"reading {LAYERS[kind]}")
        frame = entity_frame(conn, kind, keys)
        table = Base.metadata.tables[kind]
        seen = read_frame(conn, kind, ["uid"], visible_rows(table, who))
        shown = frame["uid"].isin(set(seen["uid"]))
        frames[kind] = frame.loc[shown.to_numpy(dtype=bool)].reset_index(drop=True)
    return frames


def _silent(_done: float, _message: str) -> None:
    pass


def _visible_keys(conn: Connection, kind: str, who: Principal) -> dict[int, str]:
    """id -> the key an export names a visible record of ``kind`` by."""
    table = Base.metadata.tables[kind]
    columns = ["id", "uid", "external_id"]
    columns += ["model"] if kind == "eo_model" else []
    frame = read_frame(conn, kind, columns, visible_rows(table, who))
    # An EO model is known by its model name; anything else by its external
    # id, else its uid.
    keys = frame["model"] if kind == "eo_model" else _reference_keys(frame)
    return dict(zip(frame["id"].tolist(), keys.tolist(), strict=True))
