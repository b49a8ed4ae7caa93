# SPDX-License-Identifier: GPL-3.0-or-later
"""QR codes for printed documents (segno: pure Python, no image library).

Error correction level M (15%) survives a crease or a stamp over the code on
a paper certificate, and keeps a verification address readable at 25 mm.
"""

from __future__ import annotations

import segno


def qr_png_uri(text: str, scale: int = 6) -> str:
    """``text`` as a QR code, a ``data:image/png`` URI (quiet zone included)."""
    return str(segno.make(text, error="m", micro=False).png_data_uri(scale=scale))


def qr_svg(text: str, scale: int = 4) -> str:
    """``text`` as an inline ``<svg>`` QR code, for web pages."""
    code = segno.make(text, error="m", micro=False)
    return str(code.svg_inline(scale=scale, omitsize=False))
