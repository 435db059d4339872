package ui

import (
	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"otklik/assets"
)

// AppID is the Fyne application ID; the storage root is keyed by it.
const AppID = "ru.otklik.app"

// Run opens the main window over core and blocks until it is closed.
func Run(core Core, opts Options) error {
	a := fyneapp.NewWithID(AppID)
	icon, err := assets.FS.ReadFile("icon.png")
	if err == nil {
		a.SetIcon(fyne.NewStaticResource("icon.png", icon))
	}
	if opts.Lang != "" {
		// A language given on the command line is also remembered, as if
		// chosen in Настройки.
		a.Preferences().SetString(prefLanguage, ResolveLanguage(opts.Lang))
	}
	if err := Setup(a); err != nil {
		return err
	}
	w := NewMainWindow(a, core, opts)
	w.Window.SetMaster()
	// The overdue watcher lives as long as the window: notifications and the
	// counts in the status bar and the tray.
	stop := startWatcher(core, icon)
	w.Window.ShowAndRun()
	stop()
	return nil
}

// Setup applies the saved language and theme to a; Run calls it, tests and
// the screenshot tool call it on a test app.
func Setup(a fyne.App) error {
	if err := SetLanguage(ResolveLanguage(a.Preferences().String(prefLanguage))); err != nil {
		return err
	}
	a.Settings().SetTheme(newAppTheme(a.Preferences().StringWithFallback(prefTheme, ThemeSystem)))
	return nil
}
