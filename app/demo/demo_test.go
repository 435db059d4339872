package demo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"otklik/data"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testNow is a fixed Monday afternoon so every run sees the same calendar.
var testNow = time.Date(2025, 10, 20, 14, 30, 0, 0, time.UTC)

// recSink keeps everything it receives and checks the Sink contract as it goes.
type recSink struct {
	t        testing.TB
	nextID   int64
	accounts []data.Account
	posts    []data.Post
	msgs     []data.Message
	cal      []data.CalendarItem
	bcs      []data.Broadcast
	tpls     []data.Template
	batches  int
	postSeen map[string]bool
	msgSeen  map[string]bool
	errs     []string
}

func newRecSink(t testing.TB) *recSink {
	return &recSink{t: t, postSeen: map[string]bool{}, msgSeen: map[string]bool{}}
}

func (s *recSink) fail(format string, a ...any) {
	if len(s.errs) < 20 {
		s.errs = append(s.errs, fmt.Sprintf(format, a...))
	}
}

func (s *recSink) Account(_ context.Context, a *data.Account) error {
	s.nextID++
	a.ID = s.nextID
	s.accounts = append(s.accounts, *a)
	return nil
}

func (s *recSink) Batch(_ context.Context, posts []data.Post, msgs []data.Message) error {
	s.batches++
	if len(msgs) > maxBatch {
		s.fail("batch of %d messages", len(msgs))
	}
	for _, p := range posts {
		key := string(p.Platform) + "/" + p.ExternalID
		if s.postSeen[key] {
			s.fail("post %s emitted twice", key)
		}
		s.postSeen[key] = true
		s.posts = append(s.posts, p)
	}
	for _, m := range msgs {
		key := string(m.Platform) + "/" + m.ExternalID
		if s.msgSeen[key] {
			s.fail("message %s emitted twice", key)
		}
		if m.PostExternalID != "" && !s.postSeen[string(m.Platform)+"/"+m.PostExternalID] {
			s.fail("message %s refers to post %s not yet emitted", key, m.PostExternalID)
		}
		if m.ParentExternalID != "" && !s.msgSeen[string(m.Platform)+"/"+m.ParentExternalID] {
			s.fail("message %s refers to parent %s not yet emitted", key, m.ParentExternalID)
		}
		s.msgSeen[key] = true
		s.msgs = append(s.msgs, m)
	}
	return nil
}

func (s *recSink) Calendar(_ context.Context, it *data.CalendarItem) error {
	s.cal = append(s.cal, *it)
	return nil
}

func (s *recSink) Broadcast(_ context.Context, b *data.Broadcast) error {
	s.bcs = append(s.bcs, *b)
	return nil
}

func (s *recSink) Template(_ context.Context, t *data.Template) error {
	s.tpls = append(s.tpls, *t)
	return nil
}

