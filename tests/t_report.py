"""t_report.py -- phoenix report and phoenix plot (issue 12).

A file holding a sweep (so also comparisons), a fund sizing and a sensitivity analysis (the
/sensitivity groups written here with h5py, as issue 11 lays them out) gives a page with every
section; a plain run's page says why each analysis is absent. The numbers carried in each chart's
SVG (data- attributes) equal the file's values. Headless Chromium renders the page: not blank,
and the Chinese glyphs are real glyphs (not boxes). phoenix plot writes valid SVG, PNG and PDF.
"""
import html
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
from phxtest import check, run, finish  # noqa: E402

SC = "scenarios/plan-2021-2023.ini"
# Under make check (AddressSanitizer): the font libraries' caches, never freed, are not ours.
os.environ["LSAN_OPTIONS"] = ":".join(filter(None, [os.environ.get("LSAN_OPTIONS"),
                                      "suppressions=" + os.path.abspath("tests/lsan-fonts.supp")]))
VOID = {"meta", "br", "img", "hr", "input", "link", "col", "area", "base", "wbr", "source"}


class Page(html.parser.HTMLParser):
    """Checks that tags balance and collects figures, their data series and absent notes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.figures, self.absent, self.ids = [], [], [], {}, set()
        self.text, self._absent = [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "figure":
            self.figures.append({"chart": a.get("data-chart"), "key": a.get("data-key"), "series": {},
                                 "labels": {}})
        if tag == "g" and a.get("class") == "phx-data" and self.figures:
            fig = self.figures[-1]
            if "data-labels" in a:
                fig["labels"][a["data-series"]] = a["data-labels"].split("|")
            else:
                y = [float(v) for v in a["data-y"].split()] if a["data-y"] else []
                x = [float(v) for v in a["data-x"].split()] if a.get("data-x") else []
                fig["series"][a["data-series"]] = (x, y)
        if tag == "p" and a.get("class") == "absent":
            self._absent = a.get("data-absent")
            self.absent[self._absent] = ""
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "p":
            self._absent = None

    def handle_data(self, data):
        self.text.append(data)
        if self._absent is not None:
            self.absent[self._absent] += data


def parse(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    check(not p.errors and not p.stack, f"{path}: tags balance ({p.errors[:3]}, open {p.stack[:3]})")
    return p


def series(page, chart, name):
    for fig in page.figures:
        if fig["chart"] == chart and name in fig["series"]:
            return fig["series"][name]
    check(False, f"chart {chart} carries series {name}")
    return [], []


def same(a, b, what, rel=0.0):
    a, b = np.asarray(a, float), np.asarray(b, float)
    ok = a.shape == b.shape and (np.array_equal(a, b, equal_nan=True) if rel == 0 else
                                 np.allclose(a, b, rtol=rel, atol=1e-12, equal_nan=True))
    check(ok, f"{what}: chart {a.tolist()[:6]} vs file {b.tolist()[:6]}")


# ---- the file with every analysis ----------------------------------------------------------

def add_sensitivity(path, metrics):
    """/sensitivity/{sobol,morris,tornado} with known values, as issue 11 writes them."""
    rng = np.random.default_rng(12)
    factors = ["rectify.p_complete", "attract.landing_rate", "upgrade.energy_cut", "chance"]
    nm, ny, nf = len(metrics), 3, len(factors)
    with h5py.File(path, "a") as f:
        top = f.create_group("sensitivity")
        for method in ("sobol", "morris", "tornado"):
            g = top.create_group(method)
            g.attrs.update({"scenario": "plan-2021-2023@000", "N": 64, "seed": 7})
            str_t = h5py.string_dtype()
            g.create_dataset("metric", data=np.array(metrics, dtype=object), dtype=str_t).make_scale("metric")
            g.create_dataset("factor", data=np.array(factors, dtype=object), dtype=str_t).make_scale("factor")
            if method != "tornado":
                g.create_dataset("year", data=np.array([2021, 2022, 2023], dtype=np.int32)).make_scale("year")
            if method == "sobol":
                g.attrs["year"] = 2023
                s1 = rng.uniform(0, 0.5, (nm, ny, nf))
                st = s1 + rng.uniform(0, 0.2, (nm, ny, nf))
                arrays = {"S1": s1, "S1_lower": s1 - 0.05, "S1_upper": s1 + 0.05,
                          "ST": st, "ST_lower": st - 0.04, "ST_upper": st + 0.04}
            elif method == "morris":
                mu = rng.uniform(0, 2, (nm, ny, nf))
                arrays = {"mu_star": mu, "mu_star_lower": mu * 0.8, "mu_star_upper": mu * 1.2,
                          "sigma": rng.uniform(0, 1, (nm, ny, nf))}
            else:
                low = rng.uniform(0, 10, (nm, nf))
                high = low + rng.uniform(0, 5, (nm, nf))
                arrays = {"low": low, "high": high, "swing": high - low, "p_low": low * 0,
                          "p_high": low * 0 + 1, "p_swing": low * 0 + 1}
                g.create_dataset("base", data=(low + high).mean(axis=1) / 2)
            for name, v in arrays.items():
                d = g.create_dataset(name, data=v)
                d.dims[0].attach_scale(g["metric"])
                if method == "tornado":
                    d.dims[1].attach_scale(g["factor"])
                else:
                    d.dims[1].attach_scale(g["year"])
                    d.dims[2].attach_scale(g["factor"])
    return factors


def build_full(tmp):
    sw, fund, full = (os.path.join(tmp, n) for n in ("sw.h5", "fund.h5", "full.h5"))
    run("sweep", SC, "--vary", "rectify.p_complete=0.6,0.8", "-n", "60", "-o", sw, "--quiet")
    run("fund", SC, "--confidence", "0.9", "-n", "60", "-o", fund, "--quiet")
    shutil.copy(sw, full)
    with h5py.File(fund) as src, h5py.File(full, "a") as dst:
        src.copy(src["fund"], dst, "fund")
        src.copy(src["scenarios/plan-2021-2023"], dst["scenarios"], "plan-2021-2023")
        metrics = [m.decode() for m in dst["sweep/metric"][()]]
    targets = [m for m in metrics if "target" in h5py.File(sw)["scenarios/plan-2021-2023@000/metrics"][m].attrs]
    add_sensitivity(full, targets[:3] + ["firms_exited"])
    return full


def check_full(tmp, full):
    out = os.path.join(tmp, "full.html")
    run("report", full, "-o", out)
    page = parse(out)
    for sec in ("provenance", "scenario-1", "comparisons", "sweep", "fund", "sensitivity"):
        check(sec in page.ids, f"full report has section {sec}")
    for sec in ("comparisons", "sweep", "fund", "sensitivity", "sobol", "tornado", "morris"):
        check(sec not in page.absent, f"full report: {sec} is not marked absent")
    charts = {f["chart"] for f in page.figures}
    for c in ("ptarget", "fan", "districts", "pbetter", "compare", "sweep-mean", "sweep-p", "fund-fan",
              "fund-fan-answer", "fund-shortfall", "fund-breakeven", "sobol", "morris", "tornado"):
        check(c in charts, f"full report has chart {c}")
    text = "".join(page.text)
    with h5py.File(full) as f:
        for k in ("git_sha1", "command_line", "created_utc", "phoenix_version"):
            check(f.attrs[k] in text, f"provenance shows {k}")
        check(str(f.attrs["seed"]) in text, "provenance shows the seed")
        check(f["scenarios/plan-2021-2023@000"].attrs["scenario_sha256"] in text, "provenance: scenario hash")
        check_numbers(page, f)


def check_numbers(page, f):
    name = "plan-2021-2023@000"
    sc = f["scenarios/" + name]
    sm = sc["summary"]
    metrics = [m.decode() for m in sm["metric"][()]]
    lev = list(sm["quantile"][()])
    tgt = sm["target"][()]
    for m, metric in enumerate(metrics):
        if np.isnan(tgt[m]):
            continue
        for j, q in ((0.05, "q05"), (0.25, "q25"), (0.5, "q50"), (0.75, "q75"), (0.95, "q95")):
            fig = [g for g in page.figures if g["chart"] == "fan" and g["key"] == f"{name}/{metric}"]
            check(len(fig) == 1, f"one fan chart of {name}/{metric}")
            if fig:
                x, y = fig[0]["series"][f"fan/{metric}/{q}"]
                same(y, sm["quantiles"][m, :, lev.index(j)], f"fan {metric} {q}")
                same(x, sc["year"][()], f"fan {metric} years")
        x, y = series(page, "ptarget", f"p_target/{metric}")
        same(y, [sm["p_target"][m, -1], sm["p_target_lower"][m, -1], sm["p_target_upper"][m, -1]],
             f"P(target) {metric}")
    dist = sc["districts"]
    for metric in ("firms_rectified", "energy_freed_tce"):
        v = dist[metric][:, -1, :]
        for q, lv in (("q05", 0.05), ("q50", 0.5), ("q95", 0.95)):
            x, y = series(page, "districts", f"districts/{metric}/{q}")
            same(y, np.quantile(v, lv, axis=0), f"districts {metric} {q}", rel=1e-12)
    cname = "plan-2021-2023@001_vs_plan-2021-2023@000"
    cg = f["comparisons/" + cname]
    for metric in ("energy_freed_tce", "projects_major_landed"):
        m = metrics.index(metric)
        for q in ("q05", "q50", "q95"):
            x, y = series(page, "compare", f"compare/{metric}/{q}")
            same(y, cg["diff_" + q][m, :], f"comparison {metric} {q}")
        x, y = series(page, "pbetter", f"p_better/{metric}")
        same(y, [cg["p_better"][m, -1]], f"P(better) {metric}")
    sw = f["sweep"]
    smet = [m.decode() for m in sw["metric"][()]]
    vals = ["%.15g" % v for v in sw["value"][:, 0]]
    for metric in ("energy_freed_tce", "firms_rectified"):
        k = smet.index(metric)
        x, y = series(page, "sweep-mean", f"sweep/rectify.p_complete/{metric}/mean")
        same(x, [0.6, 0.8], "sweep lever values")
        same(y, [sw["mean"][vals.index(v), k] for v in ("0.6", "0.8")], f"sweep mean {metric}")
        x, y = series(page, "sweep-p", f"sweep/rectify.p_complete/{metric}/p_target")
        same(y, [sw["p_target"][vals.index(v), k] for v in ("0.6", "0.8")], f"sweep P(target) {metric}")
    fd = f["fund"]
    flev = list(fd["quantile"][()])
    for key, ds in (("at_scenario", "balance_quantiles"), ("at_answer", "balance_quantiles_at_answer")):
        for q, lv in (("q05", 0.05), ("q50", 0.5), ("q95", 0.95)):
            x, y = series(page, "fund-fan" if key == "at_scenario" else "fund-fan-answer", f"fund/{key}/{q}")
            same(y, fd[ds][:, flev.index(lv)], f"fund {key} {q}")
    x, y = series(page, "fund-shortfall", "fund/p_first_shortfall")
    same(y, fd["p_first_shortfall"][()], "P(first shortfall)")
    same(series(page, "fund-shortfall", "fund/p_no_shortfall")[1], [fd.attrs["p_no_shortfall"]], "P(never)")
    be = fd["breakeven"][()]
    x, y = series(page, "fund-breakeven", "fund/breakeven/bins")
    check(sum(y) == np.isfinite(be).sum(), f"break-even histogram counts {sum(y)} = finite values")
    edges = list(x) + [be[np.isfinite(be)].max() * (1 + 1e-9) + 1e-300]
    counts, _ = np.histogram(be[np.isfinite(be)], bins=np.array(edges))
    same(y, counts, "break-even histogram bins")
    same(series(page, "fund-breakeven", "fund/answer")[1], [fd.attrs["answer"]], "fund answer")
    sg = f["sensitivity/sobol"]
    smetrics = [m.decode() for m in sg["metric"][()]]
    factors = [v.decode() for v in sg["factor"][()]]
    for mi, metric in enumerate(smetrics[:3]):       # the metrics with a target are shown
        for fi, fac in enumerate(factors):
            x, y = series(page, "sobol", f"sobol/{metric}/{fac}")
            same(y, [sg[n][mi, 2, fi] for n in ("S1", "S1_lower", "S1_upper", "ST", "ST_lower", "ST_upper")],
                 f"Sobol {metric} {fac}")
            x, y = series(page, "tornado", f"tornado/{metric}/{fac}")
            tg = f["sensitivity/tornado"]
            same(y, [tg["low"][mi, fi], tg["high"][mi, fi], tg["swing"][mi, fi]], f"tornado {metric} {fac}")
    check(any(f["chart"] == "sobol" and "sobol/" + smetrics[0] + "/chance" in f["series"] for f in page.figures),
          "Sobol chart has the chance row")


# ---- a plain run: absent sections say why; the question; languages ----------------------------

def check_plain(tmp):
    h5 = os.path.join(tmp, "plain.h5")
    run("run", SC, "-n", "40", "-o", h5, "--quiet")
    with h5py.File(h5, "a") as f:
        sc = f["scenarios/plan-2021-2023"]
        # the file's question attribute comes first (t_everyday.sh); without it (older files)
        # the report reads the opening comments of scenario_text
        check(str(sc.attrs["question"]).find("Policy question: does Hangzhou") >= 0, "question stored")
        del sc.attrs["question"]
        sc.attrs["scenario_text"] = "; Does the plan reach its 2023 targets?\n; second line\n" + \
            sc.attrs["scenario_text"]
    out = os.path.join(tmp, "plain.html")
    run("report", h5, "-o", out)
    page = parse(out)
    for sec in ("comparisons", "sweep", "fund", "sensitivity"):
        check(sec in page.ids, f"plain report has section {sec}")
        check(len(page.absent.get(sec, "").strip()) > 20, f"plain report says why {sec} is absent")
    text = "".join(page.text)
    check("Does the plan reach its 2023 targets? second line" in text, "the policy question is shown")
    check("resolved by phoenix" not in text.split("policy question")[1][:200], "not the resolver's line")
    run("report", h5, "-o", out, expect=2)            # exists, no --force
    zh, en = os.path.join(tmp, "zh.html"), os.path.join(tmp, "en.html")
    run("report", h5, "-o", zh, "--lang", "zh")
    run("report", h5, "-o", en, "--lang", "en")
    tz, te = "".join(parse(zh).text), "".join(parse(en).text)
    check("淘汰落后及整治提升企业" in tz and "firms rectified (completed actions)" not in tz, "--lang zh: Chinese labels")
    check("firms rectified (completed actions)" in te and "淘汰落后及整治提升企业" not in te, "--lang en: English labels")
    check("淘汰落后及整治提升企业 / firms rectified" in text, "default: both, Chinese first")
    run("report", h5, "-o", os.path.join(tmp, "x.html"), "--lang", "fr", expect=2)
    run("report", os.path.join(tmp, "missing.h5"), "-o", os.path.join(tmp, "x.html"), expect=2)
    run("report", SC, "-o", os.path.join(tmp, "x.html"), expect=2)          # not a results file
    run("report", h5, h5, "-o", os.path.join(tmp, "x.html"), expect=2)
    check(not os.path.exists(os.path.join(tmp, "x.html")), "a failed report writes nothing")
    usage = run("--help").stdout
    check("phoenix report FILE.h5" in usage and "phoenix plot FILE.h5 CHART" in usage, "--help lists report, plot")
    charts = run("plot", "--help").stdout
    check(all(c in charts for c in ("fan", "districts", "sobol", "tornado", "fund-breakeven")), "plot --help lists charts")
    return h5, out


# ---- phoenix plot ------------------------------------------------------------------------------

def check_plot(tmp, full, plain):
    for chart in ("fan", "ptarget", "districts", "compare", "pbetter", "sweep-mean", "sweep-p", "fund-fan",
                  "fund-shortfall", "fund-breakeven", "sobol", "morris", "tornado"):
        svg = os.path.join(tmp, chart + ".svg")
        run("plot", full, chart, "-o", svg)
        r = subprocess.run(["xmllint", "--noout", svg], capture_output=True, text=True)
        check(r.returncode == 0, f"plot {chart}: valid SVG ({r.stderr.strip()[:200]})")
    png, pdf = os.path.join(tmp, "fan.png"), os.path.join(tmp, "fan.pdf")
    run("plot", full, "fan", "--metric", "energy_freed_tce", "-o", png)
    run("plot", full, "tornado", "-o", pdf)
    with open(png, "rb") as f:
        check(f.read(8) == b"\x89PNG\r\n\x1a\n", "plot writes a PNG")
    with open(pdf, "rb") as f:
        b = f.read()
        check(b.startswith(b"%PDF-") and b.rstrip().endswith(b"%%EOF"), "plot writes a whole PDF")
        check(re.search(rb"/BaseFont /[A-Z]{6}\+NotoSansCJK", b) is not None,
              "the PDF embeds Noto Sans CJK (Chinese labels have glyphs)")
    run("plot", plain, "fund-fan", "-o", os.path.join(tmp, "n.svg"), expect=2)
    run("plot", plain, "nosuch", "-o", os.path.join(tmp, "n.svg"), expect=2)
    run("plot", plain, "fan", "--metric", "nosuch", "-o", os.path.join(tmp, "n.svg"), expect=2)
    run("plot", plain, "fan", "-o", os.path.join(tmp, "n.gif"), expect=2)
    run("plot", plain, "fan", "-o", png, expect=2)            # exists, no --force
    check(not os.path.exists(os.path.join(tmp, "n.svg")), "a failed plot writes nothing")
    check(not [n for n in os.listdir(tmp) if ".tmp." in n], "no temporary files left")


# ---- a real browser ----------------------------------------------------------------------------

# The pixels are compared in the browser itself (a canvas), so the test needs no image library.
DIFF_PAGE = """<!DOCTYPE html><html><body><pre id="out">pending</pre><script>
function load(s){return new Promise((ok,bad)=>{const i=new Image();i.onload=()=>ok(i);i.onerror=()=>bad(s);i.src=s;});}
function px(i){const c=document.createElement('canvas');c.width=i.width;c.height=i.height;
  const x=c.getContext('2d');x.drawImage(i,0,0);return x.getImageData(0,0,i.width,i.height).data;}
