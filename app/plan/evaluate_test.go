package plan

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func msk(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, Moscow)
}

func item(id, acc int64, kind string, at time.Time, status string) data.CalendarItem {
	it := data.CalendarItem{ID: id, AccountID: acc, Kind: kind, Title: fmt.Sprintf("Публикация %d", id), PlannedAt: at, Status: status}
	if status == "published" {
		it.PublishedAt = at
	}
	return it
}

func withDistrict(it data.CalendarItem, d string) data.CalendarItem { it.District = d; return it }

// rulesOnly switches every rule off except the ones set in ar.
func rulesOnly(ar AccountRules) Rules {
	r := DefaultRules()
	r.Default = ar
	r.Accounts = nil
	return r
}

type finding struct {
	violation bool
	kind      Kind
	at        time.Time
	district  string
}

func (f finding) String() string {
	v := "W"
	if f.violation {
		v = "V"
	}
	return fmt.Sprintf("%s %s %s %s", v, f.kind, f.at.In(Moscow).Format("2006-01-02 15:04"), f.district)
}

func findings(rep Report) []string {
	var out []string
	for _, v := range rep.Violations {
		out = append(out, finding{true, v.Kind, v.Since, v.District}.String())
	}
	for _, w := range rep.Warnings {
		out = append(out, finding{false, w.Kind, w.BreaksAt, w.District}.String())
	}
	sort.Strings(out)
	return out
}

// checkSuggestions holds for every report: a new item is proposed never in
// the past, only at a configured slot, and never within an hour of an item.
func checkSuggestions(t *testing.T, rep Report, items []data.CalendarItem, pub []PublishedPost, rules Rules, now time.Time) {
	t.Helper()
	for _, w := range rep.Warnings {
		var taken []time.Time
		for _, s := range w.Suggestions {
			if s.ItemID != 0 {
				continue // a change to an existing item keeps its time
			}
			if !s.At.After(now) {
				t.Errorf("%s: suggestion %v is not in the future", w.Kind, s.At)
			}
			m := s.At.In(Moscow)
			off := time.Duration(m.Hour())*time.Hour + time.Duration(m.Minute())*time.Minute
			onSlot := false
			for _, sl := range rules.Slots {
				onSlot = onSlot || sl == off
			}
			if !onSlot || m.Second() != 0 || m.Nanosecond() != 0 {
				t.Errorf("%s: suggestion %v is not at a slot", w.Kind, m)
			}
			for _, it := range items {
				at := it.PlannedAt
				if it.Status == "published" && !it.PublishedAt.IsZero() {
					at = it.PublishedAt
				}
				if it.AccountID == s.AccountID && it.Status != "skipped" && !at.IsZero() && absDur(at.Sub(s.At)) < time.Hour {
					t.Errorf("%s: suggestion %v collides with item %d at %v", w.Kind, m, it.ID, at.In(Moscow))
				}
			}
			for _, p := range pub {
				if p.AccountID == s.AccountID && absDur(p.PublishedAt.Sub(s.At)) < time.Hour {
					t.Errorf("%s: suggestion %v collides with a published post at %v", w.Kind, m, p.PublishedAt)
				}
			}
			for _, x := range taken {
				if absDur(x.Sub(s.At)) < time.Hour {
					t.Errorf("%s: two suggestions within an hour: %v, %v", w.Kind, x, s.At)
				}
			}
			taken = append(taken, s.At)
		}
	}
}

