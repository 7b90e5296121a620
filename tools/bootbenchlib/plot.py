"""Charts with gnuplot, two panels over the same configurations (gnuplot multiplot).

Above, the median of every phase as one stacked bar per configuration, from QEMU's exec
to its exit, on a linear scale. Below, QEMU start-up and the firmware phase alone, as two
bars per configuration with their values, on a log scale: at the scale of a whole boot
the firmware phase is a sliver (leapboot's tens of ms beside seconds of kernel), and on a
linear scale of their own OVMF's seconds would make it one again. A log axis gives every
value a readable length and equal ratios equal distances; the bars are side by side, not
stacked, since a stack on a log axis misstates every part but the first.

The names go in a left margin measured from the longest one (_label_margin), the same in
both panels; they are drawn without gnuplot's enhanced text, in which '@' and '_' are
markup (leapboot-pvh@microvm lost its '@' and overprinted itself).
"""

import math
import os
import subprocess
import tempfile

from . import phases, report

COLOURS = ["#9e9e9e", "#e6550d", "#3182bd", "#31a354", "#bcbddc"]
LOWER = ["qemu", "firmware"]  # the phases of the lower panel

# Advance widths of DejaVu Sans, Debian's 'sans', in thousandths of an em, for ' ' to '~'
# (from the font's hmtx table). Arial and Helvetica are narrower, so a name measured with
# these fits where a viewer draws the SVG with them.
_ADVANCE = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
]
WIDTH = 1000  # pixels
ROW = 48  # pixels per configuration, in both panels
# Per extension: the terminal (width, height to fill in) and its font size in pixels
# (pngcairo's points are at 96 dpi: 10 pt is 13.3 px).
TERMINALS = {
    ".svg": ("svg size %d,%d dynamic enhanced font 'sans,12' background '#ffffff'", 12.0),
    ".png": ("pngcairo size %d,%d font 'sans,10'", 10 * 96 / 72),
}


class PlotError(Exception):
    pass


def _terminal(path):
    ext = os.path.splitext(path)[1].lower()
    if ext not in TERMINALS:
        raise PlotError("--plot %s: the chart is .svg or .png" % path)
    return TERMINALS[ext]


def text_width(text, px):
    """The width in pixels of text in 'sans' at px pixels; a character past '~' as wide as '@'."""
    return px * sum(_ADVANCE[ord(ch) - 32] if 32 <= ord(ch) < 127 else 1000 for ch in text) / 1000


def _label_margin(names, px):
    """The left margin in pixels for the longest name: its width, the tic and gnuplot's gap
    of a character between them, and a little room at the edge."""
    return math.ceil(max(text_width(n, px) for n in names) + 2.5 * px)


def _q(text):
    """text as a gnuplot string in single quotes (no escapes; a quote is doubled)."""
    return "'%s'" % text.replace("'", "''")


def _value(ms):
    return (report._ms(ms) if ms >= 1 else "%.2g" % ms) + " ms"


