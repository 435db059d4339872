package syncer

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"otklik/app/connector"
	"otklik/data"
)

// Phase is what an account's worker is doing.
type Phase string

const (
	PhaseStarting   Phase = "starting"
	PhaseBackfill   Phase = "backfill"    // walking the history
	PhaseLive       Phase = "live"        // following new comments
	PhaseNeedsToken Phase = "needs_token" // no token, or the network refused it: stopped until a new one
	PhaseKeyring    Phase = "keyring"     // the password store is unavailable and no token was entered this session
	PhaseFailed     Phase = "failed"      // the account's settings are unusable: stopped
	PhaseIdle       Phase = "idle"        // nothing to sync (a ПОС source)
)

// Status is one account's sync state for Настройки → Аккаунты.
type Status struct {
	AccountID int64
	Platform  data.Platform
	Name      string
	Phase     Phase
	Online    bool      // the last exchange with the network got an answer
	LastSync  time.Time // the last successful exchange
	LastError string    // the last failure, without secrets
	ErrorKind connector.Kind
	ErrorAt   time.Time
	Ingested  int // new messages stored since the worker started
	Sent      int // outbox items delivered since the worker started
}

type worker struct {
	e      *Engine
	acc    data.Account
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	kick   chan struct{} // the outbox has new items
	resync chan struct{} // the live loop lost events: walk the history again
	// liveSet is closed once a live cursor is stored: a history walk
	// counts as complete only if it ended after that point.
	liveSet  chan struct{}
	liveOnce sync.Once

	conn connector.Connector
	gate *gate

	mu     sync.Mutex
	st     Status
	halted bool // stopped for good until Restart
}

func newWorker(e *Engine, acc data.Account) *worker {
	ctx, cancel := context.WithCancel(e.ctx)
	return &worker{e: e, acc: acc, ctx: ctx, cancel: cancel, done: make(chan struct{}),
		kick: make(chan struct{}, 1), resync: make(chan struct{}, 1), liveSet: make(chan struct{}),
		st: Status{AccountID: acc.ID, Platform: acc.Platform, Name: acc.Name, Phase: PhaseStarting}}
}

func (w *worker) status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.st
}

func (w *worker) stopped() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.halted
}

func (w *worker) update(fn func(*Status)) {
	w.mu.Lock()
	fn(&w.st)
	w.mu.Unlock()
	w.e.changed()
}

// halt stops the account until Restart, showing why.
func (w *worker) halt(p Phase, err error) {
	w.mu.Lock()
	w.halted = true
	w.st.Phase = p
	if err != nil {
		w.st.LastError = err.Error()
		w.st.ErrorKind = connector.Classify(err)
		w.st.ErrorAt = w.e.opts.Now()
	}
	w.mu.Unlock()
	w.e.changed()
	w.cancel()
}

func (w *worker) run() {
	defer close(w.done)
	defer w.cancel()
	token, err := w.e.opts.Token(w.acc)
	if err != nil {
		phase := PhaseNeedsToken
		if isKeyringUnavailable(err) {
			phase = PhaseKeyring
		}
		w.halt(phase, err)
		return
	}
	conn, err := w.e.opts.Dial(w.acc, token, w.accountChanged)
	switch {
	case errors.Is(err, ErrNoNetwork):
		w.mu.Lock()
		w.halted = true
		w.st.Phase = PhaseIdle
		w.mu.Unlock()
		w.e.changed()
		return
	case err != nil:
		w.halt(PhaseFailed, err)
		return
	}
	w.conn, w.gate = conn, w.e.gateFor(token, w.acc)

	var wg sync.WaitGroup
	bf, hasBackfill := conn.(connector.Backfiller)
	lv, hasLive := conn.(connector.Live)
	if hasBackfill && hasLive {
		// Live starts from "now" the first time; history before that comes
		// from a walk that must begin after that point. Until a live cursor
		// is stored, a walk left by a killed run is started over, or the
		// comments made between the two runs would be missed.
		live, err := w.e.opts.Store.Cursor(w.ctx, w.acc.ID, KeyLive)
		if err == nil && live == "" {
			err = w.e.opts.Store.SetCursor(w.ctx, w.acc.ID, KeyBackfill, "")
		}
		if err != nil {
			w.halt(PhaseFailed, err)
			return
		}
		if live != "" {
			w.markLive()
		}
	} else {
		w.markLive()
	}
	if hasLive {
		wg.Go(func() { w.liveLoop(lv) })
	}
	if hasBackfill {
		wg.Go(func() { w.backfillLoop(bf) })
	}
	_, replies := conn.(connector.Replier)
	_, posts := conn.(connector.Publisher)
	if replies || posts {
		wg.Go(w.outboxLoop)
	}
	w.update(func(s *Status) {
		s.Phase = PhaseLive
		if hasBackfill {
			s.Phase = PhaseBackfill
		}
	})
	wg.Wait()
}

