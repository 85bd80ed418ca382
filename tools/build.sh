#!/bin/sh
# Install what is missing (Debian packages), then build and install the
# extension for PostgreSQL $PG_MAJOR (default 15).  Run as root.
set -eu
cd "$(dirname "$0")/.."
PG_MAJOR=${PG_MAJOR:-15}
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config

PG_MAJOR=$PG_MAJOR tools/deps.sh
make -s PG_CONFIG="$PG_CONFIG"
make -s install PG_CONFIG="$PG_CONFIG" >/dev/null
