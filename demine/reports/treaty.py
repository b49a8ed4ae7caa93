# SPDX-License-Identifier: GPL-3.0-or-later
"""Mine Ban Treaty Article 7 tables and Landmine Monitor-style figures.

Form C lists the areas known (CHA) or suspected (SHA) to contain
anti-personnel mines that remain on the last day of the period: hazards whose
contamination includes ``ap_mine`` with area left in the ledger. Form G lists
the anti-personnel mines destroyed in the period, by type: items of category
``ap_mine`` found in the period and destroyed in situ or removed and
destroyed. Areas are in m² as the forms ask; the summary figures in km².
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy.engine import Connection

from demine.analysis.admin_areas import area_table
from demine.domain.ages import is_child
from demine.domain.vocab import EOCategory, ReleaseKind
from demine.i18n import N_, _
from demine.reports.land import NO_AREA
from demine.reports.model import Column, Figure, Section, Table
from demine.reports.period import Period
from demine.reports.texts import label, no_records, t
from demine.store import queries, reporting

KINDS = [k.value for k in ReleaseKind]
FORM_C = N_("Form C — areas containing or suspected to contain anti-personnel mines")
FORM_G = N_("Form G — anti-personnel mines destroyed")
RELEASED = N_("Land released — cancelled, reduced, cleared")


def ap_mined(hazards: pd.DataFrame) -> pd.DataFrame:
    """The hazards whose contamination includes anti-personnel mines."""
    return hazards[hazards["ap_mine"]]


def form_c(hazards: pd.DataFrame, places: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per admin area (with the areas below it): number and m² of AP-mined
    areas left, CHA and SHA. ``label`` names the area by its path; ``top``
    marks the rows that add up to the whole."""
    left = ap_mined(hazards)
    left = left[left["remaining_m2"] > 0]
    key = pd.to_numeric(left["admin_area_id"], errors="coerce").astype("Int64")
    out = pd.DataFrame(index=pd.Index(key.unique(), dtype="Int64"))
    for cls in ("cha", "sha"):
        sub = left[left["hazard_class"] == cls].groupby(key, dropna=False)
        out[f"{cls}_n"] = sub["remaining_m2"].count()
        out[f"{cls}_m2"] = sub["remaining_m2"].sum()
    out = out.fillna(0.0)
    out["total_n"] = out["cha_n"] + out["sha_n"]
    out["total_m2"] = out["cha_m2"] + out["sha_m2"]
    return _by_area(out, places)


def _by_area(own: pd.DataFrame, places: pd.DataFrame | None) -> pd.DataFrame:
    """``own`` (by admin area id) rolled up, labelled by path."""
    if places is None:
        places = pd.DataFrame(columns=["id", "name", "place_type", "parent_id"])
    table = area_table(own, places)
    table["label"] = table["label"].astype(object).fillna(NO_AREA)
    return table


def form_g(items: pd.DataFrame) -> pd.DataFrame:
    """AP mines destroyed in the period by model (type)."""
    ap = items[(items["category"] == EOCategory.AP_MINE.value) & items["destroyed"]]
    return ap.groupby("model")["quantity"].sum().sort_values(ascending=False)


def treaty_sections(
    conn: Connection, period: Period, held: set[str] | None = None
) -> list[Section]:
    """Forms C and G, release by kind, the Monitor's figures; a form the
    register has no records for says so (``held``: kinds it has)."""
    held = held if held is not None else {"hazard", "eo_item", "release"}
    hazards = reporting.hazards_at(conn, period.end)
    items = reporting.items_found(conn, period.start, period.end)
    released = reporting.released_by_hazard(conn, period.start, period.end)
    places = queries.place_tree(conn)
    return [
        _form_c_section(hazards, period, places)
        if "hazard" in held
        else _nothing("form_c", _(FORM_C), "hazard"),
        _form_g_section(items)
        if "eo_item" in held
        else _nothing("form_g", _(FORM_G), "eo_item"),
        _release_section(hazards, released, places)
        if "release" in held
        else _nothing("release_disaggregation", _(RELEASED), "release"),
        _monitor_section(conn, period, hazards, items, released),
    ]