func TestEvaluateRules(t *testing.T) {
	now := msk(2026, 12, 3, 10, 0) // Thursday
	short := Options{Horizon: time.Hour}
	rudnyaFinder := func(text string) []string {
		if strings.Contains(text, "Рудн") {
			return []string{"rudnya"}
		}
		return nil
	}
	// 26 published live streams, one a day, every municipality but the last.
	var rotation []data.CalendarItem
	munis := DefaultRules().Municipalities
	for i, m := range munis[:26] {
		rotation = append(rotation, withDistrict(item(int64(100+i), 1, "live", msk(2026, 11, 7+i, 18, 0), "published"), m.Code))
	}
	full := append(append([]data.CalendarItem(nil), rotation...),
		withDistrict(item(200, 1, "live", msk(2026, 12, 3, 9, 0), "published"), munis[26].Code))

	cases := []struct {
		name  string
		rules AccountRules
		edit  func(*Rules)
		items []data.CalendarItem
		pub   []PublishedPost
		now   time.Time
		opts  Options
		want  []finding
	}{
		{
			name:  "gap: nothing after Thursday 18:00 breaks on Friday 18:00; exactly 24 h is allowed",
			rules: AccountRules{MaxGap: 24 * time.Hour},
			items: []data.CalendarItem{item(1, 1, "post", msk(2026, 12, 2, 18, 0), "published"), item(2, 1, "post", msk(2026, 12, 3, 18, 0), "approved")},
			want:  []finding{{false, KindGap, msk(2026, 12, 4, 18, 0), ""}},
		},
		{
			name:  "gap: one minute over 24 h warns at the 24th hour",
			rules: AccountRules{MaxGap: 24 * time.Hour},
			items: []data.CalendarItem{item(1, 1, "post", msk(2026, 12, 2, 18, 0), "published"), item(2, 1, "post", msk(2026, 12, 3, 18, 1), "approved")},
			opts:  Options{Horizon: 12 * time.Hour},
			want:  []finding{{false, KindGap, msk(2026, 12, 3, 18, 0), ""}},
		},
		{
			name:  "gap: a silence already too long is a violation since the 24th hour",
			rules: AccountRules{MaxGap: 24 * time.Hour},
			items: []data.CalendarItem{item(1, 1, "post", msk(2026, 12, 1, 9, 0), "published")},
			opts:  short,
			want:  []finding{{true, KindGap, msk(2026, 12, 2, 9, 0), ""}},
		},
		{
			name:  "gap: closed silence in the past, ideas and skipped items do not count",
			rules: AccountRules{MaxGap: 24 * time.Hour},
			items: []data.CalendarItem{
				item(1, 1, "post", msk(2026, 11, 30, 9, 0), "published"),
				item(2, 1, "post", msk(2026, 12, 2, 12, 30), "published"),
				item(3, 1, "post", msk(2026, 12, 3, 12, 0), "idea"),
				item(4, 1, "post", msk(2026, 12, 3, 11, 0), "skipped"),
			},
			opts: Options{Horizon: 3 * time.Hour},
			want: []finding{{true, KindGap, msk(2026, 12, 1, 9, 0), ""}, {false, KindGap, msk(2026, 12, 3, 12, 30), ""}},
		},
		{
			name:  "week: a closed week under target is a violation; Monday 00:00 belongs to the new week",
			rules: AccountRules{MinPostsPerWeek: 3},
			items: []data.CalendarItem{
				item(1, 1, "post", msk(2026, 11, 15, 12, 0), "published"), // history starts before the week of 16 November
				item(2, 1, "post", msk(2026, 11, 17, 9, 0), "published"),
				item(3, 1, "post", msk(2026, 11, 18, 9, 0), "published"),
				item(4, 1, "post", msk(2026, 11, 22, 23, 59), "published"),
				item(5, 1, "post", msk(2026, 11, 23, 0, 0), "published"),
				item(6, 1, "post", msk(2026, 11, 29, 23, 59), "published"),
				item(7, 1, "post", msk(2026, 11, 30, 0, 0), "published"),
				item(8, 1, "photo", msk(2026, 12, 4, 12, 30), "scheduled"),
			},
			opts: short,
			want: []finding{
				{true, KindPostsPerWeek, msk(2026, 11, 30, 0, 0), ""},
				{false, KindPostsPerWeek, msk(2026, 12, 7, 0, 0), ""},
			},
		},
		{
			name:  "week: the target met by published plus planned gives nothing",
			rules: AccountRules{MinPostsPerWeek: 3},
			items: []data.CalendarItem{
				item(1, 1, "post", msk(2026, 11, 30, 9, 0), "published"),
				item(2, 1, "post", msk(2026, 12, 4, 9, 0), "approved"),
				item(3, 1, "post", msk(2026, 12, 6, 23, 59), "approved"),
				item(4, 1, "post", msk(2026, 12, 5, 9, 0), "idea"),
			},
			opts: short,
		},
		{
			name:  "week: ISO week across the new year",
			rules: AccountRules{MinPostsPerWeek: 2},
			items: []data.CalendarItem{item(1, 1, "post", msk(2027, 1, 2, 12, 30), "approved")},
			now:   msk(2026, 12, 30, 10, 0),
			opts:  short,
			want:  []finding{{false, KindPostsPerWeek, msk(2027, 1, 4, 0, 0), ""}},
		},
		{
			name:  "media: one photo among three posts is under half",
			rules: AccountRules{MinMediaShare: 0.5},
			items: []data.CalendarItem{
				item(1, 1, "post", msk(2026, 12, 3, 18, 0), "approved"),
				item(2, 1, "post", msk(2026, 12, 4, 12, 30), "approved"),
				item(3, 1, "photo", msk(2026, 12, 5, 12, 30), "approved"),
				item(4, 1, "story", msk(2026, 12, 5, 20, 0), "approved"), // stories count for nothing
			},
			opts: short,
			want: []finding{{false, KindMediaShare, msk(2026, 12, 7, 0, 0), ""}},
		},
		{
			name:  "media: half exactly is enough",
			rules: AccountRules{MinMediaShare: 0.5},
			items: []data.CalendarItem{item(1, 1, "post", msk(2026, 12, 3, 18, 0), "approved"), item(2, 1, "video", msk(2026, 12, 4, 12, 30), "approved")},
			opts:  short,
		},
		{
			name:  "live: none in November (violation) and none planned in December (warning)",
			rules: AccountRules{MinLivePerMonth: 1},
			items: []data.CalendarItem{item(1, 1, "post", msk(2026, 10, 31, 12, 0), "published"), item(2, 1, "live", msk(2026, 12, 1, 0, 30), "published")},
			opts:  Options{Lookback: 40 * 24 * time.Hour, Horizon: time.Hour},
			want:  []finding{{true, KindLivePerMonth, msk(2026, 12, 1, 0, 0), ""}},
		},
		{
			name:  "live: 30 November 23:30 Moscow is November although it is 20:30 UTC",
			rules: AccountRules{MinLivePerMonth: 1},
			items: []data.CalendarItem{item(1, 1, "post", msk(2026, 10, 31, 12, 0), "published"), item(2, 1, "live", msk(2026, 11, 30, 23, 30), "published")},
			opts:  Options{Lookback: 40 * 24 * time.Hour, Horizon: time.Hour},
			want:  []finding{{false, KindLivePerMonth, msk(2027, 1, 1, 0, 0), ""}},
		},
		{
			name:  "rotation: a planned repeat before the 27th municipality had its turn",
			rules: AccountRules{LiveRotation: true},
			items: append(append([]data.CalendarItem(nil), rotation...), withDistrict(item(300, 1, "live", msk(2026, 12, 5, 18, 0), "approved"), "vyazma")),
			want:  []finding{{false, KindLiveRotation, msk(2026, 12, 5, 18, 0), "vyazma"}},
		},
		{
			name:  "rotation: a published repeat is a violation",
			rules: AccountRules{LiveRotation: true},
			items: append(append([]data.CalendarItem(nil), rotation...), withDistrict(item(300, 1, "live", msk(2026, 12, 3, 9, 0), "published"), "smolensk")),
			want:  []finding{{true, KindLiveRotation, msk(2026, 12, 3, 9, 0), "smolensk"}},
		},
		{
			name:  "rotation: after all 27 a repeat starts the new round",
			rules: AccountRules{LiveRotation: true},
			items: append(append([]data.CalendarItem(nil), full...), withDistrict(item(300, 1, "live", msk(2026, 12, 5, 18, 0), "approved"), "vyazma")),
		},
		{
			name:  "mention: Рудня named only in the text, six weeks ago; Ельня breaks within the horizon",
			rules: AccountRules{MentionEveryDays: 30},
			edit: func(r *Rules) {
				r.Municipalities = []Municipality{{"rudnya", "Рудня", "Rudnya"}, {"velizh", "Велиж", "Velizh"}, {"yelnya", "Ельня", "Yelnya"}}
			},
			items: []data.CalendarItem{
				item(1, 1, "post", msk(2026, 10, 1, 12, 0), "published"),
				withDistrict(item(2, 1, "photo", msk(2026, 11, 10, 12, 0), "published"), "velizh"),
				withDistrict(item(3, 1, "photo", msk(2026, 11, 8, 9, 0), "published"), "yelnya"),
				withDistrict(item(4, 1, "post", msk(2026, 12, 9, 9, 0), "approved"), "yelnya"), // after the break: too late
			},
			pub:  []PublishedPost{{AccountID: 1, Kind: "post", Text: "Был сегодня в Рудне, смотрел ремонт школы", PublishedAt: msk(2026, 10, 22, 12, 30)}},
			opts: Options{FindDistricts: rudnyaFinder},
			want: []finding{{true, KindMention, msk(2026, 11, 21, 12, 30), "rudnya"}, {false, KindMention, msk(2026, 12, 8, 9, 0), "yelnya"}},
		},
		{
			name:  "mention: never mentioned since history began",
			rules: AccountRules{MentionEveryDays: 30},
			edit:  func(r *Rules) { r.Municipalities = []Municipality{{"ugra", "Угра", "Ugra"}} },
			items: []data.CalendarItem{item(1, 1, "post", msk(2026, 10, 1, 12, 0), "published")},
			want:  []finding{{true, KindMention, msk(2026, 10, 31, 12, 0), "ugra"}},
		},
		{
			name:  "approval: a draft due in exactly 24 h warns, one due a minute later does not; a past scheduled item is missed",
			rules: AccountRules{},
			items: []data.CalendarItem{
				item(1, 1, "post", msk(2026, 12, 4, 10, 0), "draft"),
				item(2, 1, "post", msk(2026, 12, 4, 10, 1), "review"),
				item(3, 1, "post", msk(2026, 12, 3, 11, 0), "approved"),
				item(4, 1, "post", msk(2026, 12, 3, 10, 0), "review"), // due right now: still planned, not missed
				item(5, 1, "post", msk(2026, 12, 2, 18, 0), "scheduled"),
				item(6, 1, "post", msk(2026, 12, 2, 19, 0), "idea"),
			},
			want: []finding{
				{true, KindMissed, msk(2026, 12, 2, 18, 0), ""},
				{false, KindNotApproved, msk(2026, 12, 3, 10, 0), ""},
				{false, KindNotApproved, msk(2026, 12, 4, 10, 0), ""},
			},
		},
		{
			name:  "feed: a post published from the calendar counts once",
			rules: AccountRules{MinPostsPerWeek: 2},
			items: []data.CalendarItem{func() data.CalendarItem {
				it := item(5, 1, "post", msk(2026, 12, 3, 9, 0), "published")
				it.RemoteID = "wall-100"
				return it
			}()},
			pub: []PublishedPost{
				{AccountID: 1, Kind: "post", RemoteID: "wall-100", PublishedAt: msk(2026, 12, 3, 9, 0)},
				{AccountID: 1, Kind: "post", CalendarItemID: 5, PublishedAt: msk(2026, 12, 3, 9, 1)},
				{AccountID: 2, Kind: "post", PublishedAt: msk(2026, 12, 3, 9, 1)}, // untracked below
			},
			edit: func(r *Rules) { r.Accounts = map[int64]AccountRules{1: r.Default} },
			opts: short,
			want: []finding{{false, KindPostsPerWeek, msk(2026, 12, 7, 0, 0), ""}},
		},
		{
			name:  "empty calendar of a tracked account: warned at once, nothing is a violation",
			rules: AccountRules{MaxGap: 24 * time.Hour, MinPostsPerWeek: 10, MinLivePerMonth: 1, MentionEveryDays: 30, MinMediaShare: 0.5},
			edit:  func(r *Rules) { r.Accounts = map[int64]AccountRules{7: r.Default} },
			opts:  short,
			want: []finding{
				{false, KindGap, msk(2026, 12, 3, 10, 0), ""},
				{false, KindPostsPerWeek, msk(2026, 12, 7, 0, 0), ""},
				{false, KindLivePerMonth, msk(2027, 1, 1, 0, 0), ""},
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rulesOnly(c.rules)
			if c.edit != nil {
				c.edit(&r)
			}
			n := now
			if !c.now.IsZero() {
				n = c.now
			}
			rep := Evaluate(c.items, c.pub, r, n, c.opts)
			var want []string
			for _, f := range c.want {
				want = append(want, f.String())
			}
			sort.Strings(want)
			got := findings(rep)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("findings:\n got %s\nwant %s", strings.Join(got, "\n     "), strings.Join(want, "\n     "))
			}
			checkSuggestions(t, rep, c.items, c.pub, r, n)
			for _, v := range rep.Violations {
				if v.Message == "" || v.AccountID == 0 {
					t.Errorf("violation without message or account: %+v", v)
				}
			}
			for _, w := range rep.Warnings {
				if w.Message == "" || w.AccountID == 0 {
					t.Errorf("warning without message or account: %+v", w)
				}
			}
		})
	}
}

