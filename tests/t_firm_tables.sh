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

if [ "$fails" -gt 0 ]; then echo "t_firm_tables: $fails failures"; exit 1; fi
echo "t_firm_tables: $n corpus files as expected; the GBK twin runs as clean.csv"
