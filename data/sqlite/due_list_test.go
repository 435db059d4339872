package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

// TestDueListsMatchTheFullScan: the overdue and due-soon lists, started
// from the open messages' due indexes, give the same pages as a scan of the
// whole store in sort order, with other filters and across pages; the
// watcher's deadline pages are the same rows.
func TestDueListsMatchTheFullScan(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-1", "Смоленская область")
	now := benchStart.AddDate(0, 0, 20)
	r := rand.New(rand.NewPCG(7, 9))
	b := Batch{AccountID: acc.ID}
	statuses := []data.Status{data.StatusNew, data.StatusInProgress, data.StatusAnswered, data.StatusClosed}
	for i := range 3000 {
		created := benchStart.Add(time.Duration(r.IntN(30*24)) * time.Hour)
		m := data.Message{Platform: data.VK, AccountID: acc.ID, ExternalID: "m" + strconv.Itoa(i), Text: "дорога",
			CreatedAt: created, District: benchDistricts[r.IntN(4)], Status: statuses[r.IntN(len(statuses))],
			FromOffice: r.IntN(15) == 0}
		if r.IntN(5) > 0 {
			m.FirstResponseDue = created.Add(time.Duration(r.IntN(72)) * time.Hour)
		}
		if r.IntN(4) > 0 {
			m.AnswerDue = created.Add(time.Duration(r.IntN(30*24)) * time.Hour)
		}
		if r.IntN(3) == 0 {
			m.FirstResponseAt = created.Add(time.Hour)
		}
		b.Messages = append(b.Messages, im(m))
	}
	mustIngest(t, db, b)
	// The reference: the same filter as a scan of the whole store.
	full := func(f data.Filter, after data.Cursor) []data.Message {
		w, err := filterWhere(f, true)
		if err != nil {
			t.Fatal(err)
		}
		if !after.IsZero() {
			w.add("m.sort_key < ?", ftsKey(after.CreatedAt.Unix(), after.ID))
		}
		ms, err := db.queryMessages(ctx, "SELECT "+msgCols+msgFrom+w.sql()+" ORDER BY m.sort_key DESC LIMIT 40", w.args...)
		if err != nil {
			t.Fatal(err)
		}
		return ms
	}
	filters := []data.Filter{
		{Overdue: true}, {DueSoon: 24 * time.Hour}, {DueSoon: 7 * 24 * time.Hour},
		{Overdue: true, Districts: []string{benchDistricts[1]}}, {DueSoon: 48 * time.Hour, Statuses: []data.Status{data.StatusNew}},
		{Overdue: true, IncludeOffice: true}, {Overdue: true, Since: benchStart.AddDate(0, 0, 10)},
	}
	total := 0
	for _, cand := range []int{1000, 5} { // 5: the fallback to all candidates
		dueCandidates = cand
		for i, f := range filters {
			f.Now = now
			t.Run(fmt.Sprint(cand, "/", i), func(t *testing.T) {
				q, _, err := selectColsCand(msgCols, f, data.Cursor{}, 40, false, cand)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(q, "messages_open_first_due") {
					t.Fatal("the due list does not start from the due indexes")
				}
				var after data.Cursor
				for page := 0; ; page++ {
					got, err := db.ListMessages(ctx, f, after, 40)
					if err != nil {
						t.Fatal(err)
					}
					want := full(f, after)
					if !slices.Equal(extIDs(got), extIDs(want)) {
						t.Fatalf("page %d: %v, the full scan gives %v", page, extIDs(got), extIDs(want))
					}
					ds, err := db.ListDeadlines(ctx, f, after, 40)
					if err != nil {
						t.Fatal(err)
					}
					if want := deadlinesOf(got); !reflect.DeepEqual(ds, want) {
						t.Fatalf("page %d: deadlines %+v, the messages give %+v", page, ds, want)
					}
					total += len(got)
					if len(got) < 40 {
						break
					}
					after = CursorOf(got[len(got)-1])
				}
			})
		}
	}
	dueCandidates = 1000
	if total < 300 {
		t.Fatalf("only %d rows listed: the test tests nothing", total)
	}
}

// deadlinesOf is what ListDeadlines should give for these messages.
func deadlinesOf(ms []data.Message) []data.Deadline {
	var out []data.Deadline
	for _, m := range ms {
		out = append(out, data.Deadline{ID: m.ID, Platform: m.Platform, CreatedAt: m.CreatedAt, District: m.District,
			FirstResponseDue: m.FirstResponseDue, AnswerDue: m.AnswerDue, FirstResponseAt: m.FirstResponseAt})
	}
	return out
}