def _nothing(key: str, title: str, kind: str) -> Section:
    return Section(key, title, unavailable=no_records(kind))


def _form_c_section(
    hazards: pd.DataFrame, period: Period, places: pd.DataFrame
) -> Section:
    table = form_c(hazards, places)
    top = table[table["top"].astype(bool)]
    section = Section(
        "form_c",
        _(FORM_C),
        _(
            "Hazardous areas whose contamination includes anti-personnel "
            "mines, with area left on %(day)s: confirmed (known, CHA) and"
            " suspected (SHA), by admin area.",
            day=period.end,
        ),
    )
    cols = ["cha_n", "cha_m2", "sha_n", "sha_m2", "total_n", "total_m2"]
    fmts = {c: ("int" if c.endswith("_n") else "m2") for c in cols}
    section.tables.append(
        Table(
            "form_c",
            _("Mined areas by admin area (number and m²)"),
            [Column("admin", _("Admin area"))]
            + [Column(c, t(f"col.{c}"), fmts[c]) for c in cols],
            [
                [r["label"], *[_num(r[c], fmts[c]) for c in cols]]
                for _i, r in table.iterrows()
            ],
            total=[_("Total"), *[_num(top[c].sum(), fmts[c]) for c in cols]],
        )
    )
    section.figures += [
        Figure("form_c.areas", _("Mined areas"), int(top["total_n"].sum())),
        Figure("form_c.m2", _("Mined area (m²)"), float(top["total_m2"].sum()), "m2"),
    ]
    return section


def _num(value: float, fmt: str) -> float | int:
    return int(value) if fmt == "int" else float(value)


def _form_g_section(items: pd.DataFrame) -> Section:
    by_type = form_g(items)
    section = Section(
        "form_g",
        _(FORM_G),
        _(
            "Anti-personnel mines found in the period and destroyed in "
            "situ or removed and destroyed, by type."
        ),
    )
    section.tables.append(
        Table(
            "form_g",
            _("Anti-personnel mines destroyed by type"),
            [
                Column("model", _("Type (model)")),
                Column("destroyed", _("Destroyed"), "int"),
            ],
            [[m, int(q)] for m, q in by_type.items()],
            total=[_("Total"), int(by_type.sum())],
        )
    )
    ap = items[(items["category"] == EOCategory.AP_MINE.value) & ~items["destroyed"]]
    other = (
        ap.assign(disposal=ap["disposal"].fillna("none"))
        .groupby("disposal")["quantity"]
        .sum()
    )
    if len(other):
        section.tables.append(
            Table(
                "form_g_other",
                _("Anti-personnel mines found but not destroyed, by disposal"),
                [
                    Column("disposal", _("Disposal")),
                    Column("found", _("Found"), "int"),
                ],
                [[label("disposal", d), int(q)] for d, q in other.items()],
            )
        )
    section.figures.append(
        Figure(
            "form_g.destroyed", _("Anti-personnel mines destroyed"), int(by_type.sum())
        )
    )
    return section


def _by_admin_kind(
    hazards: pd.DataFrame, released: pd.DataFrame, places: pd.DataFrame
) -> pd.DataFrame:
    joined = released.merge(
        hazards[["id", "admin_area_id"]], left_on="hazard_id", right_on="id", how="left"
    )
    joined["admin_area_id"] = pd.to_numeric(
        joined["admin_area_id"], errors="coerce"
    ).astype("Int64")
    pivot = joined.pivot_table(
        index="admin_area_id",
        columns="kind",
        values="m2",
        aggfunc="sum",
        dropna=False,
    )
    own = pivot.reindex(columns=KINDS).fillna(0.0)
    return _by_area(own, places)


