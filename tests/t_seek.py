"""t_seek.py -- phoenix seek end to end: the answer reproduces (threads), a run at the answer
meets the target with P >= Q and a run just before it does not (common random numbers: the
same replications at every value), an unreachable target says so and names the constraint that
binds, the CSV has its one header and row, bad requests exit 2; sweep ranges on the command line.
"""
import csv
import io
import math
import os
import tempfile

import h5py
import numpy as np

from phxtest import check, finish, run

tmp = tempfile.mkdtemp(prefix="phoenix-seek-")
plan = "scenarios/plan-2021-2023.ini"
N = "40"
base = ["seek", plan, "--lever", "attract.landing_rate", "--confidence", "0.8", "--range", "0.3:0.9",
        "-n", N, "--quiet"]


def csv_row(p):
    rows = list(csv.reader(io.StringIO(p.stdout)))
    check(len(rows) == 2 and rows[0] == ["lever", "value", "lower", "upper", "p_target", "confidence"],
          f"csv: one header and one row: {rows}")
    return dict(zip(rows[0], rows[1])) if len(rows) == 2 else {}


def p_met(path, metric, target):
    with h5py.File(path, "r") as f:
        name = [n for n in f["scenarios"] if n.split("+")[0] == "plan-2021-2023"][0]   # --set suffix
        x = f[f"scenarios/{name}/metrics/{metric}"][:, -1]
    return float(np.mean(x >= target))


# a target within reach: 75 major projects
p1 = run(*base, "--target", "projects_major_landed=75", "--format", "csv", "--threads", "1")
p2 = run(*base, "--target", "projects_major_landed=75", "--format", "csv", "--threads", "2")
check(p1.stdout == p2.stdout, "seek: the same answer at 1 and 2 threads")
r = csv_row(p1)
v, lo, hi = float(r["value"]), float(r["lower"]), float(r["upper"])
check(0.3 <= lo <= v <= hi <= 0.9, f"seek: answer {v} inside its interval [{lo}, {hi}] inside the range")
check(float(r["p_target"]) >= 0.8 and float(r["confidence"]) == 0.8, "seek: P at the answer >= Q")
for value, want_ok in ((v, True), (v - 0.6 / 1024 * 1.01, False)):
    out = f"{tmp}/at.h5"
    run("run", plan, "-n", N, "--set", f"attract.landing_rate={value!r}", "-o", out, "--force", "--quiet")
    p = p_met(out, "projects_major_landed", 75)
    check((p >= 0.8) == want_ok, f"run at {value}: P = {p} {'>=' if want_ok else '<'} 0.8 (CRN)")

# out of reach: the plan's 120 major projects
t = run(*base, "--target", "projects_major_landed")
check("OUT OF REACH" in t.stdout, "seek: 120 major projects out of reach within [0.3, 0.9]")
check("the constraint that binds: projects_waiting_for_land" in t.stdout, "seek: names land as binding")
check("question: the smallest attract.landing_rate" in t.stdout, "seek: states the question")
r = csv_row(run(*base, "--target", "projects_major_landed", "--format", "csv"))
check(r.get("value") == "" and r.get("lower") == "" and r.get("upper") == "", "csv: empty value when out of reach")
check(r.get("p_target") not in (None, "") and float(r["p_target"]) < 0.8, "csv: the best P, below Q")

# bad requests
for args, why in ((["--lever", "attract.nosuch"], "not a parameter"),
                  (["--lever", "evaluation.scope"], "real-valued"),
                  (["--target", "energy_freed_tce_nosuch"], "not a metric"),
                  (["--range", "0.5:1.5"], "bounds"),
                  (["--range", "0.9:0.3"], "a < b"),
                  (["--confidence", "1.5"], "probability"),
                  (["-o", f"{tmp}/x.h5"], "no results file")):
    args = dict(zip(["--lever", "--target", "--range", "--confidence"],
                    ["attract.landing_rate", "projects_major_landed", "0.3:0.9", "0.8"])) | dict(
        zip(args[::2], args[1::2]))
    p = run("seek", plan, "-n", "5", *[x for kv in args.items() for x in kv], expect=2)
    check(why in p.stderr, f"seek refused with '{why}': {p.stderr.strip()}")
p = run("seek", plan, "--lever", "attract.landing_rate", "--target", "firms_relocated_nosuch=1",
        "--confidence", "0.8", "-n", "5", expect=2)
p = run("seek", plan, "--lever", "attract.landing_rate", "--target", "gdp_growth_nosuch",
        "--confidence", "0.8", "-n", "5", expect=2)

# sweep ranges
sw = f"{tmp}/sw.h5"
run("sweep", plan, "--vary", "attract.landing_rate=0.3:0.9:0.2", "-n", "10", "-o", sw, "--quiet")
with h5py.File(sw, "r") as f:
    vals = f["sweep/value"][:, 0]
check(np.allclose(vals, [0.3, 0.5, 0.7, 0.9], rtol=0, atol=1e-15), f"sweep 0.3:0.9:0.2 -> {vals}")
run("sweep", plan, "--vary", "attract.landing_rate=0.3:0.9/0", "-n", "10", "-o", f"{tmp}/b.h5", expect=2)
check(not os.path.exists(f"{tmp}/b.h5"), "bad range leaves no file")
finish("t_seek")
