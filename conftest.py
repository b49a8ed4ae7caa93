# SPDX-License-Identifier: GPL-3.0-or-later
"""The shell blocks of README.md and docs/*.md run as tests (Sybil).

- ```` ```sh ```` blocks: every line runs and must succeed.
- ```` ```console ```` blocks: every ``$ `` line runs; the lines under it are
  what it must print (doctest's ``...`` stands for any text, runs of spaces
  count as one; lines with timings or file sizes are compared without their
  digits).
- ``<!-- figures: FILE -->`` before a paragraph: every number in it must be
  in FILE (a PDF or HTML file the blocks above wrote), and "N A4 pages" its
  page count.
- ``<!-- skip: next "reason" -->`` before a block: not run, reported as
  skipped with the reason (tests/docs/test_blocks.py checks every runnable
  block is run or carries one).

Each page runs in its own folder with a copy of the small demo register (seed
1) built once per session, as ``demine.sqlite`` and ``demo.sqlite``. ``demine``
lines run in this process through Click's runner (the same Typer app as the
console script, without a Python start per line); other lines run in bash.
Pages run on SQLite only: the PostGIS pass skips them.
"""

from __future__ import annotations

import doctest
import glob
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown import CodeBlockParser, SkipParser

ROOT = Path(__file__).resolve().parent
# The page's register: the small demo with the default seed.
DEMO_ARGS = ["demo", "--scale", "small", "--seed", "1"]
# Lines whose digits vary from run to run (timings, file sizes).
VOLATILE = re.compile(r"seconds|\bKiB\b|\bMiB\b|\d s\b")
# Lines run by bash, not split into words here: substitution, pipes, redirection.
SHELL = re.compile(r"\$\(|`|\||>|<|&&|;")
# The pages show what a terminal of this width prints.
WIDTH = 120
CHECK = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.fixture(scope="session")
def docs_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo register (seed 1), built once for every page."""
    if os.environ.get("DEMINE_TEST_DATABASE_URL"):
        pytest.skip("the documentation's blocks run once, on the SQLite pass")
    path = tmp_path_factory.mktemp("docs-register") / "demo.sqlite"
    result = _demine([*DEMO_ARGS, "--db", str(path)], path.parent)
    assert result[0] == 0, result[1]
    return path


def _workdir(example: Example) -> Path:
    """The page's folder, made on its first block: a copy of the register."""
    ns = example.namespace
    if "workdir" not in ns:
        folder: Path = ns["tmp_path_factory"].mktemp("docs-page")
        for name in ("demine.sqlite", "demo.sqlite"):
            _copy_register(ns["docs_register"], folder / name)
        # Pages name files from the project's root (docs/scenarios/...,
        # demine/exchange/mappings/...) and the data beside it (../shared).
        for name in ("docs", "demine", "bench"):
            (folder / name).symlink_to(ROOT / name)
        shared = folder.parent / "shared"
        if (ROOT.parent / "shared").is_dir() and not shared.exists():
            shared.symlink_to(ROOT.parent / "shared")
        ns["workdir"] = folder
        ns["variables"] = {}
    return Path(ns["workdir"])


def _copy_register(source: Path, target: Path) -> None:
    """SQLite's online backup: a plain copy would miss what is still in the WAL."""
    target.unlink(missing_ok=True)
    with (
        closing(sqlite3.connect(source)) as src,
        closing(sqlite3.connect(target)) as dst,
    ):
        src.backup(dst)


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _demine(args: list[str], folder: Path) -> tuple[int, str]:
    """Runs one ``demine`` command in ``folder``: (exit code, what it printed)."""
    from typer.testing import CliRunner

    from demine.cli import app
    from demine.commands.app import err, out

    widths = out.width, err.width
    out.width = err.width = WIDTH
    env = {"DEMINE_DATABASE_URL": None, "DEMINE_LANGUAGE": None}
    try:
        with _inside(folder):
            result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    finally:
        out.width, err.width = widths
    return result.exit_code, result.output


def _words(line: str, variables: dict[str, str], folder: Path) -> list[str]:
    """The line's words as a shell gives them: variables and globs expanded."""

    def expand(word: str) -> list[str]:
        word = re.sub(r"\$\{?(\w+)\}?", lambda m: variables.get(m[1], m[0]), word)
        if any(c in word for c in "*?["):
            return sorted(glob.glob(word, root_dir=folder)) or [word]
        return [word]

    return [w for word in shlex.split(line, comments=True) for w in expand(word)]


def _run(line: str, example: Example) -> tuple[int, str]:
    folder = _workdir(example)
    variables: dict[str, str] = example.namespace["variables"]
    if SHELL.search(line.split(" #")[0]):
        return _bash(line, variables, folder)
    words = _words(line, variables, folder)
    if len(words) == 1 and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]):
        name, value = words[0].split("=", 1)
        variables[name] = value
        return 0, ""
    if words[:1] == ["demine"]:
        if words[1:2] == ["demo"] and _is_the_demo(words[2:]):
            return _copy_demo(words[2:], example, folder)
        return _demine(words[1:], folder)
    return _bash(line, variables, folder)


def _bash(line: str, variables: dict[str, str], folder: Path) -> tuple[int, str]:
    """A line that needs a shell, with the project's ``demine`` on the PATH."""
    env = {**os.environ, **variables}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env.pop("DEMINE_DATABASE_URL", None)
    env.pop("DEMINE_LANGUAGE", None)
    done = subprocess.run(
        ["bash", "-c", line],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # in the order a terminal shows them
        text=True,
    )
    return done.returncode, done.stdout


