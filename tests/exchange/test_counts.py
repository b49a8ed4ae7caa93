# SPDX-License-Identifier: GPL-3.0-or-later
"""Registers that count victims instead of listing them (issue 21).

The expected figures are column sums of the fixture read by pandas alone,
never through the importer.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from demine.analysis.casualties import casualty_report
from demine.cli import app
from demine.errors import ImportRejectedError
from demine.exchange.importer import import_files
from demine.exchange.mapping import load_mapping
from demine.i18n import use_language
from demine.store.database import Database, normalise_url
from demine.store.loading import load_register
from demine.store.schema import AuditEvent, Victim

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("DEMINE_TEST_DATABASE_URL")
runner = CliRunner()


def catalogue(db: Database) -> None:
    """The districts and devices the fixtures name."""
    load_register(
        db,
        {
            "place": pd.DataFrame(
                {
                    "id": [1, 2],
                    "name": ["Aghdam", "Fuzuli"],
                    "place_type": ["admin2", "admin2"],
                    "population": pd.array([None, None], dtype="Int64"),
                    "boundary": [None, None],
                }
            ),
            "eo_model": pd.DataFrame(
                {
                    "id": [1, 2, 3],
                    "model": ["PMN-2", "PG-7V", "TM-62M"],
                    "category": ["ap_mine", "uxo", "at_mine"],
                }
            ),
        },
    )


def load(db: Database, name: str, path: Path | None = None, **kw: object):  # type: ignore[no-untyped-def]
    mapping = load_mapping(DATA / f"{name}.yaml")
    return import_files(
        db, "register", [path or DATA / f"{name}.csv"], mapping=mapping, **kw
    )


def test_counts_become_victims_equal_to_the_column_sums(db: Database) -> None:
    catalogue(db)
    result = load(db, "incidents_counts")
    raw = pd.read_csv(DATA / "incidents_counts.csv")
    assert result.counts["accident"].inserted == len(raw)
    assert result.counts["victim"].inserted == raw["VICTIMS"].sum()
    report = casualty_report(db)
    assert report.killed == raw["KILLED"].sum()
    assert report.injured == raw["INJURED"].sum() + raw["AMPUTATIONS"].sum()
    assert report.amputations == raw["AMPUTATIONS"].sum()
    # per incident, and the incident's point moved out of UTM into WGS84
    with db.transaction() as conn:
        per = pd.read_sql(
            "SELECT a.external_id, count(v.id) AS n FROM accident a "
            "LEFT JOIN victim v ON v.accident_id = a.id GROUP BY a.external_id",
            conn,
        )
        ids = conn.execute(select(Victim.external_id)).scalars().all()
    expected = dict(zip("az-" + raw["INCIDENT_ID"], raw["VICTIMS"], strict=True))
    assert dict(zip(per["external_id"], per["n"], strict=True)) == expected
    assert "az-AZ-2021-003-amputated-1" in ids
    assert "az-AZ-2022-005-injured-3" in ids
    assert report.hotspots["lon"].between(46.8, 47.3).all()


def test_reimport_of_the_same_counts_changes_nothing(db: Database) -> None:
    catalogue(db)
    load(db, "incidents_counts")
    again = load(db, "incidents_counts")
    victims = again.counts["victim"]
    assert (victims.inserted, victims.updated, victims.withdrawn) == (0, 0, 0)
    assert (
        victims.unchanged == pd.read_csv(DATA / "incidents_counts.csv")["VICTIMS"].sum()
    )


def _edition(tmp_path: Path, changes: dict[str, dict[str, int]]) -> Path:
    raw = pd.read_csv(DATA / "incidents_counts.csv", dtype=str)
    for incident, values in changes.items():
        row = raw["INCIDENT_ID"] == incident
        for column, value in values.items():
            raw.loc[row, column] = str(value)
        counts = raw.loc[row, ["KILLED", "INJURED", "AMPUTATIONS"]].astype(int)
        raw.loc[row, "VICTIMS"] = str(int(counts.to_numpy().sum()))
    path = tmp_path / "incidents_counts.csv"
    raw.to_csv(path, index=False)
    return path


def test_a_changed_count_moves_the_figures_by_exactly_the_difference(
    db: Database, tmp_path: Path
) -> None:
    catalogue(db)
    load(db, "incidents_counts")
    before = casualty_report(db)
    # 3 killed become 1; 1 injured becomes 3
    edition = _edition(
        tmp_path, {"AZ-2021-002": {"KILLED": 1}, "AZ-2021-001": {"INJURED": 3}}
    )
    dry = load(db, "incidents_counts", edition, dry_run=True)
    assert (dry.counts["victim"].inserted, dry.counts["victim"].withdrawn) == (2, 2)
    assert casualty_report(db).killed == before.killed  # the dry run wrote nothing
    result = load(db, "incidents_counts", edition)
    assert (result.counts["victim"].inserted, result.counts["victim"].withdrawn) == (
        2,
        2,
    )
    after = casualty_report(db)
    assert after.killed == before.killed - 2
    assert after.injured == before.injured + 2
    with db.transaction() as conn:
        events = conn.execute(
            select(AuditEvent.action, AuditEvent.after).where(
                AuditEvent.entity == "victim"
            )
        ).all()
    withdrawn = sorted(e.after["external_id"] for e in events if e.action == "withdraw")
    added = sorted(e.after["external_id"] for e in events if e.action == "import")
    assert withdrawn == ["az-AZ-2021-002-killed-2", "az-AZ-2021-002-killed-3"]
    assert added == ["az-AZ-2021-001-injured-2", "az-AZ-2021-001-injured-3"]
    # the first edition again: the withdrawn victims come back, the added go
    back = load(db, "incidents_counts")
    assert back.counts["victim"].withdrawn == 2
    assert back.counts["victim"].updated == 2
    reinstated = casualty_report(db)
    assert (reinstated.killed, reinstated.injured) == (before.killed, before.injured)
    with db.transaction() as conn:
        actions = conn.execute(
            select(AuditEvent.action).where(AuditEvent.entity == "victim")
        ).scalars()
        assert sorted(actions) == ["import"] * 2 + ["reinstate"] * 2 + ["withdraw"] * 4


def test_a_count_down_to_zero_withdraws_every_victim_of_the_block(
    db: Database, tmp_path: Path
) -> None:
    catalogue(db)
    load(db, "incidents_counts")
    result = load(
        db, "incidents_counts", _edition(tmp_path, {"AZ-2022-005": {"INJURED": 0}})
    )
    assert result.counts["victim"].withdrawn == 3
    assert result.counts["victim"].inserted == 0


def test_disaggregated_counts_set_sex_and_age_group(db: Database) -> None:
    catalogue(db)
    load(db, "incidents_sadd")
    raw = pd.read_csv(DATA / "incidents_sadd.csv")
    report = casualty_report(db)
    by_sex = report.by_sex.set_index("sex")["victims"]
    male = raw.filter(regex="^(MEN|BOYS)_").to_numpy().sum()
    female = raw.filter(regex="^(WOMEN|GIRLS)_").to_numpy().sum()
    assert (by_sex["male"], by_sex["female"], by_sex["unknown"]) == (male, female, 0)
    children = raw.filter(regex="^(BOYS|GIRLS)_").to_numpy().sum()
    assert report.children == children
    assert report.children_age_unknown == 0
    ages = report.by_age_group.set_index("age_group")
    assert ages.loc["0-17", "victims"] == children
    assert bool(ages.loc["0-17", "child"]) is True
    assert ages.loc["18+", "victims"] == raw["TOTAL"].sum() - children
    assert report.killed == raw.filter(regex="_KILLED$").to_numpy().sum()


def _second_url(tmp_path: Path) -> Iterator[str]:
    if PG_URL is None:
        yield f"sqlite:///{tmp_path / 'second.sqlite'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG_URL))
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        sep = "&" if "?" in PG_URL else "?"
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}%2Cpublic"
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def second_url(tmp_path: Path) -> Iterator[str]:
    yield from _second_url(tmp_path)


def _casualties_json(url: str, name: str) -> dict[str, object]:
    assert runner.invoke(app, ["init", "--db", url]).exit_code == 0
    database = Database(url)
    try:
        catalogue(database)
    finally:
        database.dispose()
    imported = runner.invoke(
        app,
        [
            "import",
            "register",
            str(DATA / f"{name}.csv"),
            "--mapping",
            str(DATA / f"{name}.yaml"),
            "--db",
            url,
        ],
    )
    assert imported.exit_code == 0, imported.output
    result = runner.invoke(app, ["casualties", "--json", "--db", url])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


@pytest.mark.parametrize(
    ("counts", "victims"),
    [
        ("incidents_counts", "incidents_victims"),
        ("incidents_sadd", "incidents_sadd_victims"),
    ],
)
def test_counts_and_one_row_per_victim_give_identical_casualties_json(
    db_url: str, second_url: str, counts: str, victims: str
) -> None:
    as_counts = _casualties_json(db_url, counts)
    as_rows = _casualties_json(second_url, victims)
    assert as_counts["victims"] == pd.read_csv(DATA / f"{counts}.csv").iloc[:, 6].sum()
    assert as_counts == as_rows


BAD = """INCIDENT_ID,DATE,DISTRICT,EASTING,NORTHING,DEVICE,VICTIMS,KILLED,INJURED,\
AMPUTATIONS
B-1,14.03.2021,Aghdam,666513.3,4430912.2,PMN-2,2,1,1,0
B-2,14.03.2021,Aghdam,666513.3,4430912.2,PMN-2,1,-1,2,0
B-3,14.03.2021,Aghdam,666513.3,4430912.2,PMN-2,2,1.5,0,0
B-4,14.03.2021,Aghdam,666513.3,4430912.2,PMN-2,5,1,1,1
B-5,14.03.2021,Aghdam,666513.3,4430912.2,PMN-2,2,two,0,0
"""


def test_bad_counts_are_bad_rows_named_by_file_row_and_field(
    db: Database, tmp_path: Path
) -> None:
    catalogue(db)
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(ImportRejectedError) as caught:
        load(db, "incidents_counts", path)
    found = {
        (Path(str(p.file)).name, p.row, p.field): p.reason
        for p in caught.value.problems
    }
    assert set(found) == {
        ("bad.csv", 3, "KILLED"),
        ("bad.csv", 4, "KILLED"),
        ("bad.csv", 5, "VICTIMS"),
        ("bad.csv", 6, "KILLED"),
    }
    assert "negative" in found[("bad.csv", 3, "KILLED")]
    assert "whole number" in found[("bad.csv", 4, "KILLED")]
    assert (
        "KILLED 1 + INJURED 1 + AMPUTATIONS 1 = 3" in found[("bad.csv", 5, "VICTIMS")]
    )
    assert "not a number" in found[("bad.csv", 6, "KILLED")]
    with db.transaction() as conn:
        assert conn.execute(select(Victim.id)).first() is None


def test_bad_counts_are_worded_in_the_users_language(
    db: Database, tmp_path: Path
) -> None:
    """The same problems in Russian, still naming file, row and field."""
    catalogue(db)
    path = tmp_path / "bad.csv"
    path.write_text(BAD, encoding="utf-8")
    with use_language("ru"), pytest.raises(ImportRejectedError) as caught:
        load(db, "incidents_counts", path)
    found = {(p.row, p.field): p.reason for p in caught.value.problems}
    assert (
        found[(3, "KILLED")] == "отрицательно: количество не может быть отрицательным"
    )
    assert found[(4, "KILLED")] == "не целое число: количество должно быть целым"
    assert found[(5, "VICTIMS")].startswith("не равно сумме количеств")
    assert found[(6, "KILLED")] == "не число (ожидается количество)"


def test_a_part_count_within_another_marks_its_records(
    db: Database, tmp_path: Path
) -> None:
    """Amputees counted among the injured make no records of their own."""
    catalogue(db)
    text = (DATA / "incidents_counts.yaml").read_text("utf-8")
    text = text.replace("      total: VICTIMS\n", "").replace(
        "          column: AMPUTATIONS\n",
        "          column: AMPUTATIONS\n          within: injured\n",
    )
    mapping = tmp_path / "within.yaml"
    mapping.write_text(text, encoding="utf-8")
    csv = tmp_path / "within.csv"
    csv.write_text(
        "INCIDENT_ID,DATE,DISTRICT,EASTING,NORTHING,DEVICE,VICTIMS,KILLED,INJURED,"
        "AMPUTATIONS\n"
        "W-1,14.03.2021,Aghdam,666513.3,4430912.2,PMN-2,3,0,3,2\n"
        "W-2,14.03.2021,Aghdam,666513.3,4430912.2,PMN-2,1,0,1,2\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejectedError) as caught:
        import_files(db, "register", [csv], mapping=load_mapping(mapping))
    [problem] = caught.value.problems
    assert (problem.row, problem.field) == (3, "AMPUTATIONS")
    csv.write_text(csv.read_text().rsplit("\n", 2)[0] + "\n", encoding="utf-8")
    import_files(db, "register", [csv], mapping=load_mapping(mapping))
    report = casualty_report(db)
    assert (report.injured, report.amputations) == (3, 2)


def test_the_mapping_draft_proposes_the_count_blocks(tmp_path: Path) -> None:
    out = tmp_path / "draft.yaml"
    result = runner.invoke(
        app,
        [
            "mapping",
            "template",
            str(DATA / "incidents_counts.csv"),
            "--kind",
            "accidents",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    draft = yaml.safe_load(out.read_text("utf-8"))
    written = yaml.safe_load((DATA / "incidents_counts.yaml").read_text("utf-8"))
    assert [t["kind"] for t in draft["targets"]] == ["accident", "victim"]
    assert draft["targets"][1]["counts"] == written["targets"][1]["counts"]


def test_the_draft_reads_count_columns_in_other_languages(tmp_path: Path) -> None:
    source = tmp_path / "инциденты.csv"
    source.write_text(
        "№;Дата;Район;Всего пострадавших;Убито;Ранено;из них ампутаций\n"
        "1;14.03.2021;Агдам;3;1;2;1\n"
        "2;02.09.2021;Физули;1;1;0;0\n",
        encoding="utf-8",
    )
    from demine.exchange.formats import ReadOptions
    from demine.exchange.template import mapping_template

    draft = yaml.safe_load(mapping_template(source, "accident", ReadOptions()))
    counts = draft["targets"][1]["counts"]
    assert counts["total"] == "Всего пострадавших"
    assert counts["blocks"] == {
        "killed": {"column": "Убито", "set": {"outcome": "killed"}},
        "injured": {"column": "Ранено", "set": {"outcome": "injured"}},
        # the total says the amputees are among the injured
        "amputated": {
            "column": "из них ампутаций",
            "within": "injured",
            "set": {"amputation": True},
        },
    }
