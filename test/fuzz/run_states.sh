#!/bin/sh
# Longer run of the state and result-type fuzz (test/fuzz/fuzz_state.sql)
# against a database where the survey extension is installed (superuser
# needed for the server-side binary COPY file).  Usage:
#     test/fuzz/run_states.sh [bit flips per value]    (default 3000; PG* env vars)
# Exits non-zero if the server dies or any check fails.
set -eu
cd "$(dirname "$0")/../.."
N=${1:-3000}
out=$(psql -X -v ON_ERROR_STOP=1 -v fuzz_flips="$N" -f test/fuzz/fuzz_state.sql 2>&1) || {
    echo "$out"; echo "state fuzz run FAILED"; exit 1; }
echo "$out" | sed -n '/^ *path *|/,/rows)/p'
for check in unexpected_input_errors unexpected_reader_errors copy_round_trip_failures; do
    if ! echo "$out" | grep -A2 "^ *$check" | tail -1 | grep -qE '^ +0$'; then
        echo "$out"; echo "state fuzz run FAILED ($check)"; exit 1
    fi
done
if echo "$out" | grep -A2 '^ *copies_stored' | tail -1 | grep -q ' f$'; then
    echo "state fuzz run FAILED (copies_stored)"; exit 1
fi
echo "state fuzz run ok ($N bit flips per value)"
