package app

import (
	"context"
	"encoding/json"
	"net"
	"net/url"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"otklik/app/connector"
	"otklik/app/secrets"
	"otklik/app/syncer"
	"otklik/data"
	"otklik/data/sqlite"
)

// SyncOptions configure StartSync. Zero values pick the defaults.
type SyncOptions struct {
	Secrets    *secrets.Store  // nil: the operating system's keyring
	Dial       syncer.DialFunc // nil: syncer.DefaultDial
	MinBackoff time.Duration
	MaxBackoff time.Duration
	OutboxPoll time.Duration
	RateWait   time.Duration
	Rate       func(data.Account) rate.Limit
}

// syncState is the running engine of an App. It lives beside App (keyed by
// it) so that the core's struct stays as the foundation defined it.
type syncState struct {
	engine  *syncer.Engine
	secrets *secrets.Store
}

var (
	syncMu     sync.Mutex
	syncStates = map[*App]*syncState{}
	// keyrings are the token stores of Apps without a running engine, so
	// that a token entered in a keyring-less session is found again.
	keyrings = map[*App]*secrets.Store{}
)

func (a *App) syncState() *syncState {
	syncMu.Lock()
	defer syncMu.Unlock()
	return syncStates[a]
}

// Secrets is the token store the core uses.
func (a *App) Secrets() *secrets.Store {
	syncMu.Lock()
	defer syncMu.Unlock()
	if s := syncStates[a]; s != nil {
		return s.secrets
	}
	if k := keyrings[a]; k != nil {
		return k
	}
	k := secrets.New()
	keyrings[a] = k
	return k
}

// StartSync starts background sync of every account and returns the
// function that stops it; call that before Close. A second call while sync
// runs returns the first one's stop.
func (a *App) StartSync(ctx context.Context, opts SyncOptions) (stop func(), err error) {
	syncMu.Lock()
	if s := syncStates[a]; s != nil {
		syncMu.Unlock()
		return func() { a.StopSync() }, nil
	}
	sec := opts.Secrets
	if sec == nil {
		if sec = keyrings[a]; sec == nil {
			sec = secrets.New()
		}
	}
	st := &syncState{secrets: sec}
	st.engine = syncer.New(syncer.Options{
		Store:      syncStore{a},
		Token:      func(acc data.Account) (string, error) { return a.token(sec, acc) },
		Dial:       opts.Dial,
		OnChange:   a.syncChanged,
		Logger:     a.log,
		Now:        a.now,
		MinBackoff: opts.MinBackoff,
		MaxBackoff: opts.MaxBackoff,
		OutboxPoll: opts.OutboxPoll,
		RateWait:   opts.RateWait,
		Rate:       opts.Rate,
	})
	syncStates[a] = st
	delete(keyrings, a)
	syncMu.Unlock()
	if err := st.engine.Start(ctx); err != nil {
		syncMu.Lock()
		delete(syncStates, a)
		syncMu.Unlock()
		return nil, err
	}
	return func() { a.StopSync() }, nil
}

// StopSync stops background sync and waits for it; a send in flight is
// reconciled at the next start.
func (a *App) StopSync() {
	syncMu.Lock()
	st := syncStates[a]
	delete(syncStates, a)
	if st != nil {
		keyrings[a] = st.secrets
	}
	syncMu.Unlock()
	if st != nil {
		st.engine.Close()
		a.forgetReconnected()
		a.SetSyncInfo(SyncInfo{})
	}
}

func (a *App) syncChanged(s syncer.Snapshot) {
	a.reconnected(s) // background.go: replies queued offline go out on reconnect
	a.SetSyncInfo(SyncInfo{Configured: s.Configured, Online: s.Online, LastSync: s.LastSync, LastError: s.LastError})
}

// SyncNow makes every account sync at once: waiting replies become due,
// backoff waits end, and accounts stopped for a token try again.
func (a *App) SyncNow(ctx context.Context) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	if _, err := db.ExpediteOutbox(ctx, 0, a.now()); err != nil {
		return err
	}
	if st := a.syncState(); st != nil {
		st.engine.SyncNow(ctx)
	}
	a.publish(Event{Kind: EventSync})
	return nil
}

// RetryUnsent puts the account's failed outbox items (every account's for
// 0) back in the queue and returns how many.
func (a *App) RetryUnsent(ctx context.Context, accountID int64) (int, error) {
	db, err := a.store()
	if err != nil {
		return 0, err
	}
	n, err := db.RetryFailedOutbox(ctx, accountID)
	if err != nil {
		return 0, err
	}
	if st := a.syncState(); st != nil {
		st.engine.Kick(accountID)
	}
	a.publish(Event{Kind: EventSync})
	return n, nil
}

// SimulatorToken is the token of accounts pointed at `otklik simulate`. It
// is no secret: the simulator accepts any token, and the core uses it only
// for accounts whose base URL is on this machine.
const SimulatorToken = "otklik-simulator"

// token resolves an account's token: the keyring (or this session's
// memory), or the simulator's fixed token for a simulator account.
func (a *App) token(sec *secrets.Store, acc data.Account) (string, error) {
	if isSimulator(acc) {
		return SimulatorToken, nil
	}
	tok, _, err := sec.Get(secrets.Key(string(acc.Platform), acc.ExternalID))
	return tok, err
}

// accountConfig is the part of an account's Config the core reads itself.
type accountConfig struct {
	BaseURL   string `json:"base_url"`
	Simulator bool   `json:"simulator"`
}

