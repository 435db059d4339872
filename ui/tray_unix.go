//go:build (linux || freebsd || openbsd || netbsd) && !android

package ui

import "github.com/godbus/dbus/v5"

// trayUsable reports whether the tray can work: on Linux and the BSDs it
// talks over the session D-Bus, and the tray library, started without one,
// crashes when the app quits. Without a bus the app runs without a tray.
func trayUsable() bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	conn.Close()
	return true
}
