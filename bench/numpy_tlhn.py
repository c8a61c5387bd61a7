#!/usr/bin/python3
"""numpy_tlhn.py -- a plain, vectorised NumPy implementation of the 腾笼换鸟 model's rules
(docs/model.md), to measure phoenix against (issue 17) and to check that both compute the same.

The same work per replication-year as phoenix's `tlhn` model (models/tlhn/tlhn.c's year loop):
reset, evaluate (§3), start and complete rectification (§4), new projects (§5), growth and
natural exits (§6), the fund (§7), record every metric (§8, with the district breakdowns).
Arrays over firms, boolean masks, np.lexsort for the ranks, numpy's Generator (Philox) for the
draws: the same distributions as phoenix, not its addressed random streams, so the results agree
in distribution, not number for number. Two rules are sequential by nature and are Python loops:
the first-fit land queue of §5.3 and, only with fund.constrained = on, the starts that wait for
money. Not implemented (refused with an error): population.coverage < 1, samplers other than mc.

Input: a firm table as `phoenix synth SCENARIO -o firms.csv` writes it, and the scenario file,
read with configparser; keys it does not set take the defaults of `phoenix params tlhn`.

  numpy_tlhn.py SCENARIO.ini --firms firms.csv [-n N] [--seed S] [--set section.key=value ...]
                [--out results.npz] [--phoenix PATH]

Prints one line of timing (wall and process CPU seconds of the replications, ns per firm-year);
--out writes every metric as an array [replication x year] (district metrics also
[replication x year x district] under 'district/<name>').
"""
import argparse
import configparser
import csv
import os
import re
import subprocess
import sys
import time

import numpy as np

A_EXIT, A_MERGE, A_RELOCATE, A_UPGRADE, A_ESCALATED = 0, 1, 2, 3, 4
R_NONE, R_ACTIVE, R_DONE = 0, 1, 2
P_WAITING, P_LANDED, P_LOST, P_REMOVED = 0, 1, 2, 3
W_ABOVE = np.array([30.0, 20, 20, 10, 10, 10])    # §3.2 weights, 规上 (Huangyan District)
W_BELOW = np.array([50.0, 50])                    # 规下
GROUP_METRICS = ["firms_rectified", "firms_exited", "firms_merged", "firms_relocated",
                 "firms_upgraded", "land_released_mu", "land_idle_recovered_mu",
                 "land_revitalized_mu", "park_land_used_mu", "energy_freed_tce",
                 "carbon_reduced_t", "carbon_leaked_t"]


def fail(msg):
    print(f"numpy_tlhn: {msg}", file=sys.stderr)
    sys.exit(2)


# ---- parameters: defaults from `phoenix params tlhn`, the scenario file over them ----------------

def phoenix_defaults(phoenix):
    """{key: (kind, default text)} and the metric names, from `phoenix params tlhn --format md`."""
    out = subprocess.run([phoenix, "params", "tlhn", "--format", "md"], capture_output=True,
                         text=True, check=True).stdout.replace("real|dist", "real-dist")
    params, metrics = {}, []
    for line in out.splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) == 6 and cells[0].startswith("`") and "." in cells[0]:
            params[cells[0].strip("`")] = (cells[1], cells[3].strip("`"))
        elif len(cells) == 5 and cells[0].startswith("`"):
            metrics.append(cells[0].strip("`"))
    return params, metrics


def split_items(text):
    """Blank- or comma-separated items, commas inside parentheses kept (engine/scenario.c)."""
    items, depth, cur = [], 0, ""
    for ch in text + " ":
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and ch in " \t,":
            if cur:
                items.append(cur)
            cur = ""
        else:
            cur += ch
    return items


def parse_dist(text):
    m = re.fullmatch(r"\s*(\w+)\s*\((.*)\)\s*", text)
    if m is None:
        return ("const", float(text))
    return (m.group(1), *[float(a) for a in m.group(2).split(",")])


def read_ini(path, seen=()):
    """{"section.key": text} of a scenario file, its `base =` chain first."""
    if path in seen:
        fail(f"{path}: base chain loops")
    cp = configparser.ConfigParser(inline_comment_prefixes=(";", "#"), interpolation=None)
    cp.optionxform = str
    if not cp.read(path, encoding="utf-8"):
        fail(f"{path}: cannot read")
    values = {}
    if cp.has_option("scenario", "base"):
        base = os.path.join(os.path.dirname(path), cp.get("scenario", "base"))
        values.update(read_ini(base, seen + (path,)))
    for sec in cp.sections():
        for key, val in cp.items(sec):
            values[f"{sec}.{key}"] = val.strip()
    return values


