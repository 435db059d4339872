package app

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/zalando/go-keyring"

	"otklik/app/secrets"
	"otklik/app/simulate"
	"otklik/app/syncer"
	"otklik/data"
)

func openSyncCore(t *testing.T) *App {
	t.Helper()
	a, err := Open(context.Background(), Options{DBPath: filepath.Join(t.TempDir(), "otklik.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestSaveAccountValidation(t *testing.T) {
	keyring.MockInit()
	a := openSyncCore(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		in   AccountInput
		want error
	}{
		{"no platform", AccountInput{ExternalID: "1"}, ErrAccountPlatform},
		{"id not a number", AccountInput{Platform: data.VK, ExternalID: "club77123456"}, ErrAccountID},
		{"bad url", AccountInput{Platform: data.VK, ExternalID: "77123456", BaseURL: "ftp://127.0.0.1"}, ErrAccountURL},
		{"bad linked chat", AccountInput{Platform: data.Telegram, ExternalID: "-100198", LinkedChat: "чат"}, ErrAccountID},
	} {
		if _, _, err := a.SaveAccount(ctx, tc.in); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestSaveAccountToken(t *testing.T) {
	ctx := context.Background()
	keyring.MockInit()
	a := openSyncCore(t)
	acc, where, err := a.SaveAccount(ctx, AccountInput{Platform: data.VK, ExternalID: "77123456", Name: "Губернатор Смоленской области", Token: "vk1.a.secret"})
	if err != nil || where != TokenKeyring {
		t.Fatalf("SaveAccount = %v, %v", where, err)
	}
	if tok, err := a.SyncToken(acc); err != nil || tok != "vk1.a.secret" {
		t.Fatalf("token %q, %v", tok, err)
	}
	// The token is in the keyring, not in the store.
	accs, _ := a.Accounts(ctx)
	if len(accs) != 1 || accs[0].Account.Config != "{}" {
		t.Fatalf("accounts %+v", accs)
	}
	// Editing without a token keeps it; the platform and id cannot change.
	if _, where, err := a.SaveAccount(ctx, AccountInput{ID: acc.ID, Platform: data.VK, ExternalID: "77123456", Name: "Новое имя"}); err != nil || where != TokenKept {
		t.Fatalf("edit = %v, %v", where, err)
	}
	if _, _, err := a.SaveAccount(ctx, AccountInput{ID: acc.ID, Platform: data.VK, ExternalID: "1"}); err == nil {
		t.Fatal("changing the id was accepted")
	}

	// No keyring: the token is kept for the session and the account syncs
	// with it; a new account has none and says which case it is.
	keyring.MockInitWithError(errors.New("no secret service"))
	t.Cleanup(keyring.MockInit)
	b := openSyncCore(t)
	tg, where, err := b.SaveAccount(ctx, AccountInput{Platform: data.Telegram, ExternalID: "-1001987654321", LinkedChat: "-1001876543210", Token: "7000:bot"})
	if err != nil || where != TokenSession {
		t.Fatalf("SaveAccount without keyring = %v, %v", where, err)
	}
	if tok, err := b.SyncToken(tg); err != nil || tok != "7000:bot" {
		t.Fatalf("session token %q, %v", tok, err)
	}
	other, _, _ := b.SaveAccount(ctx, AccountInput{Platform: data.OK, ExternalID: "5512"})
	if _, err := b.SyncToken(other); !errors.Is(err, secrets.ErrUnavailable) {
		t.Fatalf("missing token without keyring: %v", err)
	}
	if got := linkedChat(tg); got != "-1001876543210" {
		t.Fatalf("linked chat %q", got)
	}
}

func TestSimulatorAccountOnlyOnLoopback(t *testing.T) {
	a := openSyncCore(t)
	if _, err := a.AddSimulatorAccounts(context.Background(), "https://api.vk.com/method/", 1, "", 0, 0); err == nil {
		t.Fatal("a real network was accepted as a simulator")
	}
	for url, want := range map[string]bool{"http://127.0.0.1:8765/vk/method/": true, "http://localhost:1/": true, "https://api.vk.com/": false, "": false} {
		acc := data.Account{Config: `{"simulator":true,"base_url":"` + url + `"}`}
		if got := isSimulator(acc); got != want {
			t.Errorf("%q: %v", url, got)
		}
	}
}

// TestSyncThroughCore runs the engine the way the window does and checks
// what Настройки → Аккаунты and the status bar see.
func TestSyncThroughCore(t *testing.T) {
	ctx := context.Background()
	sim, err := simulate.Start(ctx, simulate.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	sim.Emit(10)
	a := openSyncCore(t)
	if _, err := a.AddSimulatorAccounts(ctx, sim.VKBaseURL(), sim.VKGroupID(), sim.TelegramBaseURL(), sim.ChannelID(), sim.ChatID()); err != nil {
		t.Fatal(err)
	}
	events, unsub := a.Subscribe()
	defer unsub()
	stop, err := a.StartSync(ctx, SyncOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, OutboxPoll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, _ := a.Count(ctx, Query{})
		if n == 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages stored, want 20", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	page, _ := a.Inbox(ctx, Query{Filter: data.Filter{Platforms: []data.Platform{data.VK}}}, data.Cursor{}, 1)
	it, err := a.QueueReply(ctx, page.Items[0].ID, "Спасибо, передали в администрацию Вяземского района.", "")
	// The dispatcher may claim the item before QueueReply reads it back.
	if err != nil || it.State == data.OutboxFailed {
		t.Fatalf("QueueReply = %+v, %v", it, err)
	}
	for time.Now().Before(deadline) && len(sim.Sent()) == 0 {
		time.Sleep(20 * time.Millisecond)
	}
	if s := sim.Sent(); len(s) != 1 || s[0].GUID != it.IdempotencyKey {
		t.Fatalf("sent %+v", s)
	}
	accs, err := a.Accounts(ctx)
	if err != nil || len(accs) != 2 {
		t.Fatal(accs, err)
	}
	for _, s := range accs {
		if !s.Syncing || !s.Online || s.LastSync.IsZero() || (s.Phase != string(syncer.PhaseLive) && s.Phase != string(syncer.PhaseBackfill)) || !s.Simulator {
			t.Errorf("account state %+v", s)
		}
	}
	sum, _ := a.Summary(ctx)
	if !sum.Sync.Configured || !sum.Sync.Online {
		t.Fatalf("status bar %+v", sum.Sync)
	}
	gotSync := false
	for i := 0; i < 100 && !gotSync; i++ {
		select {
		case ev := <-events:
			gotSync = ev.Kind == EventSync
		case <-time.After(time.Second):
		}
	}
	if !gotSync {
		t.Fatal("no EventSync for the status bar")
	}
	if err := a.SyncNow(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := a.RetryUnsent(ctx, 0); err != nil || n != 0 {
		t.Fatalf("RetryUnsent = %d, %v", n, err)
	}
}
