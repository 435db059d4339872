package app

import (
	"context"
	"fmt"
	"strings"
	"time"

	"otklik/app/textru"
	"otklik/data"
	"otklik/data/sqlite"
)

// DueSoonWindow is how far ahead the «Скоро срок» view and counter look.
const DueSoonWindow = 2 * time.Hour

// Query is what the inbox shows: filters plus what the user typed into the
// search box. Search is parsed into a safe FTS query; no input is an error.
type Query struct {
	data.Filter
	Search string
}

// filter resolves the query into a store filter.
func (a *App) filter(q Query) (f data.Filter, stems []string, empty bool) {
	f = q.Filter
	f.Match = ""
	if f.Overdue || f.DueSoon > 0 {
		if f.Now.IsZero() {
			f.Now = a.now()
		}
	}
	if strings.TrimSpace(q.Search) != "" {
		pq := textru.ParseQuery(q.Search)
		if pq.Empty {
			// Nothing searchable was typed (only punctuation, say): match nothing
			// rather than everything, which would look like the search failed.
			return f, nil, true
		}
		f.Match = pq.Match
		stems = pq.Stems
	}
	return f, stems, false
}

// Page is one screen of the inbox.
type Page struct {
	Items []data.Message
	Next  data.Cursor // pass as after to get the following page
	More  bool
	Stems []string // the search's stems, for highlighting
}

// Inbox returns up to limit messages after the cursor, newest first.
func (a *App) Inbox(ctx context.Context, q Query, after data.Cursor, limit int) (Page, error) {
	db, err := a.store()
	if err != nil {
		return Page{}, err
	}
	f, stems, empty := a.filter(q)
	if empty {
		return Page{}, nil
	}
	if limit <= 0 {
		limit = 100
	}
	items, err := db.ListMessages(ctx, f, after, limit+1)
	if err != nil {
		return Page{}, err
	}
	p := Page{Stems: stems}
	if len(items) > limit {
		items = items[:limit]
		p.More = true
	}
	p.Items = items
	if n := len(items); n > 0 {
		p.Next = data.Cursor{CreatedAt: items[n-1].CreatedAt, ID: items[n-1].ID}
	}
	return p, nil
}

// Count counts the messages a query selects.
func (a *App) Count(ctx context.Context, q Query) (int, error) {
	db, err := a.store()
	if err != nil {
		return 0, err
	}
	f, _, empty := a.filter(q)
	if empty {
		return 0, nil
	}
	return db.CountMessages(ctx, f)
}

// CountUpTo counts a query's messages, stopping at limit: the list's header
// says «более 10 000» rather than keep a reader busy counting a million
// rows every time a filter changes. The second result is false when the
// count stopped at limit.
func (a *App) CountUpTo(ctx context.Context, q Query, limit int) (int, bool, error) {
	db, err := a.store()
	if err != nil {
		return 0, false, err
	}
	f, _, empty := a.filter(q)
	if empty {
		return 0, true, nil
	}
	n, err := db.CountMessagesUpTo(ctx, f, limit)
	return n, n < limit, err
}

// CountBy counts a query's messages by district, category, status, platform,
// sentiment or assignee.
func (a *App) CountBy(ctx context.Context, q Query, field string) (map[string]int, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	f, _, empty := a.filter(q)
	if empty {
		return map[string]int{}, nil
	}
	return db.CountBy(ctx, f, field)
}

// View is a saved inbox view shown in the sidebar with its count.
type View struct {
	ID, Title string
	Query     Query
}

// View IDs.
const (
	ViewAll      = "all"
	ViewNew      = "new"
	ViewMine     = "mine"
	ViewOverdue  = "overdue"
	ViewDueSoon  = "due_soon"
	ViewProgress = "in_progress"
	ViewDone     = "done"
)

// Views lists the saved views. Titles are Russian; the UI translates by ID.
func (a *App) Views() []View {
	return a.views(a.User(context.Background()))
}

func (a *App) views(user string) []View {
	open := []data.Status{data.StatusNew, data.StatusInProgress}
	mine := Query{Filter: data.Filter{Assignee: user, Statuses: open}}
	if user == "" {
		mine.Assignee = "\x00" // nobody is called that: «Мои» is empty until a name is set
	}
	return []View{
		{ID: ViewAll, Title: "Все", Query: Query{}},
		{ID: ViewNew, Title: "Новые", Query: Query{Filter: data.Filter{Statuses: []data.Status{data.StatusNew}}}},
		{ID: ViewMine, Title: "Мои", Query: mine},
		{ID: ViewOverdue, Title: "Просроченные", Query: Query{Filter: data.Filter{Overdue: true}}},
		{ID: ViewDueSoon, Title: "Скоро срок", Query: Query{Filter: data.Filter{DueSoon: DueSoonWindow}}},
		{ID: ViewProgress, Title: "В работе", Query: Query{Filter: data.Filter{Statuses: []data.Status{data.StatusInProgress}}}},
		{ID: ViewDone, Title: "Отвеченные", Query: Query{Filter: data.Filter{Statuses: []data.Status{data.StatusAnswered, data.StatusForwarded, data.StatusClosed}}}},
	}
}

// Detail is everything the detail pane shows about one message.
type Detail struct {
	Message     data.Message
	Account     data.Account
	Post        *data.Post
	Parents     []data.Message // the chain this message answers, root first
	Replies     []data.Message // replies under it, oldest first
	Notes       []data.Note
	AuthorOther []data.Message // the author's other messages, newest first
}

