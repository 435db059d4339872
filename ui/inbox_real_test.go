package ui

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"otklik/app"
	"otklik/app/demo"
)

// realNow is the demo region's clock in the tests: Friday 27 November
// 2026, noon in Smolensk. «Эта неделя» starts on Monday the 23rd.
var realNow = time.Date(2026, 11, 27, 12, 0, 0, 0, time.FixedZone("MSK", 3*3600))

var (
	demoOnce sync.Once
	demoPath string
	demoErr  error
)

// demoStore builds the demo region once per test run and returns the path
// of a private copy, so each test starts from the same data.
func demoStore(t testing.TB) string {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "otklik-ui-demo")
		if err != nil {
			demoErr = err
			return
		}
		demoPath = filepath.Join(dir, "demo.db")
		a, err := app.Open(context.Background(), app.Options{DBPath: demoPath, Now: func() time.Time { return realNow }})
		if err != nil {
			demoErr = err
			return
		}
		_, demoErr = a.SeedDemo(context.Background(), demo.Options{Seed: 7, Comments: 6000, Now: realNow}, nil)
		if cerr := a.Close(); demoErr == nil {
			demoErr = cerr
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	dst := filepath.Join(t.TempDir(), "otklik.db")
	if err := copyFile(demoPath, dst); err != nil {
		t.Fatal(err)
	}
	return dst
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// newRealWindow opens the main window over the real core on a copy of the
// demo region, in Russian, at a laptop's size.
func newRealWindow(t testing.TB, themeName string) (*MainWindow, *app.App) {
	t.Helper()
	ta := test.NewTempApp(t)
	if err := SetLanguage(LangRussian); err != nil {
		t.Fatal(err)
	}
	ta.Settings().SetTheme(newAppTheme(themeName))
	core, err := app.Open(context.Background(), app.Options{DBPath: demoStore(t), Now: func() time.Time { return realNow }})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMainWindow(ta, core, Options{Now: func() time.Time { return realNow }, Version: "0.1.0", serial: true})
	t.Cleanup(func() {
		m.Close()
		core.Close()
	})
	m.Window.Resize(fyne.NewSize(1280, 720))
	m.b.settle()
	return m, core
}
