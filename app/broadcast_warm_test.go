package app

import (
	"context"
	"testing"
	"time"
)

// TestPanelWarmerGroupsTheNextBroadcastAhead: after start, and again after
// new messages, the next broadcast's district is grouped ahead of time, so
// the panel's own call finds the result without reading the texts.
func TestPanelWarmerGroupsTheNextBroadcastAhead(t *testing.T) {
	ctx := context.Background()
	a := openDemo(t, 3000)
	b, ok, err := a.NextBroadcast(ctx)
	if err != nil || !ok {
		t.Fatalf("the demo has no next broadcast: %v", err)
	}
	db, err := a.store()
	if err != nil {
		t.Fatal(err)
	}
	from, to := a.DefaultPeriod()
	key := groupMemoKey{db: db, district: b.District, from: from.Unix(), to: to.Unix()}
	ready := func() bool {
		v, err := db.ChangeVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		g, ok := groupMemos.get(key)
		return ok && g.version == v
	}
	waitFor := func(what string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ready() {
			if time.Now().After(deadline) {
				t.Fatalf("%s: the district was not grouped ahead of time", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	if ready() {
		t.Fatal("grouped before the warmer ran")
	}
	stop := a.startPanelWarmer(ctx, 20*time.Millisecond, 50*time.Millisecond)
	defer stop()
	waitFor("after start")

	// New messages: the memo goes stale, and the warmer groups again.
	if err := db.SetSetting(ctx, "probe", "1"); err != nil { // any commit moves the version
		t.Fatal(err)
	}
	a.publish(Event{Kind: EventMessages})
	if ready() {
		t.Fatal("the memo survived a commit")
	}
	waitFor("after new messages")
}
