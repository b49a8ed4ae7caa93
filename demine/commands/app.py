# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``demine`` Typer app and what every command shares: the options for
the register and JSON, the consoles, tables and progress bars.

Each module of :mod:`demine.commands` adds its commands to :data:`app`;
:mod:`demine.cli` imports them all and is the entry point.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from typer.core import TyperGroup

from demine import __version__
from demine.commands.help_texts import speak
from demine.errors import DemineError
from demine.i18n import SOURCE_LANGUAGE, _, use_language
from demine.settings import Settings
from demine.store.database import Database


class DemineGroup(TyperGroup):
    """Runs a command in the deployment's language (``DEMINE_LANGUAGE``), its
    ``--help`` too, and turns a DemineError anywhere in it into a one-line
    error, exit 1."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        with use_language(cli_language()):
            speak(self)
            return super().main(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except DemineError as exc:
            err.print(
                _("error: %(user_message)s", user_message=exc.user_message),
                style="red",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(1) from None


app = typer.Typer(
    name="demine",
    cls=DemineGroup,
    help="Information management and planning for humanitarian mine action.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL or SQLite file [env: DEMINE_DATABASE_URL; "
        "default: demine.sqlite in the working directory]",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print machine-readable JSON instead.")
]


def cli_language() -> str:
    """``DEMINE_LANGUAGE`` if it names a language demine speaks, else English.

    A wrong value is reported by the command's own reading of the settings.
    """
    try:
        return Settings().language
    except ValidationError:
        return SOURCE_LANGUAGE


def settings_for(db: str | None) -> Settings:
    settings = Settings()
    if db:
        settings = settings.model_copy(update={"database_url": db})
    return settings


def open_db(db: str | None) -> Database:
    settings = settings_for(db)
    return Database(settings.database_url, busy_timeout=settings.busy_timeout)


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[str, int], Any]]:
    """Yields ``start(label, total) -> advance(n)``; silent when not a terminal."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not enabled or not err.is_terminal,
        transient=False,
    )

    def start(label: str, total: int) -> Callable[[int], None]:
        task = progress.add_task(label, total=total)
        return lambda n: progress.advance(task, n)

    with progress:
        yield start


# Decimal places kept in JSON output: a micrometre of a metre, a millionth of
# a degree (about 0.1 m) or of a dollar; more digits are rounding noise that
# differs between equal registers (another row order, another machine).
JSON_DECIMALS = 6


def emit_json(data: Any) -> None:
    """Print ``data`` as JSON that is the same text for the same register.

    Keys sorted and floats rounded (:data:`JSON_DECIMALS`), so that a
    restored register, or the same one read in another row order, prints
    byte for byte what the original does.
    """
    text = json.dumps(
        rounded(data), indent=2, default=str, ensure_ascii=False, sort_keys=True
    )
    sys.stdout.write(text)
    sys.stdout.write("\n")


def rounded(value: Any) -> Any:
    """``value`` with every float rounded to :data:`JSON_DECIMALS` places."""
    if isinstance(value, float):
        near = round(value, JSON_DECIMALS)
        return 0.0 if near == 0 else near  # no "-0.0"
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def version_callback(value: bool) -> None:
    if value:
        out.print(_("demine %(version)s", version=__version__))
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=version_callback,
            is_eager=True,
            help="Show the version and exit.",
        ),
    ] = False,
) -> None:
    """Information management and planning for humanitarian mine action."""


def table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    t = Table(title=title, title_justify="left")
    for i, col in enumerate(columns):
        t.add_column(col, justify="left" if i == 0 else "right")
    for row in rows:
        t.add_row(*[str(v) for v in row])
    return t
