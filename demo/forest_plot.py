#!/usr/bin/env python3
"""Forest plot of per-country survey estimates, as SVG (standard library only).

Reads CSV with a header (psql --csv) on standard input, columns:

    panel, label, kind, estimate, ci_lower, ci_upper, status

one row per point, in percent. `kind` is `country` (dot and CI whisker) or
`pooled` (diamond spanning the CI; the first pooled row of a panel is filled
and marked by a dashed reference line, later ones are hollow); `status` is the NCHS reliability status
(`ok`, `flag`, `suppress`; flagged estimates are drawn hollow, suppressed ones
are not drawn). Rows keep their input order; a panel is drawn for each distinct
`panel`, in order of appearance, sharing the row labels of the first panel.

    psql -X -q --csv -f demo/forest_plot.sql | python3 demo/forest_plot.py demo/out/forest_plot.svg
"""

import csv
import math
import sys
from xml.sax.saxutils import escape

TITLE = "Police officers and online child sexual abuse (OCSA) cases, by country"
SUBTITLE = ("Weighted percentage with 95% confidence interval (Taylor linearization, "
            "t with design df) - synthetic demo survey")
FOOTNOTE = ["Strata: country/region; PSUs: police forces. Hollow dot: NCHS reliability "
            "flag (e.g. df < 8); suppressed estimates are not drawn.",
            "Diamonds: pooled estimates (svy_pool) spanning their CI; filled = "
            "population-weighted (dashed line), hollow = equal-country."]

FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"
INK, GRID, ACCENT, POOL = "#222222", "#dddddd", "#1f5f99", "#b5452b"

LABEL_W = 230      # row labels
PANEL_W = 280      # plotting area of one panel
TEXT_W = 125       # "52.3 (47.0-58.9)" column right of each panel
GAP = 30
ROW_H = 26
TOP = 96           # title, subtitle, panel headers
AXIS_H = 46
FOOT_H = 52
MARGIN = 16


def fnum(x):
    return float(x) if x not in (None, "") else None


def nice_range(lo, hi):
    """Axis limits and ticks on a 5/10/20 step."""
    span = max(hi - lo, 1.0)
    step = 5.0 if span <= 30 else 10.0 if span <= 60 else 20.0
    a = math.floor(lo / step) * step
    b = math.ceil(hi / step) * step
    a, b = max(a, 0.0), min(b, 100.0)
    ticks, t = [], a
    while t <= b + 1e-9:
        ticks.append(t)
        t += step
    return a, b, ticks


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


