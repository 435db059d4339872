package ui

// fakeCore is an in-memory stand-in for the core (package app) over a fixed
// set of realistic messages (testdata/inbox.json, made by gen_inbox.py), for
// the tests and screenshots. It keeps the core's contract: newest-first
// keyset pages, AND-combined filters, word-prefix search with highlights,
// an event after every change.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"otklik/data"
)

// fixture is the JSON file's shape (ui/testdata/inbox.json).
type fixture struct {
	Now            time.Time
	User           string
	Municipalities []Municipality
	Categories     []Category
	Accounts       []data.Account
	Posts          []data.Post
	Messages       []data.Message
	Notes          []data.Note
}

// fakeCore's methods are safe for concurrent use.
type fakeCore struct {
	mu      sync.Mutex
	fx      fixture
	summary Summary
	subs    map[chan Event]struct{}
	calls   []string
	// Delay, when set, is slept in Inbox so tests can see loading states.
	Delay time.Duration
	// sla is the deadline rules and watcher settings (fake_sla_test.go).
	sla fakeSLA
	// inb is the undo snapshot, outbox and templates (fake_inbox_test.go).
	inb fakeInbox
	// cal is the content calendar (calendar_fake_test.go).
	cal fakeCalendar
	// acc is Настройки → Аккаунты (accounts_fake_test.go).
	acc fakeAccounts
	// released counts ReleaseMemory calls; releasedAt is the last one's time.
	released   atomic.Int32
	releasedAt atomic.Int64
}

var _ Core = (*fakeCore)(nil)

// ReleaseMemory only counts: the real one is tested in package app.
func (c *fakeCore) ReleaseMemory(context.Context) (bool, error) {
	c.releasedAt.Store(time.Now().UnixNano())
	c.released.Add(1)
	return true, nil
}

// loadFake reads a fixture file.
func loadFake(path string) (*fakeCore, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var fx fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(fx.Messages) == 0 {
		return nil, fmt.Errorf("%s: no messages", path)
	}
	return newFake(fx), nil
}

// newFake wraps a fixture. The summary starts online, synced five minutes before
// the fixture's Now, as a demo store.
func newFake(fx fixture) *fakeCore {
	c := &fakeCore{fx: fx, subs: map[chan Event]struct{}{}}
	c.summary = Summary{
		Demo:     true,
		Sync:     SyncInfo{Configured: true, Online: true, LastSync: fx.Now.Add(-5 * time.Minute)},
		Queued:   2,
		DBPath:   "/home/operator/.config/fyne/ru.otklik.app/otklik.db",
		User:     fx.User,
		Accounts: len(fx.Accounts),
	}
	return c
}

// Now is the fixture's clock.
func (c *fakeCore) Now() time.Time { return c.fx.Now }

// Calls lists the changes made so far, as "SetStatus 12 in_progress".
func (c *fakeCore) Calls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.calls)
}

// SetSync changes what the status bar shows and tells subscribers.
func (c *fakeCore) SetSync(s SyncInfo, queued int) {
	c.mu.Lock()
	c.summary.Sync, c.summary.Queued = s, queued
	c.mu.Unlock()
	c.Publish(Event{Kind: EventSync})
}

// Add ingests a message as if sync had pulled it, and tells subscribers.
func (c *fakeCore) Add(m data.Message) {
	c.mu.Lock()
	m.ID = int64(len(c.fx.Messages) + 1)
	for _, o := range c.fx.Messages {
		m.ID = max(m.ID, o.ID+1)
	}
	c.fx.Messages = append(c.fx.Messages, m)
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
}

// Publish sends an event to every subscriber without blocking.
func (c *fakeCore) Publish(e Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

// Subscribe implements Core.
func (c *fakeCore) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 8)
	c.mu.Lock()
	c.subs[ch] = struct{}{}
	c.mu.Unlock()
	return ch, func() {
		c.mu.Lock()
		if _, ok := c.subs[ch]; ok {
			delete(c.subs, ch)
			close(ch)
		}
		c.mu.Unlock()
	}
}

// stems turns a search into word prefixes: lower case, ё→е, the last two
// letters of longer words dropped, so «дороги» finds «дорогу» and «дорогой».
func fakeStems(search string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(fold(search), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if n := utf8.RuneCountInString(w); n > 5 {
			w = string([]rune(w)[:n-2])
		}
		out = append(out, w)
	}
	return out
}

func fold(s string) string { return strings.ReplaceAll(strings.ToLower(s), "ё", "е") }