func readConfig(acc data.Account) accountConfig {
	var c accountConfig
	_ = json.Unmarshal([]byte(acc.Config), &c)
	return c
}

// isSimulator: marked so, and its base URL is on the loopback interface
// (a real network's account can never skip the keyring).
func isSimulator(acc data.Account) bool {
	c := readConfig(acc)
	if !c.Simulator || c.BaseURL == "" {
		return false
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil {
		return false
	}
	ip := net.ParseIP(u.Hostname())
	return u.Hostname() == "localhost" || (ip != nil && ip.IsLoopback())
}

// syncStore is the core as the engine's store: pages go through the same
// preparation (tags, stems, deadlines) as every other ingest.
type syncStore struct{ a *App }

var _ syncer.Store = syncStore{}

func (s syncStore) db() (*sqlite.DB, error) { return s.a.store() }

func (s syncStore) Accounts(ctx context.Context) ([]data.Account, error) {
	db, err := s.db()
	if err != nil {
		return nil, err
	}
	return db.Accounts(ctx)
}

func (s syncStore) SaveAccount(ctx context.Context, acc data.Account) error {
	db, err := s.db()
	if err != nil {
		return err
	}
	return db.UpsertAccount(ctx, &acc)
}

func (s syncStore) Cursor(ctx context.Context, accountID int64, key string) (string, error) {
	db, err := s.db()
	if err != nil {
		return "", err
	}
	return db.Cursor(ctx, accountID, key)
}

func (s syncStore) SetCursor(ctx context.Context, accountID int64, key, value string) error {
	db, err := s.db()
	if err != nil {
		return err
	}
	return db.SetCursor(ctx, accountID, key, value)
}

func (s syncStore) IngestPage(ctx context.Context, accountID int64, page connector.Page, key, value string) (int, error) {
	db, err := s.db()
	if err != nil {
		return 0, err
	}
	for _, b := range page.Quarantine {
		if _, err := db.AddQuarantine(ctx, accountID, rawJSON(b.Raw), b.Reason, s.a.now()); err != nil {
			return 0, err
		}
	}
	in := s.a.NewIngester(ctx)
	if err := in.Add(accountID, page.Posts, page.Messages, key, value); err != nil {
		in.Close()
		return 0, err
	}
	st, err := in.Close()
	if err == nil && len(page.Posts) > 0 {
		s.a.pageIngested() // the calendar looks for its planned posts (background.go)
	}
	return st.Inserted, err
}

// rawJSON keeps a payload that is not JSON readable in the quarantine
// table, whose payload column holds JSON.
func rawJSON(b []byte) []byte {
	if json.Valid(b) {
		return b
	}
	q, _ := json.Marshal(string(b))
	return q
}

func (s syncStore) Message(ctx context.Context, id int64) (data.Message, error) {
	db, err := s.db()
	if err != nil {
		return data.Message{}, err
	}
	return db.Message(ctx, id)
}

func (s syncStore) ClaimOutbox(ctx context.Context, accountID int64, now time.Time, limit int) ([]data.OutboxItem, error) {
	db, err := s.db()
	if err != nil {
		return nil, err
	}
	items, err := db.ClaimOutbox(ctx, accountID, now, limit)
	if len(items) > 0 {
		s.a.publish(Event{Kind: EventSync})
	}
	return items, err
}

func (s syncStore) SendingOutbox(ctx context.Context, accountID int64, now time.Time) ([]data.OutboxItem, error) {
	db, err := s.db()
	if err != nil {
		return nil, err
	}
	return db.SendingOutbox(ctx, accountID, now)
}

func (s syncStore) MarkOutboxSent(ctx context.Context, id int64, remoteID string, at time.Time, reply *data.Message) error {
	var batch *sqlite.Batch
	if reply != nil {
		batch = &sqlite.Batch{AccountID: reply.AccountID, Messages: s.a.prepare([]data.Message{*reply})}
	}
	err := s.outbox(func(db *sqlite.DB) error { return db.MarkOutboxSent(ctx, id, remoteID, at, batch) })
	if err == nil && reply != nil {
		s.a.publish(Event{Kind: EventMessages})
	}
	return err
}

func (s syncStore) RequeueOutbox(ctx context.Context, id int64, next time.Time, lastErr string, counted bool) error {
	return s.outbox(func(db *sqlite.DB) error { return db.RequeueOutbox(ctx, id, next, lastErr, counted) })
}

func (s syncStore) HoldOutbox(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return s.outbox(func(db *sqlite.DB) error { return db.HoldOutbox(ctx, id, next, lastErr) })
}

func (s syncStore) FailOutbox(ctx context.Context, id int64, lastErr string) error {
	return s.outbox(func(db *sqlite.DB) error { return db.FailOutbox(ctx, id, lastErr) })
}

// outbox runs a transition and tells the status bar, whose queue count
// changed.
func (s syncStore) outbox(fn func(db *sqlite.DB) error) error {
	db, err := s.db()
	if err != nil {
		return err
	}
	if err := fn(db); err != nil {
		return err
	}
	s.a.publish(Event{Kind: EventSync})
	return nil
}

// SyncStore is the core as the sync engine's store, for tools and tests
// that run an engine of their own.
func (a *App) SyncStore() syncer.Store { return syncStore{a} }

// SyncToken resolves an account's token the way background sync does.
func (a *App) SyncToken(acc data.Account) (string, error) { return a.token(a.Secrets(), acc) }
