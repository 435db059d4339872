#!/usr/bin/env bash
# The crash suite: the real binary killed with SIGKILL at random moments
# during imports, the demo generator, bulk edits and sync against
# `otklik simulate` (replies queued meanwhile), plus imports on a disk that
# fills up (RLIMIT_FSIZE); each store is checked after every kill, and the
# synced store against what the simulator received at the end.
#   usage: TRIALS=200 ROWS=20000 bash .ci/reliability.sh [OTKLIK_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
TRIALS=${TRIALS:-200}
ROWS=${ROWS:-20000}
SEED=${SEED:-$(date +%s)}
[ -n "${1:-}" ] && export OTKLIK_BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export LANG=C.UTF-8
echo "crash suite: $TRIALS trials, $ROWS-row import, seed $SEED (rerun with SEED=$SEED)"
go test -v -count=1 -tags sqlite_fts5,crashtest -run '^TestCrash$' -timeout 90m ./app/crashtest/ \
  -trials "$TRIALS" -rows "$ROWS" -seed "$SEED" 2>&1 | tee "${TMPDIR:-/tmp}/otklik-reliability.log" | grep -E '^(crash suite:|--- |ok|FAIL|PASS)|violat|crash_test.go|sync_test.go'
