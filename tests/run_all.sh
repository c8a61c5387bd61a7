#!/bin/sh
# run_all.sh -- run every CUnit program given as an argument, then the shell and Python
# integration tests in tests/; print one closing line "N passed, N failed".
# CUnit's summary has a row "tests  <total> <ran> <passed> <failed> <inactive>".
passed=0; failed=0
log=$(mktemp)
for t in "$@"; do
    echo "== $t"
    "$t" >"$log" 2>&1; st=$?
    cat "$log"
    row=$(awk '$1 == "tests" && NF >= 6 { print $4, $5 }' "$log" | tail -n 1)
    ok=${row% *}; bad=${row#* }
    if [ -z "$row" ]; then ok=0; bad=1; echo "!! $t printed no CUnit summary (exit $st)"; fi
    if [ "$st" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; echo "!! $t exited $st"; fi
    passed=$((passed + ok)); failed=$((failed + bad))
done
for t in tests/t_*.sh; do
    [ -e "$t" ] || continue
    echo "== $t"
    if sh "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "!! $t failed"; fi
done
PY=/usr/bin/python3   # Debian's interpreter, where python3-h5py and python3-xarray install
for t in tests/t_*.py; do
    [ -e "$t" ] || continue
    echo "== $t"
    if "$PY" "$t"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "!! $t failed"; fi
done
rm -f "$log"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
