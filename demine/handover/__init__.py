# SPDX-License-Identifier: GPL-3.0-or-later
"""Completion and handover of released land (IMAS 08.30).

The CLI (``demine handover``), the API (``/api/v1/handover``) and the web
pages call these functions; the documents are drawn by
:mod:`demine.reports.handover`.
"""

from demine.handover.certificates import (
    issue_certificate,
    record_handover,
    verify_certificate,
    waiting_land,
)

__all__ = ["issue_certificate", "record_handover", "verify_certificate", "waiting_land"]
