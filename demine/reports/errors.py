# SPDX-License-Identifier: GPL-3.0-or-later
"""Errors of report requests: unknown kind or donor, bad period, nothing to show."""

from __future__ import annotations

from demine.errors import DemineError
from demine.i18n import N_


class ReportError(DemineError):
    """A report that cannot be made as asked; the message says what to change."""

    http_status = 422
    default_message = N_("the report cannot be made as asked")


class PeriodError(ReportError):
    """A reporting period that cannot be read."""

    default_message = N_("the reporting period is not valid")


class ReportBusyError(DemineError):
    """Too many reports are being made at once on this server."""

    http_status = 503
    default_message = N_(
        "the server is busy making other reports; try again in a minute"
    )
