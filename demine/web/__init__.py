# SPDX-License-Identifier: GPL-3.0-or-later
"""The browser UI: server-rendered pages, static assets, the message catalogue."""