def _is_the_demo(args: list[str]) -> bool:
    """``demine demo`` asking for the session's register (small, seed 1)."""
    pairs = dict(zip(args[::2], args[1::2], strict=False))
    return pairs.get("--scale", "small") == "small" and pairs.get("--seed", "1") == "1"


def _copy_demo(args: list[str], example: Example, folder: Path) -> tuple[int, str]:
    """The same register ``demine demo`` would build (same seed, same code)."""
    pairs = dict(zip(args[::2], args[1::2], strict=False))
    target = folder / pairs.get("--db", "demine.sqlite")
    _copy_register(example.namespace["docs_register"], target)
    return 0, ""


def _lines(source: str) -> list[str]:
    """Logical lines: continuations joined, blank and comment lines dropped."""
    joined = source.replace("\\\n", " ")
    return [
        line
        for line in joined.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def run_sh(example: Example) -> None:
    """Every line of a ``sh`` block runs and succeeds."""
    for line in _lines(example.parsed):
        code, output = _run(line, example)
        if code != 0:
            raise AssertionError(
                f"`{line}` exited {code} in {_workdir(example)}:\n{output}"
            )


def _transcript(source: str) -> list[tuple[str, str]]:
    """(command, what the page says it prints) for each ``$ `` line."""
    steps: list[tuple[str, list[str]]] = []
    lines = source.replace("\\\n", " ").splitlines()
    for line in lines:
        if line.startswith("$ "):
            steps.append((line[2:], []))
        elif steps:
            steps[-1][1].append(line)
    return [(cmd, "\n".join(out).strip("\n")) for cmd, out in steps]


def _steady(text: str) -> str:
    """Digits of volatile lines (timings, sizes) replaced, the rest kept."""
    return "\n".join(
        re.sub(r"\d", "9", line) if VOLATILE.search(line) else line
        for line in text.splitlines()
    )


def run_console(example: Example) -> None:
    """Each ``$ `` line runs; what it prints matches the lines under it."""
    checker = doctest.OutputChecker()
    for command, want in _transcript(example.parsed):
        code, got = _run(command, example)
        if not want:
            if code != 0:
                raise AssertionError(f"`{command}` exited {code}:\n{got}")
            continue
        if code != 0 and not re.search(r"^error:", want, re.MULTILINE):
            raise AssertionError(f"`{command}` exited {code}:\n{got}")
        if not checker.check_output(_steady(want) + "\n", _steady(got), CHECK):
            raise AssertionError(
                f"`{command}` printed what the page does not say:\n"
                + checker.output_difference(
                    doctest.Example(command, _steady(want) + "\n"), _steady(got), CHECK
                )
            )


FIGURES = re.compile(
    r"^<!-- figures: (?P<file>\S+) -->\n(?P<text>(?:.+\n)+)", re.MULTILINE
)
NUMBER = re.compile(r"\d{4}-\d\d-\d\d|\d[\d,]*(?:\.\d+)?")
PAGES = re.compile(r"(\d+) A4 pages")


def parse_figures(document: Document) -> Iterator[Region]:
    """``<!-- figures: FILE -->`` before a paragraph: its figures are in FILE."""
    for match in FIGURES.finditer(document.text):
        parsed = (match["file"], " ".join(match["text"].split()))
        yield Region(match.start(), match.end(), parsed, check_figures)


def _document_text(path: Path) -> tuple[str, int]:
    """The text a reader sees in a PDF or HTML file, and its pages (PDF)."""
    if path.suffix == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(path)
        try:
            pages = [page.get_textpage().get_text_range() for page in pdf]
        finally:
            pdf.close()
        return "\n".join(pages), len(pages)
    return re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")), 0


def figures_missing(paragraph: str, name: str, text: str, pages: int) -> list[str]:
    """What the paragraph says that the file's text does not."""
    text = text.replace("\u202f", ",").replace("\xa0", " ")
    problems = []
    page_count = PAGES.search(paragraph)
    if page_count and int(page_count[1]) != pages:
        problems.append(f"{page_count[0]}, but {name} has {pages}")
    words = PAGES.sub("", paragraph)
    problems += [
        f"{n} is not in {name}" for n in NUMBER.findall(words) if n not in text
    ]
    return problems


def check_figures(example: Example) -> None:
    """Every number of the paragraph is in the file the blocks above wrote."""
    name, paragraph = example.parsed
    text, pages = _document_text(_workdir(example) / name)
    problems = figures_missing(paragraph, name, text, pages)
    if problems:
        raise AssertionError("; ".join(problems))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A skipped block is reported at its page and line, not inside Sybil."""
    report = yield
    example = getattr(item, "example", None)
    if (
        isinstance(example, Example)
        and report.skipped
        and isinstance(report.longrepr, tuple)
    ):
        report.longrepr = (str(item.path), example.line, report.longrepr[2])
    return report


def _teardown(namespace: dict[str, Any]) -> None:
    folder = namespace.get("workdir")
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


pytest_collect_file = Sybil(
    parsers=[
        SkipParser(),
        CodeBlockParser(language="sh", evaluator=run_sh),
        CodeBlockParser(language="console", evaluator=run_console),
        parse_figures,
    ],
    path=str(ROOT),
    patterns=["README.md", "docs/*.md"],
    fixtures=["docs_register", "tmp_path_factory"],
    teardown=_teardown,
).pytest()
