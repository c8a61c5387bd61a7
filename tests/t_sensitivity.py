#!/usr/bin/python3
"""t_sensitivity.py -- `phoenix sensitivity` end to end (issue 11).

Runs build/phoenix ($PHOENIX), reads its CSV and the /sensitivity/<method> groups with h5py and
xarray. Checks:
- Sobol' on the Ishigami function: the CSV header and rows, the indices near the closed form
  (S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424, 0.2437; chance exactly 0), the CSV equal to the
  HDF5 datasets, the group's attributes and scales (xarray opens it), the same bytes at 1 and 2
  threads;
- Morris and tornado groups: their datasets and dimensions; the tornado's P(target met) swing;
- --factor adds a factor, --group merges two, --metric and --year select;
- every input error exits 2 with one line and writes nothing; an interrupted run leaves nothing;
- the 腾笼换鸟 plan-uncertain scenario runs (tiny N) with its 19 factors and the chance row.
"""
import csv
import io
import math
import os
import signal
import subprocess
import tempfile
import time

import h5py
import numpy as np
import xarray as xr

from phxtest import PHOENIX, check, finish, run

ISH = os.path.abspath("scenarios/ishigami.ini")
PU = os.path.abspath("scenarios/plan-uncertain.ini")
S1 = [0.3139, 0.4424, 0.0]
ST = [0.5576, 0.4424, 0.2437]
HEADER = ["method", "metric", "year", "factor", "index", "value", "lower", "upper"]


def rows_of(text):
    r = list(csv.reader(io.StringIO(text)))
    check(r and r[0] == HEADER, f"csv header {HEADER}")
    num = lambda s: float(s) if s else math.nan
    return {(m, int(y), f, i): (num(v), num(lo), num(hi)) for _, m, y, f, i, v, lo, hi in r[1:]}


def sobol_ishigami(tmp):
    out = os.path.join(tmp, "s.h5")
    p = run("sensitivity", ISH, "-N", "2048", "-o", out, "--format", "csv", "--threads", "1")
    rows = rows_of(p.stdout)
    factors = ["ishigami.x1", "ishigami.x2", "ishigami.x3", "chance"]
    check(len(rows) == 2 * len(factors), f"8 csv rows, got {len(rows)}")
    for i, f in enumerate(factors[:3]):
        s1, st = rows[("y", 2021, f, "S1")], rows[("y", 2021, f, "ST")]
        check(abs(s1[0] - S1[i]) < 0.06 and s1[1] <= s1[0] <= s1[2], f"S1 {f} {s1} vs {S1[i]}")
        check(abs(st[0] - ST[i]) < 0.06 and st[1] <= st[0] <= st[2], f"ST {f} {st} vs {ST[i]}")
    check(rows[("y", 2021, "chance", "ST")][0] == 0, "a deterministic model has no chance")
    ds = xr.open_dataset(out, group="sensitivity/sobol", engine="h5netcdf")
    check(list(ds.factor.values) == factors, f"factor scale {list(ds.factor.values)}")
    check(list(ds.metric.values) == ["y"] and list(ds.year.values) == [2021], "metric, year scales")
    check(ds.S1.dims == ("metric", "year", "factor"), f"S1 dims {ds.S1.dims}")
    for name in ["S1", "S1_lower", "S1_upper", "ST", "ST_lower", "ST_upper"]:
        check(name in ds, f"/sensitivity/sobol/{name}")
    for i, f in enumerate(factors):
        v = rows[("y", 2021, f, "ST")]
        h5 = (ds.ST.values[0, 0, i], ds.ST_lower.values[0, 0, i], ds.ST_upper.values[0, 0, i])
        check(all(abs(a - b) <= 1e-9 * max(1, abs(b)) for a, b in zip(v, h5)), f"csv = hdf5 for {f}")
    check(ds.attrs["N"] == 2048 and ds.attrs["scenario"] == "ishigami" and
          ds.attrs["seed"] == 20211228 and "year" not in ds.attrs, f"attributes {dict(ds.attrs)}")
    p2 = run("sensitivity", ISH, "-N", "2048", "-o", os.path.join(tmp, "s2.h5"), "--format", "csv",
             "--threads", "2", "--block", "33")
    check(p2.stdout == p.stdout, "the same CSV at 1 and 2 threads")
    with h5py.File(out) as f, h5py.File(os.path.join(tmp, "s2.h5")) as g:
        check(np.array_equal(f["sensitivity/sobol/S1_upper"][()], g["sensitivity/sobol/S1_upper"][()]),
              "the same bootstrap intervals at 1 and 2 threads")