func TestEvaluateSuggestionDetails(t *testing.T) {
	now := msk(2026, 12, 3, 10, 0)
	t.Run("gap suggestions fall before the break and skip an idea's hour", func(t *testing.T) {
		items := []data.CalendarItem{item(1, 1, "post", msk(2026, 12, 2, 18, 0), "published"), item(2, 1, "post", msk(2026, 12, 3, 12, 0), "idea")}
		rep := Evaluate(items, nil, rulesOnly(AccountRules{MaxGap: 24 * time.Hour}), now, Options{Horizon: 12 * time.Hour})
		if len(rep.Warnings) != 1 || len(rep.Warnings[0].Suggestions) != 1 || !rep.Warnings[0].Suggestions[0].At.Equal(msk(2026, 12, 3, 18, 0)) {
			t.Fatalf("want one suggestion at 18:00, got %+v", rep.Warnings)
		}
	})
	t.Run("a long planned gap gets a chain of slots that closes it", func(t *testing.T) {
		items := []data.CalendarItem{item(1, 1, "post", msk(2026, 12, 3, 9, 0), "published"), item(2, 1, "post", msk(2026, 12, 7, 9, 0), "approved")}
		rep := Evaluate(items, nil, rulesOnly(AccountRules{MaxGap: 24 * time.Hour}), now, Options{Horizon: 2 * 24 * time.Hour})
		if len(rep.Warnings) != 1 {
			t.Fatalf("want one gap warning, got %+v", rep.Warnings)
		}
		prev := msk(2026, 12, 3, 9, 0)
		for _, s := range rep.Warnings[0].Suggestions {
			if s.At.Sub(prev) > 24*time.Hour {
				t.Errorf("chain leaves %v between %v and %v", s.At.Sub(prev), prev, s.At)
			}
			prev = s.At
		}
		if msk(2026, 12, 7, 9, 0).Sub(prev) > 24*time.Hour {
			t.Errorf("chain ends at %v, more than 24 h before the next post", prev)
		}
	})
	t.Run("media fix converts planned text posts first", func(t *testing.T) {
		items := []data.CalendarItem{item(1, 1, "post", msk(2026, 12, 3, 18, 0), "approved"), item(2, 1, "post", msk(2026, 12, 4, 12, 30), "approved")}
		rep := Evaluate(items, nil, rulesOnly(AccountRules{MinMediaShare: 0.5}), now, Options{Horizon: time.Hour})
		if len(rep.Warnings) != 1 || rep.Warnings[0].Want != 1 || len(rep.Warnings[0].Suggestions) != 1 || rep.Warnings[0].Suggestions[0].ItemID != 1 {
			t.Fatalf("want a suggestion to turn item 1 into a photo, got %+v", rep.Warnings)
		}
	})
	t.Run("rotation suggests the municipality never visited", func(t *testing.T) {
		var items []data.CalendarItem
		munis := DefaultRules().Municipalities
		for i, m := range munis[:26] {
			items = append(items, withDistrict(item(int64(100+i), 1, "live", msk(2026, 11, 7+i, 18, 0), "published"), m.Code))
		}
		items = append(items, withDistrict(item(300, 1, "live", msk(2026, 12, 5, 18, 0), "approved"), "vyazma"))
		rep := Evaluate(items, nil, rulesOnly(AccountRules{LiveRotation: true}), now, Options{})
		if len(rep.Warnings) != 1 || len(rep.Warnings[0].Suggestions) != 1 || rep.Warnings[0].Suggestions[0].District != "yershichi" {
			t.Fatalf("want a suggestion to hold the stream in Ершичи, got %+v", rep.Warnings)
		}
		q := rep.Rotation[1]
		if len(q) != 27 || q[0].Code != "yershichi" || !q[0].LastVisit.IsZero() || q[1].Code != "smolensk" {
			t.Fatalf("queue head: %+v", q[:3])
		}
	})
	t.Run("rotation after a full round starts from the least recently visited", func(t *testing.T) {
		var items []data.CalendarItem
		for i, m := range DefaultRules().Municipalities {
			items = append(items, withDistrict(item(int64(100+i), 1, "live", msk(2026, 11, 1+i, 18, 0), "published"), m.Code))
		}
		items = append(items, withDistrict(item(300, 1, "live", msk(2026, 12, 5, 18, 0), "approved"), "smolensk"))
		rep := Evaluate(items, nil, rulesOnly(AccountRules{LiveRotation: true}), now, Options{})
		q := rep.Rotation[1]
		if q[0].Code != "vyazma" || q[26].Code != "smolensk" || !q[26].VisitedInRound {
			t.Fatalf("queue: first %s, last %s", q[0].Code, q[26].Code)
		}
	})
	t.Run("live warning proposes the next due municipality from tomorrow on", func(t *testing.T) {
		rep := Evaluate(nil, nil, rulesOnly(AccountRules{MinLivePerMonth: 1, LiveRotation: true}), now,
			Options{Accounts: map[int64]data.Account{1: {ID: 1, Platform: data.VK}}})
		if len(rep.Warnings) != 0 {
			t.Fatalf("an account with no items and no explicit tracking must not be checked: %+v", rep.Warnings)
		}
		r := rulesOnly(AccountRules{MinLivePerMonth: 1, LiveRotation: true})
		r.Accounts = map[int64]AccountRules{1: r.Default}
		rep = Evaluate(nil, nil, r, now, Options{})
		if len(rep.Warnings) != 1 || len(rep.Warnings[0].Suggestions) == 0 {
			t.Fatalf("want one live warning with suggestions, got %+v", rep.Warnings)
		}
		for _, s := range rep.Warnings[0].Suggestions {
			if s.District != "smolensk" || s.Kind != "live" || s.At.Before(msk(2026, 12, 4, 0, 0)) || !s.At.Before(msk(2027, 1, 1, 0, 0)) {
				t.Errorf("bad live suggestion %+v", s)
			}
		}
	})
}

