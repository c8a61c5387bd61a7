#!/usr/bin/python3
"""t_interop.py -- results files read by other tools: h5py, xarray (h5netcdf engine), h5dump,
and netCDF-C when netCDF4-python is installed.

Two files are checked against docs/output.md (schema version 1):
  1. $BUILD/tests/h5_fixture.h5, left by build/tests/test_h5 (a fake model with known values,
     Chinese units and group names, targets, by-district metrics): every value and attribute;
  2. a small Ishigami run of the phoenix binary ($PHOENIX, default build/phoenix): internal
     consistency (summary = statistics of the stored columns), --force, `phoenix summary`.
Exits non-zero on the first failure, naming it.
"""
import csv
import io
import math
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

from phxtest import Z95, check, failures, wilson

BUILD = os.environ.get("BUILD") or "build"
PHOENIX = os.environ.get("PHOENIX") or os.path.join(BUILD, "phoenix")
FIXTURE = os.path.join(BUILD, "tests", "h5_fixture.h5")

def close(a, b, rtol=1e-12):
    return np.allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=rtol,
                       atol=0, equal_nan=True)


def column_stats(x, target, more):
    """What summary/ must hold for one column (GSL: sd with n-1, quantiles interpolated)."""
    out = {"mean": np.mean(x), "sd": np.std(x, ddof=1), "quantiles": None}
    out["stderr"] = out["sd"] / math.sqrt(len(x))
    if target is None:
        out["p"] = out["lo"] = out["hi"] = math.nan
    else:
        k = int(np.sum(x >= target if more else x <= target))
        out["p"] = k / len(x)
        out["lo"], out["hi"] = wilson(k, len(x))
    return out


def check_summary(f, sc, levels_expected=(0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)):
    """summary/ of scenario group `sc` equals statistics of the stored metric columns."""
    s = sc["summary"]
    names = [n.decode() if isinstance(n, bytes) else n for n in s["metric"][...]]
    levels = s["quantile"][...]
    check(close(levels, levels_expected), "summary/quantile levels")
    check(list(s["year"][...]) == list(sc["year"][...]), "summary/year equals the scenario's years")
    for i, name in enumerate(names):
        d = sc["metrics"][name]
        target = d.attrs.get("target")
        more = d.attrs["direction"] == "more"
        check(close(s["target"][i], math.nan if target is None else target),
              f"summary/target of {name}")
        data = d[...]
        for y in range(data.shape[1]):
            want = column_stats(data[:, y], target, more)
            for key, ds in (("mean", "mean"), ("sd", "sd"), ("stderr", "stderr"), ("p", "p_target"),
                            ("lo", "p_target_lower"), ("hi", "p_target_upper")):
                check(close(s[ds][i, y], want[key], rtol=1e-9), f"summary/{ds}[{name}, {y}]")
            q = np.quantile(data[:, y], levels)          # numpy 'linear' = GSL's definition
            check(close(s["quantiles"][i, y, :], q, rtol=1e-9), f"summary/quantiles[{name}, {y}]")


def check_root(f, command_line_part, seed):
    a = f.attrs
    check(a["filetype"] == "phoenix-results", "root filetype")
    check(list(a["schema_version"]) == [1, 0] and a["schema_version"].dtype.kind == "i",
          "root schema_version = [1, 0] (integers)")
    check(re.fullmatch(r"\d+\.\d+\.\d+.*", a["phoenix_version"]) is not None, "root phoenix_version")
    check(isinstance(a["git_sha1"], str) and len(a["git_sha1"]) > 0, "root git_sha1")
    check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["created_utc"]) is not None,
          "root created_utc is ISO 8601 UTC")
    check(command_line_part in a["command_line"], "root command_line")
    check(a["seed"] == seed and a["seed"].dtype == np.uint64, "root seed (uint64)")
    check(a["rng"] == "philox4x32-10", "root rng")


def scale_names(ds):
    return [ds.dims[k][0].name.split("/")[-1] if len(ds.dims[k]) else None for k in range(ds.ndim)]


# ---- 1. the fixture: known values --------------------------------------------------------

