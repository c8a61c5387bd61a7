#!/bin/sh
# triage.sh TARGET -- after `make fuzz` ran TARGET in fork mode: every crash input of
# build-fuzz/findings/ is run again; one that dies inside libhdf5 (one of the innermost four
# frames in it: the global heap H5HG_* reading a variable-length string of a corrupt file, issue
# 16 item 5, or the metadata accumulator under a damaged B-tree; libhdf5 defects on damaged
# files, not phoenix's, which phoenix outside fuzzing builds turns into "damaged HDF5 file",
# exit 2: engine/tempguard.h) is counted and kept; any other crash is a finding: exit 1.
t=$1
hdf5=0; ours=0
for f in build-fuzz/findings/$t-crash-* build-fuzz/findings/$t-leak-*; do
    [ -e "$f" ] || continue
    ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    LSAN_OPTIONS=suppressions=tests/fuzz/lsan-hdf5.supp \
        ./build-fuzz/fuzz/fuzz_$t "$f" >"$f.log" 2>&1 && continue      # no longer crashes
    if grep -E '^ +#[0-3] .*(in H5[A-Z]|libhdf5)' "$f.log" >/dev/null; then
        hdf5=$((hdf5 + 1))
    else
        ours=$((ours + 1)); echo "fuzz: $t: finding $f"; grep -E '^(==|SUMMARY| +#[0-9] )' "$f.log" | head -n 20
    fi
done
[ "$hdf5" -eq 0 ] || echo "fuzz: $t: $hdf5 inputs crash inside libhdf5 (issue 16 item 5): build-fuzz/findings/$t-crash-*"
[ "$ours" -eq 0 ]
