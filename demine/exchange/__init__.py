# SPDX-License-Identifier: GPL-3.0-or-later
"""Data exchange: imports with column mappings, exports, field forms.

* :func:`demine.exchange.importer.import_files` loads GeoJSON, GeoPackage,
  Shapefile, FlatGeobuf, CSV and XLSX files, all or nothing;
* :mod:`demine.exchange.mapping` reads the YAML column mappings that turn
  other people's files into register records;
* :func:`demine.exchange.exporter.export_register` writes the register as a
  GeoPackage (or one entity as GeoJSON, CSV, XLSX, Shapefile, FlatGeobuf);
* :mod:`demine.exchange.forms` writes XLSForm field forms and
  :mod:`demine.exchange.submissions` loads their ODK/KoBo submissions.
"""

from __future__ import annotations

from pathlib import Path

#: Mappings shipped for the public data sets used in the docs and tests.
SHIPPED_MAPPINGS = Path(__file__).parent / "mappings"

__all__ = ["SHIPPED_MAPPINGS"]