def fake_value(r, m, y):
    # the same expression, in the same order, as fake_value() in tests/test_h5.c
    return 700.0 + 120.0 * math.sin(1.3 * r + 0.7 * m + 0.11 * y) + (m * 10 + y)


def check_fixture(path):
    n, ny, ng = 2500, 3, 3
    metrics = ["firms_rectified", "energy_tce", "land_mu"]
    units = ["家", "tce", "mu"]
    groups = ["上城区", "拱墅区", "西湖区"]
    want = np.array([[[fake_value(r, m, y) for y in range(ny)] for m in range(3)] for r in range(n)])
    with h5py.File(path, "r") as f:
        check_root(f, "test_h5 write_fake", 42)
        check(list(f["scenarios"].keys()) == ["fake-test"], "one scenario, fake-test")
        sc = f["scenarios/fake-test"]
        a = sc.attrs
        check(a["name"] == "fake-test" and a["model"] == "fake", "scenario name, model")
        check(a["description"] == "测试 scenario: known values", "scenario description (UTF-8)")
        check(a["scenario_text"].startswith("[scenario]\nname = fake\n") and
              len(a["scenario_text"]) > 190 * 1024, "scenario_text (200 KiB: over the 64 KiB header limit)")
        check(a["scenario_sha256"] == "0" * 64, "scenario_sha256")
        check(a["n_replications"] == n, "n_replications")
        check(a["year_first"] == 2021 and a["year_last"] == 2023, "year_first, year_last")
        check(a["sampler"] == "mc" and a["seed"] == 42, "sampler, seed")

        check(list(sc["year"][...]) == [2021, 2022, 2023] and sc["year"].dtype == np.int32, "year")
        check(np.array_equal(sc["replication"][...], np.arange(n)) and
              sc["replication"].dtype == np.int64 and sc["replication"].maxshape == (None,),
              "replication: int64, 0..n-1, unlimited")
        check([s.decode() for s in sc["parameter"][...]] ==
              ["rectify.p_complete", "rectify.firms_per_year[2021]"], "parameter names")
        check([s.decode() for s in sc["district"][...]] == groups, "district names (UTF-8)")

        p = sc["parameters"]
        check(p.shape == (n, 2) and close(p[...], np.arange(n)[:, None] + 0.5 * np.arange(2)[None, :]),
              "parameters values")
        check(list(p.attrs["names"]) == ["rectify.p_complete", "rectify.firms_per_year[2021]"],
              "parameters attr names")
        check(scale_names(p) == ["replication", "parameter"], "parameters dimension scales")

        for m, name in enumerate(metrics):
            d = sc["metrics"][name]
            check(d.shape == (n, ny) and d.dtype == np.float64, f"metrics/{name} shape")
            check(close(d[...], want[:, m, :], rtol=1e-13), f"metrics/{name} values")
            check(scale_names(d) == ["replication", "year"], f"metrics/{name} scales")
            check(d.attrs["units"] == units[m], f"metrics/{name} units")
            check(d.chunks == (1024, ny) and d.compression == "gzip" and d.maxshape == (None, ny),
                  f"metrics/{name} chunked, deflated, extendible")
        fr, en, la = (sc["metrics"][k].attrs for k in metrics)
        check(fr["long_name"] == "firms rectified" and fr["long_name_zh"] == "整治企业数",
              "long_name, long_name_zh")
        check(fr["direction"] == "more" and en["direction"] == "less", "direction")
        check(fr["kind"] == "cumulative" and en["kind"] == "state", "kind")
        check(fr["target"] == 700 and en["target"] == 710 and "target" not in la, "target attrs")

        for gm, name in enumerate(["firms_rectified", "land_mu"]):
            d = sc["districts"][name]
            m = 0 if gm == 0 else 2
            g_want = want[:, m, :, None] / 3.0 + np.arange(ng)[None, None, :]
            check(d.shape == (n, ny, ng) and close(d[...], g_want, rtol=1e-13),
                  f"districts/{name} values")
            check(scale_names(d) == ["replication", "year", "district"], f"districts/{name} scales")
        check("energy_tce" not in sc["districts"], "only metrics flagged by group in districts/")
        check_summary(f, sc)

    # xarray + h5netcdf: each group opens with its coordinates.
    g = "scenarios/fake-test"
    with xr.open_dataset(path, group=g, engine="h5netcdf") as ds:
        check(list(ds["year"].values) == [2021, 2022, 2023], "xarray: scenario year")
        check(list(ds["district"].values) == groups, "xarray: scenario district")
        check(ds["parameters"].dims == ("replication", "parameter"), "xarray: parameters dims")
        check(ds.attrs["n_replications"] == n and ds.attrs["model"] == "fake", "xarray: attrs")
    with xr.open_dataset(path, group=g + "/metrics", engine="h5netcdf") as ds:
        y = ds["energy_tce"]
        check(y.dims == ("replication", "year"), "xarray: metrics dims")
        check(np.array_equal(ds["replication"].values, np.arange(n)), "xarray: metrics replication")
        check(close(y.sel(year=2022).values, want[:, 1, 1], rtol=1e-13), "xarray: metrics values")
        check(y.attrs["units"] == "tce" and y.attrs["target"] == 710 and
              y.attrs["long_name_zh"] == "能耗", "xarray: metric attrs")
    with xr.open_dataset(path, group=g + "/districts", engine="h5netcdf") as ds:
        d = ds["land_mu"]
        check(d.dims == ("replication", "year", "district"), "xarray: districts dims")
        v = d.sel(district="西湖区", year=2023).values
        check(close(v, want[:, 2, 2] / 3.0 + 2), "xarray: districts values by name")
    with xr.open_dataset(path, group=g + "/summary", engine="h5netcdf") as ds:
        check(ds["quantiles"].dims == ("metric", "year", "quantile"), "xarray: summary dims")
        med = ds["quantiles"].sel(metric="land_mu", year=2023, quantile=0.5).item()
        check(close(med, np.median(want[:, 2, 2]), rtol=1e-9), "xarray: summary median")
        check(math.isnan(ds["p_target"].sel(metric="land_mu", year=2021).item()),
              "xarray: p_target NaN without a target")
        check(ds["target"].sel(metric="energy_tce").item() == 710, "xarray: summary target")


