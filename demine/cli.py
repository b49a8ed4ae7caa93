# SPDX-License-Identifier: GPL-3.0-or-later
"""The ``demine`` command: every module of :mod:`demine.commands` registers its
commands on one Typer app (:mod:`demine.commands.app`); this is the entry point."""

from __future__ import annotations

import importlib
import pkgutil

import demine.commands
from demine.commands.app import app

__all__ = ["app", "main"]


def _register_commands() -> None:
    """Import every module of :mod:`demine.commands`; each registers itself."""
    for module in pkgutil.iter_modules(demine.commands.__path__):
        importlib.import_module(f"demine.commands.{module.name}")


def main() -> None:
    """Console entry point."""
    app()


_register_commands()
