//go:build (linux || freebsd || openbsd || netbsd) && !android

package ui

import "testing"

// TestTrayNeedsASessionBus: with no session bus to reach, the app runs
// without a tray instead of crashing when it quits.
func TestTrayNeedsASessionBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/no-bus")
	t.Setenv("DISPLAY", "") // no autolaunch through X11
	if trayUsable() {
		t.Fatal("a tray was offered with no session bus")
	}
}