def wall(data, path):
    """Median phase durations per configuration: all phases stacked (linear), and QEMU
    start-up and the firmware phase beside each other (log scale)."""
    rows = [c for c in data["configs"] if c["status"] == "ok" and c.get("summary")]
    if not rows:
        raise PlotError("no successful configuration to plot")
    term, px = _terminal(path)
    n = len(rows)
    upper, lower = 140 + ROW * n, 120 + ROW * n
    height = upper + lower
    median = [{key: (c["summary"].get(key) or {}).get("median") for key, _, _, _ in phases.PHASES} for c in rows]
    with tempfile.TemporaryDirectory() as tmp:
        dat = os.path.join(tmp, "phases.dat")
        with open(dat, "w") as f:
            for i, ms in enumerate(median):
                start = 0.0
                for j, (key, _, _, _) in enumerate(phases.PHASES):
                    v = ms[key] or 0.0
                    f.write("%d %f %f %d\n" % (i, start, start + v, j))
                    start += v
                f.write("\n")
        # The lower panel: per configuration and phase, its row offset, value and label;
        # none for a phase that was not measured or took no time.
        low = os.path.join(tmp, "lower.dat")
        shown = []
        with open(low, "w") as f:
            for i, ms in enumerate(median):
                for j, key in enumerate(LOWER):
                    v = ms[key]
                    if v and v > 0:
                        f.write('%f %f %d "%s"\n' % (i - 0.2 + 0.4 * j, v, j, _value(v)))
                        shown.append(v)
        labels = ", ".join("%s %d" % (_q(c["name"]), i) for i, c in enumerate(rows))
        m = data["meta"]
        title = "Boot phases, median of %d runs (%s, -m %s)" % (m.get("runs", 0), m["accel"].upper(), m["memory"])
        left = _label_margin([c["name"] for c in rows], px) / WIDTH
        script = [
            "set terminal " + term % (WIDTH, height),
            "set output %s" % _q(path),
            "set multiplot",
            "set lmargin at screen %.4f" % left,
            "set rmargin at screen %.4f" % (1 - 30 / WIDTH),
            "set ytics noenhanced (%s)" % labels,
            "set yrange [%f:-0.7]" % (n - 0.3),  # the first configuration on top
            "set grid xtics",
            "set key outside top center horizontal noenhanced",
            "set style fill solid 0.9 border rgb '#404040'",
            # Above: every phase, stacked, from QEMU's exec.
            "set origin 0,%.4f" % (lower / height),
            "set size 1,%.4f" % (upper / height),
            "set key title %s" % _q(title),  # a title above the key, not below it
            "set xlabel 'milliseconds since QEMU was started'",
            "set xrange [0:*]",
        ]
        # One box per phase and configuration, each phase in its own colour.
        plots = ["%s using ($4==%d?$2:1/0):1:2:3:($1-0.35):($1+0.35) with boxxyerror lc rgb '%s' title %s"
                 % (_q(dat), j, COLOURS[j], _q(label)) for j, (_, _, _, label) in enumerate(phases.PHASES)]
        script.append("plot " + ", ".join(plots))
        # Below: QEMU start-up and the firmware phase, from the decade under the shortest
        # to past the longest by the room its value takes.
        script += [
            "set origin 0,0",
            "set size 1,%.4f" % (lower / height),
            "set key title 'QEMU start-up and the firmware phase on a scale of their own'",
            "set xlabel 'milliseconds (log scale)'",
            "set logscale x 10",
            "set format x '%g'",
        ]
        lo = math.floor(math.log10(min(shown))) if shown else 0
        span = math.log10(max(shown) / 10 ** lo) if shown else 1
        room = text_width(_value(max(shown or [1])) + "    ", px) / ((1 - left) * WIDTH - 30)
        top = lo + span / (1 - room)
        script.append("set xrange [%g:%g]" % (10 ** lo, 10 ** top))
        if top - lo < 3:  # few decades: tics at 1, 2 and 5 of each
            script.append("set xtics (%s)" % ", ".join(
                "%g" % (k * 10 ** e) for e in range(lo, math.ceil(top)) for k in (1, 2, 5) if k * 10 ** e <= 10 ** top))
        plots = []
        for j, key in enumerate(LOWER):
            k = [p[0] for p in phases.PHASES].index(key)
            plots.append("%s using ($3==%d?$2:1/0):1:(%g):2:($1-0.18):($1+0.18) with boxxyerror lc rgb '%s' title %s"
                         % (_q(low), j, 10 ** lo, COLOURS[k], _q(phases.PHASES[k][3])))
        plots.append("%s using 2:1:4 with labels left offset 0.5,0 noenhanced notitle" % _q(low))
        script.append("plot " + ", ".join(plots))
        script.append("unset multiplot")
        gp = os.path.join(tmp, "plot.gp")
        with open(gp, "w") as f:
            f.write("\n".join(script) + "\n")
        try:
            p = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
        except FileNotFoundError:
            raise PlotError("gnuplot not found (apt-get install gnuplot-nox)")
        if p.returncode != 0 or not os.path.isfile(path):
            raise PlotError("gnuplot failed: " + p.stderr.strip()[-500:])
