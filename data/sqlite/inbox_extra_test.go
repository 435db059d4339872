package sqlite

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"otklik/data"
)

func seedExtra(t *testing.T) (*DB, []data.Message) {
	t.Helper()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-100", "Губернатор Смоленской области")
	var b Batch
	b.AccountID = acc.ID
	for i, tc := range []struct {
		author, district, category string
		created                    time.Duration
		responded                  time.Duration // 0: no response
	}{
		{"id1", "yartsevo", "heating", 0, 30 * time.Minute},
		{"id2", "yartsevo", "heating", time.Hour, 2 * time.Hour},
		{"id3", "yartsevo", "roads", 2 * time.Hour, 10 * time.Hour},
		{"id4", "smolensk", "heating", 3 * time.Hour, 0},
		{"id5", "smolensk", "heating", 8 * 24 * time.Hour, time.Hour},
	} {
		m := data.Message{Platform: data.VK, ExternalID: "c" + string(rune('1'+i)), AccountID: acc.ID,
			AuthorExternalID: tc.author, AuthorName: "Житель " + tc.author, Text: "В квартире холодно, батареи еле тёплые",
			CreatedAt: baseTime.Add(tc.created), District: tc.district, Category: tc.category, Status: data.StatusNew}
		if tc.responded > 0 {
			m.FirstResponseAt = m.CreatedAt.Add(tc.responded)
			m.Status = data.StatusAnswered
		}
		b.Messages = append(b.Messages, im(m))
	}
	mustIngest(t, db, b)
	var out []data.Message
	for i := range b.Messages {
		out = append(out, mustGet(t, db, data.VK, b.Messages[i].ExternalID))
	}
	return db, out
}

func TestMessageStatesRestoreEverything(t *testing.T) {
	ctx := context.Background()
	db, ms := seedExtra(t)
	ids := []int64{ms[0].ID, ms[3].ID}
	if err := db.AddTag(ctx, ids[:1], "отопление"); err != nil {
		t.Fatal(err)
	}
	before, err := db.MessageStates(ctx, append(ids, 999999))
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 2 {
		t.Fatalf("states: got %d, want 2 (unknown ids are left out)", len(before))
	}
	if !slices.Equal(before[0].Tags, []string{"отопление"}) || before[1].Tags != nil {
		t.Errorf("tags: %v / %v", before[0].Tags, before[1].Tags)
	}
	// Change everything an action can change, then put it back.
	now := baseTime.Add(24 * time.Hour)
	if err := db.SetStatus(ctx, ids, data.StatusAnswered, now); err != nil {
		t.Fatal(err)
	}
	if err := db.SetAssignee(ctx, ids, "Анна Ковалёва"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetDistrict(ctx, ids, "dukhovshchina"); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCategory(ctx, ids, "roads"); err != nil {
		t.Fatal(err)
	}
	if err := db.AddTag(ctx, ids, "жалоба"); err != nil {
		t.Fatal(err)
	}
	if d, _ := db.AuthorDistrict(ctx, data.VK, "id4"); d != "dukhovshchina" {
		t.Fatalf("correction not remembered: %q", d)
	}
	if err := db.RestoreStates(ctx, before, now); err != nil {
		t.Fatal(err)
	}
	after, err := db.MessageStates(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i := range before {
		b, a := before[i], after[i]
		if a.Status != b.Status || a.Assignee != b.Assignee || a.District != b.District || a.DistrictManual != b.DistrictManual ||
			a.Category != b.Category || a.CategoryManual != b.CategoryManual || !a.FirstResponseAt.Equal(b.FirstResponseAt) ||
			!slices.Equal(a.Tags, b.Tags) || a.HasCorrection != b.HasCorrection {
			t.Errorf("message %d: restored %+v, want %+v", b.ID, a, b)
		}
	}
	if d, _ := db.AuthorDistrict(ctx, data.VK, "id4"); d != "" {
		t.Errorf("the correction made by the undone action stays: %q", d)
	}
	bad := before[:1]
	bad[0].Status = "lost"
	if err := db.RestoreStates(ctx, bad, now); err == nil {
		t.Error("an unknown status was restored")
	}
}

func TestOutboxCancelAndRetry(t *testing.T) {
	ctx := context.Background()
	db, ms := seedExtra(t)
	it := data.OutboxItem{AccountID: ms[3].AccountID, Kind: "reply", MessageID: ms[3].ID, IdempotencyKey: "k1", Payload: `{"text":"Здравствуйте!"}`}
	if err := db.EnqueueOutbox(ctx, &it, data.StatusAnswered); err != nil {
		t.Fatal(err)
	}
	got, err := db.MessageOutbox(ctx, ms[3].ID)
	if err != nil || len(got) != 1 || got[0].ID != it.ID {
		t.Fatalf("message outbox: %+v %v", got, err)
	}
	if err := db.RetryOutbox(ctx, it.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("retrying a queued item: %v", err)
	}
	it.State, it.LastError, it.Attempts = data.OutboxFailed, "access denied", 3
	if err := db.UpdateOutbox(ctx, &it); err != nil {
		t.Fatal(err)
	}
	if err := db.CancelOutbox(ctx, it.ID); !errors.Is(err, ErrNotQueued) {
		t.Errorf("cancelling a failed item: %v", err)
	}
	if err := db.RetryOutbox(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	back, err := db.OutboxItem(ctx, it.ID)
	if err != nil || back.State != data.OutboxQueued || back.LastError != "" || back.Attempts != 3 {
		t.Fatalf("after retry: %+v %v", back, err)
	}
	if err := db.CancelOutbox(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.OutboxItem(ctx, it.ID); !errors.Is(err, data.ErrNotFound) {
		t.Errorf("cancelled item still there: %v", err)
	}
}

func TestResponseTimes(t *testing.T) {
	ctx := context.Background()
	db, _ := seedExtra(t)
	for _, tc := range []struct {
		by           string
		since, until time.Time
		want         []ResponseGroup
	}{
		{ByDistrict, baseTime, baseTime.Add(7 * 24 * time.Hour), []ResponseGroup{
			{Key: "smolensk", Total: 1},
			{Key: "yartsevo", Total: 3, Responded: 3, Median: 2 * time.Hour, P90: 10 * time.Hour},
		}},
		{ByCategory, time.Time{}, time.Time{}, []ResponseGroup{
			{Key: "heating", Total: 4, Responded: 3, Median: time.Hour, P90: 2 * time.Hour},
			{Key: "roads", Total: 1, Responded: 1, Median: 10 * time.Hour, P90: 10 * time.Hour},
		}},
		// baseTime is Monday 2 March 2026, 09:00 in Smolensk; +8 days is the next week.
		{ByWeek, time.Time{}, time.Time{}, []ResponseGroup{
			{Key: "2026-03-02", Total: 4, Responded: 3, Median: 2 * time.Hour, P90: 10 * time.Hour},
			{Key: "2026-03-09", Total: 1, Responded: 1, Median: time.Hour, P90: time.Hour},
		}},
	} {
		got, err := db.ResponseTimes(ctx, tc.by, tc.since, tc.until)
		if err != nil {
			t.Fatalf("%s: %v", tc.by, err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.by, got, tc.want)
		}
	}
	if _, err := db.ResponseTimes(ctx, "author; DROP TABLE messages", time.Time{}, time.Time{}); err == nil {
		t.Error("an unknown grouping was accepted")
	}
}