// The laptop's zone must not change anything: the same moments given in
// other locations give the same report.
func TestEvaluateZoneIndependent(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	items, pub, rules, now, opts := goldenScenario()
	base := Evaluate(items, pub, rules, now, opts)
	moved := make([]data.CalendarItem, len(items))
	for i, it := range items {
		it.PlannedAt = it.PlannedAt.In(ny)
		it.PublishedAt = it.PublishedAt.In(time.UTC)
		moved[i] = it
	}
	got := Evaluate(moved, pub, rules, now.In(ny), opts)
	if renderReport(base, now) != renderReport(got, now) {
		t.Fatal("report depends on the zone of the input times")
	}
}

func goldenScenario() ([]data.CalendarItem, []PublishedPost, Rules, time.Time, Options) {
	now := msk(2026, 12, 3, 10, 0)
	rules := DefaultRules()
	rules.Accounts = map[int64]AccountRules{1: rules.Default, 2: rules.Default}
	tg := rules.Accounts[2]
	tg.MinPostsPerWeek, tg.MinMediaShare, tg.MinLivePerMonth, tg.LiveRotation = 7, 0, 0, false
	rules.Accounts[2] = tg
	rules.Municipalities = rules.Municipalities[:5]
	var items []data.CalendarItem
	add := func(it data.CalendarItem) { items = append(items, it) }
	add(withDistrict(item(1, 1, "post", msk(2026, 11, 2, 12, 30), "published"), "smolensk"))
	add(withDistrict(item(2, 1, "live", msk(2026, 11, 12, 18, 0), "published"), "vyazma"))
	for d := 16; d <= 29; d++ {
		kind := "post"
		if d%2 == 0 {
			kind = "photo"
		}
		add(item(int64(10+d), 1, kind, msk(2026, 11, d, 12, 30), "published"))
	}
	add(withDistrict(item(40, 1, "photo", msk(2026, 11, 30, 9, 0), "published"), "roslavl"))
	add(item(41, 1, "post", msk(2026, 12, 1, 12, 30), "published"))
	add(item(42, 1, "post", msk(2026, 12, 2, 18, 0), "scheduled")) // missed
	add(func() data.CalendarItem {
		it := item(43, 1, "post", msk(2026, 12, 3, 18, 0), "review")
		it.Title = "Как идёт ремонт дороги Рославль — Ельня"
		return it
	}())
	add(withDistrict(item(44, 1, "live", msk(2026, 12, 10, 18, 0), "vyazma"), "vyazma"))
	items[len(items)-1].Status = "approved"
	add(item(45, 1, "post", msk(2026, 12, 5, 12, 0), "idea"))
	add(item(50, 2, "post", msk(2026, 12, 2, 9, 0), "published"))
	add(item(51, 2, "post", msk(2026, 12, 3, 20, 0), "draft"))
	pub := []PublishedPost{{AccountID: 2, Kind: "post", Text: "Сафоново: открыли каток", PublishedAt: msk(2026, 11, 20, 9, 0), District: "safonovo"}}
	opts := Options{Accounts: map[int64]data.Account{
		1: {ID: 1, Platform: data.VK, Name: "Губернатор Смоленской области", Kind: "page"},
		2: {ID: 2, Platform: data.Telegram, Name: "Губернатор Смоленской области", Kind: "channel"},
	}}
	return items, pub, rules, now, opts
}