def morris_tornado(tmp):
    out = os.path.join(tmp, "m.h5")
    p = run("sensitivity", ISH, "--method", "morris", "-N", "40", "-o", out, "--format", "csv")
    rows = rows_of(p.stdout)
    check(("y", 2021, "ishigami.x1", "mu_star") in rows and ("y", 2021, "ishigami.x3", "sigma") in rows,
          "morris rows mu_star, sigma")
    ds = xr.open_dataset(out, group="sensitivity/morris", engine="h5netcdf")
    check(list(ds.factor.values) == ["ishigami.x1", "ishigami.x2", "ishigami.x3"], "morris factors")
    for name in ["mu_star", "mu_star_lower", "mu_star_upper", "sigma"]:
        check(name in ds and ds[name].dims == ("metric", "year", "factor"), f"morris {name}")
    out = os.path.join(tmp, "t.h5")
    p = run("sensitivity", ISH, "--method", "tornado", "-N", "200", "-o", out, "--format", "csv")
    rows = rows_of(p.stdout)
    ds = xr.open_dataset(out, group="sensitivity/tornado", engine="h5netcdf")
    check(ds.attrs["year"] == 2021 and ds.swing.dims == ("metric", "factor"), "tornado: year, dims")
    for name in ["low", "high", "swing", "p_low", "p_high", "p_swing", "base"]:
        check(name in ds, f"tornado {name}")
    # x3 at its 10% and 90% quantiles with x1, x2 at their medians (0): sin x1 = 0, y = 7 sin^2 0 = 0
    check(abs(ds.swing.values[0, 2]) < 1e-12, f"x3 has no effect at x1 = 0: {ds.swing.values}")
    # x2 at q10 = -0.8 pi and q90 = 0.8 pi: y = 7 sin^2(0.8 pi) in both: no swing either
    check(abs(ds.swing.values[0, 1]) < 1e-9, "x2's quantiles are symmetric")
    lo, hi = math.sin(-0.8 * math.pi), math.sin(0.8 * math.pi)
    check(abs(ds.low.values[0, 0] - lo) < 1e-9 and abs(ds.high.values[0, 0] - hi) < 1e-9,
          f"x1: sin(+-0.8 pi): {ds.low.values[0, 0]}, {ds.high.values[0, 0]}")
    check(rows[("y", 2021, "ishigami.x1", "p_swing")][0] == 0, "P(y >= 3.5) is 0 at both ends")


def options(tmp):
    p = run("sensitivity", ISH, "-N", "64", "-o", os.path.join(tmp, "f.h5"), "--format", "csv",
            "--factor", "ishigami.a=uniform(6, 8)", "--group", "xs=ishigami.x1,ishigami.x3")
    fs = sorted({k[2] for k in rows_of(p.stdout)})
    check(fs == sorted(["ishigami.a", "xs", "ishigami.x2", "chance"]), f"--factor and --group: {fs}")
    out = os.path.join(tmp, "second.h5")
    p = run("sensitivity", ISH, "-N", "1024", "-o", out, "--format", "csv", "--second-order")
    rows = rows_of(p.stdout)
    s13 = rows[("y", 2021, "ishigami.x1:ishigami.x3", "S2")]
    check(abs(s13[0] - 0.2437) < 0.06 and s13[1] <= s13[0] <= s13[2], f"S2 x1:x3 {s13}")
    ds = xr.open_dataset(out, group="sensitivity/sobol", engine="h5netcdf")
    check(ds.S2.shape == (1, 1, 4, 4) and ds.S2.dims[:2] == ("metric", "year"), f"S2 {ds.S2.dims}")
    check(abs(ds.S2.values[0, 0, 0, 2] - s13[0]) < 1e-9, "S2: csv = hdf5")
    p = run("sensitivity", ISH, "-N", "16", "-o", os.path.join(tmp, "y.h5"), "--format", "md",
            "--year", "2021", "--metric", "y")
    check("| factor |" in p.stdout and "chance (随机性)" in p.stdout, "markdown table")
    with h5py.File(os.path.join(tmp, "y.h5")) as f:
        check(f["sensitivity/sobol"].attrs["year"] == 2021, "year attribute with --year")


def errors(tmp):
    out = os.path.join(tmp, "e.h5")
    bad = [
        (["--metric", "nope"], "nope"),
        (["--method", "fast"], "--method"),
        (["--group", "g=ishigami.a"], "not a distribution"),
        (["--year", "2030"], "outside"),
        (["-n", "10"], "-N"),
        (["--factor", "ishigami.x1=uniform(1)"], "ishigami.x1"),
        (["--set", "ishigami.x1=0", "--set", "ishigami.x2=0", "--set", "ishigami.x3=0"], "no key"),
        (["--method", "morris", "--levels", "3"], "even"),
        (["--format", "xml"], "--format"),
    ]
    for args, word in bad:
        p = run("sensitivity", ISH, "-N", "8", "-o", out, *args, expect=2)
        lines = p.stderr.strip().splitlines()
        check(len(lines) == 1 and word in lines[0], f"{args}: one line naming {word}: {p.stderr!r}")
        check(not os.path.exists(out), f"{args}: nothing written")
    open(out, "w").close()
    run("sensitivity", ISH, "-N", "8", "-o", out, expect=2)
    check(os.path.getsize(out) == 0, "an existing file is kept without --force")


def plan(tmp):
    out = os.path.join(tmp, "pu.h5")
    p = run("sensitivity", PU, "-N", "4", "-o", out, "--metric", "energy_freed_tce", "--threads", "2")
    check("chance (随机性)" in p.stdout and "rectify.firms_per_year" in p.stdout, "plan table")
    with h5py.File(out) as f:
        g = f["sensitivity/sobol"]
        check(g["ST"].shape == (1, 3, 20), f"ST [metric x year x factor] {g['ST'].shape}")
        check(g.attrs["runs"] == 4 * 22, "N (k + 3) runs")


def interrupted(tmp):
    d = os.path.join(tmp, "int")
    os.mkdir(d)
    p = subprocess.Popen([PHOENIX, "sensitivity", PU, "-N", "512", "-o", os.path.join(d, "x.h5"),
                          "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(2)
    p.send_signal(signal.SIGINT)
    p.wait()
    check(p.returncode != 0 and os.listdir(d) == [], f"interrupted: nothing left ({os.listdir(d)})")


with tempfile.TemporaryDirectory() as tmp:
    sobol_ishigami(tmp)
    morris_tornado(tmp)
    options(tmp)
    errors(tmp)
    plan(tmp)
    interrupted(tmp)
finish("t_sensitivity")