// words yields each word of text with its byte range.
func words(text string, fn func(start, end int, w string)) {
	start := -1
	for i, r := range text {
		letter := unicode.IsLetter(r) || unicode.IsDigit(r)
		if letter && start < 0 {
			start = i
		}
		if !letter && start >= 0 {
			fn(start, i, text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		fn(start, len(text), text[start:])
	}
}

// Highlight implements Core: whole words that start with a stem.
func (c *fakeCore) Highlight(text string, st []string) [][2]int {
	var out [][2]int
	words(text, func(s, e int, w string) {
		fw := fold(w)
		for _, p := range st {
			if strings.HasPrefix(fw, p) {
				out = append(out, [2]int{s, e})
				return
			}
		}
	})
	return out
}

func (c *fakeCore) matches(m *data.Message, q Query, st []string) bool {
	f := q.Filter
	if m.FromOffice && !f.IncludeOffice {
		return false
	}
	if len(f.Platforms) > 0 && !slices.Contains(f.Platforms, m.Platform) {
		return false
	}
	if len(f.AccountIDs) > 0 && !slices.Contains(f.AccountIDs, m.AccountID) {
		return false
	}
	if len(f.Districts) > 0 {
		d := m.District
		if d == "" {
			d = "-"
		}
		if !slices.Contains(f.Districts, d) {
			return false
		}
	}
	if len(f.Categories) > 0 && !slices.Contains(f.Categories, m.Category) {
		return false
	}
	if len(f.Statuses) > 0 && !slices.Contains(f.Statuses, m.Status) {
		return false
	}
	if len(f.Sentiments) > 0 && !slices.Contains(f.Sentiments, m.Sentiment) {
		return false
	}
	switch f.Assignee {
	case "":
	case "-":
		if m.Assignee != "" {
			return false
		}
	default:
		if m.Assignee != f.Assignee {
			return false
		}
	}
	if f.Tag != "" && !slices.Contains(m.Tags, f.Tag) {
		return false
	}
	if f.HasUnanswered && !c.hasOpenReply(m) {
		return false
	}
	if !f.Since.IsZero() && m.CreatedAt.Before(f.Since) {
		return false
	}
	if !f.Until.IsZero() && !m.CreatedAt.Before(f.Until) {
		return false
	}
	now := f.Now
	if now.IsZero() {
		now = c.fx.Now
	}
	if f.Overdue && !overdue(m, now) {
		return false
	}
	if f.DueSoon > 0 {
		if overdue(m, now) || !m.Status.Open() || !(dueWithin(m.FirstResponseDue, m.FirstResponseAt, now, f.DueSoon) || dueWithin(m.AnswerDue, time.Time{}, now, f.DueSoon)) {
			return false
		}
	}
	if len(st) > 0 {
		found := 0
		words(m.Text, func(_, _ int, w string) {
			fw := fold(w)
			for i, p := range st {
				if found&(1<<i) == 0 && strings.HasPrefix(fw, p) {
					found |= 1 << i
				}
			}
		})
		if found != 1<<len(st)-1 {
			return false
		}
	}
	return true
}

func overdue(m *data.Message, now time.Time) bool {
	if !m.Status.Open() {
		return false
	}
	if !m.FirstResponseDue.IsZero() && m.FirstResponseAt.IsZero() && m.FirstResponseDue.Before(now) {
		return true
	}
	return !m.AnswerDue.IsZero() && m.AnswerDue.Before(now)
}

func dueWithin(due, done, now time.Time, d time.Duration) bool {
	return !due.IsZero() && done.IsZero() && !due.Before(now) && due.Before(now.Add(d))
}

// sorted returns the messages a query selects, newest first.
func (c *fakeCore) sorted(q Query) []data.Message {
	st := fakeStems(q.Search)
	if len(st) > 16 {
		st = st[:16]
	}
	var out []data.Message
	for i := range c.fx.Messages {
		if c.matches(&c.fx.Messages[i], q, st) {
			out = append(out, c.fx.Messages[i])
		}
	}
	slices.SortFunc(out, newestFirst)
	return out
}

func newestFirst(a, b data.Message) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return int(b.ID - a.ID)
}

// Inbox implements Core.
func (c *fakeCore) Inbox(ctx context.Context, q Query, after data.Cursor, limit int) (Page, error) {
	if c.Delay > 0 {
		select {
		case <-time.After(c.Delay):
		case <-ctx.Done():
			return Page{}, ctx.Err()
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if limit <= 0 {
		limit = 100
	}
	all := c.sorted(q)
	start := 0
	if !after.IsZero() {
		start = len(all)
		for i, m := range all {
			if m.CreatedAt.Before(after.CreatedAt) || (m.CreatedAt.Equal(after.CreatedAt) && m.ID < after.ID) {
				start = i
				break
			}
		}
	}
	end := min(len(all), start+limit)
	p := Page{Items: slices.Clone(all[start:end]), More: end < len(all), Stems: fakeStems(q.Search)}
	if n := len(p.Items); n > 0 {
		p.Next = data.Cursor{CreatedAt: p.Items[n-1].CreatedAt, ID: p.Items[n-1].ID}
	}
	return p, nil
}

// Count implements Core.
func (c *fakeCore) Count(_ context.Context, q Query) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sorted(q)), nil
}

// CountUpTo implements Core.
func (c *fakeCore) CountUpTo(ctx context.Context, q Query, limit int) (int, bool, error) {
	n, err := c.Count(ctx, q)
	return min(n, limit), n < limit, err
}

// CountBy implements Core for district, category, status and platform.
func (c *fakeCore) CountBy(_ context.Context, q Query, field string) (map[string]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := map[string]int{}
	for _, m := range c.sorted(q) {
		var k string
		switch field {
		case "district":
			k = m.District
		case "category":
			k = m.Category
		case "status":
			k = string(m.Status)
		case "platform":
			k = string(m.Platform)
		default:
			return nil, fmt.Errorf("cannot count by %q", field)
		}
		out[k]++
	}
	return out, nil
}

// Views implements Core with the same views the real core defines.
func (c *fakeCore) Views() []View {
	c.mu.Lock()
	user := c.summary.User
	c.mu.Unlock()
	open := []data.Status{data.StatusNew, data.StatusInProgress}
	mine := Query{Filter: data.Filter{Assignee: user, Statuses: open}}
	if user == "" {
		mine.Assignee = "\x00"
	}
	return []View{
		{ID: ViewAll, Title: "Все"},
		{ID: ViewNew, Title: "Новые", Query: Query{Filter: data.Filter{Statuses: []data.Status{data.StatusNew}}}},
		{ID: ViewMine, Title: "Мои", Query: mine},
		{ID: ViewOverdue, Title: "Просроченные", Query: Query{Filter: data.Filter{Overdue: true}}},
		{ID: ViewDueSoon, Title: "Скоро срок", Query: Query{Filter: data.Filter{DueSoon: 2 * time.Hour}}},
		{ID: ViewProgress, Title: "В работе", Query: Query{Filter: data.Filter{Statuses: []data.Status{data.StatusInProgress}}}},
		{ID: ViewDone, Title: "Отвеченные", Query: Query{Filter: data.Filter{Statuses: []data.Status{data.StatusAnswered, data.StatusForwarded, data.StatusClosed}}}},
	}
}

func (c *fakeCore) find(id int64) *data.Message {
	for i := range c.fx.Messages {
		if c.fx.Messages[i].ID == id {
			return &c.fx.Messages[i]
		}
	}
	return nil
}

// Detail implements Core.
func (c *fakeCore) Detail(_ context.Context, id int64) (Detail, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.find(id)
	if m == nil {
		return Detail{}, data.ErrNotFound
	}
	d := Detail{Message: *m}
	for _, a := range c.fx.Accounts {
		if a.ID == m.AccountID {
			d.Account = a
		}
	}
	for i := range c.fx.Posts {
		if p := c.fx.Posts[i]; p.Platform == m.Platform && p.ExternalID == m.PostExternalID && m.PostExternalID != "" {
			d.Post = &p
		}
	}
	byExt := map[string]*data.Message{}
	for i := range c.fx.Messages {
		o := &c.fx.Messages[i]
		if o.Platform == m.Platform {
			byExt[o.ExternalID] = o
		}
	}
	for p := byExt[m.ParentExternalID]; p != nil && len(d.Parents) < 20; p = byExt[p.ParentExternalID] {
		d.Parents = append([]data.Message{*p}, d.Parents...)
	}
	for _, o := range c.fx.Messages {
		if o.Platform == m.Platform && o.ParentExternalID == m.ExternalID {
			d.Replies = append(d.Replies, o)
		}
		if o.ID != m.ID && !o.FromOffice && o.Platform == m.Platform && o.AuthorExternalID == m.AuthorExternalID && len(d.AuthorOther) < 20 {
			d.AuthorOther = append(d.AuthorOther, o)
		}
	}
	slices.SortFunc(d.Replies, func(a, b data.Message) int { return -newestFirst(a, b) })
	slices.SortFunc(d.AuthorOther, newestFirst)
	for _, n := range c.fx.Notes {
		if n.MessageID == id {
			d.Notes = append(d.Notes, n)
		}
	}
	return d, nil
}

// change applies fn to each message and tells subscribers.
func (c *fakeCore) change(call string, ids []int64, fn func(*data.Message)) error {
	c.mu.Lock()
	c.remember(call, ids)
	for _, id := range ids {
		m := c.find(id)
		if m == nil {
			c.mu.Unlock()
			return fmt.Errorf("message %d: %w", id, data.ErrNotFound)
		}
		fn(m)
		m.UpdatedAt = c.fx.Now
	}
	for _, id := range ids {
		c.calls = append(c.calls, fmt.Sprintf("%s %d", call, id))
	}
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
	return nil
}

// SetStatus implements Core.
func (c *fakeCore) SetStatus(_ context.Context, ids []int64, s data.Status) error {
	if !s.Valid() {
		return fmt.Errorf("unknown status %q", s)
	}
	return c.change("SetStatus "+string(s), ids, func(m *data.Message) {
		m.Status = s
		if !s.Open() && m.FirstResponseAt.IsZero() {
			m.FirstResponseAt = c.fx.Now
		}
	})
}

// Assign implements Core.
func (c *fakeCore) Assign(_ context.Context, ids []int64, who string) error {
	who = strings.TrimSpace(who)
	return c.change("Assign "+who, ids, func(m *data.Message) { m.Assignee = who })
}

// SetDistrict implements Core.
func (c *fakeCore) SetDistrict(_ context.Context, ids []int64, code string) error {
	if code != "" && !slices.ContainsFunc(c.fx.Municipalities, func(m Municipality) bool { return m.Code == code }) {
		return fmt.Errorf("unknown municipality %q", code)
	}
	return c.change("SetDistrict "+code, ids, func(m *data.Message) { m.District, m.DistrictManual = code, true })
}

// SetCategory implements Core.
func (c *fakeCore) SetCategory(_ context.Context, ids []int64, code string) error {
	if !slices.ContainsFunc(c.fx.Categories, func(k Category) bool { return k.Code == code }) {
		return fmt.Errorf("unknown category %q", code)
	}
	return c.change("SetCategory "+code, ids, func(m *data.Message) { m.Category, m.CategoryManual = code, true })
}

// AddNote implements Core.
func (c *fakeCore) AddNote(_ context.Context, id int64, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return errors.New("the note is empty")
	}
	c.mu.Lock()
	if c.find(id) == nil {
		c.mu.Unlock()
		return data.ErrNotFound
	}
	c.fx.Notes = append(c.fx.Notes, data.Note{ID: int64(len(c.fx.Notes) + 1), MessageID: id, Author: c.summary.User, Text: text, CreatedAt: c.fx.Now})
	c.calls = append(c.calls, fmt.Sprintf("AddNote %d", id))
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
	return nil
}

