#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Debian packages the test suite needs: PostgreSQL 15 + PostGIS 3 and its
# client (pg_dump, pg_restore), GDAL tools,
# Chromium for the browser tests (Playwright drives it; nothing is downloaded),
# Pango and the DejaVu fonts for PDF reports.
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
# pg_dump and pg_restore: `demine backup` and `restore` of a PostgreSQL register.
command -v pg_dump >/dev/null || need+=(postgresql-client-15)
command -v ogrinfo >/dev/null || need+=(gdal-bin)
command -v chromium >/dev/null || need+=(chromium)
# WeasyPrint (PDF reports) renders text with Pango, in DejaVu Sans: it has
# the Azerbaijani letters (ə ğ ı ş ç ö ü) and Cyrillic the reports print.
ldconfig -p | grep -q "libpangoft2-1.0.so.0" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${need[*]} (run as root or install them)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
