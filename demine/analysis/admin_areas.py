# SPDX-License-Identifier: GPL-3.0-or-later
"""Places as a hierarchy: figures roll up, populations say what they cover.

A register's places nest: settlements in municipalities (admin2) in
departments (admin1) in the country. A figure kept against a municipality
(its accidents, its remaining hazardous area) belongs to its department and
its country too, so every table by admin area shows each area with all it
holds: :func:`roll_up`.

A rate per inhabitant needs the population of the whole area.
:func:`populations` gives each place its population (its own, or the sum of
the places under it) and whether that *covers* the area: an own figure
does; a sum does only when the places summed are admin areas (which divide
their parent) that all cover themselves. Settlements do not divide an area
(people live outside them), so their sum is a lower bound, shown but not
used for a rate. ``population_coverage`` says in words which it is.

Pure pandas: the caller reads the places (``id``, ``name``, ``place_type``,
``parent_id``, ``population``) and the figures.
"""

from __future__ import annotations

import pandas as pd

from demine.domain.vocab import PlaceType
from demine.i18n import _, ngettext

ADMIN_TYPES = (
    PlaceType.COUNTRY.value,
    PlaceType.ADMIN1.value,
    PlaceType.ADMIN2.value,
)
#: How deep a hierarchy may go (a cycle in bad data stops here).
MAX_DEPTH = 16


def parents(places: pd.DataFrame) -> pd.Series:
    """Each place's parent id (``<NA>`` for a top place), by place id."""
    if not len(places):
        return pd.Series(dtype="Int64")
    ids = pd.to_numeric(places["id"]).astype("int64")
    parent = pd.to_numeric(places["parent_id"], errors="coerce")
    parent = parent.where(parent.isin(set(ids)))
    return pd.Series(parent.to_numpy(), index=ids.to_numpy()).astype("Int64")


def ancestry(places: pd.DataFrame) -> pd.DataFrame:
    """Pairs ``place_id``, ``area_id``: each place with itself and every
    place above it."""
    up = parents(places)
    if up.empty:
        return pd.DataFrame({"place_id": [], "area_id": []}, dtype="int64")
    pairs = [pd.DataFrame({"place_id": up.index, "area_id": up.index})]
    current = pd.Series(up.to_numpy(), index=up.index)
    for _step in range(MAX_DEPTH):
        current = current.dropna()
        if current.empty:
            break
        pairs.append(
            pd.DataFrame(
                {"place_id": current.index, "area_id": current.to_numpy("int64")}
            )
        )
        current = pd.Series(up.reindex(current.to_numpy()).to_numpy(), current.index)
    return pd.concat(pairs, ignore_index=True).astype("int64")


