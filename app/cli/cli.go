// Package cli is Otklik's command line: the same binary as the GUI, used by
// analysts and scripts. Each command is a thin layer over package app.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"otklik/app"
	"otklik/app/demo"
	"otklik/data"
)

// Exit codes, after BSD sysexits where one fits.
const (
	ExitOK       = 0
	ExitFailure  = 1  // the command failed (I/O, store)
	ExitUsage    = 2  // wrong flags or arguments
	ExitDataErr  = 65 // the input data is bad (EX_DATAERR)
	ExitNoInput  = 66 // an input file does not exist (EX_NOINPUT)
	ExitCanceled = 130
)

type command struct {
	name, args, help string
	run              func(ctx context.Context, env *env, args []string) int
}

var commands []command

func init() {
	commands = []command{
		{"import", "--format jsonl|csv [--skip-bad] FILE", "import messages from a file (all or nothing unless --skip-bad)", runImport},
		{"export", "--format jsonl|csv [--district CODE] [--category CODE] [--status S] [--since T] [--until T] [--search Q] [--out FILE]", "export messages", runExport},
		{"demo", "[--comments N] [--seed N]", "fill the store with the generated demo region", runDemo},
		{"brief", "--district CODE --out FILE [--from YYYY-MM-DD --to YYYY-MM-DD] [--format pdf|docx|html] [--pseudonymise]", "write the broadcast briefing for one municipality", runBrief},
		{"simulate", "[--addr 127.0.0.1:8765] [--rate 2] [--seed N] [--state FILE]", "serve local VK and Telegram simulators with a flow of comments", runSimulate}, {"sync-demo", "--vk-url URL --telegram-url URL", "add accounts that sync with a running simulator", runSyncDemo}, {"sync", "[--for DURATION]", "run background sync in the terminal", runSync},
		maintCommands[0], maintCommands[1], maintCommands[2], // backup, restore, check (maint.go)
		{"version", "", "print the version", runVersion},
		{"help", "", "show this help", runHelp},
	}
}

type env struct {
	stdout, stderr io.Writer
}

// IsCommand reports whether args name a CLI command rather than the GUI.
func IsCommand(args []string) bool {
	if len(args) == 0 {
		return false
	}
	switch args[0] {
	case "--version", "-version", "-v", "--help", "-help", "-h":
		return true
	}
	for _, c := range commands {
		if args[0] == c.name {
			return true
		}
	}
	return false
}

// Run runs one command and returns the process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		return runHelp(ctx, e, nil)
	}
	switch args[0] {
	case "--version", "-version", "-v":
		return runVersion(ctx, e, nil)
	case "--help", "-help", "-h":
		return runHelp(ctx, e, nil)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "otklik: unknown command %q; see 'otklik help'\n", args[0])
	return ExitUsage
}

func runHelp(_ context.Context, e *env, _ []string) int {
	fmt.Fprintf(e.stdout, "Отклик %s — inbox, calendar and broadcast prep for a governor's press office.\n\n", app.Version)
	fmt.Fprintln(e.stdout, "Usage:\n  otklik [--db PATH]            start the window")
	for _, c := range commands {
		fmt.Fprintf(e.stdout, "  otklik %s %s\n      %s\n", c.name, c.args, c.help)
	}
	fmt.Fprintln(e.stdout, "\nEvery command takes --db PATH (default: the app's storage root).")
	return ExitOK
}

func runVersion(_ context.Context, e *env, _ []string) int {
	fmt.Fprintf(e.stdout, "otklik %s\n", app.Version)
	return ExitOK
}

// flags makes a flag set with the common --db flag.
func flags(e *env, name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("otklik "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	db := fs.String("db", "", "the store's file (default: the app's storage root)")
	return fs, db
}

func parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, false
		}
		return ExitUsage, false
	}
	return 0, true
}

