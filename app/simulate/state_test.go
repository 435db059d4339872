package simulate_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"otklik/app/connector"
	"otklik/app/simulate"
	"otklik/data"
)

// TestStateSurvivesRestart: a simulator restarted on the same port with
// the same state file still has its comments, the replies it received and
// the guids it saw, so a resent reply lands once; the app's cursors (VK
// Long Poll ts, Telegram update offsets) stay valid.
func TestStateSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "sim.json")
	s, err := simulate.Start(ctx, simulate.Options{Rate: -1, StateFile: file})
	if err != nil {
		t.Fatal(err)
	}
	s.Emit(7)
	c := vkClient(t, s, "any")
	first := walk(t, c)
	if len(first) != 7 {
		t.Fatalf("backfill: %d comments, want 7", len(first))
	}
	target := first[0]
	r := connector.Reply{IdempotencyKey: "outbox-41", Text: "Здравствуйте! Ремонт дороги включён в план на июнь.",
		MessageExternalID: target.ExternalID, PostExternalID: target.PostExternalID}
	id, err := c.Reply(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	// The send was saved before it was answered: the file has it now.
	if b, err := os.ReadFile(file); err != nil || !strings.Contains(string(b), "outbox-41") {
		t.Fatalf("state after the send: %v", err)
	}
	live, err := c.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	tg := tgClient(t, s, nil)
	tgPage, err := tg.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	port := s.Port()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := simulate.Start(ctx, simulate.Options{Rate: -1, StateFile: file, Port: port})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := s2.Sent(); len(got) != 1 || got[0].GUID != "outbox-41" || got[0].RemoteID != id {
		t.Fatalf("replies after restart: %+v", got)
	}
	// The same client, at the same address, resends with the same guid.
	id2, err := c.Reply(ctx, r)
	if err != nil || id2 != id {
		t.Fatalf("resend after restart: %q vs %q, %v", id2, id, err)
	}
	if n := len(s2.Sent()); n != 1 {
		t.Fatalf("the resent reply landed %d times", n)
	}
	if again := walk(t, c); len(again) != len(first)+1 {
		t.Fatalf("backfill after restart: %d messages, want %d (+ our reply)", len(again), len(first)+1)
	}
	// Cursors from before the restart go on: only what is new arrives.
	s2.Emit(2)
	p, err := c.Poll(ctx, live.Cursor)
	if err != nil || len(p.Messages) != 2 {
		t.Fatalf("VK poll across the restart: %d messages, %v", len(p.Messages), err)
	}
	p, err = tg.Poll(ctx, tgPage.Cursor)
	fresh := 0
	for _, m := range p.Messages {
		if !strings.HasSuffix(m.Text, "(исправлено)") { // now and then an older comment is edited
			fresh++
		}
	}
	if err != nil || fresh != 2 {
		t.Fatalf("Telegram poll across the restart: %d new comments, %v", fresh, err)
	}
}

// walk reads the whole VK history.
func walk(t *testing.T, c connector.Backfiller) []data.Message {
	t.Helper()
	var out []data.Message
	cur := ""
	for {
		p, err := c.Backfill(context.Background(), cur)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, p.Messages...)
		if !p.More {
			return out
		}
		cur = p.Cursor
	}
}

func TestStateFileErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content, want string
	}{
		{"truncated", `{"version":1,"vk":{"posts":[1`, "unexpected end of JSON"},
		{"other version", `{"version":9}`, "version 9"},
		{"other community", `{"version":1,"vk":{"group_id":5},"telegram":{"channel_id":-1001987654321}}`, "community 5"},
		{"empty", `{"version":1,"vk":{"group_id":77123456},"telegram":{"channel_id":-1001987654321}}`, "no posts"},
	} {
		file := filepath.Join(dir, tc.name+".json")
		if err := os.WriteFile(file, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := simulate.Start(ctx, simulate.Options{Rate: -1, StateFile: file})
		if err == nil {
			s.Close()
			t.Errorf("%s: started", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		// A file that could not be read is left as it was.
		if b, _ := os.ReadFile(file); string(b) != tc.content {
			t.Errorf("%s: the file was changed", tc.name)
		}
	}
}
