#!/bin/sh
# usage: diff.sh FILE.sql : runs FILE on the current install (port 55511, branch
# review7 = calfast2 merged) and the pre-session one (port 55512, f79dafe) and
# diffs the outputs
f=$1; o=/tmp/r7out; mkdir -p $o; b=$(basename $f .sql)
# in the script's own directory (review6's scripts read their setup.sql there)
cd "$(dirname "$f")"
for p in "review7 55511 cur" "review7b 55512 base"; do
  set -- $p
  # (a crash of the base on the previous script: wait for its recovery)
  (. /work/pg/mkenv.sh $1 $2 >/dev/null; until psql -X -d r -qAtc 'select 1' >/dev/null 2>&1; do sleep 1; done; psql -X -q -a -d r -v ON_ERROR_STOP=0 -f $(basename $f) > $o/$b.$3 2>&1)
done
diff $o/$b.base $o/$b.cur && echo "SAME $b ($(wc -l < $o/$b.cur) lines, $(grep -c ERROR $o/$b.cur) errors)"
