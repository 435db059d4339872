#!/usr/bin/env bash
# Otklik against the sqlite3 shell on the same machine and the same data:
# the import of N comments (Otklik: `otklik import` of a JSONL made by
# `otklik demo` + `otklik export`; sqlite3: `.import` of the same rows as CSV
# into the same schema with an FTS trigger, in one transaction), the inbox's
# first page, search, the GUI's cold start to the first frame and peak RSS.
#   usage: BENCH_N=1000000 bash .ci/bench-sqlite.sh [OTKLIK_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_N:-1000000}
BIN=${1:-}
WORK=${BENCH_WORK:-build/bench-sqlite-$N}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
export LANG=C.UTF-8
command -v sqlite3 >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3; }
[ -x /usr/bin/time ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time; }
command -v xdotool >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xdotool; } || true
if [ -z "$BIN" ]; then
  BIN=$WORK/otklik
  go build -tags sqlite_fts5,migrated_fynedo -o "$BIN" .
fi

# The same N comments for both: generated once, then exported.
if [ ! -s "$WORK/in.jsonl" ]; then
  rm -f "$WORK"/gen.db*
  "$BIN" demo --db "$WORK/gen.db" --comments "$N" --seed 1 >/dev/null
  "$BIN" export --db "$WORK/gen.db" --format jsonl --out "$WORK/all.jsonl" 2>/dev/null
  head -n "$N" "$WORK/all.jsonl" > "$WORK/in.jsonl"
  rm -f "$WORK"/gen.db* "$WORK/all.jsonl"
fi
ROWS=$(wc -l < "$WORK/in.jsonl")

secs() { awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s }' "$1"; }
rss() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }

# ── Otklik ──────────────────────────────────────────────────────────────────
rm -rf "$WORK"/otklik.db* "$WORK/backups"
/usr/bin/time -v "$BIN" import --db "$WORK/otklik.db" "$WORK/in.jsonl" > "$WORK/otklik-import.out" 2> "$WORK/otklik-import.time"
O_IMPORT=$(secs "$WORK/otklik-import.time"); O_RSS=$(rss "$WORK/otklik-import.time")
"$BIN" export --db "$WORK/otklik.db" --format csv --out "$WORK/in.csv" 2>/dev/null

