package app

import (
	"context"
	"testing"
	"time"

	"otklik/app/demo"
	"otklik/app/plan"
	"otklik/data"
)

// TestCalendarOnDemoRegion walks the calendar as a new user meets it: the
// month ahead is planned, the deliberate hole on OK is flagged before it
// happens with free slots to fill it, and the канцелярит draft reads badly.
func TestCalendarOnDemoRegion(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	if _, err := a.SeedDemo(ctx, demo.Options{Seed: 7, Comments: 600, Now: testNow}, nil); err != nil {
		t.Fatal(err)
	}
	items, err := a.CalendarItems(ctx, testNow, testNow.Add(31*24*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) < 60 {
		t.Fatalf("the month ahead has %d items", len(items))
	}
	accs, _ := a.CalendarAccounts(ctx)
	var ok data.Account
	for _, acc := range accs {
		if acc.Platform == data.OK {
			ok = acc
		}
	}
	rep, err := a.CheckCalendar(ctx, testNow, "ru")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[plan.Kind]int{}
	okGap := false
	for _, w := range rep.Warnings {
		kinds[w.Kind]++
		if w.Kind == plan.KindGap && w.AccountID == ok.ID && len(w.Suggestions) > 0 {
			okGap = true
		}
	}
	t.Logf("%d violations, %d warnings by kind %v", len(rep.Violations), len(rep.Warnings), kinds)
	for _, w := range rep.Warnings[:min(8, len(rep.Warnings))] {
		t.Logf("  %s: %s (%d suggestions)", w.Kind, w.Message, len(w.Suggestions))
	}
	if !okGap {
		t.Error("the gap planned on OK is not flagged with a suggestion")
	}
	worst := 100
	for _, it := range items {
		if it.Status == CalendarDraft {
			worst = min(worst, a.CheckText(it.Title+"\n"+it.Text).Score)
		}
	}
	if worst >= plan.BandMemoBelow {
		t.Errorf("the worst draft scores %d, want the канцелярит draft below %d", worst, plan.BandMemoBelow)
	}
}
