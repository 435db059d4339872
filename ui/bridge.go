package ui

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// bridge is the one way background work reaches widgets: work runs on its
// own goroutine, its result is applied on the UI goroutine through fyne.Do.
// Closing the bridge cancels work in flight and drops results not yet applied.
type bridge struct {
	ctx     context.Context
	cancel  context.CancelFunc
	jobs    sync.WaitGroup // async work in flight
	running atomic.Int64   // the same, as a number applyUntil can read
	// lastDone is when the last job finished (UnixNano); active is
	// signalled as jobs finish, for afterBursts.
	lastDone atomic.Int64
	active   chan struct{}
	loops    sync.WaitGroup // the event pump and afterBursts
	events   atomic.Int64   // core events handled, for tests that wait on the pump

	// serial queues results instead of calling fyne.Do; settle applies them
	// on the caller's goroutine. Tests use it: the test driver's fyne.Do runs
	// at once on the calling goroutine, which would let results race.
	serial bool
	mu     sync.Mutex
	queue  []func()
}

func newBridge() *bridge {
	ctx, cancel := context.WithCancel(context.Background())
	return &bridge{ctx: ctx, cancel: cancel, active: make(chan struct{}, 1)}
}

// do runs fn on the UI goroutine unless the bridge is closed.
func (b *bridge) do(fn func()) {
	if b.ctx.Err() != nil {
		return
	}
	if b.serial {
		b.mu.Lock()
		b.queue = append(b.queue, fn)
		b.mu.Unlock()
		return
	}
	fyne.Do(func() {
		if b.ctx.Err() == nil {
			fn()
		}
	})
}

// settle waits until every started job has finished and, in serial mode,
// applies the queued results, repeating while they start more work. Tests
// use it; the app never blocks the UI goroutine on it.
func (b *bridge) settle() {
	for {
		b.jobs.Wait()
		b.mu.Lock()
		q := b.queue
		b.queue = nil
		b.mu.Unlock()
		if len(q) == 0 {
			return
		}
		for _, fn := range q {
			if b.ctx.Err() == nil {
				fn()
			}
		}
	}
}

// applyUntil applies queued results, in serial mode, as they arrive until
// done reports true, without waiting for other work still running (such
// as a count behind the list). Benchmarks use it to time what the user
// sees first. It gives up when nothing is left to wait for.
func (b *bridge) applyUntil(done func() bool) bool {
	for {
		b.mu.Lock()
		q := b.queue
		b.queue = nil
		b.mu.Unlock()
		for _, fn := range q {
			if b.ctx.Err() == nil {
				fn()
			}
		}
		if done() {
			return true
		}
		if len(q) == 0 && b.running.Load() == 0 {
			b.mu.Lock()
			empty := len(b.queue) == 0
			b.mu.Unlock()
			if empty {
				return done()
			}
		}
		time.Sleep(50 * time.Microsecond)
	}
}

// afterBursts calls fn, on a goroutine of its own, each time background work
// has been quiet for quiet after a burst of it, and at most once per gap.
// Between bursts it waits on a channel, not a clock. Closing the bridge
// stops it and cancels fn's context.
func (b *bridge) afterBursts(quiet, gap time.Duration, fn func(ctx context.Context)) {
	b.loops.Add(1)
	go func() {
		defer b.loops.Done()
		sleep := func(d time.Duration) bool {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-b.ctx.Done():
				return false
			case <-t.C:
				return true
			}
		}
		for {
			select {
			case <-b.ctx.Done():
				return
			case <-b.active:
			}
			for {
				wait := quiet
				if b.running.Load() == 0 {
					since := time.Since(time.Unix(0, b.lastDone.Load()))
					if since >= quiet {
						break
					}
					wait = quiet - since
				}
				if !sleep(wait) {
					return
				}
			}
			select { // the burst just ended is this call's
			case <-b.active:
			default:
			}
			fn(b.ctx)
			if !sleep(gap) {
				return
			}
		}
	}()
}

func (b *bridge) close() {
	b.cancel()
	b.jobs.Wait()
	b.loops.Wait()
}

// async runs work off the UI goroutine and hands its result to apply on it.
func async[T any](b *bridge, work func(ctx context.Context) (T, error), apply func(T, error)) {
	if b.ctx.Err() != nil {
		return
	}
	b.jobs.Add(1)
	b.running.Add(1)
	go func() {
		defer b.jobs.Done()
		v, err := work(b.ctx)
		b.do(func() { apply(v, err) })
		b.lastDone.Store(time.Now().UnixNano())
		b.running.Add(-1) // after the result is queued, so applyUntil sees one or the other
		select {
		case b.active <- struct{}{}:
		default:
		}
	}()
}

// pump turns the core's events into calls of handle on the UI goroutine and,
// between events, calls tick on it every period so relative times stay true.
func (b *bridge) pump(events <-chan Event, ticks <-chan struct{}, handle func(Event), tick func()) {
	b.loops.Add(1)
	go func() {
		defer b.loops.Done()
		for {
			select {
			case <-b.ctx.Done():
				return
			case e, ok := <-events:
				if !ok {
					return
				}
				b.do(func() { handle(e) })
				b.events.Add(1)
			case <-ticks:
				b.do(tick)
			}
		}
	}()
}
