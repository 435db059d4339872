// Package syncer is the background sync engine: for every account it walks
// the history (Backfiller), follows new comments (Live) and sends what the
// office queued in the outbox (Replier, Publisher), through the connectors
// of package connector.
//
// Guarantees, each relying on the store doing one transaction per step:
//   - a pull cursor advances only in the transaction that stores its page,
//     so a crash re-reads a page (ingest upserts) and never skips one;
//   - an outbox item is 'sending' from the moment before the request leaves
//     until its outcome is recorded; a row found in 'sending' (a crash, an
//     answer that never came) is read back before anything is resent, or,
//     where the network deduplicates by key (VK's guid), resent with the
//     same key; a network that can neither deduplicate nor read back gets
//     the item marked failed with a request to check the chat — never a
//     blind second send;
//   - rate limits are per token and shared by every loop using it; a
//     network's "wait" (VK error 6/9, Telegram 429) pauses the token for
//     the time asked and is not counted as a failure; other transient
//     failures back off exponentially with jitter.
//
// The engine knows nothing of package app: the core implements Store and
// starts the engine (app/sync.go).
package syncer

import (
	"context"
	"crypto/sha256"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"
	"golang.org/x/time/rate"

	"otklik/app/connector"
	"otklik/data"
)

// Cursor keys kept per account in the store.
const (
	KeyBackfill = "backfill" // the Backfiller's opaque cursor, or backfillDone
	KeyLive     = "live"     // the Live cursor (VK Long Poll ts, Telegram offset)
)

// backfillDone marks a finished history walk; a Resync clears it.
const backfillDone = "~done"

// Outbox is the store's part the dispatcher uses; *sqlite.DB has these
// methods (data/sqlite/sync_extra.go).
type Outbox interface {
	ClaimOutbox(ctx context.Context, accountID int64, now time.Time, limit int) ([]data.OutboxItem, error)
	SendingOutbox(ctx context.Context, accountID int64, now time.Time) ([]data.OutboxItem, error)
	// MarkOutboxSent records the item delivered and, with reply, stores
	// the office's comment in its thread in the same transaction.
	MarkOutboxSent(ctx context.Context, id int64, remoteID string, at time.Time, reply *data.Message) error
	RequeueOutbox(ctx context.Context, id int64, next time.Time, lastErr string, counted bool) error
	HoldOutbox(ctx context.Context, id int64, next time.Time, lastErr string) error
	FailOutbox(ctx context.Context, id int64, lastErr string) error
}

// Store is what the engine needs from the core.
type Store interface {
	Outbox
	Accounts(ctx context.Context) ([]data.Account, error)
	// SaveAccount persists settings a connector changed itself (a Telegram
	// group that became a supergroup).
	SaveAccount(ctx context.Context, acc data.Account) error
	Cursor(ctx context.Context, accountID int64, key string) (string, error)
	SetCursor(ctx context.Context, accountID int64, key, value string) error
	// IngestPage stores the page's posts and messages (tagged, stemmed and
	// given deadlines by the core), keeps its Quarantine, and, when
	// cursorKey is set, stores cursorValue in the same transaction as the
	// rows. It returns how many messages were new.
	IngestPage(ctx context.Context, accountID int64, page connector.Page, cursorKey, cursorValue string) (inserted int, err error)
	// Message is a stored message, to address a reply queued without its
	// network ids.
	Message(ctx context.Context, id int64) (data.Message, error)
}

// DialFunc makes the connector for an account. onChange persists settings
// the connector changes itself.
type DialFunc func(acc data.Account, token string, onChange func(data.Account)) (connector.Connector, error)

// ErrNoNetwork is returned by a DialFunc for an account that has nothing to
// sync (a ПОС source is imported from files).
var ErrNoNetwork = errors.New("the account has no network to sync with")

// Options configure an Engine. Store and Token are required.
type Options struct {
	Store Store
	// Token returns the account's access token; errors wrapping
	// secrets.ErrNoToken or secrets.ErrUnavailable are shown as such.
	Token func(acc data.Account) (string, error)
	Dial  DialFunc // default DefaultDial
	// OnChange receives the state after it changed; calls coalesce and come
	// from one goroutine.
	OnChange func(Snapshot)
	Logger   *slog.Logger
	Now      func() time.Time

	MinBackoff time.Duration // first retry after a failure; default 1 s
	MaxBackoff time.Duration // cap; default 5 min
	// RateWait is the pause after a rate-limit answer that names no time;
	// default 1 s.
	RateWait time.Duration
	// OutboxPoll is how often the dispatcher looks for due items when
	// nothing woke it; default 5 s.
	OutboxPoll time.Duration
	// Rate is the request budget of an account's token; default
	// DefaultRate.
	Rate func(acc data.Account) rate.Limit
	// Idempotent reports whether the platform deduplicates sends by the
	// outbox key; default: VK (guid).
	Idempotent func(p data.Platform) bool
	// Skip leaves an account out (default: demo accounts, which have no
	// network behind them).
	Skip func(acc data.Account) bool
}

