package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"otklik/data"
)

// TestSearchThroughFilterIndexMatchesIdJoin: a search that joins its hits
// through a filter column's index returns exactly what the join by id
// returns, page by page, and counts the same, for every kind of filter.
func TestSearchThroughFilterIndexMatchesIdJoin(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-1", "Смоленская область")
	for from := 0; from < 3000; from += 1000 {
		mustIngest(t, db, benchBatchAt([]data.Account{acc}, benchStart, from, 1000))
	}
	byID := func(q string) string {
		i := strings.Index(q, " FROM messages_fts f CROSS JOIN messages m INDEXED BY ")
		if i < 0 {
			return q
		}
		j := strings.Index(q[i:], "ON m.sort_key = f.rowid")
		return q[:i] + " FROM messages_fts f CROSS JOIN messages m ON m.id = (f.rowid & 1073741823)" + q[i+j+len("ON m.sort_key = f.rowid"):]
	}
	filters := []data.Filter{
		{Districts: []string{benchDistricts[0]}},
		{Districts: []string{benchDistricts[1]}, Categories: []string{benchCategories[0]}, Statuses: []data.Status{data.StatusNew}},
		{Categories: []string{benchCategories[2]}, Sentiments: []data.Sentiment{data.Negative}},
		{Statuses: []data.Status{data.StatusAnswered}},
		{Statuses: []data.Status{data.StatusNew, data.StatusInProgress}, Districts: []string{benchDistricts[2]}},
		{Sentiments: []data.Sentiment{data.Positive}, IncludeOffice: true},
		{Platforms: []data.Platform{data.VK}, Since: benchStart.AddDate(0, 0, 5)},
		{AccountIDs: []int64{acc.ID}},
		{Assignee: "-"},
		{Districts: []string{benchDistricts[0], benchDistricts[3]}},
	}
	joined, found := 0, 0
	for _, match := range []string{benchCommonStem, benchRareStem, benchCommonStem + " NOT " + benchRareStem} {
		for i, f := range filters {
			f.Match = match
			t.Run(fmt.Sprintf("%s/%d", match, i), func(t *testing.T) {
				var after data.Cursor
				for page := 0; page < 4; page++ {
					q, args, err := selectPage(f, after, 25, false)
					if err != nil {
						t.Fatal(err)
					}
					if strings.Contains(q, "INDEXED BY") {
						joined++
					}
					got, err := db.queryMessages(ctx, q, args...)
					if err != nil {
						t.Fatal(err)
					}
					want, err := db.queryMessages(ctx, byID(q), args...)
					if err != nil {
						t.Fatal(err)
					}
					if !slices.Equal(extIDs(got), extIDs(want)) {
						t.Fatalf("page %d: %v, the join by id gives %v", page, extIDs(got), extIDs(want))
					}
					found += len(got)
					if len(got) < 25 {
						break
					}
					after = CursorOf(got[len(got)-1])
				}
				from, w, err := db.countFrom(f)
				if err != nil {
					t.Fatal(err)
				}
				var n, ref int
				if err := db.r.QueryRow("SELECT count(*)"+from+w.sql(), w.args...).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if err := db.r.QueryRow(byID("SELECT count(*)"+from+w.sql()), w.args...).Scan(&ref); err != nil {
					t.Fatal(err)
				}
				if n != ref {
					t.Fatalf("count %d, the join by id counts %d", n, ref)
				}
			})
		}
	}
	if joined == 0 || found < 500 {
		t.Fatalf("%d searches joined through a filter index, %d hits in all: the test tests nothing", joined, found)
	}
}

func TestCountMessagesUpTo(t *testing.T) {
	ctx := context.Background()
	db := mustOpen(t)
	acc := mustAccount(t, db, data.VK, "-1", "Смоленская область")
	mustIngest(t, db, benchBatchAt([]data.Account{acc}, benchStart, 0, 1000))
	for _, f := range []data.Filter{{}, {Districts: []string{benchDistricts[0]}}, {Match: benchCommonStem},
		{Match: benchCommonStem, Categories: []string{benchCategories[1]}}} {
		all, err := db.CountMessages(ctx, f)
		if err != nil || all < 20 {
			t.Fatalf("%+v: %d, %v", f, all, err)
		}
		for _, limit := range []int{0, 1, 10, all - 1, all, all + 1, 1_000_000} {
			n, err := db.CountMessagesUpTo(ctx, f, limit)
			if err != nil {
				t.Fatal(err)
			}
			if want := min(all, limit); n != want {
				t.Errorf("%+v up to %d: %d, want %d", f, limit, n, want)
			}
		}
	}
}