def roll_up(own: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Figures of each place with everything under it added.

    ``own`` is indexed by place id (the place a figure was kept against)
    with numeric columns. The result has a row for every place of
    ``places`` with a figure in itself or below, indexed the same way;
    figures against ids that are not places pass through unchanged.
    """
    if own.empty:
        return own.copy()
    known = set(pd.to_numeric(places["id"]).astype("int64")) if len(places) else set()
    ids = pd.Index(own.index)
    inside = own[ids.isin(known)]
    outside = own[~ids.isin(known)]
    pairs = ancestry(places)
    pairs = pairs[pairs["place_id"].isin(inside.index)]
    joined = inside.reindex(pairs["place_id"].to_numpy())
    joined.index = pairs["area_id"].to_numpy()
    rolled = joined.groupby(level=0).sum()
    out = pd.concat([rolled, outside])
    out.index.name = own.index.name
    return out


def populations(places: pd.DataFrame) -> pd.DataFrame:
    """Each place's population, its source, and whether it covers the area.

    Columns (indexed by place id): ``population`` (own, else the sum of the
    places directly under it, each counted by this rule; null when nothing
    is known), ``population_source`` (``own`` / ``sum_below``),
    ``covers`` (True where the figure is the whole area's) and
    ``population_coverage`` (in words).
    """
    columns = ["population", "population_source", "covers", "population_coverage"]
    if not len(places):
        return pd.DataFrame(columns=columns)
    pl = places.assign(id=pd.to_numeric(places["id"]).astype("int64")).set_index("id")
    up = parents(places)
    kind = pl["place_type"].astype(str)
    own = pd.to_numeric(pl["population"], errors="coerce").astype(float)
    value = own.where(own > 0)
    source = pd.Series("own", index=pl.index, dtype=object).where(value.notna(), None)
    covers = value.notna()
    coverage = pd.Series(_("own figure"), index=pl.index, dtype=object).where(
        covers, None
    )
    depth = ancestry(places).groupby("place_id").size() - 1
    for level in sorted(depth.unique(), reverse=True):
        at = depth.index[(depth == level).to_numpy()]
        for place in at:
            if pd.notna(value.get(place)):
                continue
            below = up.index[(up == place).fillna(False).to_numpy()]
            if not len(below):
                continue
            known = value.reindex(below)
            areas = below[kind.reindex(below).isin(ADMIN_TYPES).to_numpy()]
            if known.notna().any() and known.sum() > 0:
                value[place] = known.sum()
                source[place] = "sum_below"
            if len(areas) == len(below) and covers.reindex(below).all():
                covers[place] = pd.notna(value.get(place))
                coverage[place] = ngettext(
                    "sum of the %(num)d area below",
                    "sum of all %(num)d areas below",
                    len(below),
                )
            elif len(areas) == len(below):
                coverage[place] = ngettext(
                    "%(have)d of %(num)d area below has a population: no rate",
                    "%(have)d of %(num)d areas below have a population: no rate",
                    len(below),
                    have=int(covers.reindex(below).sum()),
                )
            elif pd.notna(value.get(place)):
                coverage[place] = _(
                    "sum of the settlements below (people outside them are "
                    "not counted): no rate"
                )
    out = pd.DataFrame(
        {
            "population": value.round().astype("Int64"),
            "population_source": source,
            "covers": covers.astype(bool),
            "population_coverage": coverage,
        },
        index=pl.index,
    )
    out.index.name = "id"
    return out


def national_population(
    places: pd.DataFrame, pops: pd.DataFrame
) -> tuple[int | None, bool]:
    """The population of the top places and whether it covers them all."""
    if not len(places):
        return None, False
    up = parents(places)
    roots = up.index[up.isna().to_numpy()]
    values = pops["population"].reindex(roots)
    total = values.dropna().sum()
    covered = bool(len(roots)) and bool(pops["covers"].reindex(roots).all())
    return (int(total) if total > 0 else None), covered


def area_table(own: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Figures by area for a report table, each area with all below it.

    ``own`` is indexed by the place id figures were kept against (``<NA>``
    for none). The result, parents before children, has the figures and
    ``name``, ``label`` (the path below the country, ``ANTIOQUIA ›
    BRICEÑO``), ``place_type``, ``depth`` and
    ``top`` (the rows that add up to the whole: top areas and the row of
    figures without an area, whose ``name`` is None).
    """
    present = own[pd.notna(own.index)]
    present.index = pd.Index(present.index).astype("int64")
    rolled = roll_up(present, places)
    info = (
        places.assign(id=pd.to_numeric(places["id"]).astype("int64")).set_index("id")
        if len(places)
        else pd.DataFrame(columns=["name", "parent_id"])
    )
    up = parents(places)
    paths = {int(i): _path(int(i), info, up) for i in rolled.index}
    chains = {int(i): _chain(int(i), info, up) for i in rolled.index}
    order = sorted(rolled.index, key=lambda i: paths[int(i)])
    out = rolled.loc[order].copy()
    kinds = info["place_type"].astype(str) if "place_type" in info else pd.Series()
    countries = set(info.index[(kinds == PlaceType.COUNTRY.value).to_numpy()])
    out["name"] = [paths[int(i)][-1] for i in order]
    out["label"] = [
        " › ".join(_below_country(paths[int(i)], chains[int(i)], countries))
        for i in order
    ]
    out["place_type"] = [kinds.get(int(i)) for i in order]
    out["depth"] = [len(paths[int(i)]) - 1 for i in order]
    out["top"] = out["depth"] == 0
    nowhere = own[pd.isna(own.index)]
    if len(nowhere):
        tail = nowhere.sum().to_frame().T
        tail.index = pd.Index([None], dtype=object)
        tail["name"], tail["label"], tail["depth"], tail["top"] = None, None, 0, True
        tail["place_type"] = None
        out = pd.concat([out, tail])
    return out


def _chain(place_id: int, info: pd.DataFrame, up: pd.Series) -> tuple[int, ...]:
    """Ids from the top place down to this one."""
    ids: list[int] = []
    current: object = place_id
    for _step in range(MAX_DEPTH):
        if current is None or pd.isna(current) or int(current) not in info.index:  # type: ignore[call-overload]
            break
        ids.append(int(current))  # type: ignore[call-overload]
        current = up.get(int(current))  # type: ignore[call-overload]
    return tuple(reversed(ids))


def _path(place_id: int, info: pd.DataFrame, up: pd.Series) -> tuple[str, ...]:
    """Names from the top place down to this one."""
    chain = _chain(place_id, info, up)
    return tuple(str(info["name"].get(i)) for i in chain) or (str(place_id),)


def _below_country(
    names: tuple[str, ...], ids: tuple[int, ...], countries: set[int]
) -> tuple[str, ...]:
    """A path without its country (every row of a national table has it),
    unless the row is the country's."""
    kept = tuple(n for n, i in zip(names, ids, strict=False) if i not in countries)
    return kept or names[-1:]
