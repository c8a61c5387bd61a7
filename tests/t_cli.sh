#!/bin/sh
# t_cli.sh -- the command line end to end: exit codes, one-line errors naming file, line and key,
# no output file after any error, --force, and identical results at 1, 2, 3 and 8 threads.
PHOENIX=${PHOENIX:-build/phoenix}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_error NAME STATUS PATTERN CMD... : exit status STATUS, one line on stderr matching
# PATTERN, and no results file (nor a temporary one) left in $d.
expect_error() {
    name=$1; want=$2; pat=$3; shift 3
    "$@" >"$d/out" 2>"$d/err"; st=$?
    [ "$st" -eq "$want" ] || fail "$name: exit $st, want $want ($(cat "$d/err"))"
    [ "$(wc -l <"$d/err")" -eq 1 ] || fail "$name: stderr is not one line: $(cat "$d/err")"
    grep -q -- "$pat" "$d/err" || fail "$name: stderr '$(cat "$d/err")' lacks '$pat'"
    ls "$d" | grep -q '\.h5' && fail "$name: left a results file: $(ls "$d")"
    rm -f "$d"/*.h5 "$d"/*.tmp.*
}

cat >"$d/ok.ini" <<'INI'
[scenario]
model = ishigami
years = 2021
replications = 2000
INI
printf '[scenario]\nmodel = ishigami\n[ishigami]\nc = 1\n' >"$d/badkey.ini"
printf '[scenario]\nmodel = ishigami\n[ishigami]\nx1 = uniform(1)\n' >"$d/baddist.ini"
printf '[scenario]\nmodel = ishigami\nreplications = -3\n' >"$d/badreps.ini"
printf '[scenario]\nmodel = ishigami\n[nosection]\nx = 1\n' >"$d/badsec.ini"

out="$d/r.h5"
expect_error "missing scenario" 2 "nothere.ini: cannot read scenario file" "$PHOENIX" run "$d/nothere.ini" -o "$out"
expect_error "unknown key" 2 "badkey.ini:4: ishigami.c: unknown key" "$PHOENIX" run "$d/badkey.ini" -o "$out"
expect_error "unknown section" 2 "badsec.ini:4: nosection.x: unknown section" "$PHOENIX" run "$d/badsec.ini" -o "$out"
expect_error "malformed distribution" 2 "baddist.ini:4: ishigami.x1:" "$PHOENIX" run "$d/baddist.ini" -o "$out"
expect_error "non-positive replications" 2 "badreps.ini:3: scenario.replications:" "$PHOENIX" run "$d/badreps.ini" -o "$out"
expect_error "-n 0" 2 "^phoenix: -n: scenario.replications:" "$PHOENIX" run "$d/ok.ini" -n 0 -o "$out"
expect_error "--threads 0" 2 "--threads: '0' is not a positive integer" "$PHOENIX" run "$d/ok.ini" --threads 0 -o "$out"
expect_error "bad sampler" 2 "sampler" "$PHOENIX" run "$d/ok.ini" --sampler fastest -o "$out"
expect_error "--set out of bounds" 2 "^phoenix: --set: rectify.p_complete: 1.5 is out of bounds" "$PHOENIX" run scenarios/plan-2021-2023.ini --set rectify.p_complete=1.5 -o "$out"
expect_error "per-year list of the wrong length" 2 "rectify.firms_per_year: expects 1 value or 3" "$PHOENIX" run scenarios/plan-2021-2023.ini --set "rectify.firms_per_year=1 2" -o "$out"
printf 'id,district\n1,xihu\n' >"$d/firms.csv"
expect_error "bad firm table" 2 "firms.csv:1: 10 missing columns: sector (行业), above_scale (是否规上)" "$PHOENIX" run scenarios/plan-2021-2023.ini --firms "$d/firms.csv" -o "$out"
expect_error "--set bad form" 2 "expected section.key=value" "$PHOENIX" run "$d/ok.ini" --set x -o "$out"
expect_error "unknown command" 2 "unknown command" "$PHOENIX" frobnicate
expect_error "no command" 2 "no command" "$PHOENIX"

"$PHOENIX" --help >/dev/null || fail "--help"
"$PHOENIX" --version | grep -q "^phoenix " || fail "--version"
"$PHOENIX" params ishigami | grep -q "ishigami.x1" || fail "params ishigami"

# --force: an existing file is kept without it, replaced with it
echo keep >"$out"
"$PHOENIX" run "$d/ok.ini" -o "$out" --quiet 2>"$d/err"; st=$?
[ "$st" -eq 2 ] || fail "existing output: exit $st"
grep -q "exists; use --force" "$d/err" || fail "existing output message: $(cat "$d/err")"
[ "$(cat "$out")" = keep ] || fail "existing output was changed"
"$PHOENIX" run "$d/ok.ini" -o "$out" --force --quiet || fail "--force run"
h5dump -H "$out" >/dev/null 2>&1 || fail "h5dump cannot read the results"
"$PHOENIX" summary "$out" | grep -q "y" || fail "summary"
ls "$d" | grep -q '\.tmp\.' && fail "temporary file left behind"

# identical results at 1, 2, 3 and 8 threads (the whole scenario group: metrics, districts,
# parameters, summary), for the test model and for the 腾笼换鸟 model
cp scenarios/plan-2021-2023.ini "$d/plan.ini"
for case in "ok.ini ok 2000" "plan.ini plan-2021-2023 48"; do
    set -- $case
    for t in 1 2 3 8; do
        "$PHOENIX" run "$d/$1" -n "$3" -o "$d/t$t.h5" --threads "$t" --block 7 --quiet || fail "$1: threads $t"
    done
    for t in 2 3 8; do
        h5diff "$d/t1.h5" "$d/t$t.h5" "/scenarios/$2" >/dev/null || fail "$1: threads 1 vs $t differ"
    done
    rm -f "$d"/t*.h5
done

# an interrupted run leaves nothing behind, neither the results nor the temporary file
"$PHOENIX" run "$d/plan.ini" -n 100000 -o "$d/int.h5" --quiet &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"; st=$?
[ "$st" -ne 0 ] || fail "interrupted run exited 0"
ls "$d" | grep -q 'int\.h5' && fail "interrupted run left $(ls "$d" | grep int)"

# so does an interrupted fund sizing (its results file is opened before the simulations)
"$PHOENIX" fund "$d/plan.ini" --confidence 0.9 -n 100000 -o "$d/intf.h5" --quiet &
pid=$!
sleep 1
kill -TERM "$pid"
wait "$pid"; st=$?
[ "$st" -ne 0 ] || fail "interrupted fund exited 0"
ls "$d" | grep -q 'intf\.h5' && fail "interrupted fund left $(ls "$d" | grep intf)"

[ "$fails" -eq 0 ] && echo "t_cli: all checks passed"
exit "$fails"
