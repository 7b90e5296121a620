"""stats: summaries, ratios, the Hodges-Lehmann shift and its Mann-Whitney interval."""

import itertools
import math
import os
import random
import statistics
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from bootbenchlib import stats  # noqa: E402


def brute_cdf(n, m):
    """P(U <= u) by listing every way n of n + m ranks can fall to the first sample."""
    counts = [0] * (n * m + 1)
    for first in itertools.combinations(range(n + m), n):
        # U: pairs (first, second) where the first sample's value is the larger
        counts[sum(sum(1 for r in range(n + m) if r not in first and r < f) for f in first)] += 1
    total = math.comb(n + m, n)
    return [sum(counts[: u + 1]) / total for u in range(n * m + 1)]


def brute_shift(a, b, confidence=0.95):
    """The interval from its definition: the k-th smallest and k-th largest of the
    differences, k - 1 the largest u with P(U <= u) <= alpha / 2."""
    d = sorted(x - y for x in a for y in b)
    cdf = brute_cdf(len(a), len(b))
    ok = [u for u, p in enumerate(cdf) if p <= (1 - confidence) / 2]
    if not ok:
        return statistics.median(d), None, None
    k = max(ok) + 1
    return statistics.median(d), d[k - 1], d[-k]


def spread(n, m):
    """Samples whose differences are exactly 0 .. n*m - 1, each once: the interval's
    ends are then its ranks minus one."""
    return [m * i for i in range(n)], [-j for j in range(m)]


class Summary(unittest.TestCase):
    def test_known_values(self):
        s = stats.summary([10.0, 1.0, 3.0, 2.0])
        self.assertEqual((s["n"], s["median"], s["min"], s["max"]), (4, 2.5, 1.0, 10.0))
        # the sample (n - 1) deviation around the mean 4: (9 + 4 + 1 + 36) / 3
        self.assertAlmostEqual(s["stddev"], math.sqrt(50 / 3))

    def test_one_value_has_no_spread(self):
        self.assertEqual(stats.summary([7.5]), {"n": 1, "median": 7.5, "min": 7.5, "max": 7.5, "stddev": 0.0})

    def test_nothing(self):
        self.assertIsNone(stats.summary([]))


class Ratio(unittest.TestCase):
    def test_ratio(self):
        self.assertEqual(stats.ratio(3.0, 4.0), 0.75)

    def test_no_ratio_without_both(self):
        self.assertIsNone(stats.ratio(None, 4.0))
        self.assertIsNone(stats.ratio(3.0, 0))
        self.assertIsNone(stats.ratio(3.0, None))


class MannWhitneyTable(unittest.TestCase):
    def test_matches_enumeration(self):
        for n, m in [(1, 1), (1, 4), (2, 5), (5, 2), (3, 3), (4, 5), (6, 4)]:
            with self.subTest(n=n, m=m):
                got = stats._mann_whitney_cdf(n, m)
                want = brute_cdf(n, m)
                self.assertEqual(len(got), len(want))
                for g, w in zip(got, want):
                    self.assertAlmostEqual(g, w, places=12)

    def test_hand_values(self):
        # n = m = 2: the 6 orderings give U = 0, 1, 2, 2, 3, 4
        self.assertEqual(stats._mann_whitney_cdf(2, 2), [1 / 6, 2 / 6, 4 / 6, 5 / 6, 1.0])


