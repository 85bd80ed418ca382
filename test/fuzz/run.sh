#!/bin/sh
# Longer fuzz run of the likert/choices input and receive functions against
# a database where the survey extension is installed (superuser needed for
# the server-side binary COPY files).  Usage:
#     test/fuzz/run.sh [iterations]     (default 100000; uses PG* env vars)
# Exits non-zero if the server dies or any check fails.
set -eu
cd "$(dirname "$0")"
N=${1:-100000}
out=$(psql -X -v ON_ERROR_STOP=1 -v fuzz_iterations="$N" -f fuzz_response.sql 2>&1) || {
    echo "$out"; echo "fuzz run FAILED"; exit 1; }
echo "$out" | sed -n '/^ *type *|/,/rows)/p'
if echo "$out" | grep -E '^ *(likert|choices) *\|' | grep -vqE '\| t +\| t +\| t +\| +0 \| *$'; then
    echo "fuzz run FAILED"; exit 1
fi
if echo "$out" | grep -q ' f$'; then echo "fuzz run FAILED"; exit 1; fi
echo "fuzz run ok ($N iterations per type and kind)"