class Params:
    """The resolved scenario: numbers (one dist per year for per-year keys) and texts."""

    def __init__(self, ini, sets, phoenix):
        defaults, self.metric_names = phoenix_defaults(phoenix)
        given = read_ini(ini)
        for s in sets:
            k, _, v = s.partition("=")
            given[k.strip()] = v.strip()
        y0, _, y1 = given.get("scenario.years", "2021-2023").partition("-")
        self.year_first, year_last = int(y0), int(y1 or y0)
        self.n_years = year_last - self.year_first + 1
        self.replications = int(float(given.get("scenario.replications", "1000")))
        self.seed = int(float(given.get("scenario.seed", "0")))
        if given.get("scenario.sampler", "mc") != "mc":
            fail("only scenario.sampler = mc is implemented")
        self.text, self.dists, self.per_year = {}, {}, set()
        for key, (kind, dflt) in defaults.items():
            text = given.get(key, dflt)
            self.text[key] = text
            if kind.startswith(("real", "integer")):
                try:
                    items = [parse_dist(t) for t in split_items(text)]
                except ValueError:
                    fail(f"{ini}: {key}: '{text}' is neither a number nor a distribution")
                if "per year" in kind:      # a default is cut or extended (last value repeated)
                    self.per_year.add(key)
                    if key in given and len(items) not in (1, self.n_years):
                        fail(f"{ini}: {key}: expects 1 value or {self.n_years}")
                    items = (items * self.n_years if len(items) == 1 else
                             items[:self.n_years] + [items[-1]] * (self.n_years - len(items)))
                self.dists[key] = items
        unknown = [k for k in given if not k.startswith(("scenario.", "targets.")) and
                   k not in defaults]
        if unknown:
            fail(f"{ini}: unknown key {unknown[0]}")
        if float(self.text["population.coverage"]) != 1:
            fail("population.coverage < 1 is not implemented")

    def draw(self, rng):
        """theta of one replication: every distribution drawn once (per year for per-year keys)."""
        th = {}
        for key, items in self.dists.items():
            vals = [draw_one(rng, d) for d in items]
            th[key] = vals if key in self.per_year else vals[0]
        return th


def draw_one(rng, d):
    kind, a = d[0], d[1:]
    if kind == "const":
        return a[0]
    if kind == "uniform":
        return rng.uniform(a[0], a[1])
    if kind == "triangular":
        return rng.triangular(a[0], a[1], a[2])
    if kind == "normal":
        return rng.normal(a[0], a[1])
    if kind == "lognormal":
        return rng.lognormal(np.log(a[0]), a[1])
    if kind == "beta":
        return rng.beta(a[0], a[1])
    if kind == "beta_mean":
        return rng.beta(a[0] * a[1], (1 - a[0]) * a[1])
    fail(f"unknown distribution {kind}")


# ---- the firm table ---------------------------------------------------------------------------

class Firms:
    def __init__(self, path):
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        if not rows:
            fail(f"{path}: no firms")
        need = {"id", "district", "above_scale", "land_mu", "value_added", "tax", "energy_tce",
                "electricity_kwh", "employees", "rd_ratio", "emissions"}
        if need - set(rows[0]):
            fail(f"{path}: missing columns {sorted(need - set(rows[0]))} "
                 "(phoenix synth writes them)")
        col = lambda name: np.array([float(r[name]) for r in rows])
        self.n = len(rows)
        self.va, self.tax, self.energy = col("value_added"), col("tax"), col("energy_tce")
        self.kwh, self.land, self.emp = col("electricity_kwh"), col("land_mu"), col("employees")
        self.emissions, self.rd = col("emissions"), col("rd_ratio")
        self.above = col("above_scale") != 0
        self.district_names, self.district = np.unique([r["district"] for r in rows],
                                                       return_inverse=True)
        ids = [r["id"] for r in rows]        # §3.3 ties: integer ids as integers, then bytes
        key = [(0, int(s), "") if re.fullmatch(r"[+-]?\d+", s) else (1, 0, s) for s in ids]
        order = sorted(range(self.n), key=lambda i: key[i])
        self.id_rank = np.empty(self.n, dtype=np.int64)
        self.id_rank[order] = np.arange(self.n)


