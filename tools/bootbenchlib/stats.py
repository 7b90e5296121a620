"""Summary statistics of repeated runs."""

import functools
import math
import statistics


def summary(values):
    """{n, median, min, max, stddev} of a list of numbers (stddev 0 for one value)."""
    if not values:
        return None
    return {
        "n": len(values),
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "stddev": statistics.stdev(values) if len(values) > 1 else 0.0,
    }


def ratio(value, base):
    if value is None or not base:
        return None
    return value / base


@functools.lru_cache(maxsize=None)
def _mann_whitney_cdf(n, m):
    """P(U <= u) for u = 0..n*m under no difference, exactly (counts of the
    orderings of n + m distinct values), for the shift's interval."""
    # f[j][u]: orderings of i values against j with statistic u, for the current i.
    f = [[1] for _ in range(m + 1)]  # i = 0: one ordering, U = 0
    for i in range(1, n + 1):
        g = [[1]]  # j = 0
        for j in range(1, m + 1):
            # The largest of the i + j values is one of the i (adds j to U) or one of the j.
            a, b = f[j], g[j - 1]
            row = [0] * (i * j + 1)
            for u, c in enumerate(a):
                row[u + j] += c
            for u, c in enumerate(b):
                row[u] += c
            g.append(row)
        f = g
    counts = f[m]
    total, run, cdf = sum(counts), 0, []
    for c in counts:
        run += c
        cdf.append(run / total)
    return cdf


def shift(a, b, confidence=0.95):
    """How much larger a's values are than b's: the Hodges-Lehmann estimate (the
    median of all differences a_i - b_j) and its distribution-free confidence
    interval from the Mann-Whitney statistic, as {estimate, low, high}; low and
    high are None when there are too few runs for that confidence."""
    if not a or not b:
        return None
    d = sorted(x - y for x in a for y in b)
    n, m, nm = len(a), len(b), len(a) * len(b)
    alpha = 1 - confidence
    if nm <= 2500:
        cdf = _mann_whitney_cdf(n, m)
        c = max((u for u in range(nm + 1) if cdf[u] <= alpha / 2), default=None)
        k = None if c is None else c + 1  # the interval runs from the k-th smallest difference
    else:
        z = statistics.NormalDist().inv_cdf(1 - alpha / 2)
        k = max(1, int(nm / 2 - z * math.sqrt(nm * (n + m + 1) / 12)))
    low, high = (None, None) if k is None else (d[k - 1], d[nm - k])
    return {"estimate": statistics.median(d), "low": low, "high": high, "confidence": confidence}


def verdict(s):
    """'faster' or 'slower' where the interval excludes no difference."""
    if not s or s["low"] is None:
        return "too few runs"
    if s["high"] < 0:
        return "faster"
    if s["low"] > 0:
        return "slower"
    return "no clear difference"
