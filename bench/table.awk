# table.awk -- the table of bench/run.sh from build/bench/results.csv (columns: bench.h's
# BENCH_CSV_HEADER). Variables from run.sh: cpu, cores, cc, date, git, load0, load1, scenario,
# mpi_note. Derived here, never measured here: throughput, speed-up, efficiency, ratios, shares.
function mega(x) { return sprintf("%.2f M", x / 1e6) }
function pct(x) { return sprintf("%.1f%%", 100 * x) }
function verdict(ok) { return ok ? "met" : "MISSED" }
BEGIN { FS = ","; min_busy = 1e9 }
NR == 1 { next }
{
    bench = $1; label = $2; kernel = $3; sink = $4; t = $5 + 0; reps = $6 + 0; firms = $7 + 0
    years = $8 + 0; best = $10 + 0; out_s = $13 + 0; out_b = $14 + 0; file_b = $15 + 0
    rss = $16 / 1024; cpu_s = $17 + 0
    busy = best > 0 && t > 0 ? cpu_s / (best * t) : 0   # share of threads x wall on a core
    # a shared machine shows as busy < 1 in the compute-bound runs (the writer's runs and the
    # 160-firm ones have serial parts: their threads wait by design)
    if (bench != "mpi" && sink == "null" && label != "memory" && busy < min_busy) {
        min_busy = busy
        min_busy_run = sprintf("%s %s, %d threads, %d reps, %d firms", label, kernel, t, reps,
                               firms)
    }
}
bench == "threads" {
    if (!(t in tseen)) { nt++; tl[nt] = t; tseen[t] = 1 }
    T[kernel, t] = best; TB[kernel, t] = busy; TC[kernel, t] = cpu_s
    trep = reps; tfirms = firms; tyears = years; trepeat = $9
}
bench == "scale" && label == "work" {
    if (sink == "null" && !(reps in wseen)) { nw++; wl[nw] = reps; wseen[reps] = 1 }
    W[sink, reps] = best; WC[sink, reps] = busy; WO[sink, reps] = out_s; WM[sink, reps] = rss
    WB[reps] = out_b; WF[reps] = file_b; wt = t; wfirms = firms; wyears = years
}
bench == "scale" && label == "firms" {
    if (!(firms in fseen)) { nf++; fl[nf] = firms; fseen[firms] = 1 }
    F[kernel, firms] = best; FC[kernel, firms] = cpu_s; FR[firms] = reps; freps = reps; ft = t
    fyears = years
}
bench == "scale" && label == "constrained" {
    CK[++nc] = best; CR = reps; CT = t; CF = firms; CY = years
}
bench == "fund" { FUND = best; FUNDN = reps; FUNDT = t }
bench == "scale" && label == "memory" {
    if (!(reps in mseen)) { nm++; ml[nm] = reps; mseen[reps] = 1 }
    MM[sink, reps] = rss; MW[sink, reps] = out_s; mfirms = firms
}
bench == "mpi" { M[label] = best; mreps = reps }

