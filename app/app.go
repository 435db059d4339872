// Package app is Otklik's headless core: it opens the local store, tags and
// stems what comes in, answers the inbox's questions and carries out the
// press office's actions. The GUI (package ui) and the command line share it,
// so every feature is implemented and tested once, here. It never imports Fyne.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"otklik/app/sla"
	"otklik/app/textru"
	"otklik/data"
	"otklik/data/sqlite"
)

// ID is the application ID; Fyne keys the storage root by it.
const ID = "ru.otklik.app"

// Version is set at build time with -ldflags "-X otklik/app.Version=…".
var Version = "0.1.0-dev"

// Settings keys kept in the store.
const (
	settingDemo = "demo"      // "1" when the store holds the generated demo region
	settingMode = "mode"      // "own" once the user chose an empty store of their own
	settingUser = "user.name" // the operator's name, for «Мои»
)

// DataDir is the app's storage root: the same folder Fyne gives the app
// (os.UserConfigDir()/fyne/<ID>: XDG on Linux, %APPDATA% on Windows), so the
// CLI and the GUI find the same store.
func DataDir() (string, error) {
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no user config directory: %w", err)
	}
	return filepath.Join(base, "fyne", ID), nil
}

// DefaultDBPath is the store's file inside DataDir.
func DefaultDBPath() (string, error) {
	dir, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "otklik.db"), nil
}

// Options configure Open.
type Options struct {
	DBPath string           // "" means DefaultDBPath
	Now    func() time.Time // the clock; tests pass a fake
	Logger *slog.Logger
	Tagger *textru.Tagger // nil means the shipped Smolensk tagger
}

// App is an open Otklik core. Its methods are safe for concurrent use.
type App struct {
	path   string
	db     atomic.Pointer[sqlite.DB]
	tagger *textru.Tagger
	now    func() time.Time
	log    *slog.Logger
	clock  *sla.Clock
	rules  atomic.Pointer[sla.Rules]

	subMu sync.Mutex
	subs  map[chan Event]struct{}

	mu       sync.Mutex
	syncInfo SyncInfo

	sla slaState // the overdue watcher and deadline recomputation (sla_settings.go)

	undoMu sync.Mutex
	undo   *undoEntry // the last action, for Undo (app/undo.go)

	maint maintState // session marker, integrity checks, backups (app/integrity.go)
}

// Open opens (creating if needed) the store at opts.DBPath.
func Open(ctx context.Context, opts Options) (*App, error) {
	path := opts.DBPath
	if path == "" {
		p, err := DefaultDBPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	a := &App{
		path:   path,
		tagger: opts.Tagger,
		now:    opts.Now,
		log:    opts.Logger,
		subs:   map[chan Event]struct{}{},
	}
	if a.tagger == nil {
		a.tagger = textru.DefaultTagger()
	}
	if a.now == nil {
		a.now = time.Now
	}
	if a.log == nil {
		a.log = slog.Default()
	}
	a.clock = sla.NewClock(sla.DefaultCalendar(), sla.DefaultWorkHours(), sla.Moscow())
	if err := a.openSession(); err != nil {
		return nil, err
	}
	db, err := sqlite.Open(path)
	if err != nil {
		a.closeSession(true) // nothing was written: the marker keeps only what it owed
		return nil, ExplainStoreError(err)
	}
	a.db.Store(db)
	if err := a.loadRules(ctx); err != nil {
		db.Close()
		a.closeSession(true) // nothing was written: the marker keeps only what it owed
		return nil, err
	}
	return a, nil
}

// Close closes the store. Background workers started by the caller must be
// stopped first.
func (a *App) Close() error {
	a.stopSLA()
	a.stopMaintenance()
	a.subMu.Lock()
	for ch := range a.subs {
		close(ch)
		delete(a.subs, ch)
	}
	a.subMu.Unlock()
	var err error
	if db := a.db.Swap(nil); db != nil {
		err = db.Close()
	}
	return errors.Join(err, a.closeSession(err == nil))
}

// ErrClosed is returned by calls made after Close.
var ErrClosed = errors.New("the store is closed")

func (a *App) store() (*sqlite.DB, error) {
	db := a.db.Load()
	if db == nil {
		return nil, ErrClosed
	}
	return db, nil
}

// Path is the store's file.
func (a *App) Path() string { return a.path }

// Tagger is the text core the app tags with.
func (a *App) Tagger() *textru.Tagger { return a.tagger }

// Municipalities lists the region's municipalities in display order.
func (a *App) Municipalities() []textru.Municipality { return a.tagger.Municipalities() }

// Categories lists the topic rubrics in display order.
func (a *App) Categories() []textru.Category { return a.tagger.Categories() }

// Highlight returns byte ranges of text whose words match stems.
func (a *App) Highlight(text string, stems []string) [][2]int {
	return textru.Highlight(text, stems)
}

// IsDemo reports whether the store holds the generated demo region.
func (a *App) IsDemo(ctx context.Context) bool {
	db, err := a.store()
	if err != nil {
		return false
	}
	v, _ := setting(ctx, db, settingDemo)
	return v == "1"
}

// User is the operator's name, used by the «Мои» view and as the author of notes.
func (a *App) User(ctx context.Context) string {
	db, err := a.store()
	if err != nil {
		return ""
	}
	v, _ := setting(ctx, db, settingUser)
	return v
}

// SetUser changes the operator's name.
func (a *App) SetUser(ctx context.Context, name string) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	if err := db.SetSetting(ctx, settingUser, name); err != nil {
		return err
	}
	a.publish(Event{Kind: EventMessages})
	return nil
}

// Event tells the UI that something it shows may have changed.
type Event struct {
	Kind string // EventMessages, EventSync, EventCounts, EventReset
}

// Event kinds.
const (
	EventMessages = "messages" // messages were added or changed
	EventSync     = "sync"     // online state, last sync or the queue changed
	EventCounts   = "counts"   // deadline counts changed (time passed)
	EventReset    = "reset"    // the whole store was replaced
)

// Subscribe returns a channel of events and a function that ends the
// subscription. Events coalesce: a slow reader sees the latest kinds, never
// blocks the core.
func (a *App) Subscribe() (<-chan Event, func()) {
	ch := make(chan Event, 8)
	a.subMu.Lock()
	a.subs[ch] = struct{}{}
	a.subMu.Unlock()
	return ch, func() {
		a.subMu.Lock()
		if _, ok := a.subs[ch]; ok {
			delete(a.subs, ch)
			close(ch)
		}
		a.subMu.Unlock()
	}
}

func (a *App) publish(e Event) {
	a.subMu.Lock()
	defer a.subMu.Unlock()
	for ch := range a.subs {
		select {
		case ch <- e:
		default: // the reader is behind; it will reload anyway
		}
	}
}

// setting reads a stored setting; a missing one is "".
func setting(ctx context.Context, db *sqlite.DB, key string) (string, error) {
	v, err := db.Setting(ctx, key)
	if errors.Is(err, data.ErrNotFound) {
		return "", nil
	}
	return v, err
}
