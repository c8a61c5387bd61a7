#!/bin/sh
# t_hardening.sh -- issue 16 part A end to end: what is not a scenario is refused (exit 2, file
# and line, nothing written); resource options bounded before anything is allocated; the output's
# temporary file created only after the inputs are read.
PHOENIX=${PHOENIX:-build/phoenix}
S=scenarios/plan-2021-2023.ini
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# expect_error NAME STATUS PATTERN CMD... : exit STATUS, stderr matching PATTERN, nothing in $d/out/
expect_error() {
    name=$1; want=$2; pat=$3; shift 3
    mkdir -p "$d/out"
    "$@" >"$d/stdout" 2>"$d/err"; st=$?
    [ "$st" -eq "$want" ] || fail "$name: exit $st, want $want ($(cat "$d/err"))"
    grep -q -- "$pat" "$d/err" || fail "$name: stderr '$(cat "$d/err")' lacks '$pat'"
    [ -z "$(ls -A "$d/out")" ] || fail "$name: left files: $(ls -A "$d/out")"
    rm -rf "$d/out"
}

: >"$d/empty.ini"
printf '[scenario]\nname = a\000b\n' >"$d/nul.ini"
printf '[scenario]\nname = caf\351\n' >"$d/latin1.ini"
printf '[rectify]\nfirms_per_year = 0\n' >"$d/nosection.ini"
head -c 3000 /bin/sh >"$d/binary.ini"
expect_error empty 2 "empty.ini: not a scenario: the file is empty" "$PHOENIX" run "$d/empty.ini" -n 5 -o "$d/out/r.h5"
expect_error nul 2 "nul.ini:2: not a text file" "$PHOENIX" run "$d/nul.ini" -n 5 -o "$d/out/r.h5"
expect_error latin1 2 "latin1.ini:2: not UTF-8 text" "$PHOENIX" run "$d/latin1.ini" -n 5 -o "$d/out/r.h5"
expect_error nosection 2 "nosection.ini: not a scenario: no \[scenario\] section" "$PHOENIX" run "$d/nosection.ini" -n 5 -o "$d/out/r.h5"
expect_error binary 2 "binary.ini:1: not" "$PHOENIX" run "$d/binary.ini" -n 5 -o "$d/out/r.h5"
expect_error synth-empty 2 "not a scenario" "$PHOENIX" synth "$d/empty.ini" -o "$d/out/f.csv"

# a long comment whose tail reads like a key sets nothing; an 80-character Chinese description loads
long=$(printf '杭%.0s' $(seq 80))
pad=$(printf 'x%.0s' $(seq 250))
printf '[scenario]\nmodel = tlhn\ndescription = %s\n; %s firms_per_year = 0\n[rectify]\n; %s\nfirms_per_year = 300 300 250\n' \
    "$long" "$pad" "$pad" >"$d/long.ini"
"$PHOENIX" run "$d/long.ini" -n 20 -o "$d/long.h5" --quiet || fail "long lines: exit $?"
"$PHOENIX" run "$S" -n 20 -o "$d/plan.h5" --quiet || fail "plan: exit $?"
h5dump -y -o "$d/a" -d /scenarios/plan-2021-2023/metrics/firms_rectified "$d/plan.h5" >/dev/null 2>&1
h5dump -y -o "$d/b" -d /scenarios/long/metrics/firms_rectified "$d/long.h5" >/dev/null 2>&1
[ -s "$d/a" ] && cmp -s "$d/a" "$d/b" || fail "long comment changed the results (a key was set from a comment?)"

# resources: the thread cap warns and runs; absurd blocks and samplers are refused before allocating
"$PHOENIX" run "$S" --threads 100000 -n 5 -o "$d/t.h5" --quiet 2>"$d/err" || fail "--threads 100000: exit $?"
grep -q "warning: --threads 100000 is more than" "$d/err" || fail "--threads: no warning ($(cat "$d/err"))"
expect_error block 2 "\-\-block: a block of 1000000000 replications .* needs .* of memory" \
    "$PHOENIX" run "$S" --block 1000000000 -n 1000000000 -o "$d/out/r.h5"
expect_error lhs 2 "scenario.sampler: sampler lhs over 1000000000 replications needs" \
    env PHOENIX_MEMORY=1G "$PHOENIX" run "$S" --sampler lhs -n 1000000000 -o "$d/out/r.h5"

# a bad firm table: refused before the output's temporary file exists (nothing in out/, ever)
printf 'firm_id,district\n1,xx\n' >"$d/bad.csv"
expect_error firms 2 "bad.csv" "$PHOENIX" run "$S" --firms "$d/bad.csv" -n 5 -o "$d/out/r.h5"

# the firm table read from a FIFO: while phoenix waits for it, no temporary file exists yet
"$PHOENIX" synth "$S" -o "$d/firms.csv" >/dev/null 2>&1 || fail "synth: exit $?"
mkdir -p "$d/fifo" && mkfifo "$d/fifo/t.csv"
"$PHOENIX" run "$S" --firms "$d/fifo/t.csv" -n 3 -o "$d/fifo/r.h5" --quiet 2>"$d/err" &
pid=$!
sleep 1
ls "$d/fifo" | grep -q 'r\.h5' && fail "the temporary file exists before the firm table is read: $(ls "$d/fifo")"
timeout 30 sh -c "cat '$d/firms.csv' >'$d/fifo/t.csv'" || fail "phoenix never read the FIFO"
wait $pid || fail "run with a FIFO firm table: exit $? ($(cat "$d/err"))"
[ -f "$d/fifo/r.h5" ] || fail "no results after the FIFO run"

# fuzzer finding (results reader): a damaged dataset shape (2^58 values) was multiplied out in
# size_t and allocated: "out of memory" (exit 1), or, wrapped around, a heap overflow. Now: exit 2.
expect_error damaged-shape 2 "dataset mean (288230376151711745 values) needs .*is the file damaged?" \
    "$PHOENIX" summary tests/data/fuzz/results-huge-shape.h5

# fuzzer finding (results reader): a damaged link B-tree on which libhdf5 1.10 itself segfaults
# (in H5F__accum_read under H5Lexists): one line naming the file, exit 2, no output left.
expect_error libhdf5-crash 2 "results-btree-crash.h5: damaged HDF5 file: libhdf5 crashed reading it" \
    "$PHOENIX" summary tests/data/fuzz/results-btree-crash.h5
expect_error libhdf5-crash-report 2 "damaged HDF5 file" \
    "$PHOENIX" report tests/data/fuzz/results-btree-crash.h5 -o "$d/out/crash.html"

[ "$fails" -eq 0 ] && echo "t_hardening: all checks passed"
[ "$fails" -eq 0 ]