// Engine runs one worker per account. Its methods are safe for concurrent
// use.
type Engine struct {
	opts Options
	log  *slog.Logger

	mu      sync.Mutex
	ctx     context.Context
	cancel  context.CancelFunc
	workers map[int64]*worker
	gates   map[[32]byte]*gate
	nudge   chan struct{} // closed and replaced by SyncNow: ends backoff waits
	closed  bool

	dirty    chan struct{}
	notified chan struct{}
}

// New makes an engine; Start runs it.
func New(opts Options) *Engine {
	if opts.Dial == nil {
		opts.Dial = DefaultDial
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 5 * time.Minute
	}
	if opts.RateWait <= 0 {
		opts.RateWait = time.Second
	}
	if opts.OutboxPoll <= 0 {
		opts.OutboxPoll = 5 * time.Second
	}
	if opts.Rate == nil {
		opts.Rate = DefaultRate
	}
	if opts.Idempotent == nil {
		opts.Idempotent = func(p data.Platform) bool { return p == data.VK }
	}
	if opts.Skip == nil {
		opts.Skip = func(acc data.Account) bool { return acc.Demo }
	}
	return &Engine{opts: opts, log: opts.Logger, workers: map[int64]*worker{}, gates: map[[32]byte]*gate{},
		nudge: make(chan struct{}), dirty: make(chan struct{}, 1), notified: make(chan struct{})}
}

// Start starts a worker for every account in the store. The engine stops
// when ctx ends or Close is called.
func (e *Engine) Start(ctx context.Context) error {
	accs, err := e.opts.Store.Accounts(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	if e.ctx != nil || e.closed {
		e.mu.Unlock()
		return errors.New("syncer: already started")
	}
	e.ctx, e.cancel = context.WithCancel(ctx)
	for _, acc := range accs {
		e.startLocked(acc)
	}
	e.mu.Unlock()
	go e.notifier()
	e.changed()
	return nil
}

// Close stops every worker and waits for them. A send in flight is
// abandoned in 'sending' and reconciled at the next start.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil
	}
	e.closed = true
	started := e.ctx != nil
	if started {
		e.cancel()
	}
	ws := make([]*worker, 0, len(e.workers))
	for _, w := range e.workers {
		ws = append(ws, w)
	}
	e.mu.Unlock()
	for _, w := range ws {
		<-w.done
	}
	if started {
		close(e.dirty)
		<-e.notified
	}
	return nil
}

// startLocked starts acc's worker; e.mu is held.
func (e *Engine) startLocked(acc data.Account) {
	if e.opts.Skip(acc) {
		return
	}
	w := newWorker(e, acc)
	e.workers[acc.ID] = w
	go w.run()
}

// Restart stops the account's worker (if any), reads the account again
// from the store and starts a new worker: after a new token, changed
// settings, or an account added. An account no longer in the store stays
// stopped.
func (e *Engine) Restart(ctx context.Context, accountID int64) error {
	e.mu.Lock()
	if e.closed || e.ctx == nil {
		e.mu.Unlock()
		return errors.New("syncer: not running")
	}
	old := e.workers[accountID]
	delete(e.workers, accountID)
	e.mu.Unlock()
	if old != nil {
		old.cancel()
		<-old.done
	}
	accs, err := e.opts.Store.Accounts(ctx)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	for _, acc := range accs {
		if acc.ID == accountID {
			if _, running := e.workers[accountID]; !running {
				e.startLocked(acc)
			}
		}
	}
	e.changed()
	return nil
}

// SyncNow ends every backoff wait at once, makes the dispatchers look at
// the outbox, and restarts workers that stopped (a token was needed).
func (e *Engine) SyncNow(ctx context.Context) {
	e.mu.Lock()
	close(e.nudge)
	e.nudge = make(chan struct{})
	var stopped []int64
	for id, w := range e.workers {
		if w.stopped() {
			stopped = append(stopped, id)
		}
	}
	e.mu.Unlock()
	for _, id := range stopped {
		_ = e.Restart(ctx, id)
	}
	e.Kick(0)
}

