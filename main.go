// Command otklik is the press office's inbox, content calendar and
// broadcast-prep tool. With no command it opens the window; with one
// (import, export, demo, version…) it runs on the command line.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"otklik/app"
	"otklik/app/cli"
	"otklik/ui"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	args := os.Args[1:]
	if cli.IsCommand(args) {
		os.Exit(cli.Run(ctx, args, os.Stdout, os.Stderr))
	}
	core, opts, code := cli.OpenGUI(ctx, args, os.Stderr)
	if core == nil {
		os.Exit(code)
	}
	// Sync, the calendar's background work and the daily backup live as
	// long as the window; stopped before Close.
	stopServices, err := core.StartServices(ctx, app.ServiceOptions{})
	if err == nil {
		err = ui.Run(core, ui.Options{Version: app.Version, Lang: opts.Lang})
		stopServices()
	}
	if cerr := core.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "otklik: %v\n", err)
		os.Exit(cli.ExitFailure)
	}
}
