//go:build !((linux || freebsd || openbsd || netbsd) && !android)

package ui

// trayUsable: Windows and macOS trays need no session bus.
func trayUsable() bool { return true }
