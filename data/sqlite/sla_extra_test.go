package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"otklik/data"
)

func TestRecomputeOpenDeadlinesInBatches(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "club1", "Правительство Смоленской области")
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	statuses := []data.Status{data.StatusNew, data.StatusInProgress, data.StatusAnswered, data.StatusClosed}
	var msgs []IngestMessage
	for i := range 23 {
		m := data.Message{
			Platform: data.VK, ExternalID: fmt.Sprintf("c%d", i), AccountID: acc.ID,
			Text: "Яма на Большой Советской", CreatedAt: base.Add(time.Duration(i) * time.Minute),
			Status: statuses[i%len(statuses)], Category: "roads",
			FirstResponseDue: base.Add(time.Hour), AnswerDue: base.Add(48 * time.Hour),
		}
		if i == 22 {
			m.FromOffice, m.Status, m.ParentExternalID = true, data.StatusNew, "c0"
		}
		msgs = append(msgs, im(m))
	}
	mustIngest(t, db, Batch{AccountID: acc.ID, Messages: msgs})

	calls := 0
	for _, batch := range []int{5, 1000} {
		calls = 0
		n, err := db.RecomputeOpenDeadlines(ctx, batch, func(d DeadlineInput) (time.Time, time.Time) {
			calls++
			if d.Category != "roads" || d.Platform != data.VK {
				t.Errorf("input %+v", d)
			}
			return d.CreatedAt.Add(2 * time.Hour), time.Time{}
		})
		// 22 residents' messages, 12 of them open (new, in progress); the office's reply never counts.
		if err != nil || n != 12 || calls != 12 {
			t.Fatalf("batch %d: updated %d, compute called %d, err %v; want 12", batch, n, calls, err)
		}
	}
	for i, m := range msgs {
		got := mustGet(t, db, data.VK, m.Message.ExternalID)
		open := got.Status.Open() && !got.FromOffice
		switch {
		case open && (!got.FirstResponseDue.Equal(got.CreatedAt.Add(2*time.Hour)) || !got.AnswerDue.IsZero()):
			t.Errorf("open message %d: dues %v / %v", i, got.FirstResponseDue, got.AnswerDue)
		case !open && !got.AnswerDue.Equal(base.Add(48*time.Hour)):
			t.Errorf("message %d (%s, office %v) was recomputed: answer due %v", i, got.Status, got.FromOffice, got.AnswerDue)
		}
	}

	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := db.RecomputeOpenDeadlines(cctx, 5, func(DeadlineInput) (time.Time, time.Time) { return time.Time{}, time.Time{} }); err == nil {
		t.Error("a cancelled recomputation reported success")
	}
}
