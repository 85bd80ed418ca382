#!/bin/sh
# The SQL regression suite from a clone of this repository in a directory
# that only root can read (mode 700, as a fresh clone under /root), against
# the server of the PG* environment, which runs as another user: proves
# that every test loads its data on the client side.  The extension must be
# installed already (the clone runs `make installcheck` only).
#
# Usage (as root):  test/private_clone.sh [PARENT]
#   PARENT: an empty or new directory for the clone (default: mktemp under
#   /root); it is made mode 700 and removed afterwards unless given.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
    parent=$1
    mkdir -p "$parent"
else
    parent=$(mktemp -d /root/survey-private.XXXXXX)
    trap 'rm -rf "$parent"' EXIT
fi
chmod 700 "$parent"
rm -rf "$parent/survey"
git clone -q "$src" "$parent/survey"
cd "$parent/survey"

# the server must not be able to read the clone, or this proves nothing
if psql -X -q -At -v ON_ERROR_STOP=1 -d postgres \
        -c "SELECT pg_stat_file('$parent/survey/test/oracle/cases.csv') IS NOT NULL" >/dev/null 2>&1; then
    echo "private_clone.sh: the server can read $parent; run as root with a server of another user" >&2
    exit 1
fi
echo "== SQL regression tests from a private clone ($parent/survey, mode 700)"
if ! make -s installcheck; then
    [ -f regression.diffs ] && cat regression.diffs
    exit 1
fi
