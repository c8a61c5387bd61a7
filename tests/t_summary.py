"""t_summary.py -- phoenix summary's choices (--scenario, --year, --metric), its CSV with the
comparison columns, the units in summary/, the workbook (--format xlsx: opened with zipfile and
the sheets' XML read back), and phoenix compare across two files (equal to the in-file
comparison; unpairable files refused with the reason, exit 2).
"""
import csv
import io
import os
import re
import tempfile
import zipfile
import xml.etree.ElementTree as ET

import h5py
import numpy as np

from phxtest import check, finish, run

tmp = tempfile.mkdtemp(prefix="phoenix-summary-")
plan = os.path.abspath("scenarios/plan-2021-2023.ini")
var = f"{tmp}/variant.ini"
with open(var, "w") as f:
    f.write(f"[scenario]\nbase = {plan}\nname = variant\n[attract]\nlanding_rate = 0.7\n")
both = f"{tmp}/both.h5"
run("run", plan, var, "-n", "40", "-o", both, "--quiet")

# --scenario, --year, --metric
t = run("summary", both, "--scenario", "variant", "--year", "all", "--metric", "firms_rectified",
        "projects_major_landed").stdout
check(t.count("scenario variant") == 3 and "scenario plan-2021-2023" not in t, "--scenario with --year all: 3 years")
check(all(f"values for {y}" in t for y in (2021, 2022, 2023)), "--year all: every year")
check("firms_rectified" in t and "energy_freed_tce" not in t, "--metric keeps only those metrics")
t = run("summary", both, "--year", "2022").stdout
check("values for 2022" in t and "values for 2023" not in t, "--year 2022")
cmp = t[t.index("comparison: b = variant"):]
check("tax_per_mu" in cmp and "energy_freed_tce" in cmp and "firms_relocated" in cmp,
      "the comparison covers every metric")
check(cmp.index("firms_rectified") < cmp.index("firms_relocated"), "targets first in the comparison")
for args, why in ((["--metric", "nosuch"], "no such metric"), (["--year", "2030"], "covers 2021-2023"),
                  (["--scenario", "nosuch"], "no such scenario"), (["--format", "xml"], "expected table")):
    p = run("summary", both, *args, expect=2)
    check(why in p.stderr, f"summary {args}: '{why}' in {p.stderr.strip()}")

# CSV: one schema, the comparison's columns on the compared scenario's rows
rows = list(csv.DictReader(io.StringIO(run("summary", both, "--format", "csv", "--year", "all").stdout)))
with h5py.File(both, "r") as f:
    names = [m.decode() for m in f["scenarios/variant/summary/metric"][()]]
    g = f["comparisons/variant_vs_plan-2021-2023"]
    md, pb = g["mean_diff"][()], g["p_better"][()]
    units = [u.decode() if isinstance(u, bytes) else u for u in f["scenarios/variant/summary/mean"].attrs["units_by_metric"]]
    pu = f["scenarios/variant/summary/p_target"].attrs["units"]
    cu = g["mean_diff"].attrs["units_by_metric"]
check(len(rows) == 2 * len(names) * 3, "csv --year all: a row per scenario, metric and year")
v = [r for r in rows if r["scenario"] == "variant"]
check(all(r["compared_with"] == "plan-2021-2023" for r in v), "csv: compared_with on the variant's rows")
check(all(r["compared_with"] == "" and r["mean_diff"] == "" for r in rows if r["scenario"] != "variant"),
      "csv: empty comparison columns on the first scenario's rows")
for r in v:
    m, y = names.index(r["metric"]), int(r["year"]) - 2021
    check(abs(float(r["mean_diff"]) - md[m, y]) <= 1e-9 * (1 + abs(md[m, y])) and
          abs(float(r["p_better"]) - pb[m, y]) < 1e-9, f"csv comparison = /comparisons ({r['metric']} {r['year']})")
