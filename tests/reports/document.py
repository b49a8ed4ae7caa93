# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading a rendered report back: figures, tables and sections from its HTML."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Parsed:
    figures: dict[str, str] = field(default_factory=dict)
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    sections: list[str] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    charts: list[str] = field(default_factory=list)

    def figure(self, key: str) -> float:
        return float(self.figures[key])

    def rows(self, table: str) -> list[dict[str, str]]:
        """Body rows (not the total) as column key -> data-value."""
        return [r for r in self.tables[table] if not r.get("_total")]

    def total(self, table: str) -> dict[str, str]:
        [row] = [r for r in self.tables[table] if r.get("_total")]
        return row


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.out = Parsed()
        self.table: str | None = None
        self.row: dict[str, str] | None = None
        self.section: str | None = None
        self.in_unavailable = False
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "data-section" in a:
            self.section = a["data-section"]
            self.out.sections.append(self.section)
        if "data-figure" in a:
            self.out.figures[a["data-figure"]] = a["data-value"]
        if "data-chart" in a:
            self.out.charts.append(a["data-chart"])
        if "data-unavailable" in a:
            self.in_unavailable, self.text = True, []
        if tag == "table" and "data-table" in a:
            self.table = a["data-table"]
            self.out.tables[self.table] = []
        if tag == "tr" and self.table is not None:
            self.row = {"_total": "1"} if "total" in a.get("class", "") else {}
        if tag == "td" and self.row is not None and "data-col" in a:
            self.row[a["data-col"]] = a["data-value"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self.table is not None and self.row:
            self.out.tables[self.table].append(self.row)
            self.row = None
        if tag == "table":
            self.table = None
        if tag == "p" and self.in_unavailable:
            assert self.section is not None
            self.out.unavailable[self.section] = "".join(self.text).strip()
            self.in_unavailable = False

    def handle_data(self, data: str) -> None:
        if self.in_unavailable:
            self.text.append(data)


def parse(html: str) -> Parsed:
    reader = _Reader()
    reader.feed(html)
    return reader.out
