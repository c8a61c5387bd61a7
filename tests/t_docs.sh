#!/bin/sh
# t_docs.sh -- docs/scenarios.md must match the parameter tables (regenerate with `make docs`).
PHOENIX=${PHOENIX:-build/phoenix}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{ cat docs/scenarios.head.md; "$PHOENIX" params --format md; } >"$tmp" || exit 1
if ! cmp -s "$tmp" docs/scenarios.md; then
    echo "docs/scenarios.md is out of date with the parameter tables: run 'make docs'"
    diff "$tmp" docs/scenarios.md | head -20
    exit 1
fi
echo "t_docs: docs/scenarios.md is current"

# The docs stand alone: nothing in the repository cites a file a user of it does not have (the
# reference material the project was built from); the plan is cited by its title and number, each
# fact by its public source (docs/model.md, Sources).
pat='shared/|model-spec|calibration-facts|architecture\.md|house-style'
hits=$(git ls-files 2>/dev/null | grep -v '^tests/t_docs\.sh$' | while read -r f; do
    [ -f "$f" ] && grep -InE "$pat" "$f" /dev/null; done)
if [ -n "$hits" ]; then
    echo "references to files outside the repository:"
    echo "$hits" | head -20
    exit 1
fi
echo "t_docs: no references to files outside the repository"
