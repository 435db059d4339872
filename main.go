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
	"otklik/app/notify"
	"otklik/assets"
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
	// Background sync lives as long as the window; stopped before Close.
	stopSync, err := core.StartSync(ctx, app.SyncOptions{})
	if err == nil {
		// The calendar's background work: due posts queued, published ones
		// recognised, alerts through the overdue replies' notifier.
		icon, _ := assets.FS.ReadFile("icon.png")
		var stopBG func()
		stopBG, err = core.StartBackground(ctx, app.BackgroundOptions{Notifier: notify.BeeepNotifier{AppName: "Отклик", Icon: icon}})
		if err == nil {
			err = ui.Run(core, ui.Options{Version: app.Version, Lang: opts.Lang})
			stopBG()
		}
		stopSync()
	}
	if cerr := core.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "otklik: %v\n", err)
		os.Exit(cli.ExitFailure)
	}
}
