#!/usr/bin/python3
"""t_numpy_ref.py -- phoenix and the NumPy reference implementation (bench/numpy_tlhn.py, issue 17)
compute the same model.

Both run the plan scenario on the same firm table with independent random numbers (phoenix's
addressed Philox streams, numpy's Generator); every metric's mean in every year, and every district
metric's mean in the last year, must agree within 4 combined Monte Carlo standard errors (plus
1e-9 relative for deterministic metrics), and both must have the same metrics
(bench/numpy_agree.py).
Checked on the plan (200 replications a side, fixed seeds) and on a variant that exercises the
other branches (city-wide evaluation, energy priority, the energy offset, the constrained fund) on
a quarter of the population. Negative control: the NumPy side with rectify.p_complete = 0.6
instead of 0.7 must be found to disagree, on firms_rectified among others.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import numpy_agree  # noqa: E402

from phxtest import PHOENIX, check, finish  # noqa: E402

PLAN = "scenarios/plan-2021-2023.ini"
t0 = time.perf_counter()

rows, problems, _ = numpy_agree.agree(PLAN, 200, 101, 102, phoenix=PHOENIX)
check(not problems, f"plan: phoenix and numpy disagree: {problems[:5]}")
check(len(rows) > 3 * 50, f"plan: only {len(rows)} comparisons")

VARIANT = ["population.scale=0.25", "evaluation.scope=city", "rectify.priority=energy",
           "attract.energy_offset=on", "fund.constrained=on", "fund.initial_capital=5"]
rows, problems, _ = numpy_agree.agree(PLAN, 200, 103, 104, sets=VARIANT, phoenix=PHOENIX)
check(not problems, f"variant {VARIANT}: phoenix and numpy disagree: {problems[:5]}")
unfunded = [r for r in rows if r[0] == "quota_unfunded 2023"]
check(unfunded and unfunded[0][1] > 0, "variant: the constrained fund never bound (no test of it)")

rows, problems, _ = numpy_agree.agree(PLAN, 100, 105, 106, numpy_sets=["rectify.p_complete=0.6"],
                                      phoenix=PHOENIX)
check(any(p.startswith("firms_rectified 2023") for p in problems),
      f"negative control: p_complete 0.6 against 0.7 not found ({len(problems)} disagreements)")

print(f"t_numpy_ref: {time.perf_counter() - t0:.1f} s")
finish("t_numpy_ref")