// isKeyringUnavailable tells "the password store is down" from "no token";
// matched by message so that this package does not depend on secrets.
func isKeyringUnavailable(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "the password store (keyring) is unavailable" {
			return true
		}
	}
	return false
}

func (w *worker) markLive() { w.liveOnce.Do(func() { close(w.liveSet) }) }

func (w *worker) accountChanged(acc data.Account) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.e.opts.Store.SaveAccount(ctx, acc); err != nil {
		w.e.log.Warn("sync: saving changed account settings", "account", acc.ID, "err", err)
	}
}

// call runs one network request within the token's budget and records
// what it says about the connection.
func (w *worker) call(fn func(ctx context.Context) error) error {
	if err := w.gate.wait(w.ctx); err != nil {
		return notSent{err}
	}
	err := fn(w.ctx)
	if err != nil && w.ctx.Err() != nil {
		return w.ctx.Err() // stopping: not the network's fault
	}
	now := w.e.opts.Now()
	if err == nil {
		w.update(func(s *Status) { s.Online, s.LastSync = true, now })
		return nil
	}
	kind := connector.Classify(err)
	if kind == connector.RateLimited {
		d := connector.RetryAfter(err)
		if d <= 0 {
			d = w.e.opts.RateWait
		}
		w.gate.pause(d)
	}
	w.update(func(s *Status) {
		s.Online = !connectionFailed(err)
		s.LastError, s.ErrorKind, s.ErrorAt = err.Error(), kind, now
	})
	w.e.log.Debug("sync: request failed", "account", w.acc.ID, "kind", kind.String(), "err", err)
	return err
}

// notSent is a call given up before the request left (the engine is
// stopping while it waited for its budget).
type notSent struct{ err error }

func (n notSent) Error() string { return n.err.Error() }
func (n notSent) Unwrap() error { return n.err }

