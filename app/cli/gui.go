package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"

	"otklik/app"
	"otklik/app/demo"
)

// GUIOptions are the GUI's command-line options.
type GUIOptions struct {
	DBPath string
	Lang   string // "", "ru" or "en"
}

// The Go collector's settings in the GUI: a cycle when the heap has grown by
// 40 % of its live size, and a soft limit on the whole heap.
const (
	guiGCPercent   = 40
	guiMemoryLimit = 64 << 20
)

// OpenGUI parses the GUI's flags and opens the core for the window. When the
// store is empty and the user has not chosen an empty store of their own, it
// is filled with the demo region first, so the inbox is alive at once.
// It returns a nil App and an exit code when the window should not start.
func OpenGUI(ctx context.Context, args []string, stderr io.Writer) (*app.App, GUIOptions, int) {
	var o GUIOptions
	fs := flag.NewFlagSet("otklik", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.DBPath, "db", "", "the store's file (default: the app's storage root)")
	fs.StringVar(&o.Lang, "lang", "", "interface language: ru or en (default: the system's)")
	comments := fs.Int("demo-comments", 20000, "comments in the demo region created on first start")
	if code, ok := parse(fs, args); !ok {
		return nil, o, code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "otklik: unknown command %q; see 'otklik help'\n", fs.Arg(0))
		return nil, o, ExitUsage
	}
	// The window lives for hours beside other programs on a laptop. Its
	// live heap is ~25 MB, most of it the toolkit's parsed fonts (several
	// megabytes for every text style on screen) that never become garbage;
	// the collector's default lets the heap grow to twice that between
	// cycles. With 40 % a cycle comes every ~10 MB allocated and costs
	// 5–10 ms of CPU on another core (gctrace on the 1M store), and the soft
	// limit caps the heap should the live part grow.
	// GOGC and GOMEMLIMIT in the environment still win.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(guiGCPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(guiMemoryLimit)
	}
	// A Windows GUI build has no console: the log, Fyne's own messages
	// included (slog.SetDefault redirects package log), goes to a rotating
	// file in the storage root that stays open for the life of the process.
	logger := slog.Default()
	if dir, err := app.DataDir(); err == nil {
		if l, _, err := app.SetupLogging(dir, slog.LevelInfo); err == nil {
			logger = l
			slog.SetDefault(l)
		} else {
			fmt.Fprintf(stderr, "otklik: %v\n", err)
		}
	}
	a, err := app.Open(ctx, app.Options{DBPath: o.DBPath, Logger: logger})
	if err != nil {
		logger.Error("open the store", "err", err)
		fmt.Fprintf(stderr, "otklik: %v\n", err)
		return nil, o, ExitFailure
	}
	logger.Info("start", "version", app.Version, "os", runtime.GOOS, "db", a.Path())
	need, err := a.NeedsDemo(ctx)
	if err == nil && need {
		_, err = a.SeedDemo(ctx, demo.Options{Seed: 1, Comments: *comments}, nil)
	}
	if err != nil {
		a.Close()
		fmt.Fprintf(stderr, "otklik: %v\n", err)
		return nil, o, ExitFailure
	}
	return a, o, ExitOK
}
