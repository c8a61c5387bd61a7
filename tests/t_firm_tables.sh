#!/bin/sh
# t_firm_tables.sh -- the firm-table corpus (tests/data/firms/EXPECTED): every twin of clean.csv
# reads as clean.csv (synth --firms writes it byte for byte); every broken file is refused by
# synth and by run with exit 2, its one-line message and no output file. Then one twin (GBK,
# Chinese headers) runs the model with the very metrics of clean.csv, and the results file
# records the table's provenance.
PHOENIX=${PHOENIX:-build/phoenix}
PHOENIX=$(cd "$(dirname "$PHOENIX")" && pwd)/$(basename "$PHOENIX")
S=$(pwd)/scenarios/plan-2021-2023.ini
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
cd tests/data/firms || exit 1

n=0
while IFS='	' read -r file opts want; do
    case "$file" in ''|'#'*) continue ;; esac
    [ "$opts" = "-" ] && opts=
    n=$((n + 1))
    # shellcheck disable=SC2086
    "$PHOENIX" synth --firms "$file" $opts -o "$d/t.csv" --force >"$d/out" 2>"$d/err"; st=$?
    if [ "$want" = same ]; then
        [ "$st" -eq 0 ] || fail "$file $opts: exit $st ($(cat "$d/err"))"
        cmp -s "$d/t.csv" clean.csv || fail "$file $opts: does not read as clean.csv"
    else
        code=${want%% *}; msg=${want#* }
        [ "$st" -eq "$code" ] || fail "$file $opts: synth exit $st, want $code ($(cat "$d/err"))"
        grep -qF -- "$msg" "$d/err" || fail "$file $opts: '$(cat "$d/err")' lacks '$msg'"
        [ -e "$d/t.csv" ] && fail "$file $opts: synth left an output file"
        # shellcheck disable=SC2086
        "$PHOENIX" run "$S" -n 3 --firms "$file" $opts -o "$d/r.h5" >"$d/out" 2>"$d/err"; st=$?
        [ "$st" -eq "$code" ] || fail "$file $opts: run exit $st, want $code"
        [ "$(wc -l <"$d/err")" -eq 1 ] || fail "$file $opts: run's stderr is not one line"
        grep -qF -- "$msg" "$d/err" || fail "$file $opts: run: '$(cat "$d/err")' lacks '$msg'"
        ls "$d" | grep -q 'r\.h5' && fail "$file $opts: run left a results file: $(ls "$d")"
    fi
    rm -f "$d/t.csv" "$d"/r.h5*
done <EXPECTED
[ "$n" -ge 20 ] || fail "only $n corpus lines read"

# the GBK twin runs the model exactly as its clean UTF-8 twin
"$PHOENIX" run "$S" -n 20 --seed 3 --firms clean.csv -o "$d/a.h5" --quiet || fail "clean run"
"$PHOENIX" run "$S" -n 20 --seed 3 --firms gbk_chinese.csv -o "$d/b.h5" --quiet || fail "gbk run"
h5diff "$d/a.h5" "$d/b.h5" /scenarios/plan-2021-2023/metrics >/dev/null ||
    fail "the GBK twin's metrics differ from clean.csv's"
h5diff "$d/a.h5" "$d/b.h5" /scenarios/plan-2021-2023/districts >/dev/null ||
    fail "the GBK twin's district metrics differ from clean.csv's"

# provenance: the table's path as given and resolved, SHA-256, rows, encoding, delimiter
attr() { /usr/bin/python3 -c 'import h5py, sys
v = h5py.File(sys.argv[1], "r")[sys.argv[2]].attrs[sys.argv[3]]
print(v.decode() if isinstance(v, bytes) else v)' "$@"; }
P=/scenarios/plan-2021-2023
[ "$(attr "$d/b.h5" $P/provenance firm_table)" = gbk_chinese.csv ] || fail "provenance: path"
[ "$(attr "$d/b.h5" $P/provenance firm_table_resolved)" = "$(pwd)/gbk_chinese.csv" ] ||
    fail "provenance: resolved path"
[ "$(attr "$d/b.h5" $P/provenance firm_table_sha256)" = "$(sha256sum gbk_chinese.csv | cut -c1-64)" ] ||
    fail "provenance: SHA-256"
[ "$(attr "$d/b.h5" $P/provenance firm_table_rows)" = 60 ] || fail "provenance: rows"
[ "$(attr "$d/b.h5" $P/provenance firm_table_encoding)" = GB18030 ] || fail "provenance: encoding"
[ "$(attr "$d/b.h5" $P/provenance firm_table_header_line)" = 2 ] || fail "provenance: header line"
# the stored scenario text names the table by its absolute path: saved as an .ini, it reruns
# from another directory with the same results
attr "$d/b.h5" $P scenario_text >"$d/saved.ini"
grep -q "^firms = $(pwd)/gbk_chinese.csv\$" "$d/saved.ini" || fail "scenario text: firms is not absolute"
(cd / && "$PHOENIX" run "$d/saved.ini" -n 20 --seed 3 -o "$d/c.h5" --quiet) || fail "saved .ini rerun"
h5diff "$d/b.h5" "$d/c.h5" $P/metrics >/dev/null || fail "the saved .ini gives other metrics"

# a partial table: against the whole city's quota the run says the quota binds; with
# population.coverage the quota, pipeline and targets shrink and it does not
"$PHOENIX" run "$S" -n 20 --firms clean.csv -o "$d/p.h5" >"$d/sum" 2>&1 || fail "partial run"
grep -q "constraints that bind in the last year: quota_unfilled" "$d/sum" ||
    fail "the summary does not say the quota binds: $(tail -3 "$d/sum")"
"$PHOENIX" run "$S" -n 20 --firms clean.csv --set scenario.name=plan-2021-2023 --set population.coverage=0.00375 -o "$d/q.h5" \
    >"$d/sum" 2>&1 || fail "run with coverage"
grep -q "quota_unfilled" "$d/sum" && grep "constraints that bind" "$d/sum" | grep -q quota_unfilled &&
    fail "with coverage the quota still binds"
[ "$(attr "$d/q.h5" $P/metrics/firms_rectified target)" = 2.625 ] ||
    fail "coverage: the target of firms_rectified is not 700 x 0.00375"
[ "$(attr "$d/q.h5" $P/metrics/tax_per_mu target)" = 45.0 ] || fail "coverage: a ratio's target changed"
/usr/bin/python3 -c 'import h5py, numpy as np, sys
a = h5py.File(sys.argv[1], "r")[sys.argv[3]][()]
b = h5py.File(sys.argv[2], "r")[sys.argv[3]][()]
sys.exit(0 if np.allclose(b, 0.00375 * a, rtol=1e-12, atol=0) else 1)' "$d/p.h5" "$d/q.h5" \
    $P/metrics/land_revenue_yi || fail "coverage: land revenue is not scaled by 0.00375"

# the other constraints: under 等量替代 projects wait for the energy budget; a fund without money
# leaves starts unfunded (few candidates, so free mergers cannot fill the quota); the two
# waiting counts add up to projects_waiting
"$PHOENIX" run "$S" -n 10 --set scenario.name=plan-2021-2023 --set attract.energy_offset=on -o "$d/e.h5" --quiet || fail "offset run"
"$PHOENIX" run "$S" -n 10 --firms clean.csv --set scenario.name=plan-2021-2023 \
    --set population.coverage=0.05 --set fund.constrained=on \
    --set fund.contribution_rate=0 -o "$d/f.h5" --quiet || fail "constrained fund run"
/usr/bin/python3 -c 'import h5py, numpy as np, sys
m = h5py.File(sys.argv[1], "r")["/scenarios/plan-2021-2023/metrics"]
f = h5py.File(sys.argv[2], "r")["/scenarios/plan-2021-2023/metrics"]
land, energy = m["projects_waiting_for_land"][()], m["projects_waiting_for_energy"][()]
c = m["quota_unfilled"].attrs["constraint"]
ok = np.array_equal(land + energy, m["projects_waiting"][()]) and energy.min() > 0
ok = ok and f["quota_unfunded"][()].max() > 0 and m["quota_unfunded"][()].max() == 0
ok = ok and (c.decode() if isinstance(c, bytes) else c) == "binds when > 0"
ok = ok and "constraint" not in m["projects_waiting"].attrs
sys.exit(0 if ok else 1)' "$d/e.h5" "$d/f.h5" || fail "energy budget / fund constraints not reported"

if [ "$fails" -gt 0 ]; then echo "t_firm_tables: $fails failures"; exit 1; fi
echo "t_firm_tables: $n corpus files as expected; the GBK twin runs as clean.csv"
