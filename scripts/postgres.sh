#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Start a throwaway PostgreSQL 15 + PostGIS cluster on 127.0.0.1 for tests and
# benchmarks. Prints the SQLAlchemy URL. Idempotent: reuses a running cluster.
set -euo pipefail
PGBIN=/usr/lib/postgresql/15/bin
PGDATA=${DEMINE_PGDATA:-/tmp/demine-pg}
PGPORT=${DEMINE_PGPORT:-5433}
RUNAS=postgres

# pg_ctl refuses to run as root, so run the server as the postgres user.
if [ "$(id -u)" = 0 ]; then as() { su "$RUNAS" -s /bin/sh -c "$*"; }; else as() { sh -c "$*"; }; fi
if ! as "$PGBIN/pg_ctl -D $PGDATA status" >/dev/null 2>&1; then
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA"
  [ "$(id -u)" = 0 ] && chown "$RUNAS" "$PGDATA"
  as "$PGBIN/initdb -D $PGDATA -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  as "$PGBIN/pg_ctl -D $PGDATA -l $PGDATA/server.log -w -o \"-h 127.0.0.1 -p $PGPORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c max_connections=200\" start" >/dev/null
fi
psql() { command psql -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ -z "$(psql -d postgres -c "select 1 from pg_roles where rolname='demine'")" ]; then
  psql -d postgres -c "create role demine login superuser password 'demine'"
fi
for db in demine_test demine_bench; do
  if [ -z "$(psql -d postgres -c "select 1 from pg_database where datname='$db'")" ]; then
    psql -d postgres -c "create database $db owner demine"
    psql -d "$db" -c "create extension if not exists postgis"
  fi
done
echo "postgresql+psycopg://demine:demine@127.0.0.1:$PGPORT/demine_${1:-test}"