// parseNoArgs is parse for commands that take only flags: a stray word is a
// usage error named as such, not silently ignored.
func parseNoArgs(e *env, fs *flag.FlagSet, args []string) (int, bool) {
	if code, ok := parse(fs, args); !ok {
		return code, false
	}
	if fs.NArg() != 0 {
		fmt.Fprintf(e.stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return ExitUsage, false
	}
	return 0, true
}

func open(ctx context.Context, e *env, path string) (*app.App, int) {
	a, err := app.Open(ctx, app.Options{DBPath: path})
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik: %v\n", err)
		return nil, ExitFailure
	}
	return a, 0
}

func fail(e *env, err error) int {
	err = app.ExplainStoreError(err)
	fmt.Fprintf(e.stderr, "otklik: %v\n", err)
	var ie *app.ImportError
	switch {
	case errors.As(err, &ie):
		return ExitDataErr
	case errors.Is(err, context.Canceled):
		return ExitCanceled
	case errors.Is(err, os.ErrNotExist):
		return ExitNoInput
	}
	return ExitFailure
}

func runImport(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "import")
	format := fs.String("format", "", "jsonl, csv, telegram-export (Telegram Desktop's result.json), pos-csv or pos-xlsx (default: from the file's extension)")
	skipBad := fs.Bool("skip-bad", false, "import the good rows and report each bad one")
	source := fs.String("account", "pos", "the ПОС source's name (pos-csv, pos-xlsx); its column mapping is remembered")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(e.stderr, "otklik import: want exactly one FILE")
		return ExitUsage
	}
	file := fs.Arg(0)
	if *format == "" {
		*format = formatFromName(file)
	}
	switch *format {
	case "jsonl", "csv", "telegram-export", "pos-csv", "pos-xlsx":
	default:
		fmt.Fprintf(e.stderr, "otklik import: unknown format %q (want jsonl, csv, telegram-export, pos-csv or pos-xlsx)\n", *format)
		return ExitUsage
	}
	if _, err := os.Stat(file); err != nil {
		return fail(e, err)
	}
	a, code := open(ctx, e, *dbPath)
	if a == nil {
		return code
	}
	defer a.Close()
	start := time.Now()
	switch *format {
	case "telegram-export", "pos-csv", "pos-xlsx":
		var res app.NetworkImportResult
		var err error
		if *format == "telegram-export" {
			res, err = a.ImportTelegramExport(ctx, file)
		} else {
			res, err = a.ImportPOS(ctx, file, app.POSImportOptions{
				Format: strings.TrimPrefix(*format, "pos-"), Account: *source, SkipBad: *skipBad,
				OnSkip: func(err error) { fmt.Fprintf(e.stderr, "skipped %v\n", err) },
			})
		}
		if err != nil {
			return fail(e, err)
		}
		fmt.Fprintf(e.stdout, "imported %d posts and %d messages into «%s» (%d new, %d updated, %d skipped, %d quarantined) in %s\n",
			res.Posts, res.Messages, res.Account.Name, res.Inserted, res.Updated, res.Skipped, res.Quarantine,
			time.Since(start).Round(time.Millisecond))
		return ExitOK
	}
	res, err := a.Import(ctx, file, app.ImportOptions{
		Format:  *format,
		SkipBad: *skipBad,
		OnSkip:  func(r *app.RowError) { fmt.Fprintf(e.stderr, "skipped %v\n", r) },
	})
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "imported %d rows (%d new, %d updated, %d skipped) in %s\n",
		res.Rows, res.Inserted, res.Updated, res.Skipped, time.Since(start).Round(time.Millisecond))
	return ExitOK
}

func formatFromName(name string) string {
	switch {
	case strings.HasSuffix(name, ".csv"):
		return "csv"
	case strings.HasSuffix(name, ".jsonl"), strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".json"):
		return "jsonl"
	}
	return ""
}

// multi is a repeatable, comma-separated flag.
type multi []string

func (m *multi) String() string { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*m = append(*m, s)
		}
	}
	return nil
}

