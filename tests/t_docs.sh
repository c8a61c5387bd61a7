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
