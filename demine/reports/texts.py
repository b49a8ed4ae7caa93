# SPDX-License-Identifier: GPL-3.0-or-later
"""Report texts by key, from the UI catalogue (``report.*`` keys), so a
translation of the catalogue translates the reports too."""

from __future__ import annotations

from demine.web.messages import translate


def t(key: str, **values: object) -> str:
    """The text of ``report.<key>``, filled with ``values``."""
    return translate(f"report.{key}", "en", **values)


def label(group: str, value: object) -> str:
    """A vocabulary value's label (``report.<group>.<value>``), else the value."""
    key = f"report.{group}.{value}"
    text = translate(key)
    return str(value) if text == key else text
