#!/usr/bin/python3
"""numpy_agree.py -- do phoenix and the NumPy reference (numpy_tlhn.py) compute the same thing?

Runs `phoenix run SCENARIO -n N --seed S` and numpy_tlhn.py on the firm table phoenix synthesises
for the scenario, with independent random numbers (the two use different generators), and
compares the mean of every metric in every year, and of every district metric in the last year:

    |mean_numpy - mean_phoenix| <= K * sqrt(se_numpy^2 + se_phoenix^2)
                                    + 1e-9 * max(1, |mean_phoenix|)

K = 4 by default; the absolute floor is for the metrics that are deterministic (the same value in
every replication, e.g. the first year's surcharges or the starts when the quota is filled). Also
checks that both have the same metrics. Prints a table; exit status 1 if anything disagrees.

  numpy_agree.py SCENARIO.ini [-n N] [--seed-phoenix S] [--seed-numpy S] [-k K] [--all]
                 [--set section.key=value ...] [--numpy-set section.key=value ...]

--numpy-set changes the NumPy side only (a negative control: the check must then fail).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_tlhn  # noqa: E402


def mean_se(x):
    x = np.asarray(x, dtype=float)
    return x.mean(), (x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else 0.0)


def compare(ph, npy, k):
    """Rows (what, phoenix mean, numpy mean, combined se, |z|, ok) for arrays over replications."""
    rows = []
    for what, a, b in zip(ph[0], ph[1], npy):
        ma, sa = mean_se(a)
        mb, sb = mean_se(b)
        se = np.hypot(sa, sb)
        if not (np.isfinite(ma) and np.isfinite(mb)):
            ok, z = ma == mb, 0.0
        else:
            d = abs(mb - ma)
            ok = d <= k * se + 1e-9 * max(1.0, abs(ma))
            z = d / se if se > 0 else (0.0 if d == 0 else np.inf)
        rows.append((what, ma, mb, se, z, bool(ok)))
    return rows


def agree(scenario, n, seed_ph, seed_np, k=4.0, sets=(), numpy_sets=(), phoenix=None):
    """Run both sides and compare; returns (rows, problems, seconds of each side)."""
    phoenix = phoenix or os.environ.get("PHOENIX", "build/phoenix")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        firms, h5 = os.path.join(tmp, "firms.csv"), os.path.join(tmp, "ph.h5")
        setargs = [x for s in sets for x in ("--set", s)]
        subprocess.run([phoenix, "synth", scenario, "-o", firms, *setargs], check=True,
                       capture_output=True)
        t0 = time.perf_counter()
        subprocess.run([phoenix, "run", scenario, "-n", str(n), "--seed", str(seed_ph), "-o", h5,
                        "--quiet", *setargs], check=True)
        t_ph = time.perf_counter() - t0
        p = numpy_tlhn.Params(scenario, list(sets) + list(numpy_sets), phoenix)
        f = numpy_tlhn.Firms(firms)
        t0 = time.perf_counter()
        model, rows, drows = numpy_tlhn.run(p, f, n, seed_np)
        t_np = time.perf_counter() - t0
        with h5py.File(h5, "r") as fh:
            sc = fh["scenarios"][list(fh["scenarios"])[0]]
            years = sc["year"][()]
            names = [m for m in sc["metrics"] if m not in ("year", "replication")]
            ph_rows = {m: sc["metrics"][m][()] for m in names}
            dnames = [d.decode() for d in sc["district"][()]]
            ph_d = {m: sc["districts"][m][()] for m in sc["districts"]
                    if m not in ("year", "replication", "district")}
    missing = sorted(set(names) ^ set(model.names))
    if missing:
        problems.append(f"metrics on one side only: {missing}")
    what, a, b = [], [], []
    for m in names:
        if m in model.names:
            for y, year in enumerate(years):
                what.append(f"{m} {year}")
                a.append(ph_rows[m][:, y])
                b.append(rows[:, model.names.index(m), y])
    col = {d: j for j, d in enumerate(f.district_names)}
    for m, arr in ph_d.items():
        g = numpy_tlhn.GROUP_METRICS.index(m)
        for j, d in enumerate(dnames):
            what.append(f"{m} {years[-1]} {d}")
            a.append(arr[:, -1, j])
            b.append(drows[:, g, -1, col[d]] if d in col else np.zeros(n))
    res = compare((what, a), b, k)
    problems += [f"{r[0]}: phoenix {r[1]:.6g}, numpy {r[2]:.6g}, se {r[3]:.3g}, |z| {r[4]:.1f}"
                 for r in res if not r[5]]
    return res, problems, (t_ph, t_np)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("--seed-phoenix", type=int, default=1)
    ap.add_argument("--seed-numpy", type=int, default=2)
    ap.add_argument("-k", type=float, default=4.0)
    ap.add_argument("--set", action="append", default=[])
    ap.add_argument("--numpy-set", action="append", default=[])
    ap.add_argument("--all", action="store_true", help="print every row, not only the city ones")
    a = ap.parse_args()
    res, problems, (t_ph, t_np) = agree(a.scenario, a.n, a.seed_phoenix, a.seed_numpy, a.k,
                                        a.set, a.numpy_set)
    print(f"{'metric year':44s} {'phoenix':>14s} {'numpy':>14s} {'se':>10s} {'|z|':>6s}")
    for what, ma, mb, se, z, ok in res:
        if a.all or len(what.split()) == 2 or not ok:
            print(f"{what:44s} {ma:14.6g} {mb:14.6g} {se:10.3g} {z:6.2f}{'' if ok else '  FAIL'}")
    zs = np.array([r[4] for r in res if np.isfinite(r[4]) and r[3] > 1e-12 * max(1, abs(r[1]))])
    print(f"{len(res)} comparisons, {len(problems)} disagree (k = {a.k}); |z| median "
          f"{np.median(zs):.2f}, max {zs.max():.2f}; share |z| > 2: {np.mean(zs > 2):.3f} "
          f"(normal: 0.046); phoenix {t_ph:.1f} s, numpy {t_np:.1f} s")
    for p in problems:
        print("DISAGREE:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
