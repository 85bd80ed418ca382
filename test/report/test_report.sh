#!/bin/sh
# The demo report's exports and the forest plot's options, against the server
# of the PG* variables (tools/test.sh runs it inside its pg_virtualenv):
#   * tools/report.sh --out writes a CSV and a Markdown file per report table;
#   * no table has two columns of one name (they would collide in CSV exports);
#   * the numbers of estimates marked suppress are blank, with reasons given;
#   * forest_plot.py: one panel makes a narrow canvas, every panel has the
#     same axis, options are honoured, bad options are refused.
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "test_report: FAILED: $*" >&2; exit 1; }

psql -X -q -v ON_ERROR_STOP=1 -f demo/police_survey.sql
tools/report.sh --out "$tmp/out" > "$tmp/report.txt"
grep -q "5. Indicators by role within country" "$tmp/report.txt" || fail "report text"
for f in demo/report/*.sql; do
    name=$(basename "$f" .sql)
    [ -s "$tmp/out/$name.csv" ] || fail "no $name.csv"
    [ -s "$tmp/out/$name.md" ] || fail "no $name.md"
done
[ -s "$tmp/out/forest_plot.svg" ] || fail "no forest_plot.svg"

python3 - "$tmp/out" <<'PY' || fail "exports"
import csv, glob, os, sys
out = sys.argv[1]
for path in sorted(glob.glob(os.path.join(out, "*.csv"))):
    rows = list(csv.reader(open(path)))
    header = rows[0]
    dups = sorted({h for h in header if header.count(h) > 1})
    assert not dups, f"{path}: duplicate columns {dups}"
    md = open(path[:-4] + ".md").read().splitlines()
    assert md[0].startswith("## "), f"{path}: Markdown title"
    assert len([l for l in md if l.startswith("| ")]) == len(rows), f"{path}: Markdown rows"
    # every reliability column: suppressed estimates have blank numbers and reasons
    for i, h in enumerate(header):
        if not h.endswith("reliability"):
            continue
        prefix = h[: -len("reliability")]
        nums = [j for j, c in enumerate(header)
                if c.startswith(prefix) and c[len(prefix):] in ("pct", "ci_low", "ci_high", "deff")]
        assert nums, f"{path}: no numbers for {h}"
        reasons = header.index(prefix + "reasons")
        for r in rows[1:]:
            if r[i] in ("suppress", "hidden (n<10)"):
                assert all(r[j] == "" for j in nums), f"{path}: numbers shown for {r}"
                assert r[reasons] != "", f"{path}: no reasons for {r}"
            else:
                assert all(r[j] != "" for j in nums if not header[j].endswith("deff")), f"{path}: blank numbers for {r}"
rows = list(csv.reader(open(os.path.join(out, "05_roles_within_country.csv"))))
assert sum(r[6] == "suppress" for r in rows[1:]) > 10, "table 5 should suppress many cells"
print("exports ok")
PY

# the forest plot: one panel, options, a common axis
psql -X -q -v ON_ERROR_STOP=1 --csv -f demo/forest_plot.sql > "$tmp/plot.csv"
python3 demo/forest_plot.py "$tmp/two.svg" < "$tmp/plot.csv"
{ head -n 1 "$tmp/plot.csv"; grep '^Needs more training,' "$tmp/plot.csv"; } > "$tmp/one.csv"
python3 demo/forest_plot.py --title "My title" --subtitle "My subtitle" \
    --footnote "Note one." --footnote "Note two." --axis 20,90 "$tmp/one.svg" < "$tmp/one.csv"
python3 - "$tmp" <<'PY' || fail "forest plot"
import re, sys
d = sys.argv[1]
two, one = open(d + "/two.svg").read(), open(d + "/one.svg").read()
w = lambda s: int(re.search(r"width='(\d+)'", s).group(1))
assert w(one) < 0.7 * w(two), (w(one), w(two))
for text in ("My title", "My subtitle", "Note one.", "Note two."):
    assert text in one, text
# axis 20..90: ticks from 20, none beyond 90; the default is 0..100 in both panels
ticks = lambda s: re.findall(r"font-size='11'>(\d+)</text>", s)
assert ticks(one)[0] == "20" and all(20 <= int(t) <= 90 for t in ticks(one)), ticks(one)
t2 = ticks(two)
assert t2.count("0") == 2 and t2.count("100") == 2, t2
# the legend names the pooled rows by their labels
assert "filled (dashed line) = Pooled, population-weighted; hollow = Pooled, equal-country" in two
print("forest plot ok")
PY
if python3 demo/forest_plot.py --axis 50,10 < "$tmp/one.csv" > /dev/null 2>&1; then
    fail "forest_plot.py accepted --axis 50,10"
fi
if tools/report.sh --bogus > /dev/null 2>&1; then fail "report.sh accepted --bogus"; fi
echo "test_report: ok"
