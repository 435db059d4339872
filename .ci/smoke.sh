#!/usr/bin/env bash
# Smoke test: start the real binary on a demo store under Xvfb, wait for its
# window «Отклик» to appear, take a screenshot and check that it rendered.
set -euo pipefail
bin=$(readlink -f "${1:-./otklik}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
shot=${OTKLIK_SMOKE_SHOT:-$work/smoke.png}

# A small demo region keeps the first start quick.
"$bin" demo --comments 3000 --db "$work/smoke.db" >/dev/null

cat > "$work/inner.sh" <<INNER
set -euo pipefail
HOME="$work" LANG=ru_RU.UTF-8 "$bin" --db "$work/smoke.db" >"$work/app.log" 2>&1 &
pid=\$!
found=
for i in \$(seq 1 120); do
  if xwininfo -root -tree 2>/dev/null | grep -q '"Отклик'; then found=1; break; fi
  if ! kill -0 \$pid 2>/dev/null; then echo "the app exited early:"; cat "$work/app.log"; exit 1; fi
  sleep 0.5
done
if [ -z "\$found" ]; then echo "no window titled «Отклик» within 60 s"; cat "$work/app.log"; kill \$pid; exit 1; fi
sleep 3
import -window root "$shot"
kill \$pid; wait \$pid 2>/dev/null || true
INNER
timeout 180 xvfb-run -a -s "-screen 0 1366x768x24" dbus-run-session -- bash "$work/inner.sh"

# A rendered window has many colours; a blank or black screen has one or two.
colours=$(convert "$shot" -format '%k' info:)
echo "smoke: window «Отклик» appeared; screenshot has $colours colours"
if [ "$colours" -lt 50 ]; then echo "smoke: the window did not render"; exit 1; fi
echo "smoke: 1 passed, 0 failed"
