# SPDX-License-Identifier: GPL-3.0-or-later
"""The map's colours: one palette for the style (``static/map.js``) and the
legend (``templates/map.html``), so the two cannot disagree.

Chosen for readers with colour-vision deficiency: confirmed and suspected
hazards differ in lightness (dark red, orange; suspected also drawn with a
dashed edge), released land is blue, never green beside red; every colour
keeps at least 3:1 contrast (WCAG 2.2, 1.4.11) against the land colour the
map is drawn on and the panel's white (tests/web/test_map_style.py).
"""

from __future__ import annotations

PALETTE: dict[str, str] = {
    "land": "#f4f1ea",
    "cha": "#a50026",
    "sha": "#d95f02",
    "closed": "#6e6e6e",
    "released": "#2166ac",
    "eo_item": "#762a83",
    "accident": "#1a1a1a",
    "settlement": "#3d3d3d",
    # The basemap: quiet, so the records stand out.
    "water": "#a9c8e8",
    "water_line": "#5b8fc7",
    "road": "#ffffff",
    "road_case": "#b9b2a3",
    "boundary": "#8a7f94",
    "front_line": "#7a1f5c",
    "forest": "#dfe8d2",
    "label": "#2b2b2b",
}

# The grouped low zooms: each record layer's grid cells coloured by density
# (demine.store.overview) in five classes, the first at or above ``steps[0]``;
# lower densities are drawn in the palest colour at half opacity. Sequential
# ColorBrewer ramps (YlOrRd, Purples, Blues, Greys), whose steps differ in
# lightness, so they read without colour vision too. Steps from the national
# demo register: about one class per quintile of cells at zooms 7 to 9.
DENSITY: dict[str, dict[str, object]] = {
    "hazard": {
        "steps": [1, 10, 25, 50, 75],
        "colours": ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"],
    },
    "eo_item": {
        "steps": [1, 25, 100, 250, 500],
        "colours": ["#dadaeb", "#bcbddc", "#9e9ac8", "#756bb1", "#54278f"],
    },
    "release": {
        "steps": [1, 5, 10, 25, 50],
        "colours": ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"],
    },
    "accident": {
        "steps": [0.1, 0.5, 1, 2, 5],
        "colours": ["#bdbdbd", "#969696", "#737373", "#525252", "#252525"],
    },
}

# What the legend draws, in the order it lists them.
SWATCHES = ("cha", "sha", "closed", "released", "eo_item", "accident", "settlement")


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of ``#rrggbb``."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    r, g, b = linear
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
