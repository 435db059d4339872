package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"otklik/app/simulate"
)

// runSimulate serves the VK and Telegram simulators on 127.0.0.1 until
// interrupted, for the demo and for trying sync without the internet.
func runSimulate(ctx context.Context, e *env, args []string) int {
	fs, _ := flags(e, "simulate")
	addr := fs.String("addr", "127.0.0.1:8765", "where to listen; the host must be 127.0.0.1")
	ratef := fs.Float64("rate", 2, "new comments per second on each network (0: none)")
	seed := fs.Uint64("seed", 1, "seed of the comment flow")
	state := fs.String("state", "", "keep the simulated networks in this JSON file across restarts (comments, replies received, guids seen)")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	_, port, err := splitLoopback(*addr)
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik simulate: %v\n", err)
		return ExitUsage
	}
	r := *ratef
	if r == 0 {
		r = -1 // the simulator's "no flow"
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := simulate.Start(ctx, simulate.Options{Port: port, Rate: r, Seed: *seed, StateFile: *state})
	if err != nil {
		fmt.Fprintf(e.stderr, "otklik simulate: %v\n", err)
		return ExitFailure
	}
	defer func() {
		if err := s.Close(); err != nil {
			fmt.Fprintf(e.stderr, "otklik simulate: %v\n", err)
		}
	}()
	fmt.Fprintf(e.stdout, "VK:       %s  (community %d)\n", s.VKBaseURL(), s.VKGroupID())
	fmt.Fprintf(e.stdout, "Telegram: %s  (channel %d, discussion group %d)\n", s.TelegramBaseURL(), s.ChannelID(), s.ChatID())
	fmt.Fprintf(e.stdout, "\nPoint a store at it:\n  otklik sync-demo --db FILE --vk-url %s --telegram-url %s\n", s.VKBaseURL(), s.TelegramBaseURL())
	if *state != "" {
		fmt.Fprintf(e.stdout, "State:    %s (kept across restarts)\n", *state)
	}
	fmt.Fprintln(e.stdout, "Stop with Ctrl+C.")
	<-ctx.Done()
	return ExitOK
}
