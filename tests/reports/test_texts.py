# SPDX-License-Identifier: GPL-3.0-or-later
"""Every text a report shows comes from the catalogue: no raw message keys."""

from __future__ import annotations

import re

import pytest

from demine.reports import build_report, render_html
from demine.store.database import Database
from demine.web.messages import EN

KEY = re.compile(r"\breport\.[a-z_]+(?:\.[a-z_0-9]+)*")


@pytest.mark.parametrize(
    ("kind", "donor"), [("national", None), ("treaty", None), ("donor", "Japan")]
)
def test_reports_show_no_missing_message_keys(
    demo_db: Database, kind: str, donor: str | None
) -> None:
    html = render_html(build_report(demo_db, kind, "2024", donor=donor))
    # Drop the inline SVG charts: their ids are not text.
    text = re.sub(r"<svg.*?</svg>", "", html, flags=re.S)
    assert not KEY.findall(text), sorted(set(KEY.findall(text)))


def test_report_keys_live_in_the_catalogue() -> None:
    keys = [k for k in EN if k.startswith("report.")]
    assert len(keys) > 150
    assert all(EN[k].strip() for k in keys)
