# SPDX-License-Identifier: GPL-3.0-or-later
"""Other countries' registers as they really are (issue 16).

The fixture reproduces the shape of the Colombian victims register the issue
met (see tests/exchange/data/README.md); expected figures are counted from
the raw file with pandas alone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from demine.analysis.casualties import casualty_report
from demine.cli import app
from demine.errors import ImportRejectedError, SourceError
from demine.exchange.importer import ImportResult, import_files, reinstate_records
from demine.exchange.mapping import load_mapping
from demine.store.database import Database
from demine.store.schema import Accident, AuditEvent

DATA = Path(__file__).parent / "data"
SOURCE = DATA / "victimas_colombia.csv"
runner = CliRunner()

PLACES = """external_id,name,place_type,parent,population
co-05,ANTIOQUIA,admin1,,
co-50,META,admin1,,
co-18,CAQUETÁ,admin1,,
co-05107,BRICEÑO,admin2,co-05,
co-05361,ITUANGO,admin2,co-05,
co-05040,ANORÍ,admin2,co-05,
co-50711,VISTAHERMOSA,admin2,co-50,
co-50330,MESETAS,admin2,co-50,
co-18150,CARTAGENA DEL CHAIRÁ,admin2,co-18,
"""


def raw() -> pd.DataFrame:
    """The file as pandas reads it (BOM stripped by utf-8-sig)."""
    return pd.read_csv(SOURCE, encoding="utf-8-sig", dtype=str)


def places(db: Database, tmp_path: Path, text: str = PLACES) -> None:
    path = tmp_path / "places.csv"
    path.write_text(text, encoding="utf-8")
    import_files(db, "place", [path])


def load(db: Database, path: Path = SOURCE, **kw: object) -> ImportResult:
    mapping = load_mapping(DATA / "victimas_colombia.yaml")
    return import_files(db, "register", [path], mapping=mapping, **kw)  # type: ignore[arg-type]


def test_ages_as_ranges_count_children_and_unknown_is_not_zero(
    db: Database, tmp_path: Path
) -> None:
    """Point 1: 'Menor de 18 años' makes children; 'Sin información' unknown."""
    places(db, tmp_path)
    load(db)
    frame = raw()
    report = casualty_report(db)
    assert report.victims == len(frame)
    assert report.children == (frame["edad"] == "Menor de 18 años").sum()
    unknown = (frame["edad"] == "Sin información").sum()
    assert unknown > 0
    assert report.children_age_unknown == unknown
    ages = report.by_age_group.set_index("age_group")["victims"]
    assert ages["0-17"] == report.children
    assert ages["18+"] == (frame["edad"] == "Mayor de 18 años").sum()
    assert ages["unknown"] == unknown
    assert any("neither an age nor an age group" in n for n in report.notes)
    shown = runner.invoke(app, ["casualties", "--db", str(db.url)])
    if db.dialect == "sqlite":
        assert f"{report.children} (+ {unknown} of unknown age)" in shown.output


def test_no_age_known_at_all_is_reported_as_unknown(
    db: Database, tmp_path: Path
) -> None:
    places(db, tmp_path)
    frame = raw()
    frame["edad"] = "Sin información"
    path = tmp_path / "victimas.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    load(db, path)
    report = casualty_report(db)
    assert report.children is None
    assert report.to_dict()["children"] is None
    assert report.children_age_unknown == len(frame)


def test_one_row_deleted_in_the_next_edition_moves_one_record(
    db: Database, tmp_path: Path
) -> None:
    """Point 3: content ids survive a deletion; --edition withdraws it."""
    places(db, tmp_path)
    first = load(db)
    frame = raw()
    assert first.counts["victim"].inserted == len(frame)
    assert any("told apart by -2" in w for w in first.warnings)
    killed = casualty_report(db).killed
    # The next edition has lost the only victim of the 2009 Mesetas event.
    gone = (frame["municipio"] == "MESETAS") & (frame["ano"] == "2,009")
    assert gone.sum() == 1
    assert frame.loc[gone, "estado"].item() == "Muerto"
    edition = tmp_path / "victimas_colombia.csv"
    frame[~gone].to_csv(edition, index=False, encoding="utf-8-sig")
    plain = load(db, edition, dry_run=True)
    assert plain.counts["victim"].updated == 0
    assert plain.counts["victim"].withdrawn == 0
    dry = load(db, edition, dry_run=True, edition=True)
    assert (dry.counts["victim"].withdrawn, dry.counts["accident"].withdrawn) == (1, 1)
    assert dry.counts["victim"].unchanged == len(frame) - 1
    assert casualty_report(db).killed == killed
    done = load(db, edition, edition=True)
    assert done.withdrawn == 2
    assert casualty_report(db).killed == killed - 1
    again = load(db, edition, edition=True)
    assert again.withdrawn == 0
    assert again.counts["victim"].updated == 0
    with db.transaction() as conn:
        actions = conn.execute(select(AuditEvent.action, AuditEvent.entity)).all()
    assert sorted(actions) == [("withdraw", "accident"), ("withdraw", "victim")]
    # reversible
    assert reinstate_records(db, "accident", "col-v-", dry_run=True) == 1
    assert reinstate_records(db, "accident", "col-v-") == 1
    assert reinstate_records(db, "victim", "col-v-") == 1
    assert casualty_report(db).killed == killed


def test_edition_asks_before_withdrawing(db_url: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init", "--db", db_url]).exit_code == 0
    places_csv = tmp_path / "places.csv"
    places_csv.write_text(PLACES, encoding="utf-8")
    assert (
        runner.invoke(app, ["import", "places", str(places_csv), "--db", db_url])
    ).exit_code == 0
    mapping = str(DATA / "victimas_colombia.yaml")
    args = ["import", "register", "--mapping", mapping, "--db", db_url]
    assert runner.invoke(app, [*args[:2], str(SOURCE), *args[2:]]).exit_code == 0
    frame = raw()
    edition = tmp_path / "next.csv"
    frame.iloc[1:].to_csv(edition, index=False, encoding="utf-8-sig")
    files = [*args[:2], str(edition), *args[2:]]
    dry = runner.invoke(app, [*files, "--edition", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "withdrawn" in dry.output
    # no terminal to ask: refused, nothing written
    refused = runner.invoke(app, [*files, "--edition"])
    assert refused.exit_code == 1
    assert "--yes" in refused.output
    done = runner.invoke(app, [*files, "--edition", "--yes", "--json"])
    assert done.exit_code == 0, done.output
    assert '"withdrawn": 1' in done.output
    # brought back by `demine reinstate` (`restore` is the database backup's)
    back = ["reinstate", "victims", "col-v-", "--db", db_url]
    would = runner.invoke(app, [*back, "--dry-run", "--json"])
    assert would.exit_code == 0, would.output
    assert json.loads(would.output) == {
        "kind": "victim",
        "reinstated": 1,
        "dry_run": True,
    }
    shown = runner.invoke(app, back)
    assert shown.exit_code == 0, shown.output
    assert "1 victim record reinstated" in shown.output
    again = runner.invoke(app, [*back, "--json"])
    assert json.loads(again.output)["reinstated"] == 0


def test_edition_needs_ids_that_name_their_source(db: Database, tmp_path: Path) -> None:
    mapping = tmp_path / "m.yaml"
    text = (DATA / "victimas_colombia.yaml").read_text("utf-8")
    mapping.write_text(text.replace('"col-v-{_hash', '"{_hash'), encoding="utf-8")
    with pytest.raises(SourceError, match="cannot tell which records"):
        import_files(
            db, "register", [SOURCE], mapping=load_mapping(mapping), edition=True
        )


# -- point 6: the small ones ---------------------------------------------------


def test_a_byte_order_mark_is_read_under_encoding_utf8(
    db: Database, tmp_path: Path
) -> None:
    places(db, tmp_path)
    assert SOURCE.read_bytes().startswith(b"\xef\xbb\xbf")
    assert load_mapping(DATA / "victimas_colombia.yaml").read.encoding == "utf-8"
    result = load(db)  # the mapping says utf-8; 'ano' is the first column
    assert result.counts["accident"].inserted == 12


def test_day_first_and_a_day_number_are_not_column_names(
    db: Database, tmp_path: Path
) -> None:
    places(db, tmp_path)
    text = (DATA / "victimas_colombia.yaml").read_text("utf-8")
    for day, expected in (("first", 1), ("15", 15), ("last", 31)):
        mapping = tmp_path / f"{day}.yaml"
        mapping.write_text(text.replace("day: 1}", f"day: {day}}}"), encoding="utf-8")
        import_files(db, "register", [SOURCE], mapping=load_mapping(mapping))
        with db.transaction() as conn:
            dates = conn.execute(
                select(Accident.occurred_on).where(
                    Accident.external_id.startswith("col-v-")
                )
            ).scalars()
            days = pd.to_datetime(pd.Series(list(dates))).dt.day
        if day == "last":
            assert (days >= 28).all()
        else:
            assert (days == expected).all()


def test_a_bad_year_is_one_problem_and_problems_come_in_file_order(
    db: Database, tmp_path: Path
) -> None:
    places(db, tmp_path)
    frame = raw()
    frame.loc[15, "ano"] = "dos mil"
    frame.loc[3, "estado"] = "Ileso"
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    with pytest.raises(ImportRejectedError) as caught:
        load(db, path)
    problems = caught.value.problems
    assert [(p.row, p.field) for p in problems] == [
        (5, "outcome"),
        (17, "occurred_on"),
    ]
    assert "first: " in str(caught.value)
    assert "row 5" in str(caught.value)


def test_a_too_long_id_is_reported_once_at_its_root(
    db: Database, tmp_path: Path
) -> None:
    places(db, tmp_path)
    text = (DATA / "victimas_colombia.yaml").read_text("utf-8")
    mapping = tmp_path / "long.yaml"
    long = "col-v-acc-" + "x" * 120 + "-{_hash:municipio,ano,mes,sitio}"
    mapping.write_text(
        text.replace('"col-v-acc-{_hash:municipio,ano,mes,sitio}"', f'"{long}"'),
        encoding="utf-8",
    )
    with pytest.raises(ImportRejectedError) as caught:
        import_files(db, "register", [SOURCE], mapping=load_mapping(mapping))
    fields = {(p.field, p.reason) for p in caught.value.problems}
    assert fields == {("external_id", "is longer than 120 characters (143)")}
    assert len(caught.value.problems) == 12  # once per accident, not per victim


def test_read_only_commands_leave_no_empty_register(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEMINE_DATABASE_URL", raising=False)
    for command in (["summary"], ["casualties"], ["validate"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 1
        assert "no register" in result.output
    assert not (tmp_path / "demine.sqlite").exists()
    assert os.listdir(tmp_path) == []


# -- point 2: admin areas roll up -----------------------------------------------


def _with_population(text: str, populations: dict[str, int]) -> str:
    lines = text.strip().split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        name = line.split(",")[1]
        out.append(line + (str(populations[name]) if name in populations else ""))
    return "\n".join(out) + "\n"


def test_victims_in_municipalities_roll_up_to_departments(
    db: Database, tmp_path: Path
) -> None:
    # one town's population only (as the issue had it), and all of Meta's
    pops = {"BRICEÑO": 9_000, "VISTAHERMOSA": 25_000, "MESETAS": 12_000}
    places(db, tmp_path, _with_population(PLACES, pops))
    load(db)
    frame = raw()
    report = casualty_report(db)
    admin = report.by_admin.set_index("name")
    for department in ("ANTIOQUIA", "META", "CAQUETÁ"):
        rows = frame[frame["departamento"] == department]
        events = rows.drop_duplicates(["municipio", "ano", "mes", "sitio"])
        assert admin.loc[department, "victims"] == len(rows), department
        assert admin.loc[department, "accidents"] == len(events), department
        assert admin.loc[department, "killed"] == (rows["estado"] == "Muerto").sum()
    # a rate where the population covers the area, and only there
    briceno = (frame["municipio"] == "BRICEÑO").sum()
    assert admin.loc["BRICEÑO", "rate_per_100k"] == pytest.approx(
        briceno / 9_000 * 100_000
    )
    meta = (frame["departamento"] == "META").sum()
    assert admin.loc["META", "population"] == 37_000
    assert admin.loc["META", "rate_per_100k"] == pytest.approx(meta / 37_000 * 1e5)
    assert admin.loc["META", "population_coverage"] == "sum of all 2 areas below"
    assert pd.isna(admin.loc["ANTIOQUIA", "rate_per_100k"])
    assert admin.loc["ANTIOQUIA", "population"] == 9_000  # shown, as a lower bound
    assert "1 of 3 areas below" in admin.loc["ANTIOQUIA", "population_coverage"]
    # the nation: not 126,163 per 100,000 over one town, but no rate at all
    assert report.rate_per_100k is None
    data = report.to_dict()
    assert data["rate_per_100k"] is None
    antioquia = next(r for r in data["by_admin"] if r["name"] == "ANTIOQUIA")
    assert antioquia["place_type"] == "admin1"
    assert antioquia["parent_id"] is None


# -- point 4: a register without hazards makes reports -----------------------


def test_reports_of_a_register_without_hazards(db: Database, tmp_path: Path) -> None:
    from demine.reports.build import build_report
    from demine.reports.render import render_html

    places(db, tmp_path)
    load(db)
    frame = raw()
    national = build_report(db, "national", "2006..2016", forecast=True)
    missing = {s.key for s in national.sections if s.unavailable}
    assert missing == {
        "progress",
        "remaining",
        "items",
        "eore",
        "qm",
        "funding",
        "forecast",
        "quality",
        "cost",
    }
    casualties = national.section("casualties")
    assert casualties.unavailable is None
    figures = {f.key: f.value for f in casualties.figures}
    assert figures["casualties.killed"] == (frame["estado"] == "Muerto").sum()
    assert figures["casualties.children"] == (frame["edad"] == "Menor de 18 años").sum()
    html = render_html(national)
    assert "holds no approved hazards" in html
    treaty = build_report(db, "treaty", "2006..2016")
    assert {s.key for s in treaty.sections if s.unavailable} == {
        "form_c",
        "form_g",
        "release_disaggregation",
    }
    monitor = {f.key: f.value for f in treaty.section("monitor").figures}
    assert monitor["monitor.casualties"] == len(frame)
