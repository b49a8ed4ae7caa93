# SPDX-License-Identifier: GPL-3.0-or-later
"""CLI commands, one module per topic; each registers itself on ``demine.cli.app``."""
