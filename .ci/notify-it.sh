#!/usr/bin/env bash
# Desktop-notification integration test against a real daemon: an Xvfb
# display, a private D-Bus session bus (so the developer's own desktop is never
# touched) and dunst with an empty config owning org.freedesktop.Notifications.
# Usage: .ci/notify-it.sh   (from anywhere; extra args go to `go test`)
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in xvfb-run dbus-run-session dbus-send dunst dunstctl go; do
	command -v "$tool" >/dev/null || {
		echo "notify-it: $tool is missing (apt-get install xvfb dbus dunst libnotify-bin)" >&2
		exit 1
	}
done

if [[ "${NOTIFY_IT_INNER:-}" != 1 ]]; then
	export NOTIFY_IT_INNER=1
	exec timeout 300 xvfb-run -a dbus-run-session -- "$0" "$@"
fi

workdir=$(mktemp -d)
dunst_pid=""
cleanup() {
	[[ -n "$dunst_pid" ]] && kill "$dunst_pid" 2>/dev/null || true
	rm -rf "$workdir"
}
trap cleanup EXIT

: >"$workdir/dunstrc" # empty config: dunst's defaults, nothing from the host
dunst -config "$workdir/dunstrc" >"$workdir/dunst.log" 2>&1 &
dunst_pid=$!

ready=""
for _ in $(seq 100); do
	if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q 'boolean true'; then
		ready=1
		break
	fi
	sleep 0.1
done
if [[ -z "$ready" ]]; then
	echo "notify-it: dunst did not take org.freedesktop.Notifications within 10 s" >&2
	cat "$workdir/dunst.log" >&2
	exit 1
fi

go test -tags sqlite_fts5,notify_integration -count=1 -run TestDesktopNotification ./app/notify/ -v "$@"
