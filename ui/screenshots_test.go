package ui

import (
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// go test -tags sqlite_fts5,migrated_fynedo ./ui -run TestScreenshots -args -screenshots=$PWD/docs/screenshots
var screenshotDir = flag.String("screenshots", "", "write a PNG of each view to this folder")

// newTestWindow opens the main window over the fixture at 1280×800 in the
// given theme, in Russian, with the fixture's clock, and waits for it to load.
func newTestWindow(t testing.TB, themeName string) (*MainWindow, *fakeCore) {
	t.Helper()
	a := test.NewTempApp(t)
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	a.Settings().SetTheme(newAppTheme(themeName))
	fc, err := loadFake("testdata/inbox.json")
	if err != nil {
		t.Fatal(err)
	}
	m := NewMainWindow(a, fc, Options{Now: fc.Now, Version: "0.1.0", serial: true})
	t.Cleanup(m.Close)
	m.Window.Resize(fyne.NewSize(1280, 800))
	m.b.settle()
	return m, fc
}

func TestScreenshots(t *testing.T) {
	if *screenshotDir == "" {
		t.Skip("pass -screenshots=DIR to write screenshots")
	}
	if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	save := func(name string, m *MainWindow) {
		t.Helper()
		m.b.settle()
		f, err := os.Create(filepath.Join(*screenshotDir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, m.Window.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
	for _, th := range []string{ThemeLight, ThemeDark} {
		m, _ := newTestWindow(t, th)
		m.inbox.list.Select(1)
		save("inbox-"+th, m)
		m.inbox.search.SetText("дорога")
		m.b.settle()
		m.inbox.list.Select(0)
		save("search-"+th, m)
		m.ShowSettings()
		save("settings-"+th, m)
	}
}