// generate runs the generator with a label observer.
func generate(t testing.TB, opts Options) (*recSink, []label) {
	t.Helper()
	s := newRecSink(t)
	g, err := newGen(opts, s)
	if err != nil {
		t.Fatal(err)
	}
	var labels []label
	g.observe = func(_ *data.Message, l label) { labels = append(labels, l) }
	if err := g.run(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, e := range s.errs {
		t.Error(e)
	}
	return s, labels
}

// hashSink reduces everything it receives to one digest.
type hashSink struct {
	h  [32]byte
	id int64
	b  bytes.Buffer
}

func (s *hashSink) mix(parts ...any) {
	s.b.Reset()
	s.b.Write(s.h[:])
	for _, p := range parts {
		switch v := p.(type) {
		case string:
			s.b.WriteString(v)
		case time.Time:
			_ = binary.Write(&s.b, binary.LittleEndian, v.UnixNano())
		case int64:
			_ = binary.Write(&s.b, binary.LittleEndian, v)
		case bool:
			_ = binary.Write(&s.b, binary.LittleEndian, v)
		default:
			fmt.Fprint(&s.b, v)
		}
		s.b.WriteByte(0)
	}
	s.h = sha256.Sum256(s.b.Bytes())
}

func (s *hashSink) Account(_ context.Context, a *data.Account) error {
	s.id++
	a.ID = s.id
	s.mix(string(a.Platform), a.ExternalID, a.Name, a.Kind, a.Config, a.Demo, a.CreatedAt)
	return nil
}

func (s *hashSink) Batch(_ context.Context, posts []data.Post, msgs []data.Message) error {
	for _, p := range posts {
		s.mix(p.AccountID, string(p.Platform), p.ExternalID, p.Text, p.URL, p.Kind, p.CreatedAt)
	}
	for _, m := range msgs {
		s.mix(string(m.Platform), m.ExternalID, m.AccountID, m.PostExternalID, m.ParentExternalID, m.AuthorExternalID,
			m.AuthorName, m.AuthorCity, m.Text, m.URL, fmt.Sprint(m.Attachments), m.CreatedAt, m.FromOffice, m.Deleted,
			string(m.Status), m.Assignee, m.FirstResponseDue, m.AnswerDue, m.FirstResponseAt, m.UpdatedAt)
	}
	return nil
}

func (s *hashSink) Calendar(_ context.Context, it *data.CalendarItem) error {
	s.mix(it.AccountID, it.Kind, it.Title, it.Text, it.District, it.PlannedAt, it.Status, it.Approver)
	return nil
}

func (s *hashSink) Broadcast(_ context.Context, b *data.Broadcast) error {
	s.mix(b.District, b.PlannedAt, b.Title, b.AnnouncementPostExternalID, b.Status)
	return nil
}

func (s *hashSink) Template(_ context.Context, t *data.Template) error {
	s.mix(t.Name, t.Category, t.Text)
	return nil
}

func digest(t *testing.T, o Options) [32]byte {
	t.Helper()
	var s hashSink
	if err := Generate(context.Background(), o, &s); err != nil {
		t.Fatal(err)
	}
	return s.h
}

func TestDeterminism(t *testing.T) {
	base := Options{Seed: 42, Comments: 20000, Now: testNow}
	a, b := digest(t, base), digest(t, base)
	if a != b {
		t.Fatalf("same options, different output: %x vs %x", a, b)
	}
	other := base
	other.Seed = 43
	if digest(t, other) == a {
		t.Error("another seed gave identical output")
	}
	later := base
	later.Now = testNow.Add(time.Hour)
	if digest(t, later) == a {
		t.Error("another Now gave identical output")
	}
	// The location of Now must not matter, only the instant.
	inMSK := base
	inMSK.Now = testNow.In(msk)
	if digest(t, inMSK) != a {
		t.Error("the same instant in another zone changed the output")
	}
}

// TestVariety measures how repetitive 20 000 comments are: distinct texts
// and the share of distinct word 5-grams among all 5-grams.
func TestVariety(t *testing.T) {
	s, _ := generate(t, Options{Seed: 7, Comments: 20000, Now: testNow})
	texts := map[string]int{}
	grams := map[string]struct{}{}
	total5, resident := 0, 0
	for _, m := range s.msgs {
		if m.FromOffice {
			continue
		}
		resident++
		texts[m.Text]++
		w := strings.Fields(strings.ToLower(m.Text))
		for i := 0; i+5 <= len(w); i++ {
			grams[strings.Join(w[i:i+5], " ")] = struct{}{}
			total5++
		}
	}
	if resident != 20000 {
		t.Fatalf("resident comments = %d, want 20000", resident)
	}
	distinct := float64(len(texts)) / float64(resident)
	share5 := float64(len(grams)) / float64(total5)
	t.Logf("distinct texts %d/%d = %.1f%%; distinct word 5-grams %d/%d = %.1f%%",
		len(texts), resident, 100*distinct, len(grams), total5, 100*share5)
	if distinct < 0.95 {
		t.Errorf("distinct texts %.3f < 0.95", distinct)
	}
	if share5 < 0.25 {
		t.Errorf("distinct 5-gram share %.3f < 0.25", share5)
	}
	// No single non-trivial text may dominate.
	for txt, n := range texts {
		if n > 40 && len([]rune(txt)) > 20 {
			t.Errorf("%q repeated %d times", txt, n)
		}
	}
}

func TestCoverage(t *testing.T) {
	s, labels := generate(t, Options{Seed: 3, Comments: 20000, Now: testNow})
	v, _ := loadVocab()
	munis := map[string]int{}
	topics := map[string]int{}
	for _, l := range labels {
		munis[l.muni]++
		topics[l.topic]++
	}
	for _, m := range v.munis {
		if munis[m.Code] == 0 {
			t.Errorf("municipality %s never appears", m.Code)
		}
	}
	for _, tp := range v.topics {
		if topics[tp.code] == 0 {
			t.Errorf("topic %s never appears", tp.code)
		}
	}
	if len(v.munis) != 27 {
		t.Errorf("%d municipalities, want the region's 27", len(v.munis))
	}
	if sm := float64(munis["smolensk"]) / float64(len(labels)); sm < 0.25 || sm > 0.36 {
		t.Errorf("Smolensk share %.2f, want about 0.30", sm)
	}
	t.Logf("largest: smolensk %d, vyazma %d, roslavl %d; smallest: temkino %d, glinka %d",
		munis["smolensk"], munis["vyazma"], munis["roslavl"], munis["tyomkino"], munis["glinka"])

	// Platforms, statuses, threads, cities.
	plat := map[data.Platform]int{}
	status := map[data.Status]int{}
	var replies, top, withCity, office, overdueNew, deleted, attach, assigned int
	for _, m := range s.msgs {
		if m.FromOffice {
			office++
			if m.ParentExternalID == "" {
				t.Errorf("office reply %s answers nothing", m.ExternalID)
			}
			continue
		}
		plat[m.Platform]++
		status[m.Status]++
		if m.ParentExternalID != "" {
			replies++
		} else {
			top++
		}
		if m.AuthorCity != "" {
			withCity++
		}
		if m.Status == data.StatusNew && !m.FirstResponseDue.IsZero() && m.FirstResponseDue.Before(testNow) {
			overdueNew++
		}
		if m.Deleted {
			deleted++
		}
		if len(m.Attachments) > 0 {
			attach++
		}
		if m.Status == data.StatusInProgress && m.Assignee == "" {
			t.Errorf("in-progress %s has no assignee", m.ExternalID)
		}
		if m.Assignee != "" {
			assigned++
		}
		if m.District != "" || m.Category != "" || m.Sentiment != "" {
			t.Fatalf("%s carries tagger fields", m.ExternalID)
		}
		// Closed "+1" replies may be closed without an answer; answered ones may not.
		if m.Status == data.StatusAnswered && m.FirstResponseAt.IsZero() {
			t.Errorf("%s is %s without FirstResponseAt", m.ExternalID, m.Status)
		}
		if m.CreatedAt.After(testNow) || m.FirstResponseAt.After(testNow) {
			t.Errorf("%s happens after Now", m.ExternalID)
		}
	}
	for _, p := range data.Platforms {
		if plat[p] == 0 {
			t.Errorf("no comments on %s", p)
		}
	}
	for _, st := range data.Statuses {
		if status[st] == 0 {
			t.Errorf("no message in status %s", st)
		}
	}
	n := float64(len(labels))
	t.Logf("platforms %v; statuses %v; replies %.1f%%; with city %.1f%%; office replies %d; overdue new %d; deleted %d; attachments %d",
		plat, status, 100*float64(replies)/n, 100*float64(withCity)/n, office, overdueNew, deleted, attach)
	if r := float64(replies) / n; r < 0.18 || r > 0.3 {
		t.Errorf("reply share %.2f, want about 0.25", r)
	}
	if c := float64(withCity) / n; c < 0.5 || c > 0.72 {
		t.Errorf("profile-city share %.2f, want about 0.6", c)
	}
	if overdueNew < 5 || overdueNew > 400 {
		t.Errorf("%d overdue new comments, want a realistic handful", overdueNew)
	}
	if office < top/3 {
		t.Errorf("only %d office replies for %d top-level comments", office, top)
	}
	if deleted == 0 || attach == 0 || assigned == 0 {
		t.Error("no deleted, attached or assigned comments")
	}
}

func TestPostsAndAccounts(t *testing.T) {
	s, _ := generate(t, Options{Seed: 5, Comments: 3000, Now: testNow})
	if len(s.accounts) != 5 {
		t.Fatalf("%d accounts, want 5", len(s.accounts))
	}
	kinds := map[string]bool{}
	for _, a := range s.accounts {
		if !a.Demo || !a.Platform.Valid() || a.Name == "" || a.ExternalID == "" {
			t.Errorf("bad account %+v", a)
		}
		kinds[string(a.Platform)+"/"+a.Kind] = true
	}
	for _, k := range []string{"vk/community", "vk/page", "telegram/channel", "ok/group", "pos/portal"} {
		if !kinds[k] {
			t.Errorf("no %s account", k)
		}
	}
	if !strings.Contains(s.accounts[2].Config, `"linked_chat_id":-100`) {
		t.Errorf("telegram config lacks the linked chat: %s", s.accounts[2].Config)
	}
	perAcct := map[int64]int{}
	first := testNow.AddDate(0, 0, -61)
	for _, p := range s.posts {
		perAcct[p.AccountID]++
		if p.CreatedAt.Before(first) || p.CreatedAt.After(testNow) {
			t.Errorf("post %s at %v outside the 60 days", p.ExternalID, p.CreatedAt)
		}
		var prefix string
		switch p.Platform {
		case data.VK:
			prefix = "https://vk.com/wall-"
		case data.Telegram:
			prefix = "https://t.me/gubernator_smolensk/"
		case data.OK:
			prefix = "https://ok.ru/group/70000001234567/topic/"
		default:
			t.Errorf("post on %s", p.Platform)
		}
		if !strings.HasPrefix(p.URL, prefix) {
			t.Errorf("post URL %s, want prefix %s", p.URL, prefix)
		}
	}
	if perDay := float64(len(s.posts)) / 60; perDay < 2 || perDay > 4.2 {
		t.Errorf("%.1f posts a day, want 2–4", perDay)
	}
	for _, a := range s.accounts[:4] {
		if perAcct[a.ID] < 10 {
			t.Errorf("account %q has %d posts", a.Name, perAcct[a.ID])
		}
	}
	for _, m := range s.msgs {
		if m.Platform == data.POS && (m.PostExternalID != "" || !strings.HasPrefix(m.URL, "https://pos.gosuslugi.ru/")) {
			t.Errorf("ПОС item %s: post %q, URL %s", m.ExternalID, m.PostExternalID, m.URL)
		}
	}
	if len(s.tpls) < 8 || len(s.tpls) > 12 {
		t.Errorf("%d templates, want 8–12", len(s.tpls))
	}
	for _, tp := range s.tpls {
		if !strings.Contains(tp.Text, "{имя}") {
			t.Errorf("template %q lacks {имя}", tp.Name)
		}
	}
}

func TestBroadcast(t *testing.T) {
	s, labels := generate(t, Options{Seed: 11, Comments: 20000, Now: testNow})
	var up *data.Broadcast
	for i := range s.bcs {
		if s.bcs[i].Status == "planned" {
			up = &s.bcs[i]
		}
	}
	if up == nil {
		t.Fatal("no upcoming broadcast")
	}
	if up.District != "roslavl" {
		t.Errorf("broadcast district %q", up.District)
	}
	if d := up.PlannedAt.Sub(testNow); d < 9*24*time.Hour || d > 11*24*time.Hour {
		t.Errorf("broadcast in %v, want about 10 days", d)
	}
	var under []int
	for i, m := range s.msgs {
		if m.PostExternalID == up.AnnouncementPostExternalID && !m.FromOffice {
			under = append(under, i)
		}
	}
	if !s.postSeen["vk/"+up.AnnouncementPostExternalID] {
		t.Fatalf("announcement %q was never emitted", up.AnnouncementPostExternalID)
	}
	if len(under) < 25 || len(under) > 35 {
		t.Errorf("%d questions under the announcement, want about 30", len(under))
	}
	bridge := 0
	for _, i := range under {
		if strings.Contains(strings.ToLower(s.msgs[i].Text), "мост") {
			bridge++
		}
	}
	if bridge < 3 {
		t.Errorf("only %d questions about the bridge; the panel needs repeats to group", bridge)
	}
	_ = labels
}

func TestCalendar(t *testing.T) {
	s, _ := generate(t, Options{Seed: 9, Comments: 500, Now: testNow})
	statuses := map[string]bool{}
	kinds := map[string]bool{}
	days := map[int64]map[int]bool{}
	kanc := false
	for _, it := range s.cal {
		statuses[it.Status] = true
		kinds[it.Kind] = true
		if days[it.AccountID] == nil {
			days[it.AccountID] = map[int]bool{}
		}
		d := int(it.PlannedAt.Sub(testNow).Hours() / 24)
		if d < 0 || d > 31 {
			t.Errorf("item %q planned %v", it.Title, it.PlannedAt)
		}
		days[it.AccountID][int(it.PlannedAt.In(msk).YearDay())] = true
		if it.Status == "draft" && strings.HasPrefix(it.Text, "В целях обеспечения надлежащего функционирования") && strings.Contains(it.Text, "осуществляется") {
			kanc = true
		}
	}
	for _, st := range []string{"idea", "draft", "review", "approved", "scheduled"} {
		if !statuses[st] {
			t.Errorf("no calendar item in status %s", st)
		}
	}
	for _, k := range []string{"post", "photo", "video", "live", "story"} {
		if !kinds[k] {
			t.Errorf("no calendar item of kind %s", k)
		}
	}
	if !kanc {
		t.Error("no канцелярит draft")
	}
	// Exactly one account has a gap of 2–3 empty days.
	start := testNow.In(msk).YearDay() + 1
	gaps := 0
	for _, a := range s.accounts[:4] {
		run, worst := 0, 0
		for d := start; d < start+30; d++ {
			if days[a.ID][d] {
				run = 0
				continue
			}
			run++
			worst = max(worst, run)
		}
		if worst >= 2 {
			gaps++
			if worst > 3 {
				t.Errorf("account %q has a %d-day gap", a.Name, worst)
			}
		}
	}
	if gaps != 1 {
		t.Errorf("%d accounts with a planning gap, want 1", gaps)
	}
}

// TestNoPlaceholders scans every text produced for grammar leftovers and
// filler words.
func TestNoPlaceholders(t *testing.T) {
	s, _ := generate(t, Options{Seed: 13, Comments: 20000, Now: testNow})
	check := func(what, txt string) {
		if strings.TrimSpace(txt) == "" {
			t.Errorf("%s: empty text", what)
			return
		}
		low := strings.ToLower(txt)
		for _, bad := range []string{"{", "}", "[", "]", "|", "todo", "lorem", "xxx", "  ", " ,", " .", "..."} {
			if strings.Contains(low, bad) {
				t.Errorf("%s: %q contains %q", what, txt, bad)
				return
			}
		}
	}
	for _, p := range s.posts {
		check("post "+p.ExternalID, p.Text)
	}
	for _, m := range s.msgs {
		check("message "+m.ExternalID, m.Text)
		check("author "+m.ExternalID, m.AuthorName)
	}
	for _, it := range s.cal {
		check("calendar", it.Title)
		check("calendar", it.Text)
	}
	for _, b := range s.bcs {
		check("broadcast", b.Title)
	}
}

func TestThreads(t *testing.T) {
	s, _ := generate(t, Options{Seed: 17, Comments: 20000, Now: testNow})
	type ref struct {
		post string
		at   time.Time
	}
	seen := map[string]ref{}
	for _, m := range s.msgs {
		key := string(m.Platform) + "/" + m.ExternalID
		if m.ParentExternalID != "" {
			p, ok := seen[string(m.Platform)+"/"+m.ParentExternalID]
			switch {
			case !ok:
				t.Fatalf("%s answers unknown %s", key, m.ParentExternalID)
			case p.post != m.PostExternalID:
				t.Errorf("%s answers a comment under another post", key)
			case m.CreatedAt.Before(p.at):
				t.Errorf("%s is older than its parent", key)
			}
		}
		seen[key] = ref{m.PostExternalID, m.CreatedAt}
	}
	if s.batches < 2 {
		t.Errorf("%d batches for 20 000 comments", s.batches)
	}
}

func TestOptions(t *testing.T) {
	if err := Generate(context.Background(), Options{Comments: -1, Now: testNow}, newRecSink(t)); err == nil {
		t.Error("negative count accepted")
	}
	if err := Generate(context.Background(), Options{Now: testNow}, nil); err == nil {
		t.Error("nil sink accepted")
	}
	if err := Generate(context.Background(), Options{Comments: 10, Now: testNow}, &noIDSink{}); err == nil {
		t.Error("sink that assigns no IDs accepted")
	}
	for _, n := range []int{1, 7, 49, 123} {
		s, labels := generate(t, Options{Seed: 1, Comments: n, Now: testNow})
		if len(labels) != n {
			t.Errorf("Comments=%d produced %d resident messages", n, len(labels))
		}
		_ = s
	}
	s, labels := generate(t, Options{Seed: 1, Now: testNow})
	if len(labels) != DefaultComments || len(s.accounts) != 5 {
		t.Errorf("default run gave %d comments", len(labels))
	}
}

type noIDSink struct{ recSink }

func (*noIDSink) Account(context.Context, *data.Account) error { return nil }

// countSink counts and samples the heap as batches arrive.
type countSink struct {
	id       int64
	msgs     int
	batches  int
	peakHeap uint64
	cancel   func()
	stopAt   int
	after    int // batches received after cancel
}

func (s *countSink) Account(_ context.Context, a *data.Account) error {
	s.id++
	a.ID = s.id
	return nil
}

func (s *countSink) Batch(_ context.Context, _ []data.Post, msgs []data.Message) error {
	s.batches++
	s.msgs += len(msgs)
	if s.cancel != nil && s.batches > s.stopAt {
		s.after++
	}
	if s.cancel != nil && s.batches == s.stopAt {
		s.cancel()
	}
	if s.batches%8 == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s.peakHeap = max(s.peakHeap, ms.HeapInuse)
	}
	return nil
}

