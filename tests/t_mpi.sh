#!/bin/sh
# t_mpi.sh -- the MPI build under mpirun: results identical (h5diff) to a single-process run for
# 1, 2 and 3 ranks at 1 and 2 threads per rank (run, --precision, several scenarios, sweep);
# errors end every rank with the same exit status, one message, and no file left behind (an
# input error on all ranks or on one, a command other than run and sweep, an existing output,
# a failed write on rank 0 mid-run).
# Skipped (exit 0) for a serial build: `make test MPI=1` runs it.
PHOENIX=${PHOENIX:-build/phoenix}
if ! "$PHOENIX" --version 2>/dev/null | grep -q '; mpi)'; then
    echo "t_mpi: skipped: serial build ($PHOENIX)"
    exit 0
fi
# Containers run CI as root; OpenMPI refuses that unless told. --bind-to none: OpenMP threads
# of a rank may use every core (OpenMPI binds ranks to one core each by default).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPIRUN="mpirun --oversubscribe --bind-to none"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The plan scenario (districts: group rows too), small; blocks smaller than a rank's part.
plan=scenarios/plan-2021-2023.ini
"$PHOENIX" run $plan -n 150 --block 40 --threads 1 -o "$d/serial.h5" --quiet || fail "serial run"
for k in 1 2 3; do
    for t in 1 2; do
        $MPIRUN -n $k "$PHOENIX" run $plan -n 150 --block 40 --threads $t -o "$d/k$k.t$t.h5" \
            --quiet >"$d/log" 2>&1 || fail "$k ranks x $t threads: exit $? ($(cat "$d/log"))"
        h5diff "$d/serial.h5" "$d/k$k.t$t.h5" /scenarios/plan-2021-2023 >/dev/null ||
            fail "$k ranks x $t threads: /scenarios/plan-2021-2023 differs from the serial run"
        rm -f "$d/k$k.t$t.h5"
    done
done

# --precision: batches split across ranks, the stopping point decided on rank 0.
"$PHOENIX" run scenarios/ishigami.ini --precision 0.03 --batch 700 --block 300 -o "$d/p1.h5" \
    --quiet || fail "serial --precision"
$MPIRUN -n 3 "$PHOENIX" run scenarios/ishigami.ini --precision 0.03 --batch 700 --block 300 \
    -o "$d/p3.h5" --quiet || fail "--precision on 3 ranks"
h5diff "$d/p1.h5" "$d/p3.h5" /scenarios/ishigami >/dev/null || fail "--precision: 3 ranks differ"

# A sweep: every point, the comparisons and the grid.
sweep="sweep $plan --vary rectify.priority=energy,tax_per_mu -n 60 --block 25 --quiet"
"$PHOENIX" $sweep -o "$d/s1.h5" >/dev/null || fail "serial sweep"
$MPIRUN -n 2 "$PHOENIX" $sweep --threads 2 -o "$d/s2.h5" >"$d/stdout" || fail "sweep on 2 ranks"
[ -s "$d/stdout" ] && fail "sweep --quiet printed: $(cat "$d/stdout")"
for g in /scenarios /comparisons /sweep; do
    h5diff "$d/s1.h5" "$d/s2.h5" $g >/dev/null || fail "sweep on 2 ranks: $g differs"
