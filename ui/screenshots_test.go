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
	dir := screenshotsDir(t)
	for _, th := range []string{ThemeLight, ThemeDark} {
		m, _ := newTestWindow(t, th)
		save := saveFrame(t, dir, m)
		m.inbox.list.Select(1)
		save("inbox-" + th)
		m.inbox.search.SetText("дорога")
		m.b.settle()
		m.inbox.list.Select(0)
		save("search-" + th)
		m.ShowSettings()
		save("settings-" + th)
	}
}

// screenshotsDir is where a screenshot test writes (-screenshots=DIR or
// OTKLIK_SCREENSHOTS, as make screenshots sets); without one the test skips.
func screenshotsDir(t *testing.T) string {
	t.Helper()
	dir := *screenshotDir
	if dir == "" {
		dir = os.Getenv("OTKLIK_SCREENSHOTS")
	}
	if dir == "" {
		t.Skip("pass -screenshots=DIR or OTKLIK_SCREENSHOTS=DIR to write screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// saveFrame returns a function that settles the window's pending work and
// writes its current frame to dir/name.png.
func saveFrame(t *testing.T, dir string, m *MainWindow) func(name string) {
	return func(name string) {
		t.Helper()
		m.b.settle()
		f, err := os.Create(filepath.Join(dir, name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := png.Encode(f, m.Window.Canvas().Capture()); err != nil {
			t.Fatal(err)
		}
	}
}
