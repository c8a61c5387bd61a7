#!/bin/sh
# run.sh -- the benchmark suite (issue 7): runs build/bench/threads and build/bench/scale on the
# plan scenario, writes every raw measurement to build/bench/results.csv and prints one table,
# with where each target stands. Run from the repository root (`make bench` builds and runs it).
#
# Sizes (environment):
#   BENCH_THREADS="1 2"        thread counts of benchmarks 1-2 (default 1, 2, ... the core count)
#   BENCH_REPS=300             replications per timed run of benchmarks 1-2
#   BENCH_REPEAT=5             timed runs per case; the best is reported
#   BENCH_WORK_REPS="1000 10000"  replication counts of benchmarks 3-5 (BENCH_FULL adds 100000)
#   BENCH_FIRMS_REPS=1000      replications of the 16k- and 100k-firm runs (and the constrained ones)
#   BENCH_HUGE_REPS=40         replications of the 1M-firm runs (population.scale=62.5)
#   BENCH_FUND_REPS=300        replications of `phoenix fund --require energy_freed_tce` (0: skip)
#   BENCH_MEM_REPS="1000 10000 100000"  replication counts of the memory runs (benchmark 5), on a
#                              160-firm population (population.scale=0.01): what grows with
#                              replications is the engine's and the writer's, not the firms'
#   BENCH_QUICK=1              a smoke run (seconds): small sizes, one repeat
#   BENCH_FULL=1               also 100k replications (about 12 minutes in all on 2 cores)
#   BENCH_SCENARIO=...         another scenario of the tlhn model
#   BENCH_MPI_REPS=1000        replications of the MPI runs (build-mpi/phoenix, or PHOENIX_MPI)
#   BENCH_CSV=build/bench/results.csv
# Nothing here asserts a time: the targets are reported, never enforced.
set -eu

BIN=${BUILD:-build}/bench
if [ ! -x "$BIN/threads" ] && [ -x build-mpi/bench/threads ]; then
    BIN=build-mpi/bench                # `make bench MPI=1` builds them there
fi
SCENARIO=${BENCH_SCENARIO:-scenarios/plan-2021-2023.ini}
CSV=${BENCH_CSV:-$BIN/results.csv}
H5TMP=${TMPDIR:-/tmp}/phoenix-bench-$$.h5
PHOENIX=${PHOENIX:-${BUILD:-build}/phoenix}     # the serial build, for the MPI comparison
trap 'rm -f "$H5TMP" "$H5TMP".tmp.*' EXIT INT TERM

if [ "${BENCH_QUICK:-0}" = 1 ]; then
    REPS=${BENCH_REPS:-100}; REPEAT=${BENCH_REPEAT:-1}
    WORK_REPS=${BENCH_WORK_REPS:-"200 1000"}; FIRMS_REPS=${BENCH_FIRMS_REPS:-100}
    MEM_REPS=${BENCH_MEM_REPS:-"1000 5000"}
    HUGE_REPS=${BENCH_HUGE_REPS:-4}; FUND_REPS=${BENCH_FUND_REPS:-30}
else
    REPS=${BENCH_REPS:-300}; REPEAT=${BENCH_REPEAT:-5}
    WORK_REPS=${BENCH_WORK_REPS:-"1000 10000"}; FIRMS_REPS=${BENCH_FIRMS_REPS:-1000}
    MEM_REPS=${BENCH_MEM_REPS:-"1000 10000 100000"}
    HUGE_REPS=${BENCH_HUGE_REPS:-40}; FUND_REPS=${BENCH_FUND_REPS:-300}
fi
[ "${BENCH_FULL:-0}" = 1 ] && WORK_REPS="$WORK_REPS 100000"
CORES=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
THREADS=${BENCH_THREADS:-}
BIG_SCALE=6.25                       # 16,000 x 6.25 = 100,000 firms
HUGE_SCALE=62.5                      # 16,000 x 62.5 = 1,000,000 firms

for b in threads scale; do
    if [ ! -x "$BIN/$b" ]; then
        echo "bench: $BIN/$b is missing; run 'make bench' (or 'make $BIN/$b')" >&2
        exit 2
    fi
done
mkdir -p "$(dirname "$CSV")"

# ---- the machine ---------------------------------------------------------------------------
CPU=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
CC_VERSION=$(${CC:-cc} --version 2>/dev/null | head -n 1)
DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
GIT=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
load() { cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo "?"; }
LOAD0=$(load)
now() { date +%s.%N; }

echo "bench: running (QUICK=${BENCH_QUICK:-0} FULL=${BENCH_FULL:-0}); raw results go to $CSV" >&2
"$BIN/scale" --csv-header > "$CSV"

# ---- 1-2. threads: model and floor, alternately ------------------------------------------------
echo "bench: 1-2 threads, model and floor, $REPS replications x $REPEAT" >&2
"$BIN/threads" --scenario "$SCENARIO" --reps "$REPS" --repeat "$REPEAT" \
    --threads "$THREADS" --label threads >> "$CSV"

