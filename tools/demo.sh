#!/bin/sh
# The main job, end to end (as root on Debian 12): install what is missing,
# build and install the extension, start a throwaway PostgreSQL 15, load the
# demo police survey, print the report (demo/report/*.sql, one table per file)
# and write the forest plot to demo/out/forest_plot.svg.
#
#   tools/demo.sh            # report on the terminal
#   tools/demo.sh > report.txt
set -eu
cd "$(dirname "$0")/.."
export PG_MAJOR=${PG_MAJOR:-15}

tools/build.sh
mkdir -p demo/out

# Everything below runs inside the throwaway cluster (PG* variables set).
pg_virtualenv -t -v "$PG_MAJOR" sh -c '
    set -eu
    PSQL="psql -X -q -v ON_ERROR_STOP=1"
    $PSQL -f demo/police_survey.sql
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
    done
    $PSQL --csv -f demo/forest_plot.sql | python3 demo/forest_plot.py demo/out/forest_plot.svg
'
echo
echo "forest plot written to demo/out/forest_plot.svg"
