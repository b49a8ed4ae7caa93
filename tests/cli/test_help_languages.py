# SPDX-License-Identifier: GPL-3.0-or-later
"""``--help`` reads in the language of ``DEMINE_LANGUAGE``: every command's
and option's help has its Azerbaijani and Russian text in the catalogues,
and what a person sees holds no English sentence of the help texts."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer.main
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from demine.cli import app
from demine.commands.help_texts import (
    _FILLED,
    FRAME,
    HELP_OPTION,
    USAGE,
    speak,
    walk,
)
from demine.i18n import use_language
from demine.i18n.catalogues import po_path

runner = CliRunner()
WIDE = {"TERMINAL_WIDTH": "200", "COLUMNS": "200"}
AZ_LETTERS = re.compile("[əğıışçöüƏĞİŞÇÖÜ]")
CYRILLIC = re.compile("[а-яА-ЯёЁ]")
# Words of English prose and of Typer's frame; none may be left in a
# translated help page (command names and metavariables aside).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|to|with|for|from|this|every|write|file|default|required|"
    r"Usage|Options|Commands|Arguments|Show|Try)\b"
)
# What stays the same in every language: option and environment names,
# format fields and markup of Typer's frame.
KEPT = re.compile(r"--[a-z][a-z-]*|DEMINE_[A-Z_]+|%\(\w+\)s|\{\w*\}|\[/?blue\]")


def english_tree() -> Any:
    """A fresh command tree, as Typer builds it: the English texts."""
    return typer.main.get_command(app)


def help_texts(root: Any) -> Iterator[tuple[str, str]]:
    """(where, English message id) of every help text in the tree."""
    for command in walk(root):
        name = command.name or "demine"
        yield name, command.help or ""
        for param in command.params:
            if param.name != "help":
                yield f"{name} {param.opts[0]}", getattr(param, "help", None) or ""


def message_id(text: str) -> str:
    return _FILLED[text][0] if text in _FILLED else text


def catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as fp:
        return read_po(fp)


def flat(output: str) -> str:
    """The words of a help page without its box lines, in one line."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", output).split())


@pytest.mark.parametrize("language", ["az", "ru"])
def test_every_help_text_has_a_translation(language: str) -> None:
    """A command or option added without its translated help fails here."""
    messages = catalogue(language)
    frame = [("typer", text) for text in [*FRAME.values(), HELP_OPTION, USAGE]]
    problems = []
    for where, text in [*help_texts(english_tree()), *frame]:
        if not text.strip():
            problems.append(f"{where}: no help text")
            continue
        message = messages.get(message_id(text))
        if message is None or message.fuzzy or not str(message.string).strip():
            problems.append(f"{where}: {text!r} (run make messages-update)")
            continue
        kept = sorted(KEPT.findall(message.id)), sorted(KEPT.findall(message.string))
        if kept[0] != kept[1]:
            problems.append(f"{where}: translation drops or adds {kept}")
    assert problems == []


def english_of(command: list[str]) -> list[str]:
    """The English help texts a ``command --help`` page shows."""
    node = english_tree()
    for name in command:
        node = node.commands[name]
    texts = [node.help or ""]
    texts += [p.help or "" for p in node.params if getattr(p, "help", None)]
    texts += [
        (c.help or "").split("\n\n")[0] for c in getattr(node, "commands", {}).values()
    ]
    return [" ".join(t.split()) for t in texts if t]


def sub_commands(command: list[str]) -> list[str]:
    node = english_tree()
    for name in command:
        node = node.commands[name]
    return list(getattr(node, "commands", {}))


def assert_translated(
    output: str, command: list[str], letters: re.Pattern[str]
) -> None:
    page = flat(output)
    assert letters.search(page), page
    left = [t for t in english_of(command) if t in page and len(t.split()) > 2]
    assert left == [], left
    # Option names, metavariables and values typed as they are aside,
    # no English prose: the frame (Usage, Options...) is translated too.
    names = "|".join(sub_commands(command)) or "-"
    prose = re.sub(rf"--[a-z-]+|'[^']*'|\b({names})\b", "", page)
    words = ENGLISH_WORDS.findall(prose)
    assert words == [], (words, page)


@pytest.mark.parametrize(
    ("language", "command", "letters"),
    [("az", ["qa", "nc"], AZ_LETTERS)],
)
def test_help_of_the_installed_command_in_each_language(
    language: str, command: list[str], letters: re.Pattern[str]
) -> None:
    """``demine ... --help`` as a person runs it, in a process of its own."""
    env = {**os.environ, **WIDE, "DEMINE_LANGUAGE": language}
    done = subprocess.run(
        [sys.executable, "-m", "demine", *command, "--help"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert_translated(done.stdout, command, letters)


@pytest.mark.parametrize(
    ("language", "command", "letters"),
    [
        ("az", [], AZ_LETTERS),
        ("az", ["qa"], AZ_LETTERS),
        ("az", ["import"], AZ_LETTERS),
        ("az", ["user", "add"], AZ_LETTERS),
        ("ru", [], CYRILLIC),
        ("ru", ["add"], CYRILLIC),
        ("ru", ["casualties"], CYRILLIC),
        ("ru", ["qa", "nc"], CYRILLIC),
        ("ru", ["predict", "grid"], CYRILLIC),
    ],
)
def test_help_pages_in_each_language(
    language: str, command: list[str], letters: re.Pattern[str]
) -> None:
    result = runner.invoke(
        app, [*command, "--help"], env={**WIDE, "DEMINE_LANGUAGE": language}
    )
    assert result.exit_code == 0, result.output
    assert_translated(result.output, command, letters)


def test_english_help_is_the_code_s_text_with_its_annotations() -> None:
    """English reads as written, and the ``[env: ...]`` notes of the help
    texts are shown (Rich took them for markup and dropped them before)."""
    result = runner.invoke(
        app, ["validate", "--help"], env={**WIDE, "DEMINE_LANGUAGE": "en"}
    )
    page = flat(result.output)
    assert "Usage: demine validate" in page
    assert (
        "Check every geometry and the land-release ledger; list the findings." in page
    )
    assert (
        "[env: DEMINE_DATABASE_URL; default: demine.sqlite in the working directory]"
        in page
    )
    assert "[env: DEMINE_EXTENT; default azerbaijan]" in page
    assert "Options" in page
    assert "Show this message and exit." in page


def test_annotations_survive_translation() -> None:
    result = runner.invoke(
        app, ["casualties", "--help"], env={**WIDE, "DEMINE_LANGUAGE": "ru"}
    )
    page = flat(result.output)
    assert "[окружение: DEMINE_DATABASE_URL; по умолчанию: demine.sqlite" in page
    assert "[по умолчанию: 10]" in page  # Typer's own note on --top


def test_one_process_can_switch_back_to_english() -> None:
    """Typer keeps its frame texts in module globals; they follow the language."""
    russian = runner.invoke(app, ["--help"], env={**WIDE, "DEMINE_LANGUAGE": "ru"})
    english = runner.invoke(app, ["--help"], env={**WIDE, "DEMINE_LANGUAGE": "en"})
    assert "Параметры" in russian.output
    assert "Options" in english.output
    assert "Параметры" not in english.output
    assert not CYRILLIC.search(english.output)


def test_a_tree_spoken_in_russian_speaks_english_again() -> None:
    tree = english_tree()
    with use_language("en"):
        speak(tree)
    before = list(help_texts(tree))
    with use_language("ru"):
        speak(tree)
    assert CYRILLIC.search(tree.commands["add"].help)
    with use_language("en"):
        speak(tree)
    assert list(help_texts(tree)) == before
