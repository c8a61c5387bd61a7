#!/bin/sh
# pair.sh -- before and after (issue 17): the same cases timed with two builds, alternately
# (before, after, after, before, ...) in rounds, so that both see the same machine; medians.
#   sh bench/pair.sh BEFORE_BUILD [AFTER_BUILD]
# Each build folder holds phoenix and bench/scale (bench/scale built from this bench/ against
# that build's library: see bench/README.md, "Before and after"). Environment:
#   PAIR_ROUNDS=5        rounds of the scale cases
#   PAIR_FUND_ROUNDS=3   rounds of `phoenix fund --require` (0: skip)
#   PAIR_REPS=300        replications of the 16k-firm cases
#   PAIR_HUGE_REPS=10    replications of the 1M-firm case
#   PAIR_FUND_REPS=300   replications of the fund search
#   PAIR_CSV=build/bench/pair.csv
set -eu
BEFORE=${1:?usage: sh bench/pair.sh BEFORE_BUILD [AFTER_BUILD]}
AFTER=${2:-build}
ROUNDS=${PAIR_ROUNDS:-5}; FUND_ROUNDS=${PAIR_FUND_ROUNDS:-3}
REPS=${PAIR_REPS:-300}; HUGE=${PAIR_HUGE_REPS:-10}; FUND_REPS=${PAIR_FUND_REPS:-300}
CSV=${PAIR_CSV:-build/bench/pair.csv}
SCEN=scenarios/plan-2021-2023.ini
TMPH5=${TMPDIR:-/tmp}/phoenix-pair-$$.h5
trap 'rm -f "$TMPH5" "$TMPH5".tmp.* "$TMPH5.time"' EXIT INT TERM
for b in "$BEFORE" "$AFTER"; do
    [ -x "$b/bench/scale" ] && [ -x "$b/phoenix" ] || { echo "pair: $b lacks phoenix or bench/scale" >&2; exit 2; }
done
mkdir -p "$(dirname "$CSV")"
echo "case,build,round,threads,firm_years,seconds,cpu_seconds" > "$CSV"

# one timed case with build $1: name threads firm-years, then the scale options
one() {
    bld=$1; name=$2; t=$3; fy=$4; shift 4
    s=$("$bld/bench/scale" --scenario "$SCEN" --threads "$t" "$@" | cut -d, -f10,17)
    echo "$name,$bld,$r,$t,$fy,$s" >> "$CSV"
}
fund() {
    bld=$1
    /usr/bin/time -f "%e %U %S" -o "$TMPH5.time" "$bld/phoenix" fund "$SCEN" --confidence 0.6 \
        --require energy_freed_tce -n "$FUND_REPS" --threads 2 -o "$TMPH5" --force --quiet > /dev/null
    echo "fund --require -n $FUND_REPS,$bld,$r,2,0,$(awk '{ printf "%.6f,%.6f", $1, $2 + $3 }' "$TMPH5.time")" >> "$CSV"
}
r=0
while [ "$r" -lt "$ROUNDS" ]; do
    r=$((r + 1))
    if [ $((r % 2)) = 1 ]; then order="$BEFORE $AFTER"; else order="$AFTER $BEFORE"; fi
    echo "pair: round $r of $ROUNDS" >&2
    for b in $order; do one "$b" "plan 16k" 1 $((REPS * 48000)) --reps "$REPS"; done
    for b in $order; do one "$b" "plan 16k" 2 $((REPS * 48000)) --reps "$REPS"; done
    for b in $order; do one "$b" "plan 1M" 2 $((HUGE * 3000000)) --reps "$HUGE" --set population.scale=62.5; done
    for b in $order; do one "$b" "constrained 16k" 2 $((REPS * 48000)) --reps "$REPS" --set fund.constrained=on; done
done
r=0
while [ "$r" -lt "$FUND_ROUNDS" ]; do
    r=$((r + 1))
    if [ $((r % 2)) = 1 ]; then order="$BEFORE $AFTER"; else order="$AFTER $BEFORE"; fi
    echo "pair: fund round $r of $FUND_ROUNDS" >&2
    for b in $order; do fund "$b"; done
done

awk -F, -v before="$BEFORE" -v after="$AFTER" '
NR == 1 { next }
{ k = $1 " @" $4; if (!(k in seen)) { seen[k] = 1; order[++n] = k; FY[k] = $5 }
  side = ($2 == before) ? "b" : "a"; c = ++cnt[k, side]; v[k, side, c] = $6; u[k, side, c] = $7 }
function median(k, side, cpu,   m, i, j, x, a) {
    m = cnt[k, side]; for (i = 1; i <= m; i++) a[i] = cpu ? u[k, side, i] : v[k, side, i]
    for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
END {
    printf "before: %s   after: %s   (medians of paired, alternating runs)\n", before, after
    printf "  wall: seconds of the run; CPU: the process CPU seconds (all threads), which a shared\n"
    printf "  machine inflates less; ns/f-y: CPU ns per firm-year\n"
    printf "%-26s %6s %9s %9s %8s %9s %9s %8s %9s %9s\n", "case", "rounds", "wall bef", "wall aft",
        "speed-up", "CPU bef", "CPU aft", "speed-up", "ns/f-y b", "ns/f-y a"
    for (i = 1; i <= n; i++) {
        k = order[i]; wb = median(k, "b", 0); wa = median(k, "a", 0)
        cb = median(k, "b", 1); ca = median(k, "a", 1); split(k, p, " @"); fy = FY[k]
        nb = fy > 0 ? sprintf("%9.1f", 1e9 * cb / fy) : sprintf("%9s", "-")
        na = fy > 0 ? sprintf("%9.1f", 1e9 * ca / fy) : sprintf("%9s", "-")
        printf "%-26s %6d %9.3f %9.3f %7.2fx %9.3f %9.3f %7.2fx %s %s\n", p[1] " (" p[2] " thr)",
            cnt[k, "a"], wb, wa, wb / wa, cb, ca, cb / ca, nb, na
    }
}' "$CSV"
