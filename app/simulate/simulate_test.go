package simulate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"otklik/app/connector"
	"otklik/app/connector/telegram"
	"otklik/app/connector/vk"
	"otklik/app/simulate"
	"otklik/data"
)

func start(t *testing.T, opts simulate.Options) *simulate.Server {
	t.Helper()
	s, err := simulate.Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func vkClient(t *testing.T, s *simulate.Server, token string) *vk.Client {
	t.Helper()
	cfg, _ := json.Marshal(vk.Config{BaseURL: s.VKBaseURL(), GroupID: s.VKGroupID()})
	c, err := vk.New(data.Account{ID: 1, Platform: data.VK, Config: string(cfg)}, token, vk.Options{LongPollWait: 2})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func tgClient(t *testing.T, s *simulate.Server, onChange func(data.Account)) *telegram.Client {
	t.Helper()
	cfg, _ := json.Marshal(telegram.Config{BaseURL: s.TelegramBaseURL(), ChannelID: s.ChannelID(), ChatID: s.ChatID()})
	c, err := telegram.New(data.Account{ID: 2, Platform: data.Telegram, Config: string(cfg)}, "7000:sim", telegram.Options{PollTimeout: 2, OnAccountChange: onChange})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestVKBackfillPollAndReplyOnce(t *testing.T) {
	s := start(t, simulate.Options{Rate: -1, VKToken: "vk1.a.sim"})
	s.Emit(140)
	c := vkClient(t, s, "vk1.a.sim")
	ctx := context.Background()

	// Backfill reaches every comment, threads included.
	seen := map[string]data.Message{}
	cur := ""
	for {
		p, err := c.Backfill(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range p.Messages {
			seen[m.ExternalID] = m
		}
		if !p.More {
			break
		}
		cur = p.Cursor
	}
	if len(seen) != 140 {
		t.Errorf("backfill found %d of 140 comments", len(seen))
	}

	// Live: a poll from now returns what arrives while it waits.
	go func() {
		time.Sleep(200 * time.Millisecond)
		s.Emit(3)
	}()
	p, err := c.Poll(ctx, "")
	if err != nil || len(p.Messages) != 3 || p.Cursor == "" {
		t.Fatalf("poll: %d messages, cursor %q, %v", len(p.Messages), p.Cursor, err)
	}
	var target data.Message
	for _, m := range p.Messages {
		target = m
	}

	// The server stores the reply and drops the connection: the error is
	// ambiguous; the resend with the same guid lands once.
	s.SetFaults(simulate.Faults{HangAfterCommit: 1})
	r := connector.Reply{IdempotencyKey: "outbox-17", Text: "Здравствуйте! Передали ваше обращение в администрацию района.",
		MessageExternalID: target.ExternalID, PostExternalID: target.PostExternalID}
	_, err = c.Reply(ctx, r)
	if !connector.IsAmbiguous(err) || connector.Classify(err) != connector.Transient {
		t.Fatalf("hang after commit: %v", err)
	}
	id, found, err := c.FindSent(ctx, r)
	if err != nil || !found {
		t.Fatalf("read-back did not find the stored reply: %v", err)
	}
	id2, err := c.Reply(ctx, r)
	if err != nil || id2 != id {
		t.Errorf("resend: %q vs %q, %v", id2, id, err)
	}
	sent := s.Sent()
	if len(sent) != 1 || sent[0].GUID != "outbox-17" || sent[0].ReplyTo != target.ExternalID {
		t.Errorf("sent %+v", sent)
	}
	// The next poll carries our reply back as the office's comment.
	p, err = c.Poll(ctx, p.Cursor)
	if err != nil || len(p.Messages) != 1 || !p.Messages[0].FromOffice {
		t.Errorf("own reply in poll: %+v %v", p.Messages, err)
	}
}

func TestVKFaults(t *testing.T) {
	s := start(t, simulate.Options{Rate: -1, VKToken: "vk1.a.sim"})
	ctx := context.Background()
	c := vkClient(t, s, "vk1.a.sim")
	for _, tt := range []struct {
		f    simulate.Faults
		kind connector.Kind
	}{
		{simulate.Faults{RateLimited: 1}, connector.RateLimited},
		{simulate.Faults{ServerErrors: 1}, connector.Transient},
		{simulate.Faults{Malformed: 1}, connector.Transient},
	} {
		s.SetFaults(tt.f)
		if _, err := c.Backfill(ctx, ""); connector.Classify(err) != tt.kind {
			t.Errorf("%+v: %v", tt.f, err)
		}
	}
	if _, err := vkClient(t, s, "stolen").Backfill(ctx, ""); connector.Classify(err) != connector.AuthFailed {
		t.Errorf("bad token: %v", err)
	}
	// Long Poll "failed" codes as the server sends them.
	p, err := c.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	s.Emit(2)
	s.SetFaults(simulate.Faults{LongPollFailed: 1})
	if p, err = c.Poll(ctx, p.Cursor); err != nil || !p.Resync {
		t.Errorf("failed 1: %+v %v", p, err)
	}
	s.SetFaults(simulate.Faults{LongPollFailed: 2})
	s.Emit(1)
	if p, err = c.Poll(ctx, p.Cursor); err != nil || p.Resync || len(p.Messages) != 1 {
		t.Errorf("failed 2: %+v %v", p, err)
	}
}

func TestTelegramPollReplyAndFaults(t *testing.T) {
	s := start(t, simulate.Options{Rate: -1})
	s.Emit(10)
	var changed []data.Account
	c := tgClient(t, s, func(a data.Account) { changed = append(changed, a) })
	ctx := context.Background()
	p, err := c.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Posts) != 6 {
		t.Errorf("%d posts, want the 6 automatic forwards", len(p.Posts))
	}
	posts := map[string]bool{}
	for _, po := range p.Posts {
		posts[po.ExternalID] = true
	}
	var target data.Message
	for _, m := range p.Messages {
		if !posts[m.PostExternalID] {
			t.Errorf("comment %s not under a post: %q", m.ExternalID, m.PostExternalID)
		}
		target = m
	}
	if len(p.Messages) < 10 {
		t.Errorf("%d messages, want at least 10", len(p.Messages))
	}
	// The cursor confirms: the next poll only sees new updates.
	s.Emit(1)
	if p, err = c.Poll(ctx, p.Cursor); err != nil || len(p.Messages) < 1 || len(p.Posts) != 0 {
		t.Errorf("next poll: %d messages %d posts, %v", len(p.Messages), len(p.Posts), err)
	}

	r := connector.Reply{IdempotencyKey: "ob-1", Text: "Спасибо! Передали в управление ЖКХ.", MessageExternalID: target.ExternalID, PostExternalID: target.PostExternalID}
	s.SetFaults(simulate.Faults{RateLimited: 1, RetryAfter: 5})
	if _, err := c.Reply(ctx, r); connector.Classify(err) != connector.RateLimited || connector.RetryAfter(err) != 5*time.Second {
		t.Errorf("429: %v", err)
	}
	s.SetFaults(simulate.Faults{HangAfterCommit: 1})
	if _, err := c.Reply(ctx, r); !connector.IsAmbiguous(err) {
		t.Errorf("hang: %v", err)
	}
	if _, found, err := c.FindSent(ctx, r); found || err != connector.ErrUnverifiable {
		t.Errorf("Telegram cannot confirm a lost answer: %v %v", found, err)
	}
	if n := len(s.Sent()); n != 1 {
		t.Errorf("server stored %d replies", n)
	}

	// The group becomes a supergroup: the connector follows and says so.
	s.SetFaults(simulate.Faults{Migrate: true})
	r.IdempotencyKey = "ob-2"
	id, err := c.Reply(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	newChat := s.ChatID()
	if !strings.HasPrefix(id, fmt.Sprint(newChat)+":") || len(changed) != 1 || !strings.Contains(changed[0].Config, fmt.Sprint(newChat)) {
		t.Errorf("migration: id %s, changes %+v", id, changed)
	}

	if id, err := c.Publish(ctx, connector.Publication{IdempotencyKey: "cal-5", Text: "Прямой эфир с жителями Ярцевского района — в четверг в 18:00."}); err != nil ||
		!strings.HasPrefix(id, fmt.Sprint(s.ChannelID())+":") {
		t.Errorf("publish %q %v", id, err)
	}
}

func TestFlowRate(t *testing.T) {
	s := start(t, simulate.Options{Rate: 20})
	c := tgClient(t, s, nil)
	ctx := context.Background()
	p, err := c.Poll(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	startAt := time.Now()
	n := 0
	for time.Since(startAt) < time.Second {
		if p, err = c.Poll(ctx, p.Cursor); err != nil {
			t.Fatal(err)
		}
		n += len(p.Messages)
	}
	// 20 a second for about a second, edits included; generous bounds for a
	// loaded machine.
	if n < 10 || n > 40 {
		t.Errorf("%d messages in a second at 20/s", n)
	}
	t.Logf("%d messages in %v", n, time.Since(startAt))
}

func TestStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	s, err := simulate.Start(ctx, simulate.Options{Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := vkClient(t, s, "any")
	p, err := c.Poll(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := c.Poll(context.Background(), p.Cursor)
		done <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("a held long poll outlived the server")
	}
	if err := s.Close(); err != nil {
		t.Errorf("Close after cancel: %v", err)
	}
}
