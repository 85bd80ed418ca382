#!/bin/sh
# The demo report (demo/report/*.sql, one table per file) against the server of
# the PG* environment variables, where demo/police_survey.sql has been loaded.
# tools/demo.sh runs it inside its throwaway cluster.
#
#   tools/report.sh                  # the report on the terminal
#   tools/report.sh --out DIR        # also DIR/<table>.csv and DIR/<table>.md
#                                    # for every table, and DIR/forest_plot.svg
# In the exports a blank field is a number left out: suppressed (see the
# reliability and reasons columns) or hidden by survey.min_cell_n.
set -eu
cd "$(dirname "$0")/.."

out=
while [ $# -gt 0 ]; do
    case "$1" in
        --out) [ $# -ge 2 ] || { echo "report.sh: --out needs a directory" >&2; exit 2; }
               out=$2; shift 2 ;;
        --out=*) out=${1#--out=}; shift ;;
        -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "report.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
    esac
done
[ -z "$out" ] || mkdir -p "$out"

PSQL="psql -X -q -v ON_ERROR_STOP=1"
n=$($PSQL -At -c "SELECT count(*) FROM demo.responses")
echo
echo "survey demo: $n synthetic police officers in 8 countries (demo/police_survey.sql)"
echo "every number below is computed by the extension; the SQL is in demo/report/"
for f in demo/report/*.sql; do
    title=$(sed -n "s/^-- Title: //p" "$f" | head -n 1)
    echo
    echo "================================================================================"
    echo "$title"
    echo "   ($f)"
    echo "================================================================================"
    # the comment block under the title says how to read the table
    sed -n "3,/^[^-]/p" "$f" | sed -n "s/^-- \{0,1\}/  /p"
    echo
    $PSQL -P border=1 -P null=- -P footer=off -f "$f"
    if [ -n "$out" ]; then
        name=$(basename "$f" .sql)
        $PSQL --csv -f "$f" > "$out/$name.csv"
        python3 demo/csv_to_markdown.py --title "$title" < "$out/$name.csv" > "$out/$name.md"
    fi
done
if [ -n "$out" ]; then
    $PSQL --csv -f demo/forest_plot.sql | python3 demo/forest_plot.py "$out/forest_plot.svg"
    echo
    echo "tables written to $out/ as CSV and Markdown, with forest_plot.svg"
fi
