# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine assistance figures``: victim assistance, aggregated only.

Survivors' own records are read through the web application or the API by
the assistance role, where each read is audited; the command line shows
only the aggregated figures.
"""

from __future__ import annotations

import typer

from demine.assistance.figures import assistance_figures
from demine.commands.app import DbOption, app, emit_json, open_db

assistance_app = typer.Typer(
    help="Victim assistance (IMAS 13.10): aggregated figures.", no_args_is_help=True
)
app.add_typer(assistance_app, name="assistance")


@assistance_app.command("figures")
def figures(db: DbOption = None) -> None:
    """Survivors by need met and unmet, days to first service, by sex and age."""
    emit_json(assistance_figures(open_db(db)))
