package cli

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"otklik/app"
)

// splitLoopback checks that addr is host:port on the loopback interface.
func splitLoopback(addr string) (string, int, error) {
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, fmt.Errorf("--addr %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return "", 0, fmt.Errorf("--addr %q: the simulator listens on 127.0.0.1 only", addr)
	}
	port, err := strconv.Atoi(p)
	if err != nil || port < 0 || port > 65535 {
		return "", 0, fmt.Errorf("--addr %q: bad port", addr)
	}
	return host, port, nil
}

// runSyncDemo adds accounts pointed at a running `otklik simulate`.
func runSyncDemo(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "sync-demo")
	vkURL := fs.String("vk-url", "", "the simulator's VK base URL (as `otklik simulate` prints it)")
	tgURL := fs.String("telegram-url", "", "the simulator's Telegram base URL")
	group := fs.Int64("vk-group", 77123456, "the simulated VK community")
	channel := fs.Int64("channel", -1001987654321, "the simulated Telegram channel")
	chat := fs.Int64("chat", -1001876543210, "the simulated discussion group")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *vkURL == "" && *tgURL == "" {
		fmt.Fprintln(e.stderr, "otklik sync-demo: give --vk-url, --telegram-url or both")
		return ExitUsage
	}
	a, err := app.Open(ctx, app.Options{DBPath: *dbPath})
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik sync-demo: %v\n", err)
		return ExitFailure
	}
	defer a.Close()
	accs, err := a.AddSimulatorAccounts(ctx, *vkURL, *group, *tgURL, *channel, *chat)
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik sync-demo: %v\n", err)
		return ExitUsage
	}
	for _, acc := range accs {
		fmt.Fprintf(e.stdout, "account %d: %s «%s»\n", acc.ID, acc.Platform, acc.Name)
	}
	fmt.Fprintf(e.stdout, "Open the window on this store (otklik --db %s) or run `otklik sync --db %s`.\n", a.Path(), a.Path())
	return ExitOK
}

// runSync runs background sync in the terminal, printing each account's
// state, until interrupted or --for has passed.
func runSync(ctx context.Context, e *env, args []string) int {
	fs, dbPath := flags(e, "sync")
	dur := fs.Duration("for", 0, "stop after this long (0: until Ctrl+C)")
	every := fs.Duration("every", 5*time.Second, "how often to print the state")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *dur > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *dur)
		defer cancel()
	}
	a, err := app.Open(ctx, app.Options{DBPath: *dbPath})
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik sync: %v\n", err)
		return ExitFailure
	}
	defer a.Close()
	stopSync, err := a.StartSync(ctx, app.SyncOptions{})
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik sync: %v\n", err)
		return ExitFailure
	}
	// Due calendar posts go out and its alerts are printed (app/background.go).
	stopBG, err := a.StartBackground(ctx, app.BackgroundOptions{Notifier: printNotifier{e}})
	if err != nil {
		stopSync()
		fmt.Fprintf(e.stderr, "otklik sync: %v\n", err)
		return ExitFailure
	}
	defer stopBG()
	t := time.NewTicker(*every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			stopSync()
			printAccounts(context.Background(), e, a)
			return ExitOK
		case <-t.C:
			printAccounts(ctx, e, a)
		}
	}
}

func printAccounts(ctx context.Context, e *env, a *app.App) {
	accs, err := a.Accounts(ctx)
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik sync: %v\n", err)
		return
	}
	for _, s := range accs {
		state := "offline"
		if s.Online {
			state = "online"
		}
		if s.Phase == "" {
			state = "not syncing"
		}
		fmt.Fprintf(e.stdout, "%-8s %-40s %-8s %-11s new %-5d sent %-4d queued %-3d failed %-3d", s.Account.Platform, s.Account.Name,
			state, s.Phase, s.Ingested, s.Sent, s.Queued, s.Failed)
		if s.LastError != "" {
			fmt.Fprintf(e.stdout, " error: %s", s.LastError)
		}
		fmt.Fprintln(e.stdout)
	}
}

// printNotifier shows notifications in the terminal.
type printNotifier struct{ e *env }

func (p printNotifier) Notify(title, body string) error {
	_, err := fmt.Fprintf(p.e.stdout, "%s: %s\n", title, body)
	return err
}