// connectionFailed reports whether err means the network could not be
// reached at all, as opposed to an answer that said no.
func connectionFailed(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// failed decides what a loop does after err: it waits (backoff, or the
// network's pause) and returns false to go on, or true to stop the loop.
func (w *worker) failed(err error, bo interface{ NextBackOff() time.Duration }) (stop bool) {
	if w.ctx.Err() != nil {
		return true
	}
	switch connector.Classify(err) {
	case connector.RateLimited:
		return false // the gate holds the next request for the time asked
	case connector.AuthFailed:
		w.halt(PhaseNeedsToken, err)
		return true
	}
	return sleep(w.ctx, retryWait(err, bo.NextBackOff()), w.e.nudged()) != nil
}

// offlineProbe caps the wait between attempts while the network cannot be
// reached at all.
const offlineProbe = 15 * time.Second

// retryWait is how long a loop waits after err when the backoff says next.
// Unreachable is not refused: a laptop back on the network should find out
// within seconds, not after a five-minute backoff.
func retryWait(err error, next time.Duration) time.Duration {
	if connectionFailed(err) && next > offlineProbe {
		return offlineProbe
	}
	return next
}

// storeFailed records a failure of the local store (disk full, closed) and
// waits before the loop tries again.
func (w *worker) storeFailed(err error, bo interface{ NextBackOff() time.Duration }) (stop bool) {
	if w.ctx.Err() != nil {
		return true
	}
	w.update(func(s *Status) {
		s.LastError, s.ErrorKind, s.ErrorAt = "local store: "+err.Error(), connector.Permanent, w.e.opts.Now()
	})
	w.e.log.Error("sync: store", "account", w.acc.ID, "err", err)
	return sleep(w.ctx, bo.NextBackOff(), w.e.nudged()) != nil
}

func (w *worker) ingest(page connector.Page, key, value string) error {
	n, err := w.e.opts.Store.IngestPage(w.ctx, w.acc.ID, page, key, value)
	if err != nil {
		return err
	}
	if n > 0 {
		w.update(func(s *Status) { s.Ingested += n })
	}
	return nil
}

// backfillLoop walks the history once, and again whenever the live loop
// reports lost events.
func (w *worker) backfillLoop(bf connector.Backfiller) {
	bo := w.e.newBackoff()
	for w.ctx.Err() == nil {
		cur, err := w.e.opts.Store.Cursor(w.ctx, w.acc.ID, KeyBackfill)
		if err != nil {
			if w.storeFailed(err, bo) {
				return
			}
			continue
		}
		if cur == backfillDone {
			w.update(func(s *Status) {
				if s.Phase == PhaseBackfill {
					s.Phase = PhaseLive
				}
			})
			select {
			case <-w.ctx.Done():
				return
			case <-w.resync:
			}
			if err := w.e.opts.Store.SetCursor(w.ctx, w.acc.ID, KeyBackfill, ""); err != nil && w.storeFailed(err, bo) {
				return
			}
			w.update(func(s *Status) { s.Phase = PhaseBackfill })
			continue
		}
		select {
		case <-w.resync:
			// Events were lost while this walk ran: start it over, so the
			// posts already walked are read again after the gap.
			cur = ""
		default:
		}
		var page connector.Page
		err = w.call(func(ctx context.Context) (err error) { page, err = bf.Backfill(ctx, cur); return err })
		if err != nil {
			if w.ctx.Err() != nil {
				return
			}
			if connector.Classify(err) == connector.Permanent && cur != "" {
				// A cursor the connector cannot read (an older format):
				// walk again from the start; ingest upserts, nothing doubles.
				w.e.log.Warn("sync: backfill cursor reset", "account", w.acc.ID, "err", err)
				if serr := w.e.opts.Store.SetCursor(w.ctx, w.acc.ID, KeyBackfill, ""); serr != nil && w.storeFailed(serr, bo) {
					return
				}
			}
			if w.failed(err, bo) {
				return
			}
			continue
		}
		next := page.Cursor
		again := false
		if !page.More {
			next = backfillDone
			select {
			case <-w.liveSet:
			default:
				// Live has not fixed its starting point yet, so comments
				// made after this walk passed a post may precede it: walk
				// once more when it has.
				next, again = "", true
			}
		}
		if err := w.ingest(page, KeyBackfill, next); err != nil {
			if w.storeFailed(err, bo) {
				return
			}
			continue
		}
		bo.Reset()
		if again {
			select {
			case <-w.ctx.Done():
				return
			case <-w.liveSet:
			}
		}
	}
}

// liveLoop long-polls for new items; each page and its cursor are stored
// together before the next poll confirms them to the network.
func (w *worker) liveLoop(lv connector.Live) {
	bo := w.e.newBackoff()
	for w.ctx.Err() == nil {
		cur, err := w.e.opts.Store.Cursor(w.ctx, w.acc.ID, KeyLive)
		if err != nil {
			if w.storeFailed(err, bo) {
				return
			}
			continue
		}
		var page connector.Page
		err = w.call(func(ctx context.Context) (err error) { page, err = lv.Poll(ctx, cur); return err })
		if err != nil {
			if w.failed(err, bo) {
				return
			}
			continue
		}
		if page.Resync {
			// Recorded before the new live cursor, so a crash in between
			// still walks the history again.
			if err := w.e.opts.Store.SetCursor(w.ctx, w.acc.ID, KeyBackfill, ""); err != nil {
				if w.storeFailed(err, bo) {
					return
				}
				continue
			}
		}
		if page.Cursor != cur || len(page.Posts)+len(page.Messages)+len(page.Quarantine) > 0 {
			key := KeyLive
			if page.Cursor == "" {
				key = "" // nothing to remember yet; keep what is stored
			}
			if err := w.ingest(page, key, page.Cursor); err != nil {
				if w.storeFailed(err, bo) {
					return
				}
				continue
			}
			if key != "" {
				w.markLive()
			}
		}
		if page.Resync {
			select {
			case w.resync <- struct{}{}:
			default:
			}
		}
		bo.Reset()
	}
}