done
rm -f "$d"/*.h5

# rank.sh runs one rank and records its exit status. FSIZE: a file size limit (KiB) for rank 0
# alone; AWAY: the rank that starts in another directory (its relative paths do not resolve).
cat >"$d/rank.sh" <<'EOF'
#!/bin/sh
r=${OMPI_COMM_WORLD_RANK:-0}
if [ -n "$FSIZE" ] && [ "$r" = 0 ]; then trap '' XFSZ; ulimit -f "$FSIZE"; fi
if [ -n "$AWAY" ] && [ "$r" = "$AWAY" ]; then cd /; fi
"$@"; st=$?
echo "$st" >>"$RANKLOG"
exit "$st"
EOF
chmod +x "$d/rank.sh"
export RANKLOG="$d/ranks"

# expect_error NAME STATUS PATTERN MPIRUN-ARGS... : each of the 3 ranks exits STATUS, phoenix
# prints one line matching PATTERN, and no results file nor temporary file is left in $d/out/.
# (By default mpirun kills the other ranks as soon as one exits non-zero, so a rank's own exit
# status is seen only with orte_abort_on_non_zero_status off; mpirun then exits 0.)
expect_error() {
    name=$1; want=$2; pat=$3; shift 3
    rm -f "$RANKLOG"
    (cd "$d/out" && $MPIRUN --mca orte_abort_on_non_zero_status 0 "$@") >/dev/null 2>"$d/err"
    [ "$(sort "$RANKLOG" | tr '\n' ' ')" = "$want $want $want " ] ||
        fail "$name: rank exits $(tr '\n' ' ' <"$RANKLOG"), want $want from each of 3"
    grep '^phoenix' "$d/err" >"$d/msg"
    [ "$(wc -l <"$d/msg")" -eq 1 ] || fail "$name: not one message: $(cat "$d/msg")"
    grep -q -- "$pat" "$d/msg" || fail "$name: message '$(cat "$d/msg")' lacks '$pat'"
    [ -z "$(ls "$d/out" | grep -v '^keep\.h5$\|\.ini$')" ] || fail "$name: left $(ls "$d/out")"
}
mkdir "$d/out"
printf '[scenario]\nmodel = ishigami\n[ishigami]\nc = 1\n' >"$d/out/badkey.ini"
cp scenarios/ishigami.ini "$d/out/ok.ini"
case $PHOENIX in /*) bin=$PHOENIX ;; *) bin=$(pwd)/$PHOENIX ;; esac
R="-n 3 $d/rank.sh $bin run"
expect_error "bad input on every rank" 2 "badkey.ini:4: ishigami.c: unknown key" $R badkey.ini -o r.h5
(cd "$d/out" && $MPIRUN -n 2 "$bin" run badkey.ini -o r.h5) >/dev/null 2>&1; st=$?
[ "$st" -eq 2 ] || fail "bad input: mpirun exit $st, want 2"
expect_error "bad option on every rank" 2 "--threads: '0' is not a positive integer" $R ok.ini --threads 0 -o r.h5
export AWAY=1
expect_error "bad input on rank 1 only" 2 "rank 1: ok.ini: cannot read scenario file" \
    -x AWAY $R ok.ini -n 1000 -o r.h5
unset AWAY
expect_error "fund under mpirun" 2 "fund does not run under MPI; start it without mpirun" \
    -n 3 "$d/rank.sh" "$bin" fund ok.ini --confidence 0.9 -o r.h5
echo keep >"$d/out/keep.h5"
expect_error "existing output" 2 "keep.h5: exists; use --force" $R ok.ini -n 1000 -o keep.h5
[ "$(cat "$d/out/keep.h5")" = keep ] || fail "existing output was changed"
# Rank 0's writes fail mid-run (the file size limit, as on a full disk): the others are told to
# stop. btl self,tcp: OpenMPI's shared-memory transport would itself trip over the limit.
export FSIZE=300
expect_error "failed write on rank 0" 1 "File too large" \
    -x FSIZE --mca btl self,tcp $R ok.ini -n 1000000 --threads 1 -o r.h5
unset FSIZE

# sensitivity: the design rows split across ranks, rank 0 estimates: the same indices (issue 11).
"$PHOENIX" sensitivity scenarios/ishigami.ini -N 256 --block 100 -o "$d/s1.h5" --quiet \
    --format csv >"$d/s1.csv" || fail "serial sensitivity"
$MPIRUN -n 3 "$PHOENIX" sensitivity scenarios/ishigami.ini -N 256 --block 100 -o "$d/s3.h5" \
    --quiet --format csv >"$d/s3.csv" 2>"$d/log" || fail "sensitivity on 3 ranks ($(cat "$d/log"))"
cmp -s "$d/s1.csv" "$d/s3.csv" || fail "sensitivity: the CSV of 3 ranks differs"
h5diff "$d/s1.h5" "$d/s3.h5" /sensitivity/sobol >/dev/null || fail "sensitivity: 3 ranks differ"

[ "$fails" -eq 0 ] && echo "t_mpi: all checks passed"
exit "$fails"