def render(order, panels):
    labels = [r["label"] for r in panels[order[0]]]
    kinds = [r["kind"] for r in panels[order[0]]]
    n_rows = len(labels)
    # a little space before the pooled rows
    first_pool = next((i for i, k in enumerate(kinds) if k == "pooled"), n_rows)
    def row_y(i):
        return TOP + (i + 0.5) * ROW_H + (10 if i >= first_pool else 0)

    plot_h = n_rows * ROW_H + (10 if first_pool < n_rows else 0)
    width = MARGIN * 2 + LABEL_W + len(order) * (PANEL_W + TEXT_W) + (len(order) - 1) * GAP
    height = TOP + plot_h + AXIS_H + FOOT_H

    out = []
    w = out.append
    w(f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
      f"viewBox='0 0 {width} {height}' {FONT} font-size='13' fill='{INK}'>")
    w(f"<rect width='{width}' height='{height}' fill='white'/>")
    w(f"<text x='{MARGIN}' y='28' font-size='18' font-weight='bold'>{escape(TITLE)}</text>")
    w(f"<text x='{MARGIN}' y='50' font-size='12' fill='#555555'>{escape(SUBTITLE)}</text>")

    # zebra stripes and row labels
    for i, (lab, kind) in enumerate(zip(labels, kinds)):
        y = row_y(i)
        if i % 2 == 0 and kind != "pooled":
            w(f"<rect x='{MARGIN}' y='{y - ROW_H / 2:.1f}' width='{width - 2 * MARGIN}' "
              f"height='{ROW_H}' fill='#f5f7fa'/>")
        weight = " font-weight='bold'" if kind == "pooled" else ""
        w(f"<text x='{MARGIN + 4}' y='{y + 4.5:.1f}'{weight}>{escape(lab)}</text>")
    if first_pool < n_rows:
        ysep = TOP + first_pool * ROW_H + 5
        w(f"<line x1='{MARGIN}' x2='{width - MARGIN}' y1='{ysep}' y2='{ysep}' "
          f"stroke='#999999' stroke-width='1'/>")

    for k, name in enumerate(order):
        rows = panels[name]
        x0 = MARGIN + LABEL_W + k * (PANEL_W + TEXT_W + GAP)
        vals = [v for r in rows for v in (r["lo"], r["hi"], r["est"]) if v is not None]
        a, b, ticks = nice_range(min(vals), max(vals))
        def sx(v):
            return x0 + (v - a) / (b - a) * PANEL_W

        w(f"<text x='{x0 + PANEL_W / 2:.1f}' y='{TOP - 14}' text-anchor='middle' "
          f"font-weight='bold'>{escape(name)}</text>")
        w(f"<text x='{x0 + PANEL_W + TEXT_W - 4}' y='{TOP - 14}' text-anchor='end' "
          f"font-size='11' fill='#555555'>% (95% CI)</text>")
        ybot = TOP + plot_h
        # grid and axis
        for t in ticks:
            x = sx(t)
            w(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{TOP}' y2='{ybot}' stroke='{GRID}'/>")
            w(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{ybot}' y2='{ybot + 5}' stroke='{INK}'/>")
            w(f"<text x='{x:.1f}' y='{ybot + 18}' text-anchor='middle' font-size='11'>{t:g}</text>")
        w(f"<line x1='{x0}' x2='{x0 + PANEL_W}' y1='{ybot}' y2='{ybot}' stroke='{INK}'/>")
        w(f"<text x='{x0 + PANEL_W / 2:.1f}' y='{ybot + 36}' text-anchor='middle' "
          f"font-size='12'>percent of officers</text>")
        # reference line at the population-weighted pooled estimate
        ref = next((r for r in rows if r["kind"] == "pooled" and r["est"] is not None), None)
        if ref:
            x = sx(ref["est"])
            w(f"<line x1='{x:.1f}' x2='{x:.1f}' y1='{TOP}' y2='{ybot}' stroke='{POOL}' "
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
                for v in (lo, hi):
                    w(f"<line x1='{sx(v):.1f}' x2='{sx(v):.1f}' y1='{y - 5:.1f}' "
                      f"y2='{y + 5:.1f}' stroke='{ACCENT}' stroke-width='2'/>")
                fill = "white" if r["status"] == "flag" else ACCENT
                w(f"<circle cx='{sx(r['est']):.1f}' cy='{y:.1f}' r='5' fill='{fill}' "
                  f"stroke='{ACCENT}' stroke-width='2'/>")
            w(f"<text x='{x0 + PANEL_W + TEXT_W - 4}' y='{y + 4.5:.1f}' text-anchor='end' "
              f"font-size='12'>{r['est']:.1f} ({lo:.1f}-{hi:.1f})</text>")

    for j, line in enumerate(FOOTNOTE):
        y = height - 14 - 15 * (len(FOOTNOTE) - 1 - j)
        w(f"<text x='{MARGIN}' y='{y}' font-size='11' fill='#555555'>{escape(line)}</text>")
    w("</svg>")
    return "\n".join(out) + "\n"


def main(argv):
    order, panels = read_rows(sys.stdin)
    if not order:
        sys.exit("forest_plot.py: no rows on standard input")
    svg = render(order, panels)
    if len(argv) > 1:
        with open(argv[1], "w", encoding="utf-8") as f:
            f.write(svg)
    else:
        sys.stdout.write(svg)


if __name__ == "__main__":
    main(sys.argv)