# ---- 3-5. work, firms, output, memory: one process per size --------------------------------
scale() { "$BIN/scale" --scenario "$SCENARIO" --threads "$THREADS" --out "$H5TMP" "$@" >> "$CSV"; }
for n in $WORK_REPS; do
    echo "bench: 3-5 $n replications, discarding sink and HDF5 writer" >&2
    scale --reps "$n" --sink null --label work
    scale --reps "$n" --sink h5 --label work
done
echo "bench: 3 firms, 16k and 100k, model and floor, $FIRMS_REPS replications" >&2
for s in 1 $BIG_SCALE; do
    scale --reps "$FIRMS_REPS" --set population.scale=$s --kernel model --label firms
    scale --reps "$FIRMS_REPS" --set population.scale=$s --kernel floor --label firms
done

echo "bench: 3 firms, 1M, model and floor, $HUGE_REPS replications" >&2
scale --reps "$HUGE_REPS" --set population.scale=$HUGE_SCALE --kernel model --label firms
scale --reps "$HUGE_REPS" --set population.scale=$HUGE_SCALE --kernel floor --label firms

# ---- 7. the constrained fund (issue 17): the same run with fund.constrained = on and off, and
# `phoenix fund --require` (which runs its search with fund.constrained = on)
echo "bench: 7 constrained, $FIRMS_REPS replications, on and off" >&2
scale --reps "$FIRMS_REPS" --set fund.constrained=on --label constrained
scale --reps "$FIRMS_REPS" --set fund.constrained=off --label constrained
if [ "$FUND_REPS" -gt 0 ]; then
    echo "bench: 7 phoenix fund --require energy_freed_tce -n $FUND_REPS" >&2
    ft=${THREADS##* }
    [ -n "$ft" ] || ft=$CORES
    t0=$(date +%s.%N)
    "$PHOENIX" fund "$SCENARIO" --confidence 0.6 --require energy_freed_tce -n "$FUND_REPS" \
        --threads "$ft" -o "$H5TMP" --force --quiet > /dev/null
    t1=$(date +%s.%N)
    secs=$(echo "$t0 $t1" | awk '{ printf "%.6f", $2 - $1 }')
    echo "fund,require,model,h5,$ft,$FUND_REPS,0,0,1,$secs,$secs,0,0,0,0,0,0" >> "$CSV"
fi

echo "bench: 5 memory, $MEM_REPS replications of 160 firms" >&2
for n in $MEM_REPS; do
    scale --reps "$n" --set population.scale=0.01 --sink null --label memory
    scale --reps "$n" --set population.scale=0.01 --sink h5 --label memory
done

# ---- 6. MPI: with the MPI build (make MPI=1) and mpirun -------------------------------------------
# The same run three ways, HDF5 output included: the serial build on 2 threads, then the MPI
# build as 1 rank x 2 threads and as 2 ranks x 1 thread (--bind-to none: OpenMPI would otherwise
# pin a rank's threads to one core).
PHOENIX_MPI=${PHOENIX_MPI:-build-mpi/phoenix}
MPI_NOTE=""
if ! command -v mpirun >/dev/null 2>&1; then
    MPI_NOTE="n/a (no mpirun: make deps MPI=1)"
elif [ ! -x "$PHOENIX_MPI" ] || ! "$PHOENIX_MPI" --version 2>/dev/null | grep -qi mpi; then
    MPI_NOTE="not built (make MPI=1)"
else
    MPI_REPS=${BENCH_MPI_REPS:-$FIRMS_REPS}
    if [ "$(id -u)" = 0 ]; then
        export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    fi
    echo "bench: 6 MPI, 1 rank x 2 threads vs 2 ranks x 1 thread, $MPI_REPS replications" >&2
    for layout in "serial 1 2" "mpi 1 2" "mpi 2 1"; do
        set -- $layout
        t0=$(now)
        if [ "$1" = serial ]; then
            "$PHOENIX" run "$SCENARIO" -n "$MPI_REPS" --threads "$3" -o "$H5TMP" --force --quiet
        else
            mpirun --oversubscribe --bind-to none -n "$2" "$PHOENIX_MPI" run "$SCENARIO" \
                -n "$MPI_REPS" --threads "$3" -o "$H5TMP" --force --quiet
        fi
        t1=$(now)
        secs=$(echo "$t0 $t1" | awk '{ printf "%.6f", $2 - $1 }')
        echo "mpi,$1 ${2}x$3,model,h5,$3,$MPI_REPS,0,0,1,$secs,$secs,0,0,0,0,0,0" >> "$CSV"
    done
fi
LOAD1=$(load)

# ---- the table -------------------------------------------------------------------------------
awk -v cpu="$CPU" -v cores="$CORES" -v cc="$CC_VERSION" -v date="$DATE" -v git="$GIT" \
    -v load0="$LOAD0" -v load1="$LOAD1" -v scenario="$SCENARIO" -v mpi_note="$MPI_NOTE" \
    -f "$(dirname "$0")/table.awk" "$CSV"
