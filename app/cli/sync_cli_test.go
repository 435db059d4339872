package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"otklik/app/simulate"
)

func TestSyncDemoAndSync(t *testing.T) {
	ctx := context.Background()
	sim, err := simulate.Start(ctx, simulate.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.Emit(5)
	db := filepath.Join(t.TempDir(), "otklik.db")
	var out, errb bytes.Buffer
	if code := Run(ctx, []string{"sync-demo", "--db", db, "--vk-url", sim.VKBaseURL(), "--telegram-url", sim.TelegramBaseURL()}, &out, &errb); code != ExitOK {
		t.Fatalf("sync-demo: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "account 1: vk") || !strings.Contains(out.String(), "account 2: telegram") {
		t.Fatalf("sync-demo printed %q", out.String())
	}
	out.Reset()
	if code := Run(ctx, []string{"sync", "--db", db, "--for", "3s", "--every", "1s"}, &out, &errb); code != ExitOK {
		t.Fatalf("sync: %d %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "online") || !strings.Contains(out.String(), "new 5") {
		t.Fatalf("sync printed %q", out.String())
	}
}

func TestSyncDemoUsage(t *testing.T) {
	for _, args := range [][]string{
		{"sync-demo", "--db", filepath.Join(t.TempDir(), "x.db")},
		{"sync-demo", "--db", filepath.Join(t.TempDir(), "y.db"), "--vk-url", "https://api.vk.com/method/"},
		{"simulate", "--addr", "0.0.0.0:8765"},
	} {
		var out, errb bytes.Buffer
		if code := Run(context.Background(), args, &out, &errb); code != ExitUsage {
			t.Errorf("%v: exit %d, want usage (%s)", args, code, errb.String())
		}
	}
}
