#!/bin/sh
# t_everyday.sh -- issue 14's everyday edges end to end: --help of every command, progress lines
# and the closing throughput line in a log, inputs checked before the output, names and --set
# NAME:key=value, numbers, suggestions, short horizons, Chinese district names and the question.
PHOENIX=${PHOENIX:-build/phoenix}
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
S=scenarios/plan-2021-2023.ini

# 1. every command of the help table answers --help, -h and `phoenix help CMD` with its usage
for c in run sweep fund sensitivity calibrate seek summary compare report plot synth params help; do
    for form in "$c --help" "$c -h" "help $c"; do
        # shellcheck disable=SC2086
        "$PHOENIX" $form >"$d/h" 2>&1 || fail "phoenix $form: exit $?"
        grep -q "phoenix $c" "$d/h" || fail "phoenix $form: no usage of $c: $(head -2 "$d/h")"
    done
    grep -q "^  phoenix $c" "$d/h" || fail "$c is not in phoenix --help"
done
"$PHOENIX" --help | grep -q "phoenix sensitivity" || fail "phoenix --help lacks sensitivity"
"$PHOENIX" help nosuch >/dev/null 2>&1; [ $? -eq 2 ] || fail "phoenix help nosuch: not exit 2"

# 2. stderr not a terminal: plain progress lines, the closing line; --quiet silences both
"$PHOENIX" run "$S" -n 40 --block 4 -o "$d/p.h5" >/dev/null 2>"$d/err" || fail "run for progress"
grep -q "^phoenix: 40 of 40 replications (100%)" "$d/err" || fail "no final progress line: $(cat "$d/err")"
[ "$(grep -c "replications (" "$d/err")" -ge 5 ] || fail "fewer than 5 progress lines (every 10%)"
grep -q "^phoenix: 40 replications in .* s: .* replications/s, .* firm-years/s$" "$d/err" ||
    fail "no closing throughput line: $(tail -1 "$d/err")"
"$PHOENIX" sensitivity scenarios/ishigami.ini -N 16 -o "$d/sens.h5" 2>"$d/err" >/dev/null || fail "sensitivity"
grep -q "^phoenix: 96 replications in .* s: .* replications/s$" "$d/err" ||
    fail "sensitivity: no closing line: $(tail -1 "$d/err")"
"$PHOENIX" run "$S" -n 10 -o "$d/q.h5" --quiet 2>"$d/err" >/dev/null || fail "quiet run"
[ -s "$d/err" ] && fail "--quiet printed on stderr: $(cat "$d/err")"
"$PHOENIX" run scenarios/ishigami.ini -n 10 --threads 999 -o "$d/t.h5" --quiet 2>"$d/err" >/dev/null ||
    fail "--threads 999 refused"
grep -q "warning: --threads 999 is more than" "$d/err" || fail "no warning for too many threads"

# 3. inputs before outputs
touch "$d/exists.h5"
"$PHOENIX" run "$d/nosuch.ini" -o "$d/exists.h5" 2>"$d/err"; st=$?
[ $st -eq 2 ] && grep -q "nosuch.ini: cannot read scenario file" "$d/err" ||
    fail "nosuch.ini -o existing: '$(cat "$d/err")'"
"$PHOENIX" run "$S" -n 5 -o "$d/exists.h5" --set attract.nope=1 2>"$d/err"
grep -q "attract.nope: unknown key" "$d/err" || fail "bad --set hidden by the output: $(cat "$d/err")"
printf 'firm_id,district\n1,nowhere\n' >"$d/bad.csv"
"$PHOENIX" run "$S" -n 5 --firms "$d/bad.csv" -o "$d/exists.h5" 2>"$d/err"; st=$?
[ $st -eq 2 ] && grep -q "bad.csv" "$d/err" || fail "bad firm table hidden by the output: $st '$(cat "$d/err")'"
"$PHOENIX" run "$S" -n 5 -o "$d/exists.h5" 2>"$d/err"; st=$?
[ $st -eq 2 ] && grep -q "exists.h5: exists; use --force" "$d/err" || fail "good inputs: '$(cat "$d/err")'"
for c in "fund $S --confidence 0.8" "sensitivity $S"; do
    # shellcheck disable=SC2086
    "$PHOENIX" $c -o "$d/exists.h5" --set nosuch.key=1 2>"$d/err"
    grep -q "nosuch.key: unknown section" "$d/err" || fail "$c: '$(cat "$d/err")'"
done

# 4. names: a --set renames; NAME:key=value targets one; a plain --set on several warns
W=scenarios/weak-attraction.ini
"$PHOENIX" run "$S" "$W" -n 8 --set weak-attraction:attract.landing_rate=0.4 -o "$d/n.h5" --quiet \
    2>"$d/err" || fail "targeted --set: $(cat "$d/err")"
/usr/bin/python3 - "$d/n.h5" <<'PY' || fail "targeted --set: wrong names or values"
import h5py, sys
f = h5py.File(sys.argv[1], "r")
names = sorted(f["scenarios"])
assert names == ["plan-2021-2023", "weak-attraction+attract.landing_rate=0.4"], names
t = f["scenarios/weak-attraction+attract.landing_rate=0.4"].attrs["scenario_text"]
t = t.decode() if isinstance(t, bytes) else t
assert "landing_rate = 0.4\n" in t
p = f["scenarios/plan-2021-2023"].attrs["scenario_text"]
p = p.decode() if isinstance(p, bytes) else p
assert "landing_rate = 0.4\n" not in p
PY
"$PHOENIX" run "$S" "$W" -n 8 --set attract.landing_rate=0.6 -o "$d/m.h5" --quiet 2>"$d/err" || fail "plain --set on two"
grep -q "warning: --set attract.landing_rate=0.6 applies to all 2 scenarios (plan-2021-2023+attract.landing_rate=0.6, weak-attraction+attract.landing_rate=0.6)" "$d/err" ||
    fail "no warning listing the scenarios: $(cat "$d/err")"
"$PHOENIX" run "$S" -n 8 --set nobody:attract.landing_rate=0.6 -o "$d/x.h5" 2>"$d/err"; st=$?
[ $st -eq 2 ] && grep -q "no scenario is named 'nobody' (the scenarios: plan-2021-2023)" "$d/err" ||
    fail "unknown target: $st '$(cat "$d/err")'"

# 7. numbers parse alike; unknown keys suggest the closest key of any section
"$PHOENIX" run scenarios/ishigami.ini -n 1e2 -o "$d/e.h5" --quiet || fail "-n 1e2 refused"
"$PHOENIX" run "$S" -n 5 --set attract.p_complete=0.5 -o "$d/s.h5" 2>"$d/err"
grep -q "attract.p_complete: unknown key (did you mean rectify.p_complete?)" "$d/err" ||
    fail "no suggestion: $(cat "$d/err")"

# 11. a short horizon runs on the defaults
printf '[scenario]\nyears = 2021-2022\n' >"$d/short.ini"
"$PHOENIX" run "$d/short.ini" -n 4 -o "$d/short.h5" --quiet 2>"$d/err" || fail "years = 2021-2022: $(cat "$d/err")"

# 8 and 12: Chinese district names beside pinyin; the question attribute, shown by the report
/usr/bin/python3 - "$d/p.h5" <<'PY' || fail "district names or question not in the file"
import h5py, sys
f = h5py.File(sys.argv[1], "r")
g = f["scenarios/plan-2021-2023"]
for loc in (g["district"], g["districts/district"]):
    zh = [x.decode() if isinstance(x, bytes) else x for x in loc.attrs["names_zh"]]
    py = [x.decode() if isinstance(x, bytes) else x for x in loc[()]]
    assert len(zh) == len(py) == 13 and zh[0] == "上城" and py[0] == "shangcheng", (zh, py)
q = g.attrs["question"]
q = q.decode() if isinstance(q, bytes) else q
assert q.startswith("Policy question: does Hangzhou"), q
t = g.attrs["scenario_text"]
t = t.decode() if isinstance(t, bytes) else t
assert "Policy question" not in t
PY
"$PHOENIX" report "$d/p.h5" -o "$d/r.html" 2>/dev/null || fail "report"
grep -q "Policy question: does Hangzhou" "$d/r.html" || fail "the report does not show the plan's question"

[ "$fails" -eq 0 ] && echo "t_everyday: all passed"
[ "$fails" -eq 0 ]