// Municipalities implements Core.
func (c *fakeCore) Municipalities() []Municipality { return slices.Clone(c.fx.Municipalities) }

// Categories implements Core.
func (c *fakeCore) Categories() []Category { return slices.Clone(c.fx.Categories) }

// Summary implements Core.
func (c *fakeCore) Summary(_ context.Context) (Summary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.summary
	s.Overdue, s.DueSoon = 0, 0
	for i := range c.fx.Messages {
		m := &c.fx.Messages[i]
		if m.FromOffice {
			continue
		}
		if overdue(m, c.fx.Now) {
			s.Overdue++
		} else if m.Status.Open() && (dueWithin(m.FirstResponseDue, m.FirstResponseAt, c.fx.Now, 2*time.Hour) || dueWithin(m.AnswerDue, time.Time{}, c.fx.Now, 2*time.Hour)) {
			s.DueSoon++
		}
	}
	return s, nil
}

// SetUser implements Core.
func (c *fakeCore) SetUser(_ context.Context, name string) error {
	c.mu.Lock()
	c.summary.User = strings.TrimSpace(name)
	c.calls = append(c.calls, "SetUser "+c.summary.User)
	c.mu.Unlock()
	c.Publish(Event{Kind: EventMessages})
	return nil
}

// ResetToEmpty implements Core: the demo is gone, the store is empty.
func (c *fakeCore) ResetToEmpty(_ context.Context) error {
	c.mu.Lock()
	c.fx.Messages, c.fx.Posts, c.fx.Notes = nil, nil, nil
	c.summary.Demo, c.summary.Queued, c.summary.Accounts = false, 0, 0
	c.summary.Sync = SyncInfo{}
	c.calls = append(c.calls, "ResetToEmpty")
	c.mu.Unlock()
	c.Publish(Event{Kind: EventReset})
	return nil
}