# ---- the model ---------------------------------------------------------------------------------

class Model:
    def __init__(self, p, f):
        self.p, self.f = p, f
        t = p.text
        self.nd = len(f.district_names)
        city = t["evaluation.scope"] == "city"
        self.unit = f.above.astype(np.int64) + (0 if city else 2 * f.district)
        self.n_units = 2 if city else 2 * self.nd
        self.class_mask = np.array([c in split_items(t["rectify.classes"]) for c in "ABCD"])
        self.priority = t["rectify.priority"]
        self.offset = t["attract.energy_offset"] == "on"
        self.constrained = t["fund.constrained"] == "on"
        self.base_ei = f.energy[f.above].sum() / f.va[f.above].sum()
        self.names = p.metric_names

    # -- one replication
    def simulate(self, rng):
        p, f, th = self.p, self.f, self.p.draw(rng)
        self.th, self.rng = th, rng
        self.va, self.tax, self.energy = f.va.copy(), f.tax.copy(), f.energy.copy()
        self.kwh, self.land, self.emp = f.kwh.copy(), f.land.copy(), f.emp.copy()
        self.emissions = f.emissions.copy()
        self.score, self.surcharge = np.zeros(f.n), np.zeros(f.n)
        self.alive = np.ones(f.n, dtype=bool)
        self.rect = np.zeros(f.n, dtype=np.int8)
        self.action = np.zeros(f.n, dtype=np.int8)
        self.cls = np.zeros(f.n, dtype=np.int8)
        self.due = np.zeros(f.n, dtype=np.int64)
        self.cum = dict.fromkeys(self.names, 0.0)
        self.dcum = {m: np.zeros(self.nd) for m in GROUP_METRICS}
        self.idle = np.zeros(self.nd)
        self.reserve, self.entering, self.granted = th["land.initial_reserve"], 0.0, 0.0
        self.abs_va = self.abs_tax = self.abs_new_va = self.abs_new_tax = 0.0
        self.balance = self.fund_min = self.be_rate = self.be_capital = 0.0
        self.proj = {k: np.zeros(0) for k in ("major", "arrived", "landed", "state", "inv",
                                              "first", "land", "va", "tax", "energy", "emp")}
        rows = np.zeros((len(self.names), p.n_years))
        drows = np.zeros((len(GROUP_METRICS), p.n_years, self.nd))
        for y in range(p.n_years):
            self.z = rng.standard_normal()          # Z_t (§6.1, §7)
            self.fund_year_start(y)
            self.evaluate()
            self.rectify_start(y)
            self.rectify_complete(y)
            self.attract(y)
            self.grow()
            self.exits()
            self.reserve += self.entering
            self.entering = 0.0
            if self.balance < self.fund_min or y == 0:
                self.fund_min = self.balance
            self.breakeven()
            self.record(y, rows, drows)
        return rows, drows

    def add(self, m, district, v):
        """Add v (array over firms of `district`) to group metric m."""
        self.dcum[m] += np.bincount(district, weights=v, minlength=self.nd)

    def fund_in(self, wan):
        if wan > 0:
            self.cum["fund_inflow_yi"] += wan
            self.balance += wan
            self.fund_out(self.th["fund.other_share"] * wan)

    def fund_out(self, wan):
        if wan > 0:
            self.cum["fund_outflow_yi"] += wan
            self.balance -= wan

    def fund_year_start(self, y):
        th = self.th
        if y == 0:
            self.balance += th["fund.initial_capital"] * 1e4
        rho, sigma = th["fund.revenue_shock_corr"], th["fund.land_revenue_sigma"]
        shock = rho * self.z + np.sqrt(1 - rho * rho) * self.rng.standard_normal()
        revenue = th["fund.land_revenue"][y] * np.exp(sigma * shock)
        self.cum["land_revenue_yi"] += revenue * 1e4
        self.fund_in(th["fund.contribution_rate"] * revenue * 1e4)

    def breakeven(self):
        th = self.th
        base = (1 - th["fund.other_share"]) * self.cum["land_revenue_yi"]
        free = self.balance - th["fund.contribution_rate"] * base
        need = 0.0 if free >= 0 else (-free / base if base > 0 else np.inf)
        self.be_rate = max(self.be_rate, need)
        self.be_capital = max(th["fund.initial_capital"] * 1e4 - self.fund_min, 0.0)

    # -- §3 evaluation
    def indicators(self, idx, above):
        """Indicators of firms idx (one group): -1 where a denominator is 0 (no value)."""
        va, land = self.va[idx], self.land[idx]
        def ratio(num, den):
            return np.divide(num, den, out=np.full(len(idx), -1.0), where=den > 0)
        if not above:
            return np.column_stack([self.tax[idx] / land, ratio(self.tax[idx], self.kwh[idx])])
        return np.column_stack([self.tax[idx] / land, va / land, ratio(va, self.energy[idx]),
                                ratio(va, self.emissions[idx]), ratio(va, self.emp[idx]),
                                self.f.rd[idx]])

    def scores(self, idx, above):
        th, x = self.th, self.indicators(idx, above)
        w = W_ABOVE if above else W_BELOW
        unit, k = self.unit[idx], x.shape[1]
        has = x >= 0
        cell = (unit[:, None] * k + np.arange(k)).ravel()
        size = self.n_units * k
        total = np.bincount(cell, weights=np.where(has, x, 0).ravel(), minlength=size)
        count = np.bincount(cell, weights=has.ravel(), minlength=size)
        bench = np.divide(th["evaluation.benchmark_factor"] * total, count,
                          out=np.zeros(size), where=count > 0).reshape(self.n_units, k)[unit]
        ratio = np.divide(x, bench, out=np.ones_like(x), where=has & (bench > 0))
        cap = th["evaluation.cap"] if th["evaluation.cap"] > 0 else np.inf
        return np.minimum(ratio, cap) @ w

    def evaluate(self):
        th, f = self.th, self.f
        live = self.alive
        for above in (True, False):
            idx = np.flatnonzero(live & (f.above == above))
            self.score[idx] = self.scores(idx, above)
        idx = np.flatnonzero(live)           # §3.3 classes: score descending, ties by id
        unit = self.unit[idx]
        order = np.lexsort((f.id_rank[idx], -self.score[idx], unit))
        n_u = np.bincount(unit, minlength=self.n_units)
        su = unit[order]
        rank = np.arange(len(idx)) - (np.cumsum(n_u) - n_u)[su]
        share = np.cumsum([th[f"evaluation.share.{c}"] for c in "ABC"])
        bounds = np.minimum(np.floor(n_u[:, None] * share + 0.5 + 1e-9), n_u[:, None])
        cls = (rank[:, None] >= np.maximum.accumulate(bounds, axis=1)[su]).sum(axis=1)
        self.cls[idx[order]] = cls
        self.class_count = np.bincount(cls, minlength=4)
        rate = np.zeros((2, 4))              # §3.4 surcharges [above][class], 元/kWh
        rate[1, 2:] = th["evaluation.surcharge.above.C"], th["evaluation.surcharge.above.D"]
        rate[0, 2:] = th["evaluation.surcharge.below.C"], th["evaluation.surcharge.below.D"]
        pays = live & (self.kwh >= th["evaluation.surcharge_min_kwh"])
        sc = np.where(pays, rate[f.above.astype(int), self.cls] * self.kwh / 1e4, 0.0)
        if th["evaluation.surcharge_cap"] > 0:
            np.minimum(sc, th["evaluation.surcharge_cap"], out=sc)
        self.surcharge = sc
        self.cum["surcharge_paid_yi"] += sc.sum()

    # -- §4 rectification
    def cost(self, i, action):
        th = self.th
        return np.select([(action == A_EXIT) | (action == A_ESCALATED), action == A_RELOCATE,
                          action == A_UPGRADE],
                         [th["fund.buyback_price"] * self.land[i],
                          th["rectify.relocate.subsidy"] * self.land[i],
                          th["rectify.upgrade.subsidy_share"] *
                          th["rectify.upgrade.investment_per_va"] * self.va[i]], 0.0)

    def draw_actions(self, i):
        th = self.th
        mix = np.array([[th[f"rectify.mix.{c}.{a}"] for a in ("exit", "merge", "relocate",
                                                              "upgrade")] for c in "ABCD"])
        last = np.array([np.flatnonzero(r > 0)[-1] if (r > 0).any() else 3 for r in mix])
        c = self.cls[i]
        u = self.rng.random(len(i))
        act = (u[:, None] >= np.cumsum(mix, axis=1)[c]).sum(axis=1)
        return np.minimum(act, last[c])

    def draw_lags(self, k):
        p, ny = self.th["rectify.p_complete"], self.p.n_years
        if p >= 1:
            return np.zeros(k, dtype=np.int64)
        if p <= 0:
            return np.full(k, ny + 1)
        lag = np.floor(np.log(1.0 - self.rng.random(k)) / np.log1p(-p))
        return np.where(lag > ny, ny + 1, lag).astype(np.int64)

    def start(self, i, action, y):
        self.rect[i] = R_ACTIVE
        self.action[i] = action
        self.due[i] = y + self.draw_lags(len(i))
        self.cum["firms_started"] += len(i)

    def rectify_start(self, y):
        th, f = self.th, self.f
        quota = max(int(np.floor(th["rectify.firms_per_year"][y] + 0.5)), 0)
        ok = self.alive & (self.rect == R_NONE) & self.class_mask[self.cls]
        if th["rectify.min_energy_intensity"] > 0:
            ok &= self.energy > th["rectify.min_energy_intensity"] * self.va
        cand = np.flatnonzero(ok)
        key = {"energy": -self.energy[cand], "tax_per_mu": self.tax[cand] / self.land[cand]
               }.get(self.priority, self.score[cand])
        cand = cand[np.lexsort((f.id_rank[cand], key))]
        self.cum["quota_unfilled"] += max(quota - len(cand), 0)
        if not self.constrained:
            i = cand[:quota]
            action = self.draw_actions(i)
            self.start(i, action, y)
            self.fund_out(self.cost(i, action).sum())
            return
        action = self.draw_actions(cand)      # fund.constrained: in order, costly ones may wait
        cost = self.cost(cand, action)
        take = np.zeros(len(cand), dtype=bool)
        started = 0
        for j in range(len(cand)):
            if started == quota:
                break
            if cost[j] > 0 and cost[j] > self.balance:
                continue
            take[j] = True
            started += 1
            self.fund_out(cost[j])
        self.start(cand[take], action[take], y)
        self.cum["quota_unfunded"] += min(quota, len(cand)) - started

    def share(self, key, k):
        """Per-firm effect shares (§4.5): beta with mean theta[key], concentration c."""
        m, c = self.th[key], self.th["rectify.effect_concentration"]
        if c <= 0 or m <= 0 or m >= 1:
            return np.full(k, m)
        return self.rng.beta(m * c, (1 - m) * c, k)

    def event(self, p, k):
        return np.zeros(k, bool) if p <= 0 else np.ones(k, bool) if p >= 1 else \
            self.rng.random(k) < p

    def release(self, d, mu):
        self.add("land_released_mu", d, mu)
        self.add("land_revitalized_mu", d, mu)
        self.reserve_enter(mu.sum())

    def cut_energy(self, i, cut):
        d = self.f.district[i]
        freed = cut * self.energy[i]
        self.energy[i] -= freed
        self.kwh[i] *= 1 - cut
        self.emissions[i] *= 1 - cut
        self.add("energy_freed_tce", d, freed)
        self.add("carbon_reduced_t", d, self.th["carbon.tco2_per_tce"] * freed)
        return freed

    def gain_va(self, i, gain):
        self.va[i] *= 1 + gain
        self.tax[i] *= 1 + gain

    def rectify_complete(self, y):
        th, f, act = self.th, self.f, self.action
        due = np.flatnonzero((self.rect == R_ACTIVE) & (self.due == y))
        done = np.ones(len(due), dtype=bool)
        i = due[(act[due] == A_EXIT) | (act[due] == A_ESCALATED)]
        d = f.district[i]
        self.release(d, self.land[i])
        kept = self.share("rectify.exit.output_retained", len(i))
        self.abs_new_va += (kept * self.va[i]).sum()
        self.abs_new_tax += (kept * self.tax[i]).sum()
        freed = self.cut_energy(i, 1.0)
        leak = self.event(th["rectify.exit.p_leak"], len(i))
        self.add("carbon_leaked_t", d[leak], th["carbon.tco2_per_tce"] * freed[leak])
        self.add("firms_exited", d, np.ones(len(i)))
        self.alive[i] = False
        i = due[act[due] == A_MERGE]
        d = f.district[i]
        s = self.share("rectify.merge.land_share", len(i))
        released = np.where(s >= 1, 0.999, s) * self.land[i]
        self.land[i] -= released
        self.release(d, released)
        self.cut_energy(i, self.share("rectify.merge.energy_cut", len(i)))
        self.gain_va(i, self.share("rectify.merge.va_gain", len(i)))
        self.add("firms_merged", d, np.ones(len(i)))
        i = due[act[due] == A_RELOCATE]
        d = f.district[i]
        old = self.land[i]
        park = np.maximum(self.share("rectify.relocate.density", len(i)) * old, 1e-3 * old)
        self.release(d, old)
        self.add("park_land_used_mu", d, park)
        self.land[i] = park
        self.cut_energy(i, self.share("rectify.relocate.energy_cut", len(i)))
        self.gain_va(i, self.share("rectify.relocate.va_gain", len(i)))
        self.add("firms_relocated", d, np.ones(len(i)))
        up = act[due] == A_UPGRADE
        i = due[up]
        ok = self.event(th["rectify.upgrade.p_success"], len(i))
        good = i[ok]
        self.cut_energy(good, self.share("rectify.upgrade.energy_cut", len(good)))
        self.gain_va(good, self.share("rectify.upgrade.va_gain", len(good)))
        self.add("firms_upgraded", f.district[good], np.ones(len(good)))
        bad = i[~ok]                          # failed: escalated to exit next year, or back
        self.cum["upgrades_failed"] += len(bad)
        esc = self.event(th["rectify.p_escalate"], len(bad))
        cost = th["fund.buyback_price"] * self.land[bad]
        if self.constrained:                  # in table order, while the balance covers it
            for j in np.flatnonzero(esc):
                esc[j] = cost[j] <= 0 or cost[j] <= self.balance
                if esc[j]:
                    self.fund_out(cost[j])
        else:
            self.fund_out(cost[esc].sum())
        self.action[bad[esc]] = A_ESCALATED
        self.due[bad[esc]] = y + 1
        self.cum["firms_escalated"] += esc.sum()
        self.rect[bad[~esc]] = R_NONE
        done[np.flatnonzero(up)[~ok]] = False
        self.rect[due[done]] = R_DONE
        self.add("firms_rectified", f.district[due[done]], np.ones(done.sum()))

    # -- §5 new projects and §4.7 the reserve
    def reserve_enter(self, mu):
        conv = self.th["land.conversion_share"] * mu
        self.cum["land_converted_mu"] += conv
        self.entering += mu - conv

    def arrivals(self, y, major):
        th, rng = self.th, self.rng
        mean = th["attract.major_per_year" if major else "attract.other_per_year"][y]
        n = min(rng.poisson(mean), 1 << 24) if mean > 0 else 0
        u_sign, z_inv, u_first = rng.random(n), rng.standard_normal(n), rng.random(n)
        z_va, z_tax, z_ei = rng.standard_normal((3, n))
        s = u_sign < th["attract.landing_rate"]
        kind = "major_excess" if major else "other"
        inv = th[f"attract.{kind}_median"] * np.exp(th[f"attract.{kind}_sigma"] * z_inv[s])
        inv = 10 + inv if major else np.minimum(inv, 10)
        land = inv * 1e4 / th["attract.intensity"]
        va = land * th["attract.va_per_mu"] * np.exp(th["attract.va_per_mu_sigma"] * z_va[s])
        ei = np.minimum(th["attract.energy_intensity"] *
                        np.exp(th["attract.energy_intensity_sigma"] * z_ei[s]),
                        th["attract.energy_intensity_max"])
        k = int(s.sum())
        new = {"major": np.full(k, float(major)), "arrived": np.full(k, float(y)),
               "landed": np.full(k, -1.0), "state": np.full(k, float(P_WAITING)),
               "inv": inv * 1e4, "first": 0.1 + 0.3 * u_first[s], "land": land, "va": va,
               "tax": land * th["attract.tax_per_mu"] *
               np.exp(th["attract.tax_per_mu_sigma"] * z_tax[s]),
               "energy": va * ei, "emp": va / th["attract.va_per_employee"]}
        for key in self.proj:
            self.proj[key] = np.concatenate([self.proj[key], new[key]])

    def allocate(self, y):
        """§5.3-§5.4 first fit: waiting major projects, then ordinary ones, in arrival order."""
        th, pr, cum = self.th, self.proj, self.cum
        reserve, supply = self.reserve, th["land.new_supply_per_year"][y]
        budget = (self.dcum["energy_freed_tce"].sum() / th["attract.offset_ratio"] - self.granted
                  if self.offset else np.inf)
        price, max_wait = th["fund.land_price"], th["attract.max_wait"]
        cum["projects_waiting_for_land"] = cum["projects_waiting_for_energy"] = 0
        wait = pr["state"] == P_WAITING
        queue = np.concatenate([np.flatnonzero(wait & (pr["major"] == 1)),
                                np.flatnonzero(wait & (pr["major"] == 0))])
        land, energy = pr["land"][queue].tolist(), pr["energy"][queue].tolist()
        arrived = pr["arrived"][queue].tolist()
        landed, lost = [], []
        for j, k in enumerate(queue.tolist()):
            if land[j] <= reserve + supply and energy[j] <= budget:
                take = min(land[j], reserve)
                reserve -= take
                supply = max(supply - (land[j] - take), 0.0)
                cum["land_reused_mu"] += take
                cum["land_new_supply_mu"] += land[j] - take
                self.fund_in(price * take)
                budget -= energy[j]
                landed.append(k)
            elif y - arrived[j] >= max_wait:
                lost.append(k)
            elif land[j] > reserve + supply:
                cum["projects_waiting_for_land"] += 1
            else:
                cum["projects_waiting_for_energy"] += 1
        self.reserve = reserve
        pr["state"][landed], pr["landed"][landed] = P_LANDED, y
        pr["state"][lost] = P_LOST
        cum["projects_lost"] += len(lost)
        cum["projects_landed"] += len(landed)
        cum["projects_major_landed"] += pr["major"][landed].sum()
        cum["investment_landed_yi"] += pr["inv"][landed].sum()
        e = pr["energy"][landed].sum()
        cum["energy_new_tce"] += e
        self.granted += e

    def construction(self, y):
        """§5.2 investment completed, §5.6 the commitment check two years into production."""
        th, pr, cum = self.th, self.proj, self.cum
        build = int(th["attract.build_years"])
        on = (pr["state"] == P_LANDED) | (pr["state"] == P_REMOVED)
        t, inv, first = pr["landed"], pr["inv"], pr["first"]
        now = on & (t == y)
        cum["investment_completed_yi"] += (first[now] * inv[now]).sum() if build > 0 \
            else inv[now].sum()
        later = on & (t < y) & (y <= t + build)
        if build > 0:
            cum["investment_completed_yi"] += ((1 - first[later]) * inv[later]).sum() / build
        breach = np.flatnonzero((pr["state"] == P_LANDED) & (y == t + build + 2) &
                                (pr["tax"] < th["attract.commit_tax_per_mu"] * pr["land"]))
        cum["projects_breached"] += len(breach)
        gone = breach[self.event(th["attract.p_enforce"], len(breach))]
        pr["state"][gone] = P_REMOVED
        cum["land_reclaimed_mu"] += pr["land"][gone].sum()
        self.reserve_enter(pr["land"][gone].sum())

    def attract(self, y):
        self.arrivals(y, True)
        self.arrivals(y, False)
        self.allocate(y)
        self.construction(y)

    # -- §6 economy
    def grow(self):
        th = self.th
        common = th["economy.growth"] + th["economy.sigma_common"] * self.z
        eps = self.rng.standard_normal(self.f.n)
        g = np.where(self.alive, np.exp(common + th["economy.sigma_firm"] * eps), 1.0)
        ge = np.where(self.alive, g * (1 - th["economy.autonomous_efficiency"]), 1.0)
        self.va *= g
        self.tax *= g
        self.energy *= ge
        self.kwh *= ge
        self.emissions *= ge
        self.abs_va = self.abs_va * np.exp(common) + self.abs_new_va
        self.abs_tax = self.abs_tax * np.exp(common) + self.abs_new_tax
        self.abs_new_va = self.abs_new_tax = 0.0

    def exits(self):
        th, f = self.th, self.f
        u = self.rng.random(f.n)
        h = th["economy.exit_hazard"] + th["economy.surcharge_hazard"] * self.surcharge / 10
        close = self.alive & (self.rect != R_ACTIVE) & (h > 0) & ((h >= 1) | (u < h))
        self.alive[close] = False
        self.idle += np.bincount(f.district[close], weights=self.land[close], minlength=self.nd)
        self.cum["firms_closed"] += close.sum()
        self.cum["energy_closed_tce"] += self.energy[close].sum()
        rec = th["land.idle_recovery"] * self.idle     # §4.6, deterministic
        self.idle -= rec
        self.dcum["land_idle_recovered_mu"] += rec
        self.dcum["land_revitalized_mu"] += rec
        self.reserve_enter(rec.sum())

    # -- §8 record
    def record(self, y, rows, drows):
        th, pr = self.th, self.proj
        v = dict(self.cum)
        for m in GROUP_METRICS:
            v[m] = self.dcum[m].sum()
        ab = self.alive & self.f.above
        va, tax, land = self.va[ab].sum(), self.tax[ab].sum(), self.land[ab].sum()
        energy, emp = self.energy[ab].sum(), self.emp[ab].sum()
        if va > 0:                             # absorbed output at the firms' averages
            energy, emp = energy * (1 + self.abs_va / va), emp * (1 + self.abs_va / va)
        va, tax = va + self.abs_va, tax + self.abs_tax
        start = pr["landed"] + int(th["attract.build_years"])
        prod = (pr["state"] == P_LANDED) & (y >= start)
        level = np.where(start == y, 0.5, 1.0)[prod]
        va += (level * pr["va"][prod]).sum()
        tax += (level * pr["tax"][prod]).sum()
        energy += (level * pr["energy"][prod]).sum()
        emp += (level * pr["emp"][prod]).sum()
        land += pr["land"][prod].sum()
        v.update(fund_balance_yi=self.balance, fund_min_balance_yi=self.fund_min,
                 fund_breakeven_rate=self.be_rate, fund_breakeven_capital_yi=self.be_capital,
                 va_total_yi=va, tax_total_yi=tax, land_total_mu=land, energy_total_tce=energy,
                 tax_per_mu=tax / land if land > 0 else 0, va_per_mu=va / land if land > 0 else 0,
                 labor_productivity=va / emp if emp > 0 else 0,
                 energy_intensity=energy / va if va > 0 else 0,
                 land_reserve_mu=self.reserve, land_idle_mu=self.idle.sum(),
                 projects_waiting=float((pr["state"] == P_WAITING).sum()))
        v["energy_intensity_change"] = v["energy_intensity"] / self.base_ei - 1
        for c in range(4):
            v["firms_" + "ABCD"[c]] = self.class_count[c]
        for name in ("projects_landed", "projects_major_landed"):
            before = rows[self.names.index(name), y - 1] if y > 0 else 0
            v[name + "_year"] = v[name] - before
        for k, name in enumerate(self.names):
            rows[k, y] = v[name] / 1e4 if name.endswith("_yi") else v[name]
        for k, m in enumerate(GROUP_METRICS):
            drows[k, y] = self.dcum[m]