END {
    printf "phoenix benchmarks -- %s (%d firms x %d years), git %s\n", scenario, tfirms, tyears, git
    printf "machine: %s, %s cores, %s; %s\n", cpu, cores, cc, date
    printf "load average %s at start, %s at end\n\n", load0, load1

    printf "1-2. Threads: model vs floor kernel (%d replications, best of %d, discarding sink)\n",
        trep, trepeat
    printf "%7s %8s %15s %8s %7s %8s %15s %7s %11s %12s %11s\n", "threads", "model s",
        "firm-yr/s/thr", "speed-up", "eff", "floor s", "firm-yr/s/thr", "eff", "model/floor",
        "eff/floor's", "on-CPU m/f"
    fy = trep * tfirms * tyears
    worst_ratio = 0; worst_eff = 1e9
    for (i = 1; i <= nt; i++) {
        t = tl[i]; tm = T["model", t]; tf = T["floor", t]
        em = T["model", tl[1]] * tl[1] / (tm * t)
        ef = T["floor", tl[1]] * tl[1] / (tf * t)
        if (tm / tf > worst_ratio) { worst_ratio = tm / tf; worst_ratio_t = t }
        if (i > 1 && em / ef < worst_eff) { worst_eff = em / ef; worst_eff_t = t }
        printf "%7d %8.3f %15s %8.2f %7s %8.3f %15s %7s %10.2fx %12s %5.0f%%/%.0f%%\n", t, tm,
            mega(fy / tm / t), T["model", tl[1]] / tm, pct(em), tf, mega(fy / tf / t), pct(ef),
            tm / tf, pct(em / ef), 100 * TB["model", t], 100 * TB["floor", t]
    }

    printf "\n1b. The bare-draw floor (issue 17): the three draws per firm-year alone, thread-ns per firm-year\n"
    printf "   (bare: one stream at a time through GSL, as the model drew before issue 17; bare-batch:\n"
    printf "    engine/rng_batch.h, as it draws now; same runs as 1-2). wall: wall x threads; CPU: the\n"
    printf "    process CPU time, which a shared machine inflates less (see on-CPU above)\n"
    printf "%7s %-5s %9s %9s %11s %11s %17s\n", "threads", "clock", "model", "bare", "bare-batch",
        "model/bare", "model/bare-batch"
    worst_bare = 0; worst_bare_c = 0
    for (i = 1; i <= nt; i++) {
        t = tl[i]
        for (clk = 0; clk < 2; clk++) {
            m = clk ? TC["model", t] / t : T["model", t]; b = clk ? TC["bare", t] / t : T["bare", t]
            hb = ("bare-batch", t) in T
            bb = hb ? (clk ? TC["bare-batch", t] / t : T["bare-batch", t]) : 0
            ns = 1e9 * t / fy; rb = m / b
            if (!clk && rb > worst_bare) { worst_bare = rb; worst_bare_t = t }
            if (clk && rb > worst_bare_c) { worst_bare_c = rb; worst_bare_ct = t }
            printf "%7d %-5s %9.1f %9.1f %s %10.2fx %s\n", t, clk ? "CPU" : "wall", ns * m, ns * b,
                hb ? sprintf("%11.1f", ns * bb) : sprintf("%11s", "n/a"), rb,
                hb ? sprintf("%16.2fx", m / bb) : sprintf("%17s", "n/a")
        }
    }

    printf "\n3. Scaling with work (model, discarding sink, %d threads)\n", wt
    printf "%8s %8s %9s %12s %17s %7s\n", "reps", "firms", "run s", "us/rep-year",
        "thread-ns/firm-yr", "on-CPU"
    for (i = 1; i <= nw; i++) {
        n = wl[i]; s = W["null", n]
        printf "%8d %8d %9.3f %12.1f %17.1f %6.0f%%\n", n, wfirms, s, 1e6 * s / (n * wyears),
            1e9 * s * wt / (n * wyears * wfirms), 100 * WC["null", n]
    }
    printf "   ...and with firms (%d threads), the floor alongside\n", ft
    printf "%8s %8s %9s %12s %17s %9s %17s %11s\n", "reps", "firms", "run s", "us/rep-year",
        "thread-ns/firm-yr", "floor s", "floor ns/firm-yr", "CPU ns/f-y"
    for (i = 1; i <= nf; i++) {
        f = fl[i]; s = F["model", f]; sf = F["floor", f]; fr = FR[f]
        NSF[f] = 1e9 * s * ft / (fr * fyears * f); NSC[f] = 1e9 * FC["model", f] / (fr * fyears * f)
        printf "%8d %8d %9.3f %12.1f %17.1f %9.3f %17.1f %11.1f\n", fr, f, s,
            1e6 * s / (fr * fyears), NSF[f], sf, 1e9 * sf * ft / (fr * fyears * f), NSC[f]
    }

    printf "\n4. Output: the HDF5 writer (open, blocks, summary, commit) vs a discarding sink"
    printf " (%d threads)\n", wt
    printf "%8s %10s %10s %9s %7s %13s %10s %8s %12s\n", "reps", "null run s", "h5 run s",
        "writer s", "share", "writer ms/rep", "MB handed", "MB file", "MB/s handed"
    printf "  (writer s: time inside the writer, on one thread while the others compute the next\n"
    printf "   block; share: the wall time output adds, (h5 run - null run) / h5 run)\n"
    worst_share = 0
    for (i = 1; i <= nw; i++) {
        n = wl[i]
        if (!(("h5", n) in W))
            continue
        share = (W["h5", n] - W["null", n]) / W["h5", n]
        if (share > worst_share) { worst_share = share; worst_share_n = n }
        printf "%8d %10.3f %10.3f %9.3f %7s %13.3f %10.1f %8.1f %12.1f\n", n, W["null", n],
            W["h5", n], WO["h5", n], pct(share), 1e3 * WO["h5", n] / n, WB[n] / 1e6,
            WF[n] / 1e6, WB[n] / 1e6 / WO["h5", n]
    }

    printf "\n5. Peak resident memory, MiB (one process per size)\n"
    printf "%8s %8s %10s %12s %13s\n", "reps", "firms", "null sink", "HDF5 writer", "writer ms/rep"
    for (i = 1; i <= nw; i++) {
        n = wl[i]
        printf "%8d %8d %10.1f %12.1f %13.3f\n", n, wfirms, WM["null", n], WM["h5", n],
            1e3 * WO["h5", n] / n
    }
    for (i = 1; i <= nm; i++) {
        n = ml[i]
        printf "%8d %8d %10.1f %12.1f %13.3f\n", n, mfirms, MM["null", n], MM["h5", n],
            1e3 * MW["h5", n] / n
    }
    # Flat means: no growth between the two largest counts. The writer's chunk caches (two
    # chunks per dataset) and malloc's arenas fill during the first thousands of replications
    # and are bounded from then on; the smallest count shows that fill, not a growth.
    if (nm >= 2) {
        n0 = ml[nm - 1]; n1 = ml[nm]
        g_null = MM["null", n1] / MM["null", n0] - 1; g_h5 = MM["h5", n1] / MM["h5", n0] - 1
    } else {
        n0 = wl[nw > 1 ? nw - 1 : 1]; n1 = wl[nw]
        g_null = WM["null", n1] / WM["null", n0] - 1; g_h5 = WM["h5", n1] / WM["h5", n0] - 1
    }

    printf "\n6. MPI: 1 rank x 2 threads vs 2 ranks x 1 thread: "
    if (mpi_note != "")
        printf "%s\n", mpi_note
    else {
        printf "%d replications, HDF5 output, wall s\n", mreps
        printf "%28s %9.3f\n", "serial build, 2 threads", M["serial 1x2"]
        printf "%28s %9.3f\n", "MPI 1 rank x 2 threads", M["mpi 1x2"]
        printf "%28s %9.3f\n", "MPI 2 ranks x 1 thread", M["mpi 2x1"]
    }

    printf "\n7. The constrained fund (issue 17), %d threads\n", CT
    if (nc >= 2) {
        printf "   %d replications, %d firms: fund.constrained = on %.3f s (%.1f thread-ns/firm-yr), off %.3f s (%.1f); on/off %.2fx\n",
            CR, CF, CK[1], 1e9 * CK[1] * CT / (CR * CY * CF), CK[2], 1e9 * CK[2] * CT / (CR * CY * CF), CK[1] / CK[2]
    }
    if (FUNDN > 0)
        printf "   phoenix fund --require energy_freed_tce -n %d (%d threads): %.1f s wall\n", FUNDN, FUNDT, FUND
    else
        printf "   phoenix fund: skipped (BENCH_FUND_REPS=0)\n"

    printf "\nTargets (issue 7)\n"
    if (min_busy < 0.9) {
        printf "  caution: in some runs the threads were on a core only %.0f%% of the time (%s):\n",
            100 * min_busy, min_busy_run
        printf "  the machine was shared (load %s -> %s); rerun it idle before trusting times\n",
            load0, load1
    }
    printf "  model efficiency >= 90%% of the floor's at every thread count: "
    if (nt < 2)
        printf "n/a (one thread count)\n"
    else
        printf "lowest %s (%d threads) -> %s\n", pct(worst_eff), worst_eff_t,
            verdict(worst_eff >= 0.9)
    printf "  model time <= 3x the floor's: highest %.2fx (%d threads) -> %s\n", worst_ratio,
        worst_ratio_t, verdict(worst_ratio <= 3)
    printf "  output <= 5%% of run time: highest %s (%d replications) -> %s\n", pct(worst_share),
        worst_share_n, verdict(worst_share <= 0.05)
    printf "  memory flat in replications (<= 5%% growth, %d -> %d reps): null sink %+.1f%%,",
        n0, n1, 100 * g_null
    printf " HDF5 writer %+.1f%% -> %s\n", 100 * g_h5, verdict(g_null <= 0.05 && g_h5 <= 0.05)

    printf "\nTargets (issue 17)\n"
    printf "  plan scenario <= 2.5x the bare-draw floor (bare) per firm-year at every thread count:\n"
    printf "    wall: highest %.2fx (%d threads) -> %s; CPU: highest %.2fx (%d threads) -> %s\n",
        worst_bare, worst_bare_t, verdict(worst_bare <= 2.5), worst_bare_c, worst_bare_ct,
        verdict(worst_bare_c <= 2.5)
    if (nf >= 2) {
        f0 = fl[1]; f1 = fl[nf]
        printf "  cost per firm-year at %d firms within 1.15x of %d:\n", f1, f0
        printf "    wall: %.2fx -> %s; CPU: %.2fx -> %s\n", NSF[f1] / NSF[f0],
            verdict(NSF[f1] / NSF[f0] <= 1.15), NSC[f1] / NSC[f0], verdict(NSC[f1] / NSC[f0] <= 1.15)
    }
    printf "  parallel efficiency >= 90%% of the floor kernel's: see issue 7's first target above\n"
    printf "  fund --require at most half of before, and >= 8x NumPy: not measured by this table\n"
    printf "  (before and after: bench/pair.sh; NumPy: see bench/README.md)\n"
}