# ---- 2. a phoenix run ------------------------------------------------------------------------

SCENARIO = """; Interoperability check, not a policy question.
[scenario]
name         = interop
description  = Ishigami, two years
model        = ishigami
years        = 2021-2022
replications = 300
seed         = 7

[targets]
y = 3.5
"""


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def check_phoenix(tmp):
    ini = os.path.join(tmp, "interop.ini")
    out = os.path.join(tmp, "interop.h5")
    with open(ini, "w") as fh:
        fh.write(SCENARIO)
    r = run([PHOENIX, "run", ini, "-o", out, "-n", "500", "--seed", "11", "--block", "64", "--quiet"])
    check(r.returncode == 0, f"phoenix run: exit {r.returncode}: {r.stderr.strip()}")
    if r.returncode != 0:
        return
    with h5py.File(out, "r") as f:
        check_root(f, "run", 11)
        sc = f["scenarios/interop"]
        check(sc.attrs["n_replications"] == 500 and sc.attrs["model"] == "ishigami",
              "phoenix run: scenario attrs")
        check(np.array_equal(sc["replication"][...], np.arange(500)), "phoenix run: replications")
        check(sc["metrics/y"].shape == (500, 2) and sc["metrics/y"].attrs["target"] == 3.5,
              "phoenix run: metrics/y")
        check(sc["parameters"].shape[0] == 500, "phoenix run: parameters")
        check_summary(f, sc)
        y = sc["metrics/y"][...]
        med = f["scenarios/interop/summary/quantiles"][0, 1, 3]
    with xr.open_dataset(out, group="scenarios/interop/metrics", engine="h5netcdf") as ds:
        check(close(ds["y"].values, y), "phoenix run: xarray reads metrics/y")

    before = open(out, "rb").read()
    r = run([PHOENIX, "run", ini, "-o", out, "-n", "10", "--quiet"])
    check(r.returncode == 2 and "--force" in r.stderr, "phoenix run without --force: exit 2")
    check(open(out, "rb").read() == before, "phoenix run without --force keeps the file")
    check(sorted(os.listdir(tmp)) == ["interop.h5", "interop.ini"], "no temporary files left")

    r = run([PHOENIX, "summary", out, "--format", "csv"])
    check(r.returncode == 0, f"phoenix summary --format csv: exit {r.returncode}")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    check(len(rows) == 1 and rows[0]["metric"] == "y" and rows[0]["year"] == "2022",
          "phoenix summary csv: one row, last year")
    if rows:
        check(close(float(rows[0]["median"]), med, rtol=1e-9), "phoenix summary csv: median")
        check(rows[0]["direction"] == "more" and float(rows[0]["target"]) == 3.5,
              "phoenix summary csv: target")
    r = run([PHOENIX, "summary", out])
    check(r.returncode == 0 and "P(target met)" in r.stdout and "≥ 3.5" in r.stdout,
          "phoenix summary table")
    r = run([PHOENIX, "summary", os.path.join(tmp, "missing.h5")])
    check(r.returncode == 2, "phoenix summary of a missing file: exit 2")

    r = run([PHOENIX, "run", ini, "-o", out, "-n", "20", "--quiet", "--force"])
    check(r.returncode == 0, "phoenix run --force replaces the file")
    with h5py.File(out, "r") as f:
        check(f["scenarios/interop"].attrs["n_replications"] == 20, "--force wrote the new run")

    # A write that fails (file size limit, as on a full disk): exit 1, one line naming the
    # file, no crash, nothing left behind.
    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))
    full = os.path.join(tmp, "full.h5")
    r = run([PHOENIX, "run", ini, "-o", full, "-n", "20000", "--quiet"], preexec_fn=small_files)
    check(r.returncode == 1, f"phoenix run on a full disk: exit 1, got {r.returncode}")
    check(r.stderr.count("\n") == 1 and "full.h5" in r.stderr, "full disk: one line naming the file")
    check(sorted(os.listdir(tmp)) == ["interop.h5", "interop.ini"], "full disk: nothing left behind")


