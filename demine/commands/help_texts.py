# SPDX-License-Identifier: GPL-3.0-or-later
"""``--help`` in the command's language: the help texts as message ids.

The English help of every command is written where Typer reads it: the
command's docstring and the ``help=`` of its options, arguments and groups.
:func:`extract` (a Babel extractor, named in ``babel.cfg``) collects those
texts into the catalogue by where they stand, so they need no ``N_()``;
:func:`speak` puts the catalogue's text into the click command tree that
Typer builds, just before the command line is read, so ``--help`` shows it.
A help text made from values at import time is written
``filled(N_("One of: %(kinds)s"), kinds=...)``.
"""

from __future__ import annotations

import ast
import inspect
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any
from weakref import WeakKeyDictionary

from babel.messages.extract import extract_python
from rich.markup import escape
from typer import _click  # Typer's own click (typer.core's base classes)

from demine.i18n import N_, _

# Filled help texts: the English shown -> (message id, its values).
_FILLED: dict[str, tuple[str, dict[str, object]]] = {}


def filled(message: str, /, **values: object) -> str:
    """``message`` (marked with ``N_``) filled with ``values``, in English.

    :func:`speak` translates the message id and fills it again.
    """
    text = message % values
    _FILLED[text] = (message, values)
    return text


def translated(text: str) -> str:
    """One help text in the current language (English when not known)."""
    if text in _FILLED:
        message, values = _FILLED[text]
        return _(message, **values)
    return _(text)


# The frame Typer draws around the help texts (typer.rich_utils), by the
# names it reads them under; the English is Typer's own.
FRAME = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEPRECATED_STRING": N_("(deprecated) "),
    "RICH_HELP": N_("Try [blue]'{command_path} {help_option}'[/] for help."),
}
HELP_OPTION = N_("Show this message and exit.")
USAGE = N_("Usage: ")


class _Formatter(_click.HelpFormatter):
    """Click's formatter, with the usage line's prefix in the language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(USAGE) if prefix is None else prefix)


class _Context(_click.Context):
    formatter_class = _Formatter


class _English:
    """What a command said in English before :func:`speak` first changed it."""

    def __init__(self, command: Any) -> None:
        self.help: str | None = command.help
        self.short_help: str | None = command.short_help
        self.params = {p: p.help for p in command.params if getattr(p, "help", None)}


_english: WeakKeyDictionary[Any, _English] = WeakKeyDictionary()


def speak(root: Any) -> None:
    """Put the current language's help texts into ``root``'s command tree.

    Idempotent, and reversible: the English is kept aside, so the same tree
    can be spoken again in another language (the tests do).
    """
    from typer import rich_utils

    for name, text in FRAME.items():
        setattr(rich_utils, name, _(text))
    for command in walk(root):
        english = _english.setdefault(command, _English(command))
        command.context_class = _Context
        rich = getattr(command, "rich_markup_mode", None) == "rich"
        show = (lambda t: escape(translated(t))) if rich else translated
        command.help = show(english.help) if english.help else english.help
        if english.short_help:
            command.short_help = show(english.short_help)
        for param, text in english.params.items():
            param.help = show(text)
        help_option = command.get_help_option(_click.Context(command))
        if help_option is not None:
            help_option.help = _(HELP_OPTION)


def walk(command: Any) -> Iterator[Any]:
    """``command`` and every command and group beneath it."""
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from walk(sub)


# --- extraction ------------------------------------------------------------

_DECORATORS = {"command", "callback"}


def extract(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[Any, ...]]:
    """Babel extractor: Python's marked texts plus the help texts Typer reads.

    Those are the docstrings of functions decorated ``@<app>.command(...)``
    or ``@<app>.callback(...)`` and every ``help="..."`` literal, cleaned as
    Typer cleans them (:func:`inspect.cleandoc`), so the message id is the
    very text the command tree holds.
    """
    source = fileobj.read()
    yield from extract_python(
        io.BytesIO(source),
        keywords,
        comment_tags,
        dict(options),  # type: ignore[arg-type]
    )
    encoding = str(options.get("encoding", "utf-8"))
    for lineno, text in help_texts(ast.parse(source.decode(encoding))):
        yield lineno, None, text, []


def help_texts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, text) of every command docstring and ``help=`` literal."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if any(_is_command(d) for d in node.decorator_list):
                doc = ast.get_docstring(node, clean=True)
                if doc:
                    yield node.lineno, doc
        elif isinstance(node, ast.keyword) and node.arg == "help":
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                yield value.lineno, inspect.cleandoc(value.value)


def _is_command(decorator: ast.expr) -> bool:
    call = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(call, ast.Attribute) and call.attr in _DECORATORS
