#!/bin/sh
# Builds and installs Citus from a source tree against the PostgreSQL of $PG_CONFIG.
# usage: PG_CONFIG=... test/citus/build-citus.sh /path/to/citus-source
#
# Citus 13.2.x does not compile unchanged against Debian's PostgreSQL 15.20 headers:
# commands/dbcommands.h now exports have_createdb_privilege() and Citus's
# pg_version_compat.h defines a static copy of it for PostgreSQL < 16.  When the
# header declares it, Citus's copy is renamed (the one call site follows), an
# idempotent edit of the source tree.
# Debian 12 packages (installed here when missing and run as root): liblz4-dev and
# libzstd-dev (columnar compression), libkrb5-dev (PostgreSQL's libpq-be.h includes
# gssapi.h), libssl-dev; libcurl is not used (--without-libcurl).
set -e
PKGS="build-essential liblz4-dev libzstd-dev libkrb5-dev libssl-dev"
missing=$(for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y $missing
	else
		echo "missing Debian packages: $missing" >&2
		exit 1
	fi
fi
SRC=${1:?usage: build-citus.sh CITUS_SOURCE_DIR}
PG_CONFIG=${PG_CONFIG:-pg_config}
INC=$($PG_CONFIG --includedir-server)
COMPAT=$SRC/src/include/pg_version_compat.h
CALLER=$SRC/src/backend/distributed/commands/serialize_distributed_ddls.c
if grep -q 'have_createdb_privilege' "$INC/commands/dbcommands.h" &&
   grep -q '^have_createdb_privilege(void)' "$COMPAT"; then
	sed -i 's/^have_createdb_privilege(void)/citus_have_createdb_privilege(void)/' "$COMPAT"
	sed -i 's/!have_createdb_privilege()/!citus_have_createdb_privilege()/' "$CALLER"
	echo "patched: Citus's static have_createdb_privilege renamed (PostgreSQL exports its own)"
fi
cd "$SRC"
if [ ! -f Makefile.global ]; then
	./configure PG_CONFIG="$PG_CONFIG" --without-libcurl
fi
make -s
make -s install
