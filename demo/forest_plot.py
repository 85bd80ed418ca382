#!/usr/bin/env python3
"""Forest plot of per-country survey estimates, as SVG (standard library only).

Reads CSV with a header (psql --csv) on standard input, columns:

    panel, label, kind, estimate, ci_lower, ci_upper, status

one row per point, in percent. `kind` is `country` (dot and CI whisker) or
`pooled` (diamond spanning the CI; the first pooled row of a panel is filled
and marked by a dashed reference line, later ones are hollow; the legend names
them by their labels, i.e. by the pooling scheme the query used); `status` is
the NCHS reliability status (`ok`, `flag`, `suppress`; flagged estimates are
drawn hollow, suppressed ones are not drawn). Rows keep their input order; a
panel is drawn for each distinct `panel`, in order of appearance, sharing the
row labels of the first panel. Every panel has the same axis (0-100 unless
--axis says otherwise), so that panels can be compared at a glance; a CI
beyond the axis is cut at its end and marked with an arrow. The canvas is as
wide as its panels (one panel makes a narrow figure); titles and notes wrap.

    psql -X -q --csv -f demo/forest_plot.sql | python3 demo/forest_plot.py demo/out/forest_plot.svg
    ... | python3 demo/forest_plot.py --title "Training needs" --axis 20,100 \
              --footnote "Source: ..." --footnote "Second line" out.svg
"""

import argparse
import csv
import math
import sys
import textwrap
from xml.sax.saxutils import escape

TITLE = "Police officers and online child sexual abuse (OCSA) cases, by country"
SUBTITLE = ("Weighted percentage with 95% confidence interval (Taylor linearization, "
            "t with design df) - synthetic demo survey")
FOOTNOTE = ["Strata: country/region; PSUs: police forces. Hollow dot: NCHS reliability "
            "flag (e.g. df < 8); suppressed estimates are not drawn."]

FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
INK, GRID, ACCENT, POOL = "#222222", "#dddddd", "#1f5f99", "#b5452b"

CHAR_W = 0.56      # average glyph width, in font sizes, for wrapping text
LABEL_W = 230      # row labels
PANEL_W = 280      # plotting area of one panel
TEXT_W = 125       # "52.3 (47.0-58.9)" column right of each panel
GAP = 30
ROW_H = 26
HEAD_H = 40        # panel headers above the rows
AXIS_H = 46
MARGIN = 16


def fnum(x):
    return float(x) if x not in (None, "") else None


def axis_ticks(a, b):
    """Ticks on a 1/2/5 x 10^k step, about 5 of them."""
    raw = (b - a) / 5.0
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    ticks, t = [], math.ceil(a / step - 1e-9) * step
    while t <= b + 1e-9:
        ticks.append(t)
        t += step
    return ticks


def wrap(text, font_size, width):
    """Lines of text that fit width pixels at font_size (estimated)."""
    chars = max(int(width / (font_size * CHAR_W)), 10)
    return textwrap.wrap(text, chars) or [""]


def pooled_legend(rows):
    """The legend of the pooled diamonds, from their labels."""
    pooled = [r["label"] for r in rows if r["kind"] == "pooled"]
    if not pooled:
        return []
    text = f"Diamonds: pooled estimates (svy_pool) spanning their CI; filled (dashed line) = {pooled[0]}"
    if len(pooled) > 1:
        text += "; hollow = " + ", ".join(pooled[1:])
    return [text + "."]


def read_rows(stream):
    panels, order = {}, []
    for row in csv.DictReader(stream):
        p = row["panel"]
        if p not in panels:
            panels[p] = []
            order.append(p)
        panels[p].append({
            "label": row["label"],
            "kind": row.get("kind") or "country",
            "est": fnum(row["estimate"]),
            "lo": fnum(row["ci_lower"]),
            "hi": fnum(row["ci_upper"]),
            "status": (row.get("status") or "").strip(),
        })
    return order, panels