func (*countSink) Calendar(context.Context, *data.CalendarItem) error { return nil }
func (*countSink) Broadcast(context.Context, *data.Broadcast) error   { return nil }
func (*countSink) Template(context.Context, *data.Template) error     { return nil }

func TestBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("200 000 comments")
	}
	runtime.GC()
	s := &countSink{}
	start := time.Now()
	if err := Generate(context.Background(), Options{Seed: 1, Comments: 200000, Now: testNow}, s); err != nil {
		t.Fatal(err)
	}
	el := time.Since(start)
	t.Logf("200 000 comments (+%d office replies) in %v, %.0f comments/s, peak heap in use %.1f MiB",
		s.msgs-200000, el, 200000/el.Seconds(), float64(s.peakHeap)/(1<<20))
	const bound = 48 << 20
	if s.peakHeap > bound {
		t.Errorf("heap in use peaked at %d bytes, bound %d", s.peakHeap, bound)
	}
	if s.msgs < 200000 {
		t.Errorf("%d messages", s.msgs)
	}
}

func TestCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &countSink{cancel: cancel, stopAt: 2}
	err := Generate(ctx, Options{Seed: 1, Comments: 1000000, Now: testNow}, s)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s.after > 0 {
		t.Errorf("%d batches after cancel", s.after)
	}
	// A context cancelled up front stops before the first batch.
	s2 := &countSink{}
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if err := Generate(ctx2, Options{Seed: 1, Comments: 1000, Now: testNow}, s2); !errors.Is(err, context.Canceled) || s2.batches > 0 {
		t.Errorf("pre-cancelled: err %v, %d batches", err, s2.batches)
	}
}

