#!/bin/sh
# The whole test suite, as root on Debian 12: install what is missing, build,
# install, then run the unit tests of the statistics library and the
# pg_regress suite (oracle comparison included) in a throwaway cluster.
# Prints the regression diffs when a test fails; exits non-zero on failure.
set -eu
cd "$(dirname "$0")/.."
export PG_MAJOR=${PG_MAJOR:-15}
export PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config

# The suite builds with -Werror (the shipped Makefile does not, so that a
# newer compiler can still build a release).
export COPT="${COPT:-} -Werror"
tools/build.sh

echo "== unit tests of the statistics library (no PostgreSQL)"
make -s unitcheck
make -s -C test/chisq check

echo "== SQL regression tests (pg_regress, PostgreSQL $PG_MAJOR)"
rm -f regression.diffs
status=0
pg_virtualenv -t -v "$PG_MAJOR" sh -c '
    set -e
    make -s installcheck PG_CONFIG="'"$PG_CONFIG"'"
    echo "== pg_dump / pg_restore of the extension types"
    PGOPTIONS="-c client_min_messages=warning" sh test/dump/test_dump.sh
    echo "== upgrade from 0.1.0 (ALTER EXTENSION survey UPDATE)"
    PGOPTIONS="-c client_min_messages=warning" sh test/upgrade/test_upgrade.sh
    echo "== client test (psycopg2, text and binary results)"
    python3 test/client/test_client.py
    echo "== demo report exports (tools/report.sh --out) and forest_plot.py options"
    PGOPTIONS="-c client_min_messages=warning" sh test/report/test_report.sh
    echo "== the suite from a clone the server cannot read (mode 700 under /root)"
    sh test/private_clone.sh
    echo "== survey_load: SPSS, Stata and SAS files through psql"
    PG_CONFIG="'"$PG_CONFIG"'" sh test/loader/test_loader.sh

' || status=$?
if [ "$status" -eq 0 ]; then
    # AddressSanitizer + UndefinedBehaviorSanitizer build of the PostgreSQL layer, the whole
    # pg_regress suite against a throwaway server with the runtime preloaded (about 2 minutes)
    echo "== sanitizer run (test/sanitize/run.sh)"
    sh test/sanitize/run.sh || status=$?
fi
if [ "$status" -ne 0 ]; then
    if [ -f regression.diffs ]; then
        echo "== regression.diffs"
        cat regression.diffs
    fi
    echo "FAILED"
    exit "$status"
fi
# --- Citus (issue 13): coordinator + 2 workers on ports 55410-55412 of this machine; prints
# "skipped: <why>" when Citus is not installed for $PG_CONFIG (set CITUS_SRC to a Citus source
# tree to build it first with test/citus/build-citus.sh).
echo "== Citus: the survey aggregates pushed down to workers"
test/citus/run.sh
# --- end Citus
echo "all tests passed"
