#!/usr/bin/env python3
"""A CSV table (psql --csv) as a Markdown table, for report exports.

    psql -X -q --csv -f demo/report/02_indicators_by_country.sql | \
        python3 demo/csv_to_markdown.py --title "2. Key indicators" > 02.md

Empty fields (NULL: a blank, suppressed number) stay empty; numbers are
right-aligned; '|' in a field is escaped.
"""

import argparse
import csv
import re
import sys

NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")


def cell(text):
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(rows, title=None):
    if not rows:
        raise ValueError("no header row")
    header, body = rows[0], rows[1:]
    numeric = [all(NUMBER.match(r[i]) or r[i] == "" for r in body) and any(r[i] for r in body)
               for i in range(len(header))]
    out = []
    if title:
        out += [f"## {title}", ""]
    out.append("| " + " | ".join(cell(h) for h in header) + " |")
    out.append("|" + "|".join("---:" if n else "---" for n in numeric) + "|")
    for r in body:
        out.append("| " + " | ".join(cell(v) for v in r) + " |")
    return "\n".join(out) + "\n"


def main(argv):
    ap = argparse.ArgumentParser(prog="csv_to_markdown.py",
                                 description="CSV with a header row on standard input -> Markdown table.")
    ap.add_argument("--title", help="a '## title' line above the table")
    args = ap.parse_args(argv[1:])
    rows = list(csv.reader(sys.stdin))
    if not rows:
        sys.exit("csv_to_markdown.py: no rows on standard input")
    sys.stdout.write(to_markdown(rows, args.title))


if __name__ == "__main__":
    main(sys.argv)