// TestGolden pins the first comments of a small region so that a change to
// the grammar or the generator is seen in review. Run with -update after an
// intended change.
func TestGolden(t *testing.T) {
	s, _ := generate(t, Options{Seed: 2025, Comments: 400, Now: testNow})
	var b strings.Builder
	for _, m := range s.msgs[:60] {
		fmt.Fprintf(&b, "%s %s parent=%s %s | %s | %s | %s\n", m.Platform, m.ExternalID, m.ParentExternalID,
			m.CreatedAt.Format(time.RFC3339), m.AuthorName, m.Status, m.Text)
	}
	path := filepath.Join("testdata", "first60.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != b.String() {
		t.Errorf("output differs from %s; rerun with -update if intended", path)
	}
}

// TestSamples prints random comments of different topics and platforms
// with -v, for a human to read.
func TestSamples(t *testing.T) {
	s, labels := generate(t, Options{Seed: 77, Comments: 20000, Now: testNow})
	r := rand.New(rand.NewPCG(1, 2))
	idx := make([]int, 0, len(labels))
	for i, m := range s.msgs {
		if !m.FromOffice {
			idx = append(idx, i)
		}
	}
	perTopic := map[string]int{}
	seen := map[string]bool{}
	shown := 0
	for tries := 0; shown < 15 && tries < 5000; tries++ {
		k := r.IntN(len(idx))
		m := s.msgs[idx[k]]
		key := labels[k].topic + "/" + string(m.Platform)
		if seen[key] || perTopic[labels[k].topic] > 1 {
			continue
		}
		seen[key] = true
		perTopic[labels[k].topic]++
		shown++
		t.Logf("[%s/%s/%s] %s (%s): %s", m.Platform, labels[k].topic, labels[k].muni, m.AuthorName, m.AuthorCity, m.Text)
	}
}

func BenchmarkGenerate(b *testing.B) {
	const n = 100000
	for i := 0; i < b.N; i++ {
		if err := Generate(context.Background(), Options{Seed: int64(i), Comments: n, Now: testNow}, &countSink{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "comments/s")
}