def check_netcdf_c(path):
    """netCDF-C (through netCDF4-python, when installed) sees the same dimensions."""
    try:
        import netCDF4
    except ImportError:
        print("netCDF4-python not installed: netCDF-C check skipped")
        return
    with netCDF4.Dataset(path) as nc:
        g = nc["scenarios/fake-test/districts"]
        check(dict((k, len(v)) for k, v in g.dimensions.items()) ==
              {"year": 3, "replication": 2500, "district": 3}, "netCDF-C: districts dimensions")
        v = g.variables["land_mu"]
        check(v.dimensions == ("replication", "year", "district") and v.units == "mu",
              "netCDF-C: land_mu dimensions and units")
        check(g.dimensions["replication"].isunlimited(), "netCDF-C: replication is unlimited")
        check(list(g.variables["district"][:]) == ["上城区", "拱墅区", "西湖区"],
              "netCDF-C: district names")


def check_h5dump(path):
    r = run(["h5dump", "-H", path])
    check(r.returncode == 0, f"h5dump -H {path}: exit {r.returncode}")
    check('GROUP "summary"' in r.stdout and 'DATASET "parameters"' in r.stdout,
          "h5dump -H lists the layout")


def main():
    if not os.path.exists(FIXTURE):
        test_h5 = os.path.join(BUILD, "tests", "test_h5")
        if os.path.exists(test_h5):
            run([test_h5], env=dict(os.environ, BUILD=BUILD))
    check(os.path.exists(FIXTURE), f"{FIXTURE} exists (written by {BUILD}/tests/test_h5)")
    if os.path.exists(FIXTURE):
        check_fixture(FIXTURE)
        check_h5dump(FIXTURE)
        check_netcdf_c(FIXTURE)
    check(os.path.exists(PHOENIX), f"{PHOENIX} exists")
    if os.path.exists(PHOENIX):
        with tempfile.TemporaryDirectory(prefix="phoenix-interop-") as tmp:
            check_phoenix(tmp)
    if failures:
        print(f"t_interop.py: {len(failures)} failed")
        return 1
    print("t_interop.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
