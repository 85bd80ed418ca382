#!/bin/sh
# Builds and installs Citus from a source tree against the PostgreSQL of $PG_CONFIG.
# usage: PG_CONFIG=... test/citus/build-citus.sh /path/to/citus-source
#
# Citus 13.2.x does not compile unchanged against Debian's PostgreSQL 15.20 headers:
# commands/dbcommands.h now exports have_createdb_privilege() and Citus's
# pg_version_compat.h defines a static copy of it for PostgreSQL < 16.  When the
# header declares it, Citus's copy is renamed (the one call site follows), an
# idempotent edit of the source tree.
# Debian packages needed: build-essential, libcurl is not used (--without-libcurl),
# liblz4-dev and libzstd-dev (columnar compression), libssl-dev, libkrb5-dev,
# libselinux1-dev, libxslt1-dev, libpam0g-dev, libreadline-dev (PGXS link flags).
set -e
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
