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

from demine.domain.vocab import EOCategory, ReleaseKind
from demine.i18n import _
from demine.reports.land import NO_AREA
from demine.reports.model import Column, Figure, Section, Table
from demine.reports.period import Period
from demine.reports.texts import label, t
from demine.store import reporting

KINDS = [k.value for k in ReleaseKind]


def ap_mined(hazards: pd.DataFrame) -> pd.DataFrame:
    """The hazards whose contamination includes anti-personnel mines."""
    return hazards[hazards["ap_mine"]]


def form_c(hazards: pd.DataFrame) -> pd.DataFrame:
    """Per admin area: number and m² of AP-mined areas left, CHA and SHA."""
    left = ap_mined(hazards)
    left = left[left["remaining_m2"] > 0].assign(
        admin=lambda f: f["admin"].astype(object).fillna(NO_AREA)
    )
    out = pd.DataFrame(index=sorted(left["admin"].unique()))
    for cls in ("cha", "sha"):
        sub = left[left["hazard_class"] == cls].groupby("admin")["remaining_m2"]
        out[f"{cls}_n"] = sub.count()
        out[f"{cls}_m2"] = sub.sum()
    out = out.fillna(0.0)
    out["total_n"] = out["cha_n"] + out["sha_n"]
    out["total_m2"] = out["cha_m2"] + out["sha_m2"]
    return out


def form_g(items: pd.DataFrame) -> pd.DataFrame:
    """AP mines destroyed in the period by model (type)."""
    ap = items[(items["category"] == EOCategory.AP_MINE.value) & items["destroyed"]]
    return ap.groupby("model")["quantity"].sum().sort_values(ascending=False)


def treaty_sections(conn: Connection, period: Period) -> list[Section]:
    hazards = reporting.hazards_at(conn, period.end)
    items = reporting.items_found(conn, period.start, period.end)
    released = reporting.released_by_hazard(conn, period.start, period.end)
    return [
        _form_c_section(hazards, period),
        _form_g_section(items),
        _release_section(hazards, released),
        _monitor_section(conn, period, hazards, items, released),
    ]


def _form_c_section(hazards: pd.DataFrame, period: Period) -> Section:
    table = form_c(hazards)
    section = Section(
        "form_c",
        _("Form C — areas containing or suspected to contain anti-personnel mines"),
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
                [name, *[_num(r[c], fmts[c]) for c in cols]]
                for name, r in table.iterrows()
            ],
            total=[_("Total"), *[_num(table[c].sum(), fmts[c]) for c in cols]],
        )
    )
    section.figures += [
        Figure("form_c.areas", _("Mined areas"), int(table["total_n"].sum())),
        Figure("form_c.m2", _("Mined area (m²)"), float(table["total_m2"].sum()), "m2"),
    ]
    return section


def _num(value: float, fmt: str) -> float | int:
    return int(value) if fmt == "int" else float(value)


def _form_g_section(items: pd.DataFrame) -> Section:
    by_type = form_g(items)
    section = Section(
        "form_g",
        _("Form G — anti-personnel mines destroyed"),
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


def _by_admin_kind(hazards: pd.DataFrame, released: pd.DataFrame) -> pd.DataFrame:
    joined = released.merge(
        hazards[["id", "admin"]], left_on="hazard_id", right_on="id", how="left"
    )
    joined["admin"] = joined["admin"].astype(object).fillna(NO_AREA)
    pivot = joined.pivot_table(
        index="admin", columns="kind", values="m2", aggfunc="sum"
    )
    return pivot.reindex(columns=KINDS).fillna(0.0)


def _release_section(hazards: pd.DataFrame, released: pd.DataFrame) -> Section:
    """Cancelled, reduced and cleared in the period: AP-mined areas and all."""
    section = Section(
        "release_disaggregation",
        _("Land released — cancelled, reduced, cleared"),
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
        pivot = _by_admin_kind(hazards, rows)
        section.tables.append(
            Table(
                f"released_{key}",
                t(f"treaty.r.{key}"),
                [Column("admin", _("Admin area"))]
                + [Column(k, t(f"col.{k}_m2"), "m2") for k in KINDS]
                + [Column("total", _("Total"), "m2")],
                [
                    [name, *[float(r[k]) for k in KINDS], float(r.sum())]
                    for name, r in pivot.iterrows()
                ],
                total=[
                    _("Total"),
                    *[float(pivot[k].sum()) for k in KINDS],
                    float(pivot.to_numpy().sum()),
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
    children = victims["age"].map(lambda a: a is not None and not pd.isna(a) and a < 18)
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
    figures: list[tuple[str, float | int, str]] = [
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
        ("children", int(children.sum()), "int"),
        ("eore", eore, "int"),
    ]
    section.figures += [
        Figure(f"monitor.{key}", t(f"treaty.m.{key}"), value, fmt)
        for key, value, fmt in figures
    ]
    return section
