#!/usr/bin/env bash
# Runs every fuzz target in the module for FUZZTIME each (default 20s).
#   usage: FUZZTIME=20s bash .ci/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-20s}
TAGS=${TAGS:-sqlite_fts5,migrated_fynedo}
total=0; failed=0
for pkg in $(go list -tags "$TAGS" ./...); do
  for target in $(go test -tags "$TAGS" -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    total=$((total + 1))
    echo "── $pkg $target ($FUZZTIME)"
    if ! go test -tags "$TAGS" -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" "$pkg"; then
      failed=$((failed + 1))
    fi
  done
done
echo "fuzz: $total targets, $FUZZTIME each, $failed failed"
[ "$failed" -eq 0 ]
