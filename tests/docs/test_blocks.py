# SPDX-License-Identifier: GPL-3.0-or-later
"""Every command the pages show is run (the project's conftest.py runs the
``sh`` and ``console`` blocks with Sybil) or says why it is not."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from sybil import Document
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
RUN = {"sh", "console"}
COMMAND = re.compile(r"^\s*(\$ |demine |make |curl |python )", re.MULTILINE)
SKIP = re.compile(r"^<!--\s*skip:\s*next(?P<rest>.*?)-->", re.DOTALL | re.MULTILINE)
LEXER = RawFencedCodeBlockLexer(info_pattern=re.compile(r"(?P<info>[^\n]*)\n"))


def blocks(page: Path) -> list[tuple[int, str, str]]:
    """(line, info string, text) of each fenced block of the page."""
    document = Document(page.read_text(encoding="utf-8"), str(page))
    return [
        (
            document.text.count("\n", 0, region.start) + 1,
            region.lexemes["info"].strip(),
            str(region.lexemes["source"]),
        )
        for region in LEXER(document)
    ]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_block_says_what_it_is(page: Path) -> None:
    """A block without a language could hide a command nobody runs."""
    untagged = [line for line, info, _ in blocks(page) if not info]
    assert not untagged, f"{page.name}: blocks without a language at lines {untagged}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_commands_are_in_blocks_that_run(page: Path) -> None:
    """Commands go in ``sh`` or ``console`` blocks: run, or skipped with a reason."""
    hidden = [
        line
        for line, info, text in blocks(page)
        if info not in RUN and COMMAND.search(text)
    ]
    assert not hidden, (
        f"{page.name}: commands outside sh/console blocks at lines {hidden}; "
        'tag them, or mark them <!-- skip: next "reason" -->'
    )


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_skipped_block_gives_its_reason(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    for marker in SKIP.finditer(text):
        reason = marker["rest"].strip()
        line = text.count("\n", 0, marker.start()) + 1
        assert re.fullmatch(r'"[^"]{10,}"', reason), (
            f"{page.name}:{line}: write why the block is not run: "
            '<!-- skip: next "..." -->'
        )
        after = text[marker.end() :].lstrip("\n")
        assert after.startswith(("```sh", "```console")), (
            f"{page.name}:{line}: a skip marker goes just before a sh or console block"
        )


def test_the_guard_sees_a_command_outside_a_run_block(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("Run:\n\n```\ndemine summary\n```\n\n```text\nok\n```\n")
    assert [(line, info) for line, info, _ in blocks(page)] == [(3, ""), (7, "text")]
    with pytest.raises(AssertionError, match="line"):
        test_every_block_says_what_it_is(page)
    with pytest.raises(AssertionError, match="lines \\[3\\]"):
        test_commands_are_in_blocks_that_run(page)


@pytest.fixture(scope="module")
def pages_conftest() -> ModuleType:
    """The project's root conftest.py, where the pages' evaluators live."""
    spec = importlib.util.spec_from_file_location(
        "pages_conftest", ROOT / "conftest.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_figure_the_file_does_not_hold_is_named(pages_conftest: ModuleType) -> None:
    paragraph = "The PDF has 3 A4 pages: 2,401 items found on 2024-12-31, 28.3% of it."
    text = "Items found 2,401\nas of 2024-12-31\nshare 28.3%"
    assert pages_conftest.figures_missing(paragraph, "r.pdf", text, 3) == []
    assert pages_conftest.figures_missing(
        paragraph.replace("2,401", "2,402"), "r.pdf", text, 2
    ) == ["3 A4 pages, but r.pdf has 2", "2,402 is not in r.pdf"]


def test_a_transcript_pairs_each_command_with_what_it_prints(
    pages_conftest: ModuleType,
) -> None:
    source = "$ demine a \\\n  --b\nline 1\nline 2\n$ demine c\n"
    assert pages_conftest._transcript(source) == [
        ("demine a    --b", "line 1\nline 2"),
        ("demine c", ""),
    ]
    # Timings and sizes change from run to run; other digits are compared.
    assert pages_conftest._steady("wrote x.pdf (286 KiB, pdf)\n12 rows") == (
        "wrote x.pdf (999 KiB, pdf)\n12 rows"
    )
