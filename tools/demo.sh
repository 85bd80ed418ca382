#!/bin/sh
# The main job, end to end (as root on Debian 12): install what is missing,
# build and install the extension, start a throwaway PostgreSQL 15, load the
# demo police survey, print the report (tools/report.sh: demo/report/*.sql,
# one table per file) and write the forest plot to demo/out/forest_plot.svg.
#
#   tools/demo.sh                  # report on the terminal
#   tools/demo.sh > report.txt
#   tools/demo.sh --out DIR        # also every table as DIR/<table>.csv and
#                                  # DIR/<table>.md (Markdown), and the plot
set -eu
cd "$(dirname "$0")/.."
export PG_MAJOR=${PG_MAJOR:-15}

out=
case "${1:-}" in
    "") ;;
    --out) [ $# -ge 2 ] || { echo "demo.sh: --out needs a directory" >&2; exit 2; }; out=$2 ;;
    --out=*) out=${1#--out=} ;;
    *) echo "demo.sh: unknown argument: $1 (usage: tools/demo.sh [--out DIR])" >&2; exit 2 ;;
esac
case "$out" in
    ""|/*) ;;
    *) out="$(pwd)/$out" ;;
esac

tools/build.sh
mkdir -p demo/out

# Everything below runs inside the throwaway cluster (PG* variables set).
DEMO_OUT=$out pg_virtualenv -t -v "$PG_MAJOR" sh -c '
    set -eu
    psql -X -q -v ON_ERROR_STOP=1 -f demo/police_survey.sql
    if [ -n "$DEMO_OUT" ]; then tools/report.sh --out "$DEMO_OUT"; else tools/report.sh; fi
    psql -X -q -v ON_ERROR_STOP=1 --csv -f demo/forest_plot.sql |
        python3 demo/forest_plot.py demo/out/forest_plot.svg
'
echo
echo "forest plot written to demo/out/forest_plot.svg"