def run(p, f, n, seed):
    """n replications; replication r draws from Philox keyed by (seed, r)."""
    model = Model(p, f)
    rows = np.zeros((n, len(model.names), p.n_years))
    drows = np.zeros((n, len(GROUP_METRICS), p.n_years, model.nd))
    for r in range(n):
        rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, r])))
        rows[r], drows[r] = model.simulate(rng)
    return model, rows, drows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario")
    ap.add_argument("--firms", required=True, help="firm table CSV (phoenix synth)")
    ap.add_argument("-n", "--replications", type=int)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--set", action="append", default=[], metavar="section.key=value")
    ap.add_argument("--out", help="results .npz")
    ap.add_argument("--phoenix", default=os.environ.get("PHOENIX", "build/phoenix"))
    a = ap.parse_args()
    p = Params(a.scenario, a.set, a.phoenix)
    f = Firms(a.firms)
    n = a.replications or p.replications
    seed = p.seed if a.seed is None else a.seed
    w0, c0 = time.perf_counter(), time.process_time()
    model, rows, drows = run(p, f, n, seed)
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    fy = n * f.n * p.n_years
    print(f"numpy_tlhn: {n} replications x {f.n} firms x {p.n_years} years: wall {wall:.3f} s, "
          f"cpu {cpu:.3f} s, {1e9 * wall / fy:.1f} ns/firm-year wall, "
          f"{1e9 * cpu / fy:.1f} cpu")
    if a.out:
        out = {name: rows[:, k, :] for k, name in enumerate(model.names)}
        out.update({f"district/{m}": drows[:, k] for k, m in enumerate(GROUP_METRICS)})
        np.savez(a.out, years=np.arange(p.year_first, p.year_first + p.n_years),
                 districts=f.district_names, **out)


if __name__ == "__main__":
    main()