func runExport(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "export")
	format := fs.String("format", "jsonl", "jsonl or csv")
	var districts, categories, statuses, platforms multi
	fs.Var(&districts, "district", "municipality code, e.g. roslavl (repeatable)")
	fs.Var(&categories, "category", "topic code, e.g. housing (repeatable)")
	fs.Var(&statuses, "status", "new, in_progress, answered, forwarded, closed, spam (repeatable)")
	fs.Var(&platforms, "platform", "vk, telegram, ok, pos (repeatable)")
	since := fs.String("since", "", "only messages created at or after this time (RFC 3339 or YYYY-MM-DD, Moscow time)")
	until := fs.String("until", "", "only messages created before this time")
	search := fs.String("search", "", "only messages matching this search")
	out := fs.String("out", "", "write to this file instead of standard output")
	if code, ok := parseNoArgs(e, fs, args); !ok {
		return code
	}
	if *format != "jsonl" && *format != "csv" {
		fmt.Fprintf(e.stderr, "otklik export: unknown format %q (want jsonl or csv)\n", *format)
		return ExitUsage
	}
	f := data.Filter{Districts: districts, Categories: categories}
	for _, s := range statuses {
		st := data.Status(s)
		if !st.Valid() {
			fmt.Fprintf(e.stderr, "otklik export: unknown status %q\n", s)
			return ExitUsage
		}
		f.Statuses = append(f.Statuses, st)
	}
	for _, p := range platforms {
		pl := data.Platform(p)
		if !pl.Valid() {
			fmt.Fprintf(e.stderr, "otklik export: unknown platform %q\n", p)
			return ExitUsage
		}
		f.Platforms = append(f.Platforms, pl)
	}
	var err error
	if f.Since, err = app.ParseTime(*since); err != nil {
		fmt.Fprintf(e.stderr, "otklik export: --since: %v\n", err)
		return ExitUsage
	}
	if f.Until, err = app.ParseTime(*until); err != nil {
		fmt.Fprintf(e.stderr, "otklik export: --until: %v\n", err)
		return ExitUsage
	}
	a, code := open(ctx, e, *dbPath)
	if a == nil {
		return code
	}
	defer a.Close()
	for _, d := range districts {
		if _, ok := a.Tagger().Municipality(d); !ok {
			fmt.Fprintf(e.stderr, "otklik export: unknown district %q\n", d)
			return ExitUsage
		}
	}
	w := e.stdout
	var file *os.File
	if *out != "" {
		if file, err = os.Create(*out); err != nil {
			return fail(e, err)
		}
		w = file
	}
	n, err := a.Export(ctx, w, app.ExportOptions{Format: *format, Filter: f, Search: *search})
	if file != nil {
		if cerr := file.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stderr, "exported %d messages\n", n)
	return ExitOK
}

func runDemo(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "demo")
	comments := fs.Int("comments", 20000, "resident comments to generate")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same region")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *comments < 0 {
		fmt.Fprintln(e.stderr, "otklik demo: --comments must not be negative")
		return ExitUsage
	}
	a, code := open(ctx, e, *dbPath)
	if a == nil {
		return code
	}
	defer a.Close()
	start := time.Now()
	last := time.Now()
	stats, err := a.SeedDemo(ctx, demo.Options{Seed: *seed, Comments: *comments}, func(n int) {
		if time.Since(last) > 2*time.Second {
			last = time.Now()
			fmt.Fprintf(e.stderr, "… %d messages\n", n)
		}
	})
	if err != nil {
		return fail(e, err)
	}
	el := time.Since(start)
	fmt.Fprintf(e.stdout, "demo region: %d messages (%d new, %d updated) in %s, %.0f messages/s\n",
		stats.Inserted+stats.Updated, stats.Inserted, stats.Updated, el.Round(time.Millisecond),
		float64(stats.Inserted+stats.Updated)/el.Seconds())
	return ExitOK
}
