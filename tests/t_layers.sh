#!/bin/sh
# t_layers.sh -- no file in cli/ or output/ names a parameter or metric of the tlhn model
# (docs/developing.md "Layout"): every key of `phoenix params tlhn --format md` and every metric
# of a results file, as a whole word, in cli/ and output/: no hit.
PHOENIX=${PHOENIX:-build/phoenix}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "t_layers: $*"; exit 1; }
"$PHOENIX" params tlhn --format md >"$tmp/params.md" || fail "phoenix params failed"
sed -n 's/^| `\([a-z_][a-z0-9_.]*\)` |.*/\1/p' "$tmp/params.md" >"$tmp/names"
grep -q '^population\.csv_delimiter$' "$tmp/names" || fail "no parameter keys read from phoenix params"
"$PHOENIX" run scenarios/plan-2021-2023.ini -n 2 --set population.scale=0.05 -o "$tmp/r.h5" --quiet \
    || fail "phoenix run failed"
name=$(h5ls "$tmp/r.h5/scenarios" | awk '{print $1; exit}')
scales='$1 != "year" && $1 != "replication" && $1 != "district"'    # the dimension scales
h5ls "$tmp/r.h5/scenarios/$name/metrics" | awk "$scales {print \$1}" >>"$tmp/names"
h5ls "$tmp/r.h5/scenarios/$name/districts" | awk "$scales {print \$1}" >>"$tmp/names"
grep -q '^firms_rectified$' "$tmp/names" || fail "no metric names read from the results file"
n=$(sort -u "$tmp/names" | wc -l)
hits=$(sort -u "$tmp/names" | grep -rnwF -f - cli/ output/)
[ -z "$hits" ] || fail "tlhn names in cli/ or output/ (they belong to models/tlhn/):
$hits"
echo "t_layers: none of tlhn's $n parameter and metric names appears in cli/ or output/"
