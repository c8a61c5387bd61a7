#!/bin/sh
# numpy.sh -- phoenix against the NumPy reference implementation (bench/numpy_tlhn.py, issue 17):
# the same scenario, the same firm table, the same replications, one thread each, alternately in
# rounds; medians of wall and process CPU seconds, ns per firm-year and the ratio NumPy / phoenix.
#
#   sh bench/numpy.sh                       # the plan, 16,000 firms, then 100,000 firms
#   NUMPY_REPS=300 NUMPY_ROUNDS=5 NUMPY_SCALES="1" sh bench/numpy.sh
#
# Two measurements per side and round:
#   model  -- the replications alone: phoenix through build/bench/scale (run_replications into
#             the discarding sink, after prepare), NumPy the loop over replications in
#             numpy_tlhn.py (after reading the table and the scenario); wall and process CPU;
#   process -- the whole command under /usr/bin/time: `phoenix run ... -o FILE.h5` (population
#             synthesis, prepare, HDF5 output included) and `numpy_tlhn.py ...` (interpreter and
#             numpy start-up, CSV read included); wall and user+sys CPU.
# NUMPY_BEFORE=DIR adds a third side, "before": an older tree built in DIR (bench/README.md,
# "pair.sh", says how), its build/bench/scale and build/phoenix on its own copy of the scenario.
# Results go to stdout and, one row per run, to build/bench/numpy.csv.
set -eu
cd "$(dirname "$0")/.."
SCEN=${NUMPY_SCENARIO:-scenarios/plan-2021-2023.ini}
REPS=${NUMPY_REPS:-200}
ROUNDS=${NUMPY_ROUNDS:-3}
SCALES=${NUMPY_SCALES:-1 6.25}
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1
make -s -j2 all build/bench/scale >/dev/null
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
CSV=build/bench/numpy.csv
echo "side,scale,firms,reps,years,round,what,wall_s,cpu_s" >"$CSV"

for SC in $SCALES; do
    SET="--set population.scale=$SC"
    build/phoenix synth "$SCEN" -o "$TMP/firms.csv" $SET --force >/dev/null 2>&1
    FIRMS=$(($(wc -l <"$TMP/firms.csv") - 1))
    YEARS=$($PY -c "import sys; sys.path.insert(0, 'bench'); import numpy_tlhn as m; \
print(m.Params('$SCEN', [], 'build/phoenix').n_years)")
    r=1
    while [ "$r" -le "$ROUNDS" ]; do
        # alternate which side goes first
        if [ -z "${NUMPY_BEFORE:-}" ]; then
            if [ $((r % 2)) -eq 1 ]; then ORDER="phoenix numpy"; else ORDER="numpy phoenix"; fi
        else
            case $((r % 3)) in
            1) ORDER="phoenix numpy before" ;;
            2) ORDER="numpy before phoenix" ;;
            *) ORDER="before phoenix numpy" ;;
            esac
        fi
        for SIDE in $ORDER; do
            if [ "$SIDE" != numpy ]; then
                ROOT=.
                [ "$SIDE" = before ] && ROOT=$NUMPY_BEFORE
                # model: seconds_best (one repeat) and cpu_s columns of bench/scale
                "$ROOT/build/bench/scale" --scenario "$ROOT/$SCEN" --reps "$REPS" --threads 1 \
                    --sink null $SET | awk -F, -v s="$SIDE" -v sc="$SC" -v f="$FIRMS" -v n="$REPS" \
                    -v y="$YEARS" -v r="$r" \
                    '{ printf "%s,%s,%s,%s,%s,%s,model,%s,%s\n", s, sc, f, n, y, r, $10, $17 }' \
                    >>"$CSV"
                /usr/bin/time -f "%e %U %S" -o "$TMP/t" "$ROOT/build/phoenix" run "$ROOT/$SCEN" \
                    -n "$REPS" --threads 1 -o "$TMP/ph.h5" --force --quiet $SET
            else
                /usr/bin/time -f "%e %U %S" -o "$TMP/t" $PY bench/numpy_tlhn.py "$SCEN" \
                    --firms "$TMP/firms.csv" -n "$REPS" $SET >"$TMP/np.txt"
                sed -n 's/.*wall \([0-9.]*\) s, cpu \([0-9.]*\) s.*/\1 \2/p' "$TMP/np.txt" |
                    awk -v sc="$SC" -v f="$FIRMS" -v n="$REPS" -v y="$YEARS" -v r="$r" \
                    '{ printf "numpy,%s,%s,%s,%s,%s,model,%s,%s\n", sc, f, n, y, r, $1, $2 }' \
                    >>"$CSV"
            fi
            awk -v s="$SIDE" -v sc="$SC" -v f="$FIRMS" -v n="$REPS" -v y="$YEARS" -v r="$r" \
                '{ printf "%s,%s,%s,%s,%s,%s,process,%s,%.2f\n", s, sc, f, n, y, r, $1, $2 + $3 }' \
                "$TMP/t" >>"$CSV"
        done
        r=$((r + 1))
    done
done

# medians per (side, scale, what); ns per firm-year; the ratio numpy / phoenix
$PY - "$CSV" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = {}
for key in {(r["side"], r["scale"], r["what"]) for r in rows}:
    rs = [r for r in rows if (r["side"], r["scale"], r["what"]) == key]
    fy = int(rs[0]["firms"]) * int(rs[0]["reps"]) * int(rs[0]["years"])
    med[key] = (statistics.median(float(r["wall_s"]) for r in rs),
                statistics.median(float(r["cpu_s"]) for r in rs), fy, len(rs), rs[0]["firms"])
print(f"{'firms':>8} {'what':8} {'side':8} {'runs':>4} {'wall s':>8} {'cpu s':>8} "
      f"{'ns/fy wall':>10} {'ns/fy cpu':>10}")
for sc in sorted({k[1] for k in med}, key=float):
    for what in ("model", "process"):
        sides = [s for s in ("phoenix", "numpy", "before") if (s, sc, what) in med]
        for side in sides:
            w, c, fy, n, firms = med[(side, sc, what)]
            print(f"{firms:>8} {what:8} {side:8} {n:4d} {w:8.3f} {c:8.3f} "
                  f"{1e9 * w / fy:10.1f} {1e9 * c / fy:10.1f}")
        (pw, pc, *_), (nw, nc, *_) = med[("phoenix", sc, what)], med[("numpy", sc, what)]
        print(f"{'':8} {what:8} {'ratio':8} {'':4} numpy/phoenix: wall {nw / pw:.2f}x, "
              f"cpu {nc / pc:.2f}x")
        if "before" in sides:
            bw, bc, *_ = med[("before", sc, what)]
            print(f"{'':8} {what:8} {'ratio':8} {'':4} numpy/before: wall {nw / bw:.2f}x, "
                  f"cpu {nc / bc:.2f}x")
EOF
