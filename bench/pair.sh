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
trap 'rm -f "$TMPH5" "$TMPH5".tmp.*' EXIT INT TERM
for b in "$BEFORE" "$AFTER"; do
    [ -x "$b/bench/scale" ] && [ -x "$b/phoenix" ] || { echo "pair: $b lacks phoenix or bench/scale" >&2; exit 2; }
done
mkdir -p "$(dirname "$CSV")"
echo "case,build,round,threads,firm_years,seconds" > "$CSV"

# one timed case with build $1: name threads firm-years, then the scale options
one() {
    bld=$1; name=$2; t=$3; fy=$4; shift 4
    s=$("$bld/bench/scale" --scenario "$SCEN" --threads "$t" "$@" | cut -d, -f10)
    echo "$name,$bld,$r,$t,$fy,$s" >> "$CSV"
}
fund() {
    bld=$1; t0=$(date +%s.%N)
    "$bld/phoenix" fund "$SCEN" --confidence 0.6 --require energy_freed_tce -n "$FUND_REPS" \
        --threads 2 -o "$TMPH5" --force --quiet > /dev/null
    t1=$(date +%s.%N)
    echo "fund --require -n $FUND_REPS,$bld,$r,2,0,$(echo "$t0 $t1" | awk '{ printf "%.6f", $2 - $1 }')" >> "$CSV"
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
  side = ($2 == before) ? "b" : "a"; cnt[k, side]++; v[k, side, cnt[k, side]] = $6 }
function median(k, side,   m, i, j, x, a) {
    m = cnt[k, side]; for (i = 1; i <= m; i++) a[i] = v[k, side, i]
    for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2 }
END {
    printf "before: %s   after: %s   (medians of paired, alternating runs)\n", before, after
    printf "%-26s %7s %10s %10s %8s %15s %15s\n", "case", "rounds", "before s", "after s", "speed-up",
        "before ns/f-y", "after ns/f-y"
    for (i = 1; i <= n; i++) {
        k = order[i]; mb = median(k, "b"); ma = median(k, "a"); split(k, p, " @")
        t = p[2]; fy = FY[k]
        nb = fy > 0 ? sprintf("%15.1f", 1e9 * mb * t / fy) : sprintf("%15s", "-")
        na = fy > 0 ? sprintf("%15.1f", 1e9 * ma * t / fy) : sprintf("%15s", "-")
        printf "%-26s %7d %10.3f %10.3f %7.2fx %s %s\n", p[1] " (" t " thr)", cnt[k, "a"], mb, ma, mb / ma, nb, na
    }
}' "$CSV"
