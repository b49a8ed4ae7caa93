# SPDX-License-Identifier: GPL-3.0-or-later
"""GDAL as every demine process runs it: no driver that reaches outside a
file, no network, no external access from SQL (issue 19).

:func:`register_gdal_drivers` runs when :mod:`demine` is first imported,
before anything else starts GDAL; :mod:`demine.exchange.opening` is the one
door import files go through. This module imports nothing of demine, so
every layer may stand on it.
"""

from __future__ import annotations

import os

# Drivers that can reach other files, other databases, programs or the
# network from a file's content. Never registered.
SKIPPED_DRIVERS = (
    "OGR_VRT VRT GDALG SQLite GPSBabel HTTP WFS OAPIF OGCAPI CSW Carto "
    "Elasticsearch AmigoCloud NGW PLSCENES EEDA ADBC AIVector GML "
    "LIBKML OGR_PDS PDS4 PDF MBTiles PMTiles"
)
# Process-wide GDAL settings: no network, no external access from SQL.
GDAL_CONFIG = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".demine-no-remote-files",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_UNSAFESSL": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_VRT_ENABLE_RAWRASTERBAND": "NO",
    "OGR_GEOJSON_MAX_OBJ_SIZE": "200MB",
}


def harden_gdal() -> None:
    """Set :data:`GDAL_CONFIG` in this process (idempotent)."""
    import pyogrio

    pyogrio.set_gdal_config_options(GDAL_CONFIG)


def register_gdal_drivers() -> None:
    """Start GDAL without :data:`SKIPPED_DRIVERS`, whoever imports it later.

    GDAL reads ``GDAL_SKIP`` once, when pyogrio registers its drivers on
    import; the variable is set for that moment only, so programs this
    process starts (``ogrinfo``, ``ogr2ogr``) keep every driver.
    """
    before = os.environ.get("GDAL_SKIP")
    current = (before or "").split()
    wanted = current + [d for d in SKIPPED_DRIVERS.split() if d not in current]
    os.environ["GDAL_SKIP"] = " ".join(wanted)
    try:
        import pyogrio  # noqa: F401  (registers the drivers now)
    finally:
        if before is None:
            os.environ.pop("GDAL_SKIP", None)
        else:
            os.environ["GDAL_SKIP"] = before
    harden_gdal()
