# SPDX-License-Identifier: GPL-3.0-or-later
"""XLSForms: convert cleanly with pyxform; choices are the vocabularies."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from demine.exchange.entities import entity
from demine.exchange.forms import CHOICES, FORMS, write_xlsforms
from demine.exchange.mapping import PLACEHOLDER, parse_mapping


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_xlsforms(tmp_path_factory.mktemp("forms"))


def test_one_workbook_per_form(forms: list[Path]) -> None:
    assert sorted(p.stem for p in forms) == sorted(FORMS)


@pytest.mark.parametrize("form_id", list(FORMS))
def test_pyxform_converts_without_warnings(forms: list[Path], form_id: str) -> None:
    path = next(p for p in forms if p.stem == form_id)
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings)
    assert warnings == []
    assert f'id="{form_id}"' in result.xform
    assert "<demine_form/>" in result.xform or "demine_form" in result.xform


def test_choices_are_the_vocabularies(forms: list[Path]) -> None:
    path = next(p for p in forms if p.stem == "demine_nts")
    book = load_workbook(path, read_only=True)
    rows = list(book["choices"].iter_rows(values_only=True))[1:]
    classes = [name for list_name, name, *_ in rows if list_name == "hazard_class"]
    assert classes == ["sha", "cha"]
    for list_name, (enum, only) in CHOICES.items():
        names = [name for ln, name, *_ in rows if ln == list_name]
        if names:
            assert names == [m.value for m in enum if only is None or m.value in only]


@pytest.mark.parametrize("form_id", list(FORMS))
def test_form_targets_read_only_the_forms_fields(form_id: str) -> None:
    spec = FORMS[form_id]
    names = {row["name"] for row in spec.survey} | {"_instance", "_index"}
    groups = [spec.targets, *spec.repeats.values()]
    for targets in groups:
        mapping = parse_mapping({"targets": targets})
        for target in mapping.targets:
            fields = entity(target.kind)
            for rule in target.fields.values():
                assert rule.field in fields.by_name
                for column in rule.columns():
                    assert column in names, (form_id, rule.field, column)
                if rule.template:
                    assert set(PLACEHOLDER.findall(rule.template)) <= names


def test_forms_speak_three_languages(forms: list[Path]) -> None:
    """ODK/KoBo show the enumerator's language: every label, hint and choice
    in English, Azerbaijani and Russian, as pyxform's itext translations."""
    path = next(p for p in forms if p.stem == "demine_accident")
    result = convert(str(path), warnings=[])
    for language in ("English (en)", "Azərbaycanca (az)", "Русский (ru)"):
        assert f'<translation lang="{language}"' in result.xform
    assert "Həlak olub və ya yaralanıb" in result.xform  # a question
    assert "Погиб или ранен" in result.xform
    assert "Minatəmizləmə zamanı hadisə" in result.xform  # a choice
    assert "Несчастный случай при разминировании" in result.xform
    book = load_workbook(path, read_only=True)
    header = next(book["survey"].iter_rows(values_only=True))
    assert "label::Azərbaycanca (az)" in header
    assert "constraint_message::Русский (ru)" in header


def test_forms_open_in_the_deployments_language(tmp_path: Path) -> None:
    from demine.exchange.forms import FORMS, write_xlsform
    from demine.i18n import use_language

    with use_language("az"):
        path = write_xlsform(FORMS["demine_eore"], tmp_path / "eore.xlsx")
    settings = list(load_workbook(path, read_only=True)["settings"].values)
    row = dict(zip(settings[0], settings[1], strict=True))
    assert row["default_language"] == "Azərbaycanca (az)"
    assert row["form_title"] == "Maarifləndirmə məşğələsi"
