package sqlite

import (
	"context"
	"errors"
	"testing"
	"time"

	"otklik/data"
)

func queueReply(t *testing.T, db *DB, acc int64, key string, next time.Time) data.OutboxItem {
	t.Helper()
	it := data.OutboxItem{AccountID: acc, Kind: "reply", IdempotencyKey: key, Payload: `{"text":"Спасибо, передали в администрацию"}`, NextTry: next}
	if err := db.EnqueueOutbox(context.Background(), &it, ""); err != nil {
		t.Fatal(err)
	}
	return it
}

func TestOutboxTransitions(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	vk := mustAccount(t, db, data.VK, "77123456", "Губернатор Смоленской области")
	tg := mustAccount(t, db, data.Telegram, "-1001987654321", "Смоленская область")
	now := baseTime
	a := queueReply(t, db, vk.ID, "a", time.Time{})
	b := queueReply(t, db, vk.ID, "b", now.Add(time.Minute)) // not due yet
	c := queueReply(t, db, vk.ID, "c", now.Add(-time.Minute))
	queueReply(t, db, tg.ID, "d", time.Time{}) // another account

	got, err := db.ClaimOutbox(ctx, vk.ID, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != a.ID || got[1].ID != c.ID {
		t.Fatalf("claimed %+v, want a and c", got)
	}
	for _, it := range got {
		if it.State != data.OutboxSending || it.Attempts != 1 {
			t.Fatalf("claimed item %+v", it)
		}
	}
	if again, _ := db.ClaimOutbox(ctx, vk.ID, now, 10); len(again) != 0 {
		t.Fatalf("claimed twice: %+v", again)
	}

	// a: sent; c: ambiguous, held, then requeued without counting.
	if err := db.MarkOutboxSent(ctx, a.ID, "-77123456_501", now, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkOutboxSent(ctx, a.ID, "-77123456_502", now, nil); !errors.Is(err, ErrNotSending) {
		t.Fatalf("second MarkOutboxSent: %v", err)
	}
	if err := db.HoldOutbox(ctx, c.ID, now.Add(30*time.Second), "timeout"); err != nil {
		t.Fatal(err)
	}
	if s, _ := db.SendingOutbox(ctx, vk.ID, now); len(s) != 0 {
		t.Fatalf("held item due early: %+v", s)
	}
	s, err := db.SendingOutbox(ctx, vk.ID, now.Add(time.Minute))
	if err != nil || len(s) != 1 || s[0].ID != c.ID || s[0].LastError != "timeout" {
		t.Fatalf("SendingOutbox = %+v, %v", s, err)
	}
	if err := db.RequeueOutbox(ctx, c.ID, now.Add(2*time.Second), "rate limited", false); err != nil {
		t.Fatal(err)
	}
	it, _ := db.OutboxItem(ctx, c.ID)
	if it.State != data.OutboxQueued || it.Attempts != 0 || !it.NextTry.Equal(now.Add(2*time.Second)) {
		t.Fatalf("requeued %+v", it)
	}
	if err := db.FailOutbox(ctx, c.ID, "x"); !errors.Is(err, ErrNotSending) {
		t.Fatalf("FailOutbox on a queued item: %v", err)
	}

	// b becomes due; it fails for good; the user retries.
	got, _ = db.ClaimOutbox(ctx, vk.ID, now.Add(time.Hour), 1)
	if len(got) != 1 || got[0].ID != b.ID {
		t.Fatalf("limit 1 claims %+v, want b", got)
	}
	if err := db.FailOutbox(ctx, b.ID, "Access denied"); err != nil {
		t.Fatal(err)
	}
	counts, err := db.OutboxByAccount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := OutboxCounts{Queued: 1, Sent: 1, Failed: 1, LastError: "rate limited"} // c is newer than b
	if counts[vk.ID] != want || counts[tg.ID].Queued != 1 {
		t.Fatalf("counts %+v, want vk %+v", counts, want)
	}
	if n, err := db.RetryFailedOutbox(ctx, vk.ID); err != nil || n != 1 {
		t.Fatalf("RetryFailedOutbox = %d, %v", n, err)
	}
	if n, err := db.ExpediteOutbox(ctx, 0, now); err != nil || n != 1 {
		t.Fatalf("ExpediteOutbox = %d, %v (c waits 2 s)", n, err)
	}
	if due, _ := db.ClaimOutbox(ctx, vk.ID, now, 10); len(due) != 2 {
		t.Fatalf("after retry and expedite %d due, want 2", len(due))
	}
}

func TestMarkSentPublishesCalendarItem(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	vk := mustAccount(t, db, data.VK, "77123456", "Губернатор Смоленской области")
	ci := data.CalendarItem{AccountID: vk.ID, Title: "Ремонт моста в Вязьме", PlannedAt: baseTime, Status: "scheduled"}
	if err := db.SaveCalendarItem(ctx, &ci); err != nil {
		t.Fatal(err)
	}
	it := data.OutboxItem{AccountID: vk.ID, Kind: "post", CalendarItemID: ci.ID, IdempotencyKey: "post-1"}
	if err := db.EnqueueOutbox(ctx, &it, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimOutbox(ctx, vk.ID, baseTime, 5); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkOutboxSent(ctx, it.ID, "-77123456_1042", baseTime, nil); err != nil {
		t.Fatal(err)
	}
	items, err := db.CalendarItems(ctx, baseTime.Add(-time.Hour), baseTime.Add(time.Hour))
	if err != nil || len(items) != 1 {
		t.Fatal(items, err)
	}
	if items[0].Status != "published" || items[0].RemoteID != "-77123456_1042" || !items[0].PublishedAt.Equal(baseTime) {
		t.Fatalf("calendar item %+v", items[0])
	}
}

func TestAddQuarantineOnce(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	vk := mustAccount(t, db, data.VK, "77123456", "Губернатор Смоленской области")
	raw := []byte(`{"id":"x","date":"вчера"}`)
	for i, want := range []bool{true, false} {
		added, err := db.AddQuarantine(ctx, vk.ID, raw, "date is not a number", baseTime)
		if err != nil || added != want {
			t.Fatalf("call %d: added=%v err=%v", i, added, err)
		}
	}
	if added, _ := db.AddQuarantine(ctx, vk.ID, raw, "another reason", baseTime); !added {
		t.Fatal("a different reason is a different item")
	}
	counts, err := db.QuarantineCounts(ctx)
	if err != nil || counts[vk.ID] != 2 {
		t.Fatalf("counts %v, %v", counts, err)
	}
}

// TestMarkSentStoresTheReplyInTheSameTransaction: the office's reply lands
// in its thread exactly when its outbox row becomes sent, never one
// without the other.
func TestMarkSentStoresTheReplyInTheSameTransaction(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	tg := mustAccount(t, db, data.Telegram, "-1001987654321", "Смоленская область")
	it := queueReply(t, db, tg.ID, "e", time.Time{})
	if _, err := db.ClaimOutbox(ctx, tg.ID, baseTime, 10); err != nil {
		t.Fatal(err)
	}
	reply := func(ext string) *Batch {
		return &Batch{AccountID: tg.ID, Messages: []IngestMessage{im(data.Message{Platform: data.Telegram, AccountID: tg.ID,
			ExternalID: ext, ParentExternalID: "chat:1", AuthorName: "Смоленская область",
			Text: "Здравствуйте! Передали в управление ЖКХ.", CreatedAt: baseTime, FromOffice: true})}}
	}
	if err := db.MarkOutboxSent(ctx, it.ID, "chat:900", baseTime, reply("chat:900")); err != nil {
		t.Fatal(err)
	}
	if m := mustGet(t, db, data.Telegram, "chat:900"); !m.FromOffice || m.Text == "" {
		t.Fatalf("the reply in its thread: %+v", m)
	}
	// A second mark fails (not sending) and stores nothing.
	if err := db.MarkOutboxSent(ctx, it.ID, "chat:901", baseTime, reply("chat:901")); !errors.Is(err, ErrNotSending) {
		t.Fatalf("second mark: %v", err)
	}
	if _, err := db.MessageByExternal(ctx, data.Telegram, "chat:901"); !errors.Is(err, data.ErrNotFound) {
		t.Fatalf("a reply was stored by a mark that failed: %v", err)
	}
}
