# SPDX-License-Identifier: GPL-3.0-or-later
"""CLI commands, one module per topic; each adds itself to
:data:`demine.commands.app.app` (``demine.cli`` imports them all)."""
