"""Summary statistics of repeated runs."""

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