class Shift(unittest.TestCase):
    def test_estimate_is_median_of_differences(self):
        # differences 9, 8, 10, 9, 11, 10: median 9.5
        self.assertEqual(stats.shift([10, 11, 12], [1, 2])["estimate"], 9.5)
        self.assertEqual(stats.shift([5.0], [2.0])["estimate"], 3.0)

    def test_interval_from_published_critical_values(self):
        # Two-sided 5% critical U of the Mann-Whitney tables: the interval runs from
        # the (U+1)-th smallest difference to the (U+1)-th largest.
        for (n, m), u in {(4, 4): 0, (3, 5): 0, (5, 5): 2, (6, 6): 5, (7, 7): 8, (8, 8): 13,
                          (10, 10): 23}.items():
            with self.subTest(n=n, m=m):
                s = stats.shift(*spread(n, m))
                self.assertEqual((s["low"], s["high"]), (u, n * m - 1 - u))
                self.assertEqual(s["estimate"], (n * m - 1) / 2)

    def test_too_few_runs(self):
        # 3 against 3: the most extreme ordering alone has probability 1/20 > 2.5 %
        s = stats.shift([1, 2, 3], [4, 5, 6])
        self.assertEqual((s["estimate"], s["low"], s["high"]), (-3, None, None))

    def test_matches_reference_on_random_samples(self):
        rng = random.Random(22)
        for n, m in [(4, 6), (5, 5), (6, 3), (7, 5)]:
            for _ in range(5):
                a = [round(rng.gauss(10, 2), 1) for _ in range(n)]
                b = [round(rng.gauss(11, 2), 1) for _ in range(m)]
                with self.subTest(a=a, b=b):
                    s = stats.shift(a, b)
                    self.assertEqual((s["estimate"], s["low"], s["high"]), brute_shift(a, b))

    def test_other_confidence(self):
        s = stats.shift(*spread(5, 5), confidence=0.90)
        # one-sided 5% critical U for 5 and 5 is 4
        self.assertEqual((s["low"], s["high"], s["confidence"]), (4, 20, 0.90))

    def test_last_exact_size(self):
        # 50 x 50 = 2,500 pairs: still the exact table
        cdf = stats._mann_whitney_cdf(50, 50)
        k = max(u for u, p in enumerate(cdf) if p <= 0.025) + 1
        s = stats.shift(*spread(50, 50))
        self.assertEqual((s["low"], s["high"]), (k - 1, 2500 - k))

    def test_normal_approximation_past_2500_pairs(self):
        # 51 x 51 = 2,601 pairs: k = int(1300.5 - 1.959964 * sqrt(2601 * 103 / 12)) = int(1007.66)
        s = stats.shift(*spread(51, 51))
        self.assertEqual((s["low"], s["high"], s["estimate"]), (1006, 1594, 1300))
        # and within one rank of the exact interval
        cdf = stats._mann_whitney_cdf(51, 51)
        k = max(u for u, p in enumerate(cdf) if p <= 0.025) + 1
        self.assertLessEqual(abs(k - 1007), 1)

    def test_needs_both_samples(self):
        self.assertIsNone(stats.shift([], [1.0]))
        self.assertIsNone(stats.shift([1.0], []))


class Verdict(unittest.TestCase):
    def test_only_where_the_interval_excludes_no_difference(self):
        self.assertEqual(stats.verdict({"estimate": -2, "low": -3, "high": -1}), "faster")
        self.assertEqual(stats.verdict({"estimate": 2, "low": 1, "high": 3}), "slower")
        self.assertEqual(stats.verdict({"estimate": 2, "low": -1, "high": 3}), "no clear difference")
        # an end at zero does not exclude no difference
        self.assertEqual(stats.verdict({"estimate": 1, "low": 0, "high": 3}), "no clear difference")
        self.assertEqual(stats.verdict({"estimate": -1, "low": -3, "high": 0}), "no clear difference")

    def test_without_interval(self):
        self.assertEqual(stats.verdict({"estimate": 5, "low": None, "high": None}), "too few runs")
        self.assertEqual(stats.verdict(None), "too few runs")

    def test_from_samples(self):
        base = [10.0, 10.4, 9.8, 10.1, 10.3, 9.9, 10.2, 10.0, 9.7, 10.5]
        self.assertEqual(stats.verdict(stats.shift([x + 1 for x in base], base)), "slower")
        self.assertEqual(stats.verdict(stats.shift([x - 1 for x in base], base)), "faster")
        # the medians differ by 0.1, well inside the noise
        self.assertEqual(stats.verdict(stats.shift([x + 0.1 for x in base], base)), "no clear difference")


if __name__ == "__main__":
    unittest.main()
