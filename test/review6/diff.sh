#!/bin/sh
# usage: diff.sh FILE.sql : runs FILE on the current install (port 55506) and the
# pre-session one (port 55507, d461c1b) and diffs the outputs
f=$1; o=/tmp/r6out; mkdir -p $o; b=$(basename $f .sql)
for p in "review6 55506 cur" "review6b 55507 base"; do
  set -- $p
  (. /work/pg/mkenv.sh $1 $2 >/dev/null; psql -X -q -a -d r -v ON_ERROR_STOP=0 -f $f > $o/$b.$3 2>&1)
done
diff $o/$b.base $o/$b.cur && echo "SAME ($(wc -l < $o/$b.cur) lines)"