check(units[names.index("firms_rectified")] == "firms" and pu in ("1", b"1") and len(cu) == len(names),
      "units in summary/ and /comparisons")

# the workbook
xl = f"{tmp}/both.xlsx"
run("summary", both, "--format", "xlsx", "-o", xl)
p = run("summary", both, "--format", "xlsx", "-o", xl, expect=2)
check("exists" in p.stderr, "xlsx: an existing workbook needs --force")
run("summary", both, "--format", "xlsx", "-o", xl, "--force")
check(sorted(os.listdir(tmp)) == ["both.h5", "both.xlsx", "variant.ini"], "xlsx: no temporary file left")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
with zipfile.ZipFile(xl) as z:
    wbx = ET.fromstring(z.read("xl/workbook.xml"))
    sheets = [s.get("name") for s in wbx.find("m:sheets", NS)]
    shared = [si.findtext("m:t", default="", namespaces=NS) for si in ET.fromstring(z.read("xl/sharedStrings.xml"))]

    def cells(i):
        out = []
        for row in ET.fromstring(z.read(f"xl/worksheets/sheet{i}.xml")).iter("{%s}row" % NS["m"]):
            r = []
            for c in row:
                v = c.findtext("m:v", namespaces=NS)
                r.append(shared[int(v)] if c.get("t") == "s" else float(v) if v is not None else None)
            out.append(r)
        return out
    check(sheets == ["targets 目标", "metrics 指标", "comparisons 比较"], f"xlsx sheets: {sheets}")
    tg = cells(1)
    check(tg[0][0] == "scenario 情景" and tg[0][9] == "P(target met) 达标概率", f"xlsx: bilingual headers {tg[0]}")
    with h5py.File(both, "r") as f:
        s = f["scenarios/plan-2021-2023/summary"]
        m = names.index("firms_rectified")
        want = s["p_target"][m, 2]
        got = [r for r in tg[1:] if r[0] == "plan-2021-2023" and r[1] == "firms_rectified" and r[3] == 2023]
        check(len(got) == 1 and got[0][2] == "firms" and abs(got[0][9] - want) < 1e-12,
              "xlsx: P(target met) and unit of a target row = the file")
    mt = cells(2)
    check(len(mt) == 1 + 2 * len(names) * 3, "xlsx: every metric by year")
    cm = cells(3)
    check(len(cm) == 1 + len(names) * 3 and cm[1][4] == "plan-2021-2023", "xlsx: comparisons sheet")

# phoenix compare across files: the same numbers as the comparison inside one file
a, b = f"{tmp}/a.h5", f"{tmp}/b.h5"
run("run", plan, "-n", "40", "-o", a, "--quiet")
run("run", var, "-n", "40", "-o", b, "--quiet")
rows = list(csv.DictReader(io.StringIO(run("compare", a, b, "--format", "csv", "--year", "all").stdout)))
check(len(rows) == len(names) * 3, "compare csv: every metric and year")
for r in rows:
    m, y = names.index(r["metric"]), int(r["year"]) - 2021
    check(abs(float(r["mean_diff"]) - md[m, y]) <= 1e-9 * (1 + abs(md[m, y])) and
          abs(float(r["p_better"]) - pb[m, y]) < 1e-9, f"compare files = in-file comparison ({r['metric']} {r['year']})")
t = run("compare", a, b).stdout
check("paired comparison: b = variant" in t and "values for 2023" in t, "compare table")
for extra, why in ((["--seed", "7", "-n", "40"], "seeds differ"), (["-n", "30"], "replication counts differ"),
                   (["--sampler", "lhs", "-n", "40"], "random streams differ")):
    c = f"{tmp}/c.h5"
    run("run", var, *extra, "-o", c, "--quiet", "--force")
    p = run("compare", a, c, expect=2)
    check(why in p.stderr, f"compare refused: '{why}' in {p.stderr.strip()}")
finish("t_summary")
