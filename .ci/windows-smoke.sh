#!/usr/bin/env bash
# Windows smoke test: run the cross-compiled otklik.exe under Wine and Xvfb as
# a Russian user whose profile and documents folders have Cyrillic names with
# spaces. Checks the embedded resources, --version, a demo store and an export
# on such a path, that the window «Отклик» appears and renders, and that the
# log lands in %APPDATA%. Prints "N passed, N failed"; exits 1 on any failure.
#
#   .ci/windows-smoke.sh [dist/otklik-…-windows-amd64.exe] [screenshot.png]
#
# Wine 8 lacks ProcessPrng in bcryptprimitives.dll, which Go ≥ 1.24 needs at
# start-up, so a stub built from .ci/stub/ goes into the prefix's system32.
set -euo pipefail
cd "$(dirname "$0")/.."
exe=$(readlink -f "${1:-otklik.exe}")
shot_copy=${2:-}
[ -f "$exe" ] || { echo "windows-smoke: no $exe (run make build-windows)"; exit 1; }
for tool in wine wineboot wineserver xvfb-run xwininfo import convert x86_64-w64-mingw32-gcc; do
  command -v "$tool" >/dev/null || { echo "windows-smoke: $tool is missing (run make deps-windows)"; exit 1; }
done

work=$(mktemp -d)
export WINEPREFIX="$work/prefix" WINEARCH=win64 WINEDEBUG=-all
# No Mono or Gecko download dialogs; our stub instead of Wine's builtin DLL.
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n"
# Wine names the profile folder after $USER: C:\users\Мария Иванова.
export USER="Мария Иванова"
cleanup() { timeout 30 wineserver -k 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
# A Russian Windows: Wine takes its user locale and the codeset for names and
# arguments from the Unix locale, so ru_RU.UTF-8 is compiled into the work
# folder (LOCPATH) rather than into the system. Without the locale sources
# the test runs in C.UTF-8, where the window is titled in English.
title='Отклик'
if mkdir -p "$work/locale" && localedef -i ru_RU -f UTF-8 "$work/locale/ru_RU.UTF-8" 2>/dev/null; then
  # Only for Wine's processes: this shell cannot load a locale from LOCPATH.
  wine_locale=(LOCPATH="$work/locale" LANG=ru_RU.UTF-8 LC_ALL=ru_RU.UTF-8)
else
  echo "windows-smoke: no ru_RU locale sources (package locales); running in C.UTF-8"
  wine_locale=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
  title='Отклик\|Otklik'
fi
export OTKLIK_TITLE=$title
passed=0 failed=0
ok() { passed=$((passed + 1)); echo "  ok   $*"; }
bad() { failed=$((failed + 1)); echo "  FAIL $*"; }

# The resources make Explorer show the icon and the version sheet.
rc=$(x86_64-w64-mingw32-windres -i "$exe" -O rc 2>/dev/null || true)
if grep -q 'ICON' <<<"$rc" && grep -q 'VERSIONINFO' <<<"$rc" && grep -q 'RT_MANIFEST\|^1 24' <<<"$rc"; then
  ok "icon, manifest and version sheet embedded"
else
  bad "resources missing from $exe"
fi

x86_64-w64-mingw32-gcc -shared -O2 -s -o "$work/bcryptprimitives.dll" \
  .ci/stub/bcryptprimitives.c .ci/stub/bcryptprimitives.def -ladvapi32

# Everything Wine runs shares one X display, so the prefix is created under it.
cat >"$work/inner.sh" <<'INNER'
set -uo pipefail
exe=$1 work=$2
timeout 300 wineboot -i >/dev/null 2>&1
timeout 60 wineserver -w
cp "$work/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
profile="$WINEPREFIX/drive_c/users/$USER"
[ -d "$profile" ] && echo "profile_ok=1" >"$work/result" || echo "profile_ok=0" >"$work/result"
db='C:\users\'"$USER"'\Мои документы\Отклик тест\demo.db'
out='C:\users\'"$USER"'\Мои документы\Отклик тест\выгрузка за ноябрь.jsonl'

timeout 60 wine "$exe" --version >"$work/version.txt" 2>"$work/version.err"
echo "version_rc=$?" >>"$work/result"
timeout 300 wine "$exe" demo --comments 2000 --db "$db" >"$work/demo.txt" 2>"$work/demo.err"
echo "demo_rc=$?" >>"$work/result"
timeout 120 wine "$exe" export --format jsonl --db "$db" --out "$out" >/dev/null 2>"$work/export.err"
echo "export_rc=$?" >>"$work/result"

# Wine's first GUI start in a fresh prefix sometimes never maps a window;
# one more start after stopping its server tells that apart from a real fault.
found=0
for attempt in 1 2; do
  wine "$exe" --db "$db" >"$work/app.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 180); do
    if xwininfo -root -tree 2>/dev/null | grep -q "\"\\($OTKLIK_TITLE\\)"; then found=1; break; fi
    kill -0 $pid 2>/dev/null || break
    sleep 0.5
  done
  [ $found = 1 ] && break
  echo "attempt $attempt: no window" >>"$work/attempts.txt"
  timeout 30 wineserver -k 2>/dev/null
  wait $pid 2>/dev/null
done
echo "window=$found" >>"$work/result"
[ $found = 1 ] || xwininfo -root -tree 2>/dev/null | grep -v 'has no name' | grep '("' >"$work/windows.txt"
if [ $found = 1 ]; then
  sleep 6 # the first frame, fonts and the inbox query
  xwininfo -root -tree 2>/dev/null | grep "\"\\($OTKLIK_TITLE\\)" | head -1 >"$work/window.txt"
  import -window root "$work/shot.png"
fi
timeout 30 wineserver -k 2>/dev/null
wait $pid 2>/dev/null
exit 0
INNER
env "${wine_locale[@]}" timeout 900 xvfb-run -a -s "-screen 0 1366x768x24" bash "$work/inner.sh" "$exe" "$work" || true
[ -f "$work/result" ] || { echo "windows-smoke: Wine did not start"; echo "0 passed, 1 failed"; exit 1; }
# shellcheck disable=SC1091
. "$work/result"

profile="$WINEPREFIX/drive_c/users/$USER"
if [ "${profile_ok:-0}" = 1 ]; then ok "profile folder C:\\users\\$USER"; else bad "no profile folder for $USER"; fi

# OTKLIK_VERSION (set by make) is the version the build should report.
if [ "${version_rc:-1}" = 0 ] && grep -q "^otklik ${OTKLIK_VERSION:-}" "$work/version.txt"; then
  ok "--version: $(tr -d '\r' <"$work/version.txt")"
else
  bad "--version (exit ${version_rc:-?}): $(cat "$work/version.txt" "$work/version.err")"
fi

docs="$profile/Мои документы/Отклик тест"
demo_n=$(sed -n 's/^demo region: \([0-9]*\) messages.*/\1/p' "$work/demo.txt" | tr -d '\r')
if [ "${demo_rc:-1}" = 0 ] && [ -s "$docs/demo.db" ] && [ -n "$demo_n" ]; then
  ok "demo store of $demo_n messages in «Мои документы\\Отклик тест»"
else
  bad "demo on a Cyrillic path (exit ${demo_rc:-?}): $(cat "$work/demo.txt" "$work/demo.err")"
fi

export_file="$docs/выгрузка за ноябрь.jsonl"
lines=$(wc -l <"$export_file" 2>/dev/null || echo 0)
if [ "${export_rc:-1}" = 0 ] && [ -n "$demo_n" ] && [ "$lines" = "$demo_n" ]; then
  ok "export of all $lines messages to «выгрузка за ноябрь.jsonl»"
else
  bad "export (exit ${export_rc:-?}): $lines lines, demo had ${demo_n:-?}: $(cat "$work/export.err")"
fi

if [ "${window:-0}" = 1 ]; then
  ok "window: $(sed 's/^ *//' "$work/window.txt")"
  # A rendered window has many colours; a blank or black screen has one or two.
  colours=$(convert "$work/shot.png" -format '%k' info:)
  if [ "$colours" -ge 50 ]; then ok "screenshot has $colours colours"; else bad "screenshot has only $colours colours"; fi
  if [ -n "$shot_copy" ]; then mkdir -p "$(dirname "$shot_copy")"; cp "$work/shot.png" "$shot_copy"; echo "  screenshot: $shot_copy"; fi
else
  bad "no window titled «$OTKLIK_TITLE» within 90 s"
  echo "    windows on the screen:"; sed 's/^ */      /' "$work/windows.txt" 2>/dev/null | head -10
  echo "    the app's output:"; sed 's/^/      /' "$work/app.log" | tail -20
  bad "no screenshot"
fi

log="$profile/AppData/Roaming/fyne/ru.otklik.app/otklik.log"
if [ -s "$log" ]; then
  ok "log in %APPDATA%\\fyne\\ru.otklik.app\\otklik.log ($(wc -l <"$log") lines)"
else
  bad "no log at %APPDATA%\\fyne\\ru.otklik.app\\otklik.log"
fi

echo "windows-smoke: $passed passed, $failed failed"
[ "$failed" = 0 ]