// Kick tells the account's dispatcher (every dispatcher for 0) that the
// outbox has new items.
func (e *Engine) Kick(accountID int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for id, w := range e.workers {
		if accountID == 0 || id == accountID {
			select {
			case w.kick <- struct{}{}:
			default:
			}
		}
	}
}

func (e *Engine) nudged() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.nudge
}

// gateFor returns the limiter shared by every account using token.
func (e *Engine) gateFor(token string, acc data.Account) *gate {
	key := sha256.Sum256([]byte(string(acc.Platform) + "\x00" + token))
	e.mu.Lock()
	defer e.mu.Unlock()
	g, ok := e.gates[key]
	if !ok {
		g = &gate{lim: rate.NewLimiter(e.opts.Rate(acc), 1)}
		e.gates[key] = g
	}
	return g
}

func (e *Engine) newBackoff() *backoff.ExponentialBackOff {
	b := &backoff.ExponentialBackOff{
		InitialInterval:     e.opts.MinBackoff,
		RandomizationFactor: 0.5,
		Multiplier:          2,
		MaxInterval:         e.opts.MaxBackoff,
	}
	b.Reset()
	return b
}

// retryDelay is the wait before an outbox item's next try after attempts
// failed ones: the same exponential schedule with jitter, recomputed from
// the stored count so that it survives restarts.
func (e *Engine) retryDelay(attempts int) time.Duration {
	b := e.newBackoff()
	d := b.NextBackOff()
	for i := 1; i < attempts && i < 64; i++ {
		d = b.NextBackOff()
	}
	return d
}

// changed schedules an OnChange call.
func (e *Engine) changed() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ctx == nil || e.closed {
		return
	}
	select {
	case e.dirty <- struct{}{}:
	default:
	}
}

func (e *Engine) notifier() {
	defer close(e.notified)
	for range e.dirty {
		if e.opts.OnChange != nil {
			e.opts.OnChange(e.Snapshot())
		}
	}
}

// Snapshot is the whole engine's state.
type Snapshot struct {
	Configured bool // at least one account syncs with a network
	Online     bool // at least one account reached its network last time it tried
	LastSync   time.Time
	LastError  string // the newest error not followed by a success on that account
	Accounts   []Status
}

// Snapshot returns the current state, accounts in id order.
func (e *Engine) Snapshot() Snapshot {
	e.mu.Lock()
	ws := make([]*worker, 0, len(e.workers))
	for _, w := range e.workers {
		ws = append(ws, w)
	}
	e.mu.Unlock()
	var s Snapshot
	var errAt time.Time
	for _, w := range ws {
		st := w.status()
		s.Accounts = append(s.Accounts, st)
		if st.Phase == PhaseIdle {
			continue
		}
		s.Configured = true
		s.Online = s.Online || st.Online
		if st.LastSync.After(s.LastSync) {
			s.LastSync = st.LastSync
		}
		if st.LastError != "" && st.ErrorAt.After(st.LastSync) && st.ErrorAt.After(errAt) {
			s.LastError, errAt = st.LastError, st.ErrorAt
		}
	}
	slices.SortFunc(s.Accounts, func(a, b Status) int { return int(a.AccountID - b.AccountID) })
	return s
}

// Status returns one account's state; ok is false when no worker runs for it.
func (e *Engine) Status(accountID int64) (Status, bool) {
	e.mu.Lock()
	w := e.workers[accountID]
	e.mu.Unlock()
	if w == nil {
		return Status{}, false
	}
	return w.status(), true
}

// DefaultRate is the request budget per token: VK allows 20 calls a second
// for a community token and 3 for a user token; the Bot API about 30 a
// second per bot; OK is kept gentle.
func DefaultRate(acc data.Account) rate.Limit {
	switch acc.Platform {
	case data.VK:
		if vkUserToken(acc) {
			return 3
		}
		return 20
	case data.Telegram:
		return 30
	}
	return 5
}

// gate is a token's request budget plus the pause a network asked for.
type gate struct {
	lim *rate.Limiter

	mu    sync.Mutex
	until time.Time
}

func (g *gate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			break
		}
		if err := sleep(ctx, d, nil); err != nil {
			return err
		}
	}
	return g.lim.Wait(ctx)
}

func (g *gate) pause(d time.Duration) {
	g.mu.Lock()
	if u := time.Now().Add(d); u.After(g.until) {
		g.until = u
	}
	g.mu.Unlock()
}

// sleep waits d, or until ctx ends (its error) or wake fires (nil).
func sleep(ctx context.Context, d time.Duration, wake <-chan struct{}) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-wake:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
