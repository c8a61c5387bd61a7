#!/usr/bin/python3
"""t_compare.py -- scenario comparisons, sweeps and precision control, end to end (issue 5).

Runs build/phoenix ($PHOENIX) and reads the results with h5py. Checks:
- every library scenario in scenarios/ runs;
- a paired comparison (plan vs strict enforcement): the paired mean difference equals the
  difference of the two means to rounding; the paired standard error is below the unpaired one
  for energy_freed_tce (ratio printed) and far below it (< 0.3) for tax_per_mu;
- P(b better) is the share of replications where b beats a, recomputed from the rows;
- scenarios that cannot be paired (other seed, same name) are refused with exit 2;
- a sweep runs the full grid, pairs every point with point 0, and writes /sweep;
- --precision stops at the first batch boundary where the criterion holds (recomputed here
  from the stored rows at that boundary and the one before), records it, and gives identical
  results at 1 and 2 threads.
"""
import glob
import math
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from phxtest import Z95, check, finish, run, wilson

tmp = tempfile.mkdtemp(prefix="phoenix-compare-")
plan = "scenarios/plan-2021-2023.ini"

# every library scenario runs (small)
for f in sorted(glob.glob("scenarios/*.ini")):
    run("run", f, "-n", "40", "-o", f"{tmp}/lib.h5", "--force", "--quiet")
    with open(f, encoding="utf-8") as fh:
        check(fh.readline().startswith(";"), f"{f}: does not open with a comment (its policy question)")

# a paired comparison
out = f"{tmp}/cmp.h5"
p = run("run", plan, "scenarios/strict-enforcement.ini", "-n", "400", "-o", out)
check("comparison: b = strict-enforcement vs a = plan-2021-2023" in p.stdout, "side-by-side comparison printed")
with h5py.File(out, "r") as h:
    g = h["comparisons/strict-enforcement_vs_plan-2021-2023"]
    metrics = [m.decode() if isinstance(m, bytes) else m for m in g["metric"][()]]
    a_sum = h["scenarios/plan-2021-2023/summary/mean"][()]
    b_sum = h["scenarios/strict-enforcement/summary/mean"][()]
    md = g["mean_diff"][()]
    scale = np.maximum(np.abs(a_sum), np.abs(b_sum)) + 1.0
    check(np.all(np.abs(md - (b_sum - a_sum)) <= 1e-9 * scale), "paired mean difference = difference of means")
    i_e, i_t = metrics.index("energy_freed_tce"), metrics.index("tax_per_mu")
    se, seu = g["stderr_diff"][()], g["stderr_unpaired"][()]
    ratio_e, ratio_t = se[i_e, -1] / seu[i_e, -1], se[i_t, -1] / seu[i_t, -1]
    print(f"paired/unpaired standard error, 2023: energy_freed_tce {ratio_e:.3f}, tax_per_mu {ratio_t:.3f}")
    check(ratio_e < 1.0, f"energy_freed_tce: paired SE {se[i_e, -1]} not below unpaired {seu[i_e, -1]}")
    check(ratio_t < 0.3, f"tax_per_mu: paired SE not far below unpaired (ratio {ratio_t})")
    a = h["scenarios/plan-2021-2023/metrics/energy_freed_tce"][:, -1]
    b = h["scenarios/strict-enforcement/metrics/energy_freed_tce"][:, -1]
    check(abs(g["p_better"][i_e, -1] - np.mean(b > a)) < 1e-12, "P(b better) recomputed from rows")
    check(abs(g["stderr_diff"][i_e, -1] - np.std(b - a, ddof=1) / math.sqrt(len(a))) <= 1e-9 * abs(se[i_e, -1]) + 1e-12,
          "paired SE recomputed from rows")

# scenarios that cannot be paired
with open(f"{tmp}/other-seed.ini", "w") as fh:
    fh.write(f"[scenario]\nbase = {os.path.abspath(plan)}\nname = other\nseed = 5\n")
p = run("run", plan, f"{tmp}/other-seed.ini", "-n", "20", "-o", f"{tmp}/x.h5", expect=2)
check("seed differs" in p.stderr and not os.path.exists(f"{tmp}/x.h5"), "different seeds refused, nothing written")
p = run("run", plan, plan, "-n", "20", "-o", f"{tmp}/x.h5", expect=2)
check("names must differ" in p.stderr, "the same name twice refused")

