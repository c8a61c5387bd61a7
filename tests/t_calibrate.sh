#!/bin/sh
# t_calibrate.sh -- `phoenix calibrate` and `phoenix run --posterior` end to end: bad
# observation files (exit 2, one line naming file, line and column, nothing written), the
# shipped hindcast on a small population, identical /calibration at 1 and 2 threads, and
# identical --posterior runs (with a paired comparison) at 1 and 2 threads.
PHOENIX=${PHOENIX:-build/phoenix}
d=$(mktemp -d)
k="$d/keep"            # files kept across checks (expect_error cleans $d of .h5 files)
mkdir "$k"
trap 'rm -rf "$d"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

expect_error() {
    name=$1; want=$2; pat=$3; shift 3
    "$@" >"$d/out" 2>"$d/err"; st=$?
    [ "$st" -eq "$want" ] || fail "$name: exit $st, want $want ($(cat "$d/err"))"
    [ "$(wc -l <"$d/err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$d/err")"
    grep -q -- "$pat" "$d/err" || fail "$name: stderr '$(cat "$d/err")' lacks '$pat'"
    ls "$d" | grep -q '\.h5' && fail "$name: left a results file: $(ls "$d")"
    rm -f "$d"/*.h5 "$d"/*.tmp.*
}

H=scenarios/hindcast.ini
small="--set population.scale=0.05 --particles 40 --generations 3 -n 40 --quiet"
head='metric,year,value,sd,source'
printf '%s\nva_total_yi,2021,4100,82,a\nva_total_yj,2022,4198,84,b\n' "$head" >"$d/metric.csv"
printf '%s\nva_total_yi,2021,4100,-5,a\n' "$head" >"$d/sd.csv"
printf '%s\nva_total_yi,20x1,4100,82,a\n' "$head" >"$d/year.csv"
printf '%s\nva_total_yi,2021,4100,82\n' "$head" >"$d/fields.csv"
printf 'metric,year,value,source\nva_total_yi,2021,4100,a\n' >"$d/header.csv"
printf '%s\nva_total_yi,2021,4100,82,"unterminated\n' "$head" >"$d/quote.csv"
printf '%s\nva_total_yi,2021,4100,82,a\nva_total_yi,2021,4000,82,b\n' "$head" >"$d/dup.csv"
printf '%s\nva_total_yi,2021,4100,82,  \n' "$head" >"$d/source.csv"
printf '%s\nva_total_yi,2030,4100,82,a\n' "$head" >"$d/years.csv"
printf '%s\nva_total_yi,2021,4100,82,"a, b\nc"\nva_total_yi,2022,x,84,d\n' "$head" >"$d/quoted.csv"
o="$d/post.h5"
expect_error "line after a quoted newline" 2 "quoted.csv:4:18: value: 'x' is not a number" "$PHOENIX" calibrate $H --observed "$d/quoted.csv" -o "$o"
expect_error "unknown metric" 2 "metric.csv:3:1: metric: 'va_total_yj' is not a metric" "$PHOENIX" calibrate $H --observed "$d/metric.csv" -o "$o"
expect_error "negative sd" 2 "sd.csv:2:23: sd: '-5' is not a positive number" "$PHOENIX" calibrate $H --observed "$d/sd.csv" -o "$o"
expect_error "bad year" 2 "year.csv:2:13: year: '20x1'" "$PHOENIX" calibrate $H --observed "$d/year.csv" -o "$o"
expect_error "missing field" 2 "fields.csv:2:.*: 4 fields; the header (line 1) has 5" "$PHOENIX" calibrate $H --observed "$d/fields.csv" -o "$o"
expect_error "missing column" 2 "header.csv:1:1: the header has no column 'sd'" "$PHOENIX" calibrate $H --observed "$d/header.csv" -o "$o"
expect_error "unterminated quote" 2 "quote.csv:3:1:" "$PHOENIX" calibrate $H --observed "$d/quote.csv" -o "$o"
expect_error "duplicate" 2 "dup.csv:3:1: metric: va_total_yi 2021 is also observed at line 2" "$PHOENIX" calibrate $H --observed "$d/dup.csv" -o "$o"
expect_error "empty source" 2 "source.csv:2:.*: source: empty" "$PHOENIX" calibrate $H --observed "$d/source.csv" -o "$o"
expect_error "no year covered" 2 "years.csv: no observation falls in the scenario's years 2021-2023" "$PHOENIX" calibrate $H --observed "$d/years.csv" -o "$o"
expect_error "missing file" 2 "nothere.csv: cannot read observations" "$PHOENIX" calibrate $H --observed "$d/nothere.csv" -o "$o"
expect_error "no --observed" 2 "calibrate needs --observed" "$PHOENIX" calibrate $H -o "$o"
expect_error "no prior" 2 "nothing to calibrate" "$PHOENIX" calibrate scenarios/plan-2021-2023.ini --set rectify.upgrade.energy_cut=0.15 --set fund.buyback_price=90 --observed scenarios/observed/hangzhou-2021-2023.csv -o "$o"
expect_error "bad --particles" 2 "--particles" "$PHOENIX" calibrate $H --observed scenarios/observed/hangzhou-2021-2023.csv --particles 1 -o "$o"

# the worked example on a small population, at 1 and 2 threads: the same /calibration
obs=scenarios/observed/hangzhou-2021-2023.csv
"$PHOENIX" calibrate $H --observed $obs $small --threads 1 -o "$k/p1.h5" >"$d/out1" 2>"$d/err1" || fail "calibrate (1 thread): $(cat "$d/err1")"
"$PHOENIX" calibrate $H --observed $obs $small --threads 2 -o "$k/p2.h5" >"$d/out2" 2>"$d/err2" || fail "calibrate (2 threads): $(cat "$d/err2")"
h5diff "$k/p1.h5" "$k/p2.h5" /calibration /calibration >/dev/null || fail "/calibration differs between 1 and 2 threads"
h5diff "$k/p1.h5" "$k/p2.h5" /scenarios /scenarios >/dev/null || fail "the predictive run differs between 1 and 2 threads"
"$PHOENIX" calibrate $H --observed $obs --set population.scale=0.05 --particles 40 --generations 2 -n 20 -o "$k/p3.h5" >"$d/out3" 2>"$d/err3" || fail "calibrate (printing)"
grep -q "va_total_yi 2020 is outside the scenario's years 2021-2023: not used" "$d/err3" || fail "no note on the 2020 observation"
grep -q "generation 1: tolerance" "$d/err3" || fail "no generation lines"
grep -q "projects_major_landed_year\[2023\]" "$d/out3" || fail "no predictive check table: $(cat "$d/out3")"
grep -q "economy.growth" "$d/out3" || fail "no posterior table"
/usr/bin/python3 - "$k/p1.h5" <<'PY' || fail "/calibration is not consistent with itself or with the predictive run"
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1]); c = f["calibration"]
w = c["weight"][:]
assert np.allclose(w.sum(axis=1), 1) and (w >= 0).all()
assert np.allclose(c["ess"][:], 1 / (w ** 2).sum(axis=1))
assert np.isinf(c["tolerance"][0]) and (np.diff(c["tolerance"][1:]) <= 0).all()
d = c["distance"][:]; t = c["tolerance"][:]
assert (d[1:] <= t[1:, None]).all()                 # every accepted particle within its tolerance
sim, obs, sd = c["simulated"][:], c["observed"][:], c["observed_sd"][:]
assert np.allclose(d, np.sqrt((((sim - obs) / sd) ** 2).sum(axis=2)))
assert np.allclose(c["acceptance_rate"][:], w.shape[1] / c["n_proposed"][:])
# the run is named hindcast, with a suffix for the --set (docs/scenarios.md)
m = f["scenarios"][[n for n in f["scenarios"] if n.split("+")[0] == "hindcast"][0]]["metrics"]
for i, name in enumerate(c["observation"].asstr()[:]):
    metric, year = name[:-6], int(name[-5:-1])
    x = m[metric][:, year - 2021]
    assert np.allclose(c["predictive_quantiles"][i], np.quantile(x, c["quantile"][:])), name
    assert np.isclose(c["predictive_p_below"][i], (x <= obs[i]).mean()), name
PY
expect_error "exists" 2 "exists; use --force" "$PHOENIX" calibrate $H --observed $obs -o "$k/p3.h5"

# an interrupted calibration leaves no file (the output is opened before the generations)
mkdir "$d/int"
"$PHOENIX" calibrate $H --observed $obs -o "$d/int/p.h5" --quiet 2>/dev/null &
pid=$!
sleep 2
kill -INT $pid 2>/dev/null
wait $pid 2>/dev/null
[ -z "$(ls "$d/int")" ] || fail "an interrupted calibration left $(ls "$d/int")"

# forecast with the posterior: identical at 1 and 2 threads, both scenarios the same draws
printf '[scenario]\nbase = %s/scenarios/extended-2030.ini\nname = ext-b\n[rectify]\nfirms_per_year = 300 300 250 300 300 300 300 300 300 300\n' "$PWD" >"$d/b.ini"
for t in 1 2; do
    "$PHOENIX" run scenarios/extended-2030.ini "$d/b.ini" --set population.scale=0.05 --posterior "$k/p1.h5" -n 30 --threads $t -o "$k/f$t.h5" --quiet 2>"$d/errf" || fail "run --posterior: $(cat "$d/errf")"
done
h5diff "$k/f1.h5" "$k/f2.h5" /scenarios /scenarios >/dev/null || fail "--posterior runs differ between 1 and 2 threads"
/usr/bin/python3 - "$k/f1.h5" "$k/p1.h5" <<'PY' || fail "the two scenarios did not draw the same posterior particles"
import sys, h5py, numpy as np
f, p = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
post = [x.decode() for x in p["calibration/parameter"][:]]
last = p["calibration/theta"][-1]
cols = {}
byname = {n.split("+")[0]: n for n in f["scenarios"]}   # names carry the --set's suffix
for s in ("extended-2030", "ext-b"):
    g = f["scenarios"][byname[s]]
    names = [x.decode() for x in g["parameter"][:]]
    cols[s] = g["parameters"][:][:, [names.index(n) for n in post]]
    # every replication's calibrated values are one particle of the last generation
    assert all(np.any(np.all(last == row, axis=1)) for row in cols[s]), s
    assert g.attrs["posterior"] == sys.argv[2]
assert np.array_equal(cols["extended-2030"], cols["ext-b"])
assert len({tuple(r) for r in cols["ext-b"]}) > 5      # not one particle for all
PY
"$PHOENIX" run scenarios/ishigami.ini -n 10 -o "$k/ish.h5" --quiet
expect_error "--posterior of a plain run" 2 "ish.h5: no /calibration group" "$PHOENIX" run scenarios/plan-2021-2023.ini --posterior "$k/ish.h5" -n 10 -o "$d/r.h5"
expect_error "--posterior missing" 2 "nothere.h5" "$PHOENIX" run scenarios/plan-2021-2023.ini --posterior "$k/nothere.h5" -n 10 -o "$d/r.h5"
expect_error "--posterior of another model" 2 "the posterior is of model tlhn" "$PHOENIX" run scenarios/ishigami.ini --posterior "$k/p1.h5" -n 10 -o "$d/r.h5"
printf '[scenario]\nbase = %s/scenarios/plan-2021-2023.ini\nyears = 2022-2023\n[rectify]\nfirms_per_year = 300 250\n' "$PWD" >"$d/short.ini"
expect_error "--posterior slot missing" 2 "posterior parameter attract.major_per_year\[2021\] is not a parameter of scenario" "$PHOENIX" run "$d/short.ini" --posterior "$k/p1.h5" -n 10 -o "$d/r.h5"

[ "$fails" -eq 0 ] && echo "t_calibrate: all passed"
[ "$fails" -eq 0 ]
