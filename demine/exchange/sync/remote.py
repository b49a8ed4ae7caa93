# SPDX-License-Identifier: GPL-3.0-or-later
"""``demine sync --remote URL``: the two change files of a sync in one
HTTPS request to the other register's API (``POST /api/v1/sync``).

A connection cut anywhere leaves both registers consistent: each file is
applied in one transaction, and what the other has not acknowledged is sent
again by the next sync.
"""

from __future__ import annotations

import json
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from demine.errors import DemineError
from demine.exchange.sync.changes import export_changes, import_changes
from demine.i18n import _
from demine.store.database import Database


def sync_remote(db: Database, url: str, token: str) -> dict[str, Any]:
    """Send this register's changes to ``url`` (``/api/v1/sync`` of the
    register it syncs with) and apply the answer; what happened each way."""
    with tempfile.TemporaryDirectory() as scratch:
        outgoing = Path(scratch) / "outgoing.demine"
        sent = export_changes(db, outgoing)
        request = urllib.request.Request(
            url.rstrip("/") + "/api/v1/sync",
            data=outgoing.read_bytes(),
            method="POST",
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/geopackage+sqlite3",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=600) as response:
                there = json.loads(response.headers.get("X-Demine-Sync", "{}"))
                incoming = Path(scratch) / "incoming.demine"
                incoming.write_bytes(response.read())
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:300]
            raise DemineError(
                _(
                    "%(url)s refused the changes (%(status)s): %(detail)s",
                    url=url,
                    status=exc.code,
                    detail=detail,
                )
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            raise DemineError(
                _(
                    "cannot reach %(url)s: %(reason)s; nothing was lost, sync again "
                    "when the connection is back",
                    url=url,
                    reason=getattr(exc, "reason", exc),
                )
            ) from None
        applied = import_changes(db, incoming)
    return {
        "sent": dict(sent.as_dict(), file=None),
        "applied_there": there.get("applied", {}),
        "applied": dict(applied.as_dict(), file=None),
    }