# a sweep: 2 x 2 grid
sw = f"{tmp}/sweep.h5"
p = run("sweep", plan, "--vary", "rectify.p_complete=0.6,0.9", "--vary",
        "rectify.upgrade.energy_cut=triangular(0.05, 0.15, 0.30),0.25", "-n", "100", "-o", sw)
check("sweep grid" in p.stdout, "sweep table printed")
with h5py.File(sw, "r") as h:
    pts = [s.decode() if isinstance(s, bytes) else s for s in h["sweep/point"][()]]
    check(len(pts) == 4 and len(h["scenarios"]) == 4, "sweep: 4 grid points")
    check(len(h["comparisons"]) == 3, "sweep: every point compared with point 0")
    vals = h["sweep/value"][()]
    check(vals.dtype.kind == "f" and vals[3, 0] == 0.9 and vals[2, 0] == 0.9, "sweep: numeric lever values stored")
    check(np.isnan(vals[0, 1]) and vals[1, 1] == 0.25, "sweep: a distribution's value is NaN")
    txt = h["sweep/value_text"][()]
    tv = lambda v: v.decode() if isinstance(v, bytes) else v
    check(tv(txt[0, 1]) == "triangular(0.05, 0.15, 0.30)" and tv(txt[3, 0]) == "0.9",
          "sweep: value_text keeps every value as written when one is a distribution")
    text = h[f"scenarios/{pts[1]}"].attrs["scenario_text"]
    text = text.decode() if isinstance(text, bytes) else text
    check("energy_cut = 0.25" in text and "p_complete = 0.6" in text, "sweep: point 1's resolved scenario")
run("sweep", plan, "--vary", "rectify.nosuch=1,2", "-n", "10", "-o", f"{tmp}/bad.h5", expect=2)
check(not os.path.exists(f"{tmp}/bad.h5"), "bad sweep leaves no file")

# precision control
rel, batch = 0.02, 200
outs = []
for t in ("1", "2"):
    o = f"{tmp}/prec{t}.h5"
    run("run", plan, "--precision", str(rel), "--batch", str(batch), "--max-replications", "4000",
        "--threads", t, "-o", o, "--quiet")
    outs.append(o)
check(subprocess.run(["h5diff", outs[0], outs[1], "/scenarios"], capture_output=True).returncode == 0,
      "precision runs identical at 1 and 2 threads")


def reached(h, n):
    g = h["scenarios/plan-2021-2023"]
    targets = h["scenarios/plan-2021-2023/summary/target"][()]
    names = [m.decode() if isinstance(m, bytes) else m for m in h["scenarios/plan-2021-2023/summary/metric"][()]]
    for i, t in enumerate(targets):
        if math.isnan(t):
            continue
        x = g["metrics/" + names[i]][:n, -1]
        more = g["metrics/" + names[i]].attrs["direction"] in ("more", b"more")
        k = int(np.sum(x >= t) if more else np.sum(x <= t))
        lo, hi = wilson(k, n)
        if Z95 * np.std(x, ddof=1) / math.sqrt(n) > rel * abs(np.mean(x)) or (hi - lo) / 2 > rel:
            return False
    return True


with h5py.File(outs[0], "r") as h:
    g = h["scenarios/plan-2021-2023"]
    n = int(g.attrs["n_replications"])
    check(n % batch == 0 and n <= 4000, f"precision: stopped at a batch boundary ({n})")
    check(int(g.attrs["precision_reached"]) == 1, "precision reached")
    check(reached(h, n), f"precision criterion holds at {n}")
    check(n == batch or not reached(h, n - batch), f"precision criterion already held at {n - batch}")
    print(f"precision {rel}: stopped after {n} replications")
run("run", plan, "--precision", "2", "-o", f"{tmp}/p.h5", expect=2)
run("run", plan, "--precision", "0.1", "--sampler", "lhs", "-o", f"{tmp}/p.h5", expect=2)

subprocess.run(["rm", "-rf", tmp])
finish("t_compare.py")