function ink(a){let n=0;for(let k=0;k<a.length;k+=4)if(Math.min(a[k],a[k+1],a[k+2])<200)n++;return n/(a.length/4);}
function diff(a,b){if(a.length!=b.length)return 1;let n=0;for(let k=0;k<a.length;k+=4)
  if(Math.max(Math.abs(a[k]-b[k]),Math.abs(a[k+1]-b[k+1]),Math.abs(a[k+2]-b[k+2]))>40)n++;return n/(a.length/4);}
Promise.all(["page.png","page-none.png","page-same.png"].map(load)).then(im=>{const p=im.map(px);
  document.getElementById('out').textContent='result '+ink(p[0])+' '+diff(p[0],p[1])+' '+diff(p[0],p[2]);
}).catch(e=>{document.getElementById('out').textContent='error '+e;});
</script></body></html>"""


CJK = re.compile("[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")
CJK_ENT = re.compile(r"&#x(3[0-9a-f]{3}|[4-9][0-9a-f]{3}|ff[0-9a-f]{2});", re.I)


def chrome_args(chrome, tmp):
    """Headless Chromium with its own profile (CI homes may be read-only; runs may overlap);
    as root it needs --no-sandbox."""
    return [chrome, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--user-data-dir=" + os.path.join(tmp, "chrome-profile")]


def shot(chrome, page, png):
    r = subprocess.run(chrome_args(chrome, os.path.dirname(png)) + ["--hide-scrollbars",
                        "--window-size=1000,1400", f"--screenshot={png}", "file://" + page],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and os.path.exists(png), f"chromium screenshot of {page}: {r.stderr[-300:]}")


def check_browser(tmp, page):
    chrome = shutil.which("chromium") or shutil.which("chromium-browser")
    if chrome is None:
        check(False, "chromium is installed (make deps)")
        return
    with open(page, encoding="utf-8") as f:
        src = f.read()
    # no Chinese at all; every Chinese character the same one (口): boxes in place of glyphs
    # would all look alike, so only real glyphs make the second render differ from the page
    variants = {"none": CJK.sub("", CJK_ENT.sub("", src)),
                "same": CJK.sub("口", CJK_ENT.sub("&#x53e3;", src))}
    for name, text in variants.items():
        with open(os.path.join(tmp, f"page-{name}.html"), "w", encoding="utf-8") as f:
            f.write(text)
    shutil.copy(page, os.path.join(tmp, "page.html"))
    for name in ("page", "page-none", "page-same"):
        shot(chrome, os.path.join(tmp, name + ".html"), os.path.join(tmp, name + ".png"))
    with open(os.path.join(tmp, "diff.html"), "w") as f:
        f.write(DIFF_PAGE)
    r = subprocess.run(chrome_args(chrome, tmp) + ["--allow-file-access-from-files", "--virtual-time-budget=10000",
                                                   "--dump-dom", "file://" + os.path.join(tmp, "diff.html")],
                       capture_output=True, text=True, timeout=60)
    m = re.search(r"result ([0-9.e+-]+) ([0-9.e+-]+) ([0-9.e+-]+)", r.stdout)
    check(m is not None, f"the browser compared the screenshots: {r.stdout[-300:]}")
    if m is None:
        return
    ink, d_none, d_same = (float(v) for v in m.groups())
    print(f"t_report: page inked {ink:.4f}; differs from no-Chinese {d_none:.4f}, from all-口 {d_same:.4f}")
    check(ink > 0.02, f"the page is not blank ({ink:.4f} of the pixels inked)")
    check(d_none > 0.005, f"the Chinese text is drawn ({d_none:.4f} of the pixels differ without it)")
    check(d_same > 0.004, f"the Chinese glyphs are real glyphs, not boxes ({d_same:.4f} differ from "
                                 f"the page with every character 口)")


def main():
    tmp = tempfile.mkdtemp(prefix="phx-report-")
    try:
        full = build_full(tmp)
        check_full(tmp, full)
        plain, plain_html = check_plain(tmp)
        check_plot(tmp, full, plain)
        check_browser(tmp, plain_html)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    finish("t_report")


if __name__ == "__main__":
    main()