def render(order, panels, title=TITLE, subtitle=SUBTITLE, footnotes=None,
           axis=(0.0, 100.0), xlabel="percent of officers"):
    labels = [r["label"] for r in panels[order[0]]]
    kinds = [r["kind"] for r in panels[order[0]]]
    n_rows = len(labels)
    if footnotes is None:
        footnotes = FOOTNOTE + pooled_legend(panels[order[0]])
    # the canvas is as wide as its panels; title and notes wrap to it
    width = MARGIN * 2 + LABEL_W + len(order) * (PANEL_W + TEXT_W) + (len(order) - 1) * GAP
    text_w = width - 2 * MARGIN
    title_lines = wrap(title, 18, text_w) if title else []
    sub_lines = wrap(subtitle, 12, text_w) if subtitle else []
    foot_lines = [l for f in footnotes for l in wrap(f, 11, text_w)]
    top = MARGIN + 22 * len(title_lines) + 16 * len(sub_lines) + HEAD_H
    # a little space before the pooled rows
    first_pool = next((i for i, k in enumerate(kinds) if k == "pooled"), n_rows)
    def row_y(i):
        return top + (i + 0.5) * ROW_H + (10 if i >= first_pool else 0)

    plot_h = n_rows * ROW_H + (10 if first_pool < n_rows else 0)
    height = top + plot_h + AXIS_H + 15 * len(foot_lines) + MARGIN

    out = []
    w = out.append
    w(f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
      f"viewBox='0 0 {width} {height}' {FONT} font-size='13' fill='{INK}'>")
    w(f"<rect width='{width}' height='{height}' fill='white'/>")
    y = MARGIN
    for line in title_lines:
        y += 22
        w(f"<text x='{MARGIN}' y='{y}' font-size='18' font-weight='bold'>{escape(line)}</text>")
    for line in sub_lines:
        y += 16
        w(f"<text x='{MARGIN}' y='{y}' font-size='12' fill='#555555'>{escape(line)}</text>")

    # zebra stripes and row labels
    for i, (lab, kind) in enumerate(zip(labels, kinds)):
        y = row_y(i)
        if i % 2 == 0 and kind != "pooled":
            w(f"<rect x='{MARGIN}' y='{y - ROW_H / 2:.1f}' width='{width - 2 * MARGIN}' "
              f"height='{ROW_H}' fill='#f5f7fa'/>")
        weight = " font-weight='bold'" if kind == "pooled" else ""
        w(f"<text x='{MARGIN + 4}' y='{y + 4.5:.1f}'{weight}>{escape(lab)}</text>")
    if first_pool < n_rows:
        ysep = top + first_pool * ROW_H + 5
        w(f"<line x1='{MARGIN}' x2='{width - MARGIN}' y1='{ysep}' y2='{ysep}' "
          f"stroke='#999999' stroke-width='1'/>")

    for k, name in enumerate(order):
        rows = panels[name]
        x0 = MARGIN + LABEL_W + k * (PANEL_W + TEXT_W + GAP)
        a, b = axis
        ticks = axis_ticks(a, b)
        def sx(v):
            return x0 + (min(max(v, a), b) - a) / (b - a) * PANEL_W

        w(f"<text x='{x0 + PANEL_W / 2:.1f}' y='{top - 14}' text-anchor='middle' "
          f"font-weight='bold'>{escape(name)}</text>")
        w(f"<text x='{x0 + PANEL_W + TEXT_W - 4}' y='{top - 14}' text-anchor='end' "
          f"font-size='11' fill='#555555'>% (95% CI)</text>")
        ybot = top + plot_h
        # grid and axis
        for t in ticks:
            x = sx(t)
            w(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{ybot}' stroke='{GRID}'/>")
            w(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{ybot}' y2='{ybot + 5}' stroke='{INK}'/>")
            w(f"<text x='{x:.1f}' y='{ybot + 18}' text-anchor='middle' font-size='11'>{t:g}</text>")
        w(f"<line x1='{x0}' x2='{x0 + PANEL_W}' y1='{ybot}' y2='{ybot}' stroke='{INK}'/>")
        w(f"<text x='{x0 + PANEL_W / 2:.1f}' y='{ybot + 36}' text-anchor='middle' "
          f"font-size='12'>{escape(xlabel)}</text>")
        # reference line at the population-weighted pooled estimate
        ref = next((r for r in rows if r["kind"] == "pooled" and r["est"] is not None), None)
        if ref:
            x = sx(ref["est"])
            w(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{top}' y2='{ybot}' stroke='{POOL}' "
              f"stroke-dasharray='4,3' stroke-width='1'/>")

        for i, r in enumerate(rows):
            y = row_y(i)
            if r["est"] is None or r["status"] == "suppress":
                w(f"<text x='{x0 + 4}' y='{y + 4.5:.1f}' font-size='11' fill='#888888'>"
                  f"suppressed</text>")
                continue
            lo = r["lo"] if r["lo"] is not None else r["est"]
            hi = r["hi"] if r["hi"] is not None else r["est"]
            if r["kind"] == "pooled":
                pts = (f"{sx(lo):.1f},{y:.1f} {sx(r['est']):.1f},{y - 7:.1f} "
                       f"{sx(hi):.1f},{y:.1f} {sx(r['est']):.1f},{y + 7:.1f}")
                fill = POOL if r is ref else "white"
                w(f"<polygon points='{pts}' fill='{fill}' stroke='{POOL}' stroke-width='1.5'/>")
            else:
                w(f"<line x1='{sx(lo):.1f}' x2='{sx(hi):.1f}' y1='{y:.1f}' y2='{y:.1f}' "
                  f"stroke='{ACCENT}' stroke-width='2'/>")
                for v, end in ((lo, a), (hi, b)):
                    if a < v < b:
                        w(f"<line x1='{sx(v):.1f}' x2='{sx(v):.1f}' y1='{y - 5:.1f}' "
                          f"y2='{y + 5:.1f}' stroke='{ACCENT}' stroke-width='2'/>")
                    elif v != end:   # beyond the axis: an arrow at its end
                        d = -6 if end == a else 6
                        w(f"<polygon points='{sx(end) + d:.1f},{y:.1f} {sx(end):.1f},{y - 4:.1f} "
                          f"{sx(end):.1f},{y + 4:.1f}' fill='{ACCENT}'/>")
                fill = "white" if r["status"] == "flag" else ACCENT
                w(f"<circle cx='{sx(r['est']):.1f}' cy='{y:.1f}' r='5' fill='{fill}' "
                  f"stroke='{ACCENT}' stroke-width='2'/>")
            w(f"<text x='{x0 + PANEL_W + TEXT_W - 4}' y='{y + 4.5:.1f}' text-anchor='end' "
              f"font-size='12'>{r['est']:.1f} ({lo:.1f}-{hi:.1f})</text>")

    for j, line in enumerate(foot_lines):
        y = height - MARGIN - 15 * (len(foot_lines) - 1 - j)
        w(f"<text x='{MARGIN}' y='{y}' font-size='11' fill='#555555'>{escape(line)}</text>")
    w("</svg>")
    return "\n".join(out) + "\n"


def parse_axis(text):
    try:
        a, b = (float(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"axis must be LO,HI, not {text!r}")
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise argparse.ArgumentTypeError(f"axis needs finite LO < HI, not {text!r}")
    return a, b


def main(argv):
    ap = argparse.ArgumentParser(
        prog="forest_plot.py",
        description="Forest plot (SVG) of survey estimates read as CSV on standard input.")
    ap.add_argument("output", nargs="?", help="SVG file to write (default: standard output)")
    ap.add_argument("--title", default=TITLE, help="title ('' for none)")
    ap.add_argument("--subtitle", default=SUBTITLE, help="subtitle ('' for none)")
    ap.add_argument("--footnote", action="append",
                    help="a footnote line (repeat for more; default: the demo's notes "
                         "and a legend of the pooled rows named by their labels)")
    ap.add_argument("--axis", type=parse_axis, default=(0.0, 100.0), metavar="LO,HI",
                    help="axis range shared by every panel (default 0,100)")
    ap.add_argument("--xlabel", default="percent of officers", help="axis label")
    args = ap.parse_args(argv[1:])

    order, panels = read_rows(sys.stdin)
    if not order:
        sys.exit("forest_plot.py: no rows on standard input")
    svg = render(order, panels, args.title, args.subtitle, args.footnote, args.axis, args.xlabel)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(svg)
    else:
        sys.stdout.write(svg)


if __name__ == "__main__":
    main(sys.argv)
