"""Charts with gnuplot: stacked bars of the boot phases, one bar per configuration."""

import os
import subprocess
import tempfile

from . import phases

COLOURS = ["#9e9e9e", "#e6550d", "#3182bd", "#31a354", "#bcbddc"]


class PlotError(Exception):
    pass


def _terminal(path):
    ext = os.path.splitext(path)[1].lower()
    if ext == ".svg":
        return "svg size 1000,%d dynamic enhanced font 'sans,12' background '#ffffff'"
    if ext == ".png":
        return "pngcairo size 1000,%d font 'sans,10'"
    raise PlotError("--plot %s: the chart is .svg or .png" % path)


def wall(data, path):
    """Median phase durations per configuration as horizontal stacked bars."""
    rows = [c for c in data["configs"] if c["status"] == "ok" and c.get("summary")]
    if not rows:
        raise PlotError("no successful configuration to plot")
    term = _terminal(path)
    with tempfile.TemporaryDirectory() as tmp:
        dat = os.path.join(tmp, "phases.dat")
        with open(dat, "w") as f:
            for i, c in enumerate(rows):
                start = 0.0
                for j, (key, _, _, _) in enumerate(phases.PHASES):
                    s = c["summary"].get(key)
                    v = s["median"] if s else 0.0
                    f.write("%d %f %f %d\n" % (i, start, start + v, j))
                    start += v
                f.write("\n")
        labels = ", ".join('"%s" %d' % (c["name"], i) for i, c in enumerate(rows))
        m = data["meta"]
        title = "Boot phases, median of %d runs (%s, -m %s)" % (m.get("runs", 0), m["accel"].upper(), m["memory"])
        script = [
            "set terminal " + term % (140 + 48 * len(rows)),
            "set output '%s'" % path.replace("'", "''"),
            "set title '%s'" % title,
            "set xlabel 'milliseconds since QEMU was started'",
            "set ytics (%s)" % labels,
            "set yrange [%f:-0.7]" % (len(rows) - 0.3),  # the first configuration on top
            "set xrange [0:*]",
            "set grid xtics",
            "set key outside top center horizontal",
            "set style fill solid 0.9 border rgb '#404040'",
        ]
        # One box per phase and configuration, each phase in its own colour.
        plots = ["'%s' using ($4==%d?$2:1/0):1:2:3:($1-0.35):($1+0.35) with boxxyerror lc rgb '%s' title '%s'"
                 % (dat, j, COLOURS[j], label) for j, (_, _, _, label) in enumerate(phases.PHASES)]
        script.append("plot " + ", ".join(plots))
        gp = os.path.join(tmp, "plot.gp")
        with open(gp, "w") as f:
            f.write("\n".join(script) + "\n")
        try:
            p = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
        except FileNotFoundError:
            raise PlotError("gnuplot not found (apt-get install gnuplot-nox)")
        if p.returncode != 0 or not os.path.isfile(path):
            raise PlotError("gnuplot failed: " + p.stderr.strip()[-500:])
