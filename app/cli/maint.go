package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/dustin/go-humanize"

	"otklik/app"
)

// maintCommands are the store's safety commands, registered in cli.go.
var maintCommands = []command{
	{"backup", "[--out FILE]", "write a checked copy of the store (default: into backups/ beside it)", runBackup},
	{"restore", "--from FILE", "replace the store with a backup (the store must be closed; the old one is kept as .bak)", runRestore},
	{"check", "[--quick]", "check the store's integrity (PRAGMA integrity_check)", runCheck},
}

func maintFail(e *env, name string, err error) int {
	err = app.ExplainStoreError(err)
	fmt.Fprintf(e.stderr, "otklik %s: %v\n", name, err)
	if errors.Is(err, context.Canceled) {
		return ExitCanceled
	}
	return ExitFailure
}

func runBackup(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "backup")
	out := fs.String("out", "", "the backup file (default: backups/otklik-manual-YYYYMMDD-HHMMSS.db beside the store)")
	if code, ok := parseNoArgs(e, fs, args); !ok {
		return code
	}
	a, code := open(ctx, e, *dbPath)
	if a == nil {
		return code
	}
	defer a.Close()
	dest := *out
	if dest == "" {
		// Not named like a daily backup, so retention never removes it.
		dest = filepath.Join(a.BackupDir(), "otklik-manual-"+time.Now().Format("20060102-150405")+".db")
	}
	info, err := a.Backup(ctx, dest)
	if err != nil {
		return maintFail(e, "backup", err)
	}
	fmt.Fprintf(e.stdout, "backup written: %s (%s) in %s\n", info.Path, humanize.IBytes(uint64(info.Size)), info.Took.Round(time.Millisecond))
	return ExitOK
}

func runRestore(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "restore")
	from := fs.String("from", "", "the backup to restore")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *from == "" || fs.NArg() != 0 {
		fmt.Fprintln(e.stderr, "otklik restore: want --from FILE and nothing else")
		return ExitUsage
	}
	res, err := app.Restore(ctx, *dbPath, *from)
	if err != nil {
		return maintFail(e, "restore", err)
	}
	fmt.Fprintf(e.stdout, "restored %d messages from %s\n", res.Messages, *from)
	if res.Replaced != "" {
		fmt.Fprintf(e.stdout, "the replaced store is kept as %s\n", res.Replaced)
	}
	return ExitOK
}

func runCheck(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "check")
	quick := fs.Bool("quick", false, "PRAGMA quick_check: faster, skips index contents")
	if code, ok := parseNoArgs(e, fs, args); !ok {
		return code
	}
	a, code := open(ctx, e, *dbPath)
	if a == nil {
		return code
	}
	defer a.Close()
	if a.UncleanShutdown() {
		fmt.Fprintln(e.stdout, "last shutdown: unclean (the store was not closed properly)")
	} else {
		fmt.Fprintln(e.stdout, "last shutdown: clean")
	}
	rep, err := a.CheckIntegrity(ctx, !*quick)
	if err != nil {
		return maintFail(e, "check", err)
	}
	name := "integrity_check"
	if !rep.Full {
		name = "quick_check"
	}
	if rep.OK {
		fmt.Fprintf(e.stdout, "%s: ok (%s)\n", name, rep.Took.Round(time.Millisecond))
		return ExitOK
	}
	fmt.Fprintf(e.stdout, "%s: %d problem(s):\n  %s\n", name, len(rep.Problems), strings.Join(rep.Problems, "\n  "))
	fmt.Fprintf(e.stdout, "Restore the latest backup from %s with `otklik restore --from FILE`.\n", a.BackupDir())
	return ExitFailure
}
