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
