# SPDX-License-Identifier: GPL-3.0-or-later
"""axe-core (from npm, copied by scripts/build-web.mjs) run in a Playwright
page: the accessibility violations a page has, by impact."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING = ("serious", "critical")


def violations(page: Any, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """The page's axe violations of these impacts, one line each (rule, where)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " help: v.help, targets: v.nodes.map(n => n.target.join(' '))})))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'][:5])}"
        for v in result
        if v["impact"] in impacts
    ]