def _release_section(
    hazards: pd.DataFrame, released: pd.DataFrame, places: pd.DataFrame
) -> Section:
    """Cancelled, reduced and cleared in the period: AP-mined areas and all."""
    section = Section(
        "release_disaggregation",
        _(RELEASED),
        _(
            "Area released in the period by admin area (m²), on "
            "anti-personnel mined areas and on all hazardous areas."
        ),
    )
    ap_ids = set(ap_mined(hazards)["id"])
    for key, rows in (
        ("ap", released[released["hazard_id"].isin(ap_ids)]),
        ("all", released),
    ):
        pivot = _by_admin_kind(hazards, rows, places)
        top = pivot[pivot["top"].astype(bool)]
        section.tables.append(
            Table(
                f"released_{key}",
                t(f"treaty.r.{key}"),
                [Column("admin", _("Admin area"))]
                + [Column(k, t(f"col.{k}_m2"), "m2") for k in KINDS]
                + [Column("total", _("Total"), "m2")],
                [
                    [
                        r["label"],
                        *[float(r[k]) for k in KINDS],
                        float(sum(r[k] for k in KINDS)),
                    ]
                    for _i, r in pivot.iterrows()
                ],
                total=[
                    _("Total"),
                    *[float(top[k].sum()) for k in KINDS],
                    float(top[KINDS].to_numpy().sum()),
                ],
            )
        )
    return section


def _monitor_section(
    conn: Connection,
    period: Period,
    hazards: pd.DataFrame,
    items: pd.DataFrame,
    released: pd.DataFrame,
) -> Section:
    """Headline figures as the Landmine Monitor reports them (km², counts)."""
    section = Section(
        "monitor",
        _("Landmine Monitor-style figures"),
        _(
            "The headline figures as the Landmine Monitor publishes them "
            "(areas in km², counts for the period)."
        ),
    )
    ap = ap_mined(hazards)
    destroyed = items[items["destroyed"]].groupby("category")["quantity"].sum()
    victims = reporting.victims(conn, period.start, period.end)
    children = pd.Series(
        [
            is_child(None if pd.isna(a) else float(a), None if pd.isna(g) else g)
            for a, g in zip(victims["age"], victims["age_group"], strict=True)
        ],
        dtype="boolean",
    )
    people = reporting.eore_reach(conn, period.start, period.end)
    by_kind = released.groupby("kind")["m2"].sum()
    ap_kind = (
        released[released["hazard_id"].isin(set(ap["id"]))].groupby("kind")["m2"].sum()
    )
    other = (
        int(destroyed.sum())
        - int(destroyed.get("ap_mine", 0))
        - int(destroyed.get("at_mine", 0))
    )
    eore = int(people[["women", "men", "girls", "boys"]].to_numpy().sum())
    figures: list[tuple[str, float | int | None, str]] = [
        ("ap_remaining", float(ap["remaining_m2"].sum()), "km2"),
        ("all_remaining", float(hazards["remaining_m2"].sum()), "km2"),
        *[(f"released_{k}", float(by_kind.get(k, 0.0)), "km2") for k in KINDS],
        ("ap_released", float(ap_kind.sum()), "km2"),
        ("ap_destroyed", int(destroyed.get("ap_mine", 0)), "int"),
        ("at_destroyed", int(destroyed.get("at_mine", 0)), "int"),
        ("other_destroyed", other, "int"),
        ("casualties", len(victims), "int"),
        ("killed", int((victims["outcome"] == "killed").sum()), "int"),
        ("civilians", int((victims["status"] == "civilian").sum()), "int"),
        # Unknown ages are not "not children": with none known, no figure.
        ("children", int(children.sum()) if children.notna().any() else None, "int"),
        ("eore", eore, "int"),
    ]
    section.figures += [
        Figure(f"monitor.{key}", t(f"treaty.m.{key}"), value, fmt)
        for key, value, fmt in figures
    ]
    return section