# ── sqlite3 shell: Otklik's schema, FTS fed by a trigger, one transaction ───
rm -f "$WORK"/sqlite.db*
{
  echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
  # Debian's sqlite3 (3.40) predates contentless_delete (3.43): the FTS
  # table is otherwise the same; the benchmark only inserts.
  cat data/sqlite/migrations/*.sql | sed '/contentless_delete/d'
  cat <<'SQL'
CREATE TRIGGER messages_fts_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.sort_key, new.text);
END;
SQL
} > "$WORK/schema.sql"
sqlite3 "$WORK/sqlite.db" < "$WORK/schema.sql" >/dev/null
cat > "$WORK/import.sql" <<'SQL'
BEGIN;
CREATE TEMP TABLE staging(platform, external_id, account, account_name, post_external_id, parent_external_id,
  author, author_id, author_city, created_at, text, url, from_office, district, category, sentiment, status,
  assignee, first_response_due, answer_due, tags);
.import --csv --skip 1 in.csv staging
INSERT INTO accounts(platform, external_id, name, created_at)
  SELECT DISTINCT platform, account, account_name, unixepoch() FROM staging;
INSERT OR IGNORE INTO authors(platform, external_id, name, city)
  SELECT platform, author_id, author, author_city FROM staging WHERE author_id <> '';
INSERT INTO messages(platform, external_id, account_id, post_external_id, parent_external_id, author_id, text, url,
  created_at, sort_key, from_office, district, category, sentiment, status, assignee, first_response_due, answer_due, updated_at)
  SELECT s.platform, s.external_id, a.id, s.post_external_id, s.parent_external_id,
         (SELECT id FROM authors u WHERE u.platform = s.platform AND u.external_id = s.author_id),
         s.text, s.url, unixepoch(s.created_at), (unixepoch(s.created_at) << 30) | s.rowid,
         s.from_office = 'true', s.district, s.category, s.sentiment, s.status, s.assignee,
         unixepoch(nullif(s.first_response_due, '')), unixepoch(nullif(s.answer_due, '')), unixepoch()
  FROM staging s JOIN accounts a ON a.platform = s.platform AND a.external_id = s.account;
COMMIT;
SQL
(cd "$WORK" && /usr/bin/time -v sqlite3 sqlite.db < import.sql > sqlite-import.out 2> sqlite-import.time)
S_IMPORT=$(secs "$WORK/sqlite-import.time"); S_RSS=$(rss "$WORK/sqlite-import.time")
S_ROWS=$(sqlite3 "$WORK/sqlite.db" "SELECT count(*) FROM messages")

# ── Queries: 200 runs each in one sqlite3 session vs Otklik's benchmarks ────
q_sqlite() { # $1: SQL; prints ms per run
  local f="$WORK/q.sql"; : > "$f"
  for _ in $(seq 200); do echo "$1" >> "$f"; done
  local t0 t1; t0=$(date +%s%N); sqlite3 "$WORK/sqlite.db" < "$f" > /dev/null; t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e6 / 200 }'
}
S_PAGE=$(q_sqlite "SELECT id, platform, text, status, district FROM messages WHERE from_office = 0 ORDER BY sort_key DESC LIMIT 50;")
S_SEARCH=$(q_sqlite "SELECT rowid FROM messages_fts WHERE messages_fts MATCH 'отопление батареи' ORDER BY rowid DESC LIMIT 50;")
BENCH_OUT=$(OTKLIK_BENCH_DB="$WORK/otklik.db" OTKLIK_BENCH_N=$N go test -tags sqlite_fts5 -run '^$' \
  -bench 'BenchmarkInboxFirstPage/all$|BenchmarkSearch/отопление_батареи$' -benchtime 200x ./app/ 2>&1 || true)
ms_of() { echo "$BENCH_OUT" | awk -v k="$1" '$0 ~ k { for (i = 1; i <= NF; i++) if ($(i+1) == "ns/op") { printf "%.2f", $i / 1e6; exit } }'; }
O_PAGE=$(ms_of 'BenchmarkInboxFirstPage/all')
O_SEARCH=$(ms_of 'BenchmarkSearch/отопление')

# The broadcast panel's counts for Рославль over the 90 days before the
# newest message: Otklik's BroadcastStats (the UI benchmark, which also
# renders the whole panel) against the same GROUP BY in the shell.
TO=$(sqlite3 "$WORK/sqlite.db" "SELECT max(created_at) FROM messages")
S_PANEL=$(q_sqlite "SELECT m.category, m.platform, m.sentiment, ((m.sort_key >> 30) + 10800) / 86400, m.status IN ('new','in_progress'), count(*) FROM messages m INDEXED BY messages_district WHERE m.district = 'roslavl' AND m.sort_key >= (($TO - 90*86400) << 30) AND m.sort_key < (($TO + 1) << 30) AND m.from_office = 0 GROUP BY 1, 2, 3, 4, 5;")
PANEL_OUT=$(OTKLIK_BENCH_DB="$WORK/otklik.db" OTKLIK_BENCH_N=$N go test -tags sqlite_fts5,migrated_fynedo -run '^$' \
  -bench 'BenchmarkBroadcastPanel' -benchtime 20x ./ui/ 2>&1 || true)
metric() { echo "$PANEL_OUT" | awk -v k="$1" '/^BenchmarkBroadcastPanel/ { for (i = 2; i <= NF; i++) if ($i == k) { print $(i-1); exit } }'; }
O_PANEL=$(metric stats-p50-ms); O_RENDER=$(metric render-p50-ms); O_COLD=$(metric core-cold-p50-ms)

# ── Cold start to the first frame under Xvfb ────────────────────────────────
COLD=n/a; G_RSS=n/a; G_NOW=n/a; G_SWGL=n/a; G_USE=n/a; G_REST=n/a
if command -v Xvfb >/dev/null && command -v xwininfo >/dev/null; then
  DISP=:$((90 + RANDOM % 9))
  Xvfb "$DISP" -screen 0 1600x1000x24 >/dev/null 2>&1 & XPID=$!
  sleep 1
  t0=$(date +%s%N)
  DISPLAY=$DISP /usr/bin/time -v "$BIN" --db "$WORK/otklik.db" > /dev/null 2> "$WORK/gui.time" & GPID=$!
  for _ in $(seq 600); do
    if DISPLAY=$DISP xwininfo -root -tree 2>/dev/null | grep -q 'Отклик'; then
      t1=$(date +%s%N); COLD=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'); break
    fi
    sleep 0.05
  done
  sleep 5 # let the inbox's first page, counts and the panel warmer settle
  OPID=$(pgrep -P "$GPID" | head -1)
  if [ -n "$OPID" ] && [ -r "/proc/$OPID/status" ]; then
    G_NOW=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$OPID/status")
    # The software OpenGL stack Xvfb needs (Mesa llvmpipe); a laptop's GPU
    # driver replaces it.
    G_SWGL=$(awk '/^[0-9a-f]+-[0-9a-f]+ / { sw = ($6 ~ /libLLVM|swrast|dri\//) } /^Rss:/ && sw { s += $2 } END { printf "%.0f", s / 1024 }' "/proc/$OPID/smaps")
    # Then as a user: through 60 messages with j, a search, 20 wheel steps
    # down the list; RSS 3 s after, and again once the window has been
    # left alone for 40 s.
    if command -v xdotool >/dev/null; then
      export DISPLAY=$DISP
      xdotool mousemove 500 300 click 1
      for _ in $(seq 60); do xdotool key j; sleep 0.05; done
      xdotool key slash; sleep 0.2; xdotool type --delay 80 'отопление'; sleep 1.5
      for _ in $(seq 20); do xdotool click 5; sleep 0.05; done
      sleep 3
      G_USE=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$OPID/status")
      sleep 40
      G_REST=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$OPID/status")
      unset DISPLAY
    fi
  fi
  pkill -TERM -P "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true
  G_RSS=$(rss "$WORK/gui.time")
  kill "$XPID" 2>/dev/null || true; wait "$XPID" 2>/dev/null || true
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "n/a" }'; }
cat <<EOF_TABLE

Otklik vs the sqlite3 shell ($(sqlite3 --version | cut -d' ' -f1)), $ROWS comments ($S_ROWS in sqlite3), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)
| measure                         | Otklik        | sqlite3 shell | Otklik / sqlite3 |
|---------------------------------|---------------|---------------|------------------|
| import, s                       | $O_IMPORT | $S_IMPORT | $(ratio "$O_IMPORT" "$S_IMPORT") |
| import rows/s                   | $(awk -v n="$ROWS" -v s="$O_IMPORT" 'BEGIN{printf "%.0f", n/s}') | $(awk -v n="$ROWS" -v s="$S_IMPORT" 'BEGIN{printf "%.0f", n/s}') | |
| import peak RSS, MB             | $O_RSS | $S_RSS | $(ratio "$O_RSS" "$S_RSS") |
| inbox first page (50), ms       | $O_PAGE | $S_PAGE | $(ratio "$O_PAGE" "$S_PAGE") |
| search, first 50 hits, ms       | $O_SEARCH | $S_SEARCH | $(ratio "$O_SEARCH" "$S_SEARCH") |
| broadcast panel counts, ms      | $O_PANEL | $S_PANEL | $(ratio "$O_PANEL" "$S_PANEL") |
| whole panel rendered, ms        | $O_RENDER (groups never computed: $O_COLD) | — | |
| GUI cold start to first frame, s| $COLD | — | |
| GUI peak RSS, MB                | $G_RSS | — | |
| GUI RSS, inbox open, MB         | $G_NOW (software GL: $G_SWGL) | — | |
| GUI RSS, in use / left 40 s, MB | $G_USE / $G_REST | — | |
EOF_TABLE