// Detail loads one message with its context.
func (a *App) Detail(ctx context.Context, id int64) (Detail, error) {
	db, err := a.store()
	if err != nil {
		return Detail{}, err
	}
	m, err := db.Message(ctx, id)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Message: m}
	if acc, err := db.Account(ctx, m.AccountID); err == nil {
		d.Account = acc
	}
	if m.PostExternalID != "" {
		if p, err := db.Post(ctx, m.Platform, m.PostExternalID); err == nil {
			d.Post = &p
		}
	}
	if d.Parents, d.Replies, err = db.Thread(ctx, id); err != nil {
		return Detail{}, err
	}
	if d.Notes, err = db.Notes(ctx, id); err != nil {
		return Detail{}, err
	}
	if m.AuthorExternalID != "" {
		others, err := db.AuthorMessages(ctx, m.Platform, m.AuthorExternalID, 21)
		if err != nil {
			return Detail{}, err
		}
		for _, o := range others {
			if o.ID != id && len(d.AuthorOther) < 20 {
				d.AuthorOther = append(d.AuthorOther, o)
			}
		}
	}
	return d, nil
}

// SetStatus moves messages through the workflow.
func (a *App) SetStatus(ctx context.Context, ids []int64, s data.Status) error {
	if !s.Valid() {
		return fmt.Errorf("unknown status %q", s)
	}
	return a.recorded(ctx, ActionStatus, ids, func(ctx context.Context, db *sqlite.DB) error {
		return db.SetStatus(ctx, ids, s, a.now())
	})
}

// Assign gives messages to a person; "" unassigns.
func (a *App) Assign(ctx context.Context, ids []int64, who string) error {
	return a.recorded(ctx, ActionAssign, ids, func(ctx context.Context, db *sqlite.DB) error {
		return db.SetAssignee(ctx, ids, strings.TrimSpace(who))
	})
}

// SetDistrict corrects the municipality; the correction sticks through
// re-pulls and is remembered for the author's later messages.
func (a *App) SetDistrict(ctx context.Context, ids []int64, code string) error {
	if _, ok := a.tagger.Municipality(code); !ok && code != "" {
		return fmt.Errorf("unknown municipality %q", code)
	}
	return a.recorded(ctx, ActionDistrict, ids, func(ctx context.Context, db *sqlite.DB) error {
		return db.SetDistrict(ctx, ids, code)
	})
}

// SetCategory corrects the topic; deadlines follow the new topic's rule.
func (a *App) SetCategory(ctx context.Context, ids []int64, code string) error {
	if !a.knownCategory(code) {
		return fmt.Errorf("unknown category %q", code)
	}
	return a.recorded(ctx, ActionCategory, ids, func(ctx context.Context, db *sqlite.DB) error {
		if err := db.SetCategory(ctx, ids, code); err != nil {
			return err
		}
		return a.recomputeDeadlines(ctx, ids)
	})
}

func (a *App) knownCategory(code string) bool {
	for _, c := range a.tagger.Categories() {
		if c.Code == code {
			return true
		}
	}
	return false
}

// AddNote adds an internal note, signed with the operator's name.
func (a *App) AddNote(ctx context.Context, id int64, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return fmt.Errorf("empty note")
	}
	return a.change(ctx, func(ctx context.Context) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		_, err = db.AddNote(ctx, data.Note{MessageID: id, Author: a.User(ctx), Text: text, CreatedAt: a.now()})
		return err
	})
}

// change runs a user's action and tells the views.
func (a *App) change(ctx context.Context, fn func(context.Context) error) error {
	if err := fn(ctx); err != nil {
		return err
	}
	a.publish(Event{Kind: EventMessages})
	return nil
}

// SyncInfo is the state of background sync shown in the status bar.
type SyncInfo struct {
	Configured bool // at least one account syncs with a network
	Online     bool
	LastSync   time.Time
	LastError  string
}

// SetSyncInfo is called by the sync engine.
func (a *App) SetSyncInfo(s SyncInfo) {
	a.mu.Lock()
	a.syncInfo = s
	a.mu.Unlock()
	a.publish(Event{Kind: EventSync})
}

// Summary is what the status bar shows.
type Summary struct {
	Demo     bool
	Sync     SyncInfo
	Queued   int // outgoing replies and posts waiting for the network
	Failed   int
	Overdue  int
	DueSoon  int
	DBPath   string
	User     string
	Accounts int
}

// Summary gathers the status bar's figures.
func (a *App) Summary(ctx context.Context) (Summary, error) {
	db, err := a.store()
	if err != nil {
		return Summary{}, err
	}
	s := Summary{Demo: a.IsDemo(ctx), DBPath: a.path, User: a.User(ctx)}
	a.mu.Lock()
	s.Sync = a.syncInfo
	a.mu.Unlock()
	if s.Queued, err = db.OutboxCount(ctx, data.OutboxQueued); err != nil {
		return s, err
	}
	if s.Failed, err = db.OutboxCount(ctx, data.OutboxFailed); err != nil {
		return s, err
	}
	now := a.now()
	if s.Overdue, err = db.CountMessages(ctx, data.Filter{Overdue: true, Now: now}); err != nil {
		return s, err
	}
	if s.DueSoon, err = db.CountMessages(ctx, data.Filter{DueSoon: DueSoonWindow, Now: now}); err != nil {
		return s, err
	}
	accs, err := db.Accounts(ctx)
	if err != nil {
		return s, err
	}
	s.Accounts = len(accs)
	return s, nil
}