func renderReport(rep Report, now time.Time) string {
	var b strings.Builder
	b.WriteString("Нарушения / Violations:\n")
	for _, v := range rep.Violations {
		fmt.Fprintf(&b, "- [%s #%d since %s] %s\n", v.Kind, v.AccountID, v.Since.In(Moscow).Format("2006-01-02 15:04"), v.Message)
	}
	b.WriteString("Предупреждения / Warnings:\n")
	for _, w := range rep.Warnings {
		fmt.Fprintf(&b, "- [%s #%d breaks %s] %s\n", w.Kind, w.AccountID, w.BreaksAt.In(Moscow).Format("2006-01-02 15:04"), w.Message)
		for _, s := range w.Suggestions {
			fmt.Fprintf(&b, "    → %s\n", s.Message)
		}
	}
	ids := make([]int64, 0, len(rep.Rotation))
	for id := range rep.Rotation {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		fmt.Fprintf(&b, "Очередь эфиров #%d:", id)
		for _, e := range rep.Rotation[id] {
			fmt.Fprintf(&b, " %s", e.Name)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file (run with -update after checking):\n%s", name, got)
	}
}

func TestReportGolden(t *testing.T) {
	items, pub, rules, now, opts := goldenScenario()
	for _, lang := range []string{"ru", "en"} {
		opts.Lang = lang
		rep := Evaluate(items, pub, rules, now, opts)
		checkSuggestions(t, rep, items, pub, rules, now)
		golden(t, "report_"+lang+".golden", renderReport(rep, now))
	}
}

func TestFormat(t *testing.T) {
	ref := msk(2026, 12, 3, 10, 0)
	cases := []struct{ got, want string }{
		{ru.when(msk(2026, 12, 4, 18, 0), ref), "пт, 4 декабря, 18:00"},
		{ru.when(msk(2027, 1, 1, 9, 5), ref), "пт, 1 января 2027, 9:05"},
		{en.when(msk(2026, 12, 4, 18, 0), ref), "Fri, 4 December, 18:00"},
		{ru.when(time.Date(2026, 12, 4, 15, 0, 0, 0, time.UTC), ref), "пт, 4 декабря, 18:00"},
		{ru.week(msk(2026, 11, 30, 0, 0), ref), "30 ноября — 6 декабря"},
		{ru.week(msk(2026, 12, 7, 0, 0), ref), "7–13 декабря"},
		{ru.week(msk(2026, 12, 28, 0, 0), ref), "28 декабря 2026 — 3 января 2027"},
		{en.week(msk(2026, 12, 28, 0, 0), ref), "28 December 2026 – 3 January 2027"},
		{ru.gapRule(24 * time.Hour), "«не больше 24 часов без поста»"},
		{ru.gapRule(21 * time.Hour), "«не больше 21 часа без поста»"},
		{en.gapRule(time.Hour), "“no more than 1 hour without a post”"},
		{nRU(1, "пост", "поста", "постов"), "1 пост"},
		{nRU(3, "пост", "поста", "постов"), "3 поста"},
		{nRU(11, "пост", "поста", "постов"), "11 постов"},
		{nRU(22, "пост", "поста", "постов"), "22 поста"},
		{nRU(111, "пост", "поста", "постов"), "111 постов"},
		{percent(ru, 0.5), "50\u00a0%"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if weekStart(msk(2027, 1, 1, 12, 0)) != msk(2026, 12, 28, 0, 0) || weekStart(msk(2026, 12, 28, 0, 0)) != msk(2026, 12, 28, 0, 0) ||
		weekStart(time.Date(2026, 12, 27, 21, 0, 0, 0, time.UTC)) != msk(2026, 12, 28, 0, 0) {
		t.Error("ISO week start is wrong across the year or for UTC input")
	}
}

func BenchmarkEvaluate(b *testing.B) {
	rules := DefaultRules()
	now := msk(2026, 12, 3, 10, 0)
	var items []data.CalendarItem
	munis := rules.Municipalities
	for i := 0; i < 600; i++ { // about three months of a busy calendar for two accounts
		at := now.Add(time.Duration(i-400) * 4 * time.Hour)
		st := "published"
		if at.After(now) {
			st = "approved"
		}
		kind := []string{"post", "photo", "video", "post"}[i%4]
		if i%30 == 0 {
			kind = "live"
		}
		items = append(items, withDistrict(item(int64(i+1), int64(1+i%2), kind, at, st), munis[i%len(munis)].Code))
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(items, nil, rules, now, Options{})
	}
}
